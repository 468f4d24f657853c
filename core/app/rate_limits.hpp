#pragma once
// [rate_limits.<provider>] as the limiter's terms, and the limiter a process
// shares between its loops: fleet-wide through Redis when redis.url is set,
// else per process.
#include <functional>
#include <memory>
#include <string>

#include "core/app/context.hpp"
#include "core/config/config.hpp"
#include "core/ratelimit/limiter.hpp"

namespace ralph::clock { class Clock; }

namespace ralph::app {

// The limits of `provider`; all zero (no limits) without a table for it.
// Throws ConfigError for a negative figure.
ratelimit::RateLimit rate_limit(const config::Config& cfg, const std::string& provider);

// `log(error, message)` reports a Redis outage and its end, once each.
// Throws ConfigError for a malformed redis.url. Redis is connected lazily:
// one that is down at start is only used once it is up.
using LimiterLog = std::function<void(bool error, const std::string& message)>;
std::unique_ptr<ratelimit::Limiter> make_limiter(const Context& ctx, const clock::Clock& clock, LimiterLog log);

} // namespace ralph::app
