#pragma once
// A pub/sub subscription on its own connection, as a store::Wakeups: ralphd
// polls fd() next to the PostgreSQL LISTEN descriptor and feeds drain()'s
// messages down the same path. Redis only saves a poll; while it is away fd()
// is -1 and the daemon's polling carries on.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/redis/client.hpp"
#include "core/store/wakeups.hpp"

namespace ralph::redis {

class Subscriber : public store::Wakeups {
public:
  // Whether the subscription is live now (for ralph_redis_up).
  virtual bool connected() const = 0;
  // Errors seen since the start: failed connects and lost connections.
  virtual long long errors() const = 0;
};

// Subscribes to `channel` at the first drain() (and again after every lost
// connection, with a growing pause between attempts). Error on a malformed URL.
Result<std::unique_ptr<Subscriber>> subscribe(std::string_view url, std::string channel,
                                              std::chrono::milliseconds timeout);

} // namespace ralph::redis
