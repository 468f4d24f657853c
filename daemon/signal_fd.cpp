#include "daemon/signal_fd.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/util/error.hpp"

namespace ralph::daemon {

SignalFd::SignalFd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) throw Error("cannot block signals");
  m_fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (m_fd < 0) throw Error(std::string("cannot create a signalfd: ") + std::strerror(errno));
  // A client that disconnects mid-response must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
}

SignalFd::~SignalFd() {
  if (m_fd >= 0) ::close(m_fd);
}

std::vector<int> SignalFd::read() {
  std::vector<int> out;
  signalfd_siginfo info{};
  while (::read(m_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
    out.push_back(static_cast<int>(info.ssi_signo));
  return out;
}

} // namespace ralph::daemon
