#include "core/app/wakeup.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace ralph::app {

namespace {

bool fill_address(const std::filesystem::path& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  const auto& text = path.native();
  if (text.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
  return true;
}

} // namespace

std::filesystem::path wakeup_socket_path(const std::string& configured, const std::filesystem::path& state_dir) {
  return configured.empty() ? state_dir / "ralphd.sock" : std::filesystem::path(configured);
}

bool poke(const std::filesystem::path& socket, std::string_view message) noexcept {
  sockaddr_un addr{};
  if (!fill_address(socket, addr)) return false;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  auto sent = ::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

WakeupListener::~WakeupListener() {
  if (m_fd < 0) return;
  ::close(m_fd);
  std::error_code ec;
  std::filesystem::remove(m_path, ec);
}

util::Expected<bool, std::string> WakeupListener::bind(const std::filesystem::path& socket) {
  sockaddr_un addr{};
  if (!fill_address(socket, addr))
    return util::unexpected("wakeup socket path is too long (" + std::to_string(socket.native().size()) +
                            " bytes; at most 107): " + socket.string() + "; set daemon.socket to a shorter path");
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return util::unexpected(std::string("cannot create the wakeup socket: ") + std::strerror(errno));
  std::error_code ec;
  std::filesystem::remove(socket, ec); // a stale socket of a crashed daemon
  // Only this user may poke: the socket is created 0600.
  auto old_mask = ::umask(0177);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::umask(old_mask);
  if (rc != 0) {
    ::close(fd);
    return util::unexpected("cannot bind the wakeup socket " + socket.string() + ": " + std::strerror(err));
  }
  m_fd = fd;
  m_path = socket;
  return true;
}

std::vector<std::string> WakeupListener::drain() {
  std::vector<std::string> out;
  char buf[512];
  for (;;) {
    auto n = ::recv(m_fd, buf, sizeof buf, 0);
    if (n < 0) break; // EAGAIN: nothing more
    out.emplace_back(buf, static_cast<std::size_t>(n));
  }
  return out;
}

} // namespace ralph::app
