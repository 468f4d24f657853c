#include "core/app/redis.hpp"

#include "core/app/context.hpp"

#include <algorithm>

namespace ralph::app {

RedisSettings redis_settings(const Context& ctx) {
  RedisSettings s;
  s.url = ctx.config.get_string("redis.url");
  // Like DATABASE_URL for the store: honoured when redis.url is unset and it
  // names Redis.
  if (s.url.empty()) {
    auto env = config::process_environment();
    if (auto it = env.find("REDIS_URL"); it != env.end() &&
        (it->second.starts_with("redis://") || it->second.starts_with("unix://")))
      s.url = it->second;
  }
  s.prefix = ctx.config.get_string("redis.prefix");
  if (auto t = ctx.config.get_duration("redis.timeout"); t && t->count() > 0) s.timeout = *t;
  return s;
}

redis::Result<std::unique_ptr<redis::Client>> open_redis(const RedisSettings& settings) {
  if (!settings.enabled()) return std::unique_ptr<redis::Client>();
  return redis::connect(settings.url, settings.prefix, settings.timeout);
}

std::string wake_channel(const RedisSettings& settings) { return settings.prefix + "wake"; }

bool publish_wakeup(const Context& ctx, std::string_view message) noexcept {
  try {
    auto settings = redis_settings(ctx);
    // A command must not hang on a Redis that is away: a quarter second at most.
    settings.timeout = std::min(settings.timeout, std::chrono::milliseconds(250));
    auto client = open_redis(settings);
    if (!client || !*client) return false;
    auto r = (*client)->command({"PUBLISH", wake_channel(settings), std::string(message)});
    return r && r->type == redis::Reply::Type::integer;
  } catch (...) {
    return false;
  }
}

} // namespace ralph::app
