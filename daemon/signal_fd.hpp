#pragma once
// SIGTERM, SIGINT and SIGHUP as readable events in the supervisor's poll
// loop. The signals are blocked in every thread, so the constructor must run
// before any thread starts (threads inherit the mask; agents do not: the
// process runner spawns them with an empty mask).
#include <vector>

namespace ralph::daemon {

class SignalFd {
public:
  SignalFd();  // throws ralph::Error when signalfd is unavailable
  ~SignalFd();
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  int fd() const { return m_fd; }
  std::vector<int> read(); // pending signal numbers, oldest first

private:
  int m_fd = -1;
};

} // namespace ralph::daemon
