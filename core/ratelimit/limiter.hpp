#pragma once
// Rate limits per provider (anthropic, openai, …): requests and tokens per
// minute, shared by every loop that calls the same provider. A loop asks
// before each agent call and reports the tokens afterwards; the limiter says
// how long to wait. Implementations: in-process (local_limiter.hpp) and
// fleet-wide through Redis (core/ratelimit/redis), with a fallback to the
// in-process one when Redis is unreachable (fallback_limiter.hpp).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ralph::ratelimit {

// One provider's limits. A rate of 0 (or unset) means "no limit" for that
// bucket; a burst of 0 means "the rate's own figure" (a full minute's worth).
struct RateLimit {
  double requests_per_minute = 0;
  double tokens_per_minute = 0;
  double request_burst = 0;
  double token_burst = 0;

  bool limits_requests() const { return requests_per_minute > 0; }
  bool limits_tokens() const { return tokens_per_minute > 0; }
  bool any() const { return limits_requests() || limits_tokens(); }
  // At least one request, so a burst below 1 cannot block forever.
  double effective_request_burst() const;
  double effective_token_burst() const;
};

class Limiter {
public:
  virtual ~Limiter() = default;
  // Takes one request from `provider`'s request bucket when its token bucket
  // is not in debt and returns 0; otherwise takes nothing and returns how
  // long to wait before asking again.
  virtual std::chrono::milliseconds acquire(const std::string& provider, const RateLimit& limit) = 0;
  // Spends `tokens` from the token bucket after the call. The balance may go
  // negative: usage is only known afterwards, so the next calls wait it off.
  virtual void charge(const std::string& provider, const RateLimit& limit, std::int64_t tokens) = 0;
  // Calls to a shared store (Redis) that failed, since start; 0 without one.
  virtual std::uint64_t errors() const { return 0; }
};

} // namespace ralph::ratelimit
