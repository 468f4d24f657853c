#include "core/app/rate_limits.hpp"

#include "core/app/redis.hpp"
#include "core/ratelimit/fallback_limiter.hpp"
#include "core/ratelimit/local_limiter.hpp"
#include "core/ratelimit/redis/redis_limiter.hpp"
#include "core/util/error.hpp"

namespace ralph::app {

ratelimit::RateLimit rate_limit(const config::Config& cfg, const std::string& provider) {
  const std::string p = "rate_limits." + provider + ".";
  auto figure = [&](const char* key) {
    double v = cfg.get_number(p + key).value_or(0.0);
    if (v < 0) throw ConfigError(p + key + " must not be negative");
    return v;
  };
  ratelimit::RateLimit r;
  r.requests_per_minute = figure("requests_per_minute");
  r.tokens_per_minute = figure("tokens_per_minute");
  r.request_burst = figure("request_burst");
  r.token_burst = figure("token_burst");
  return r;
}

std::unique_ptr<ratelimit::Limiter> make_limiter(const Context& ctx, const clock::Clock& clock, LimiterLog log) {
  auto settings = redis_settings(ctx);
  if (!settings.enabled()) return std::make_unique<ratelimit::LocalLimiter>(clock);
  auto client = open_redis(settings);
  if (!client) throw ConfigError("redis.url: " + client.error().message);
  return std::make_unique<ratelimit::FallbackLimiter>(ratelimit::make_redis_limiter(std::move(*client)), clock,
                                                      std::move(log));
}

} // namespace ralph::app
