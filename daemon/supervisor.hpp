#pragma once
// ralphd's supervisor: one event loop (signals, wakeups, timers) that keeps
// the worker slots fed from the store, heartbeats this instance, takes back
// the tasks of dead ones, drains on SIGTERM and reloads on SIGHUP.
#include <memory>

#include "core/app/context.hpp"

namespace ralph::daemon {

// Exit codes of ralphd.
namespace daemon_exit {
constexpr int ok = 0;          // stopped cleanly (drained, or shut down at a second signal)
constexpr int failure = 1;     // could not start, or a fatal runtime error
constexpr int config = 2;      // usage or configuration error
constexpr int evicted = 3;     // the store marks this instance dead (ralph instances evict): its tasks were taken over
} // namespace daemon_exit

class Supervisor {
public:
  explicit Supervisor(app::Overrides overrides);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs until SIGTERM/SIGINT has drained the slots. Throws ralph::Error
  // when it cannot start.
  int run();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace ralph::daemon
