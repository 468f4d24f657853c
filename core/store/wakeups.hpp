#pragma once
// Wakeups a shared store delivers to daemons on other machines (PostgreSQL:
// LISTEN/NOTIFY). The store is still the truth: a wakeup only saves a poll.
#include <memory>
#include <string>
#include <vector>

namespace ralph::store {

class Wakeups {
public:
  virtual ~Wakeups() = default;
  // A descriptor that becomes readable when wakeups may be pending; -1
  // while disconnected (the caller keeps polling meanwhile).
  virtual int fd() = 0;
  // The pending messages ("submit", "cancel <id>"), oldest first.
  // Reconnects after a lost connection.
  virtual std::vector<std::string> drain() = 0;
};

} // namespace ralph::store
