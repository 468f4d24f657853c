#pragma once
// The optional Redis of ralph and ralphd, from redis.url / redis.prefix /
// redis.timeout (REDIS_URL when redis.url is unset). Redis only speeds things
// up; nothing depends on it being there.
#include <chrono>
#include <memory>
#include <string>

#include "core/redis/client.hpp"

namespace ralph::app {

struct Context;

struct RedisSettings {
  std::string url;    // empty = no Redis
  std::string prefix; // "ralph:"
  std::chrono::milliseconds timeout{500};
  bool enabled() const { return !url.empty(); }
};

RedisSettings redis_settings(const Context& ctx);

// A client for `settings` (connecting lazily), or nullptr when Redis is not
// configured. Error on a malformed URL.
redis::Result<std::unique_ptr<redis::Client>> open_redis(const RedisSettings& settings);

// The pub/sub channel daemons listen on for wakeups: <prefix>wake.
std::string wake_channel(const RedisSettings& settings);

// PUBLISHes a wakeup ("submit", "cancel <id>") to every ralphd when Redis is
// configured. Best effort with a short timeout: false when Redis is unset or
// unreachable, which callers ignore (the daemons' polling still finds the work).
bool publish_wakeup(const Context& ctx, std::string_view message) noexcept;

} // namespace ralph::app
