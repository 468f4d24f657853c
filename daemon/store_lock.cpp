#include "daemon/store_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace ralph::daemon {

namespace {

std::string read_holder(int fd) {
  char buf[64] = {};
  auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

} // namespace

util::Expected<StoreLock, std::string> StoreLock::acquire(const std::filesystem::path& db) {
  auto path = db.string() + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return util::unexpected("cannot open the lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    auto holder = read_holder(fd);
    ::close(fd);
    if (err == EWOULDBLOCK)
      return util::unexpected("another ralphd" + (holder.empty() ? std::string() : " (pid " + holder + ")") +
                              " is already running on the store " + db.string() +
                              "; one daemon per SQLite store (use PostgreSQL for several)");
    return util::unexpected("cannot lock " + path + ": " + std::strerror(err));
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only for the message a second daemon prints; the lock holds regardless.
  }
  return StoreLock(fd);
}

StoreLock::StoreLock(StoreLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

StoreLock::~StoreLock() {
  if (m_fd >= 0) ::close(m_fd);
}

} // namespace ralph::daemon
