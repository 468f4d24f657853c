#include "core/app/rate_limits.hpp"

#include "core/ratelimit/local_limiter.hpp"
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

std::unique_ptr<ratelimit::Limiter> make_limiter(const config::Config&, const clock::Clock& clock, LimiterLog) {
  return std::make_unique<ratelimit::LocalLimiter>(clock);
}

} // namespace ralph::app
