#pragma once
// SIGINT/SIGTERM/SIGHUP for a foreground loop: the first one cancels the loop
// cleanly (the agent's group is stopped, the stop is recorded); a second one
// exits at once with 130.
#include <memory>

#include "core/util/cancel.hpp"

namespace ralph::cli {

class SignalWatcher {
public:
  explicit SignalWatcher(util::CancelSource& cancel); // blocks the signals, starts a sigwait thread
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  bool interrupted() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace ralph::cli
