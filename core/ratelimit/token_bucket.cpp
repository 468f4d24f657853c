#include "core/ratelimit/token_bucket.hpp"

#include <algorithm>
#include <cmath>

#include "core/ratelimit/limiter.hpp"

namespace ralph::ratelimit {

double RateLimit::effective_request_burst() const {
  return std::max(1.0, request_burst > 0 ? request_burst : requests_per_minute);
}

double RateLimit::effective_token_burst() const {
  return std::max(1.0, token_burst > 0 ? token_burst : tokens_per_minute);
}

double TokenBucket::balance(const std::optional<Bucket>& b, std::int64_t now_ms) const {
  if (!b) return m_burst;
  // A clock that went backwards (another host's, for Redis) refills nothing.
  auto elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - b->at_ms));
  return std::min(m_burst, b->tokens + elapsed * m_per_minute / 60'000.0);
}

std::chrono::milliseconds TokenBucket::wait_for(double balance, double need) const {
  if (balance >= need) return std::chrono::milliseconds{0};
  // Less a hair, so that float noise in an exact figure (0.6 of a token at
  // one a second) does not round 600 ms up to 601.
  double ms = (need - balance) * 60'000.0 / m_per_minute;
  return std::chrono::milliseconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(ms - 1e-6)))};
}

} // namespace ralph::ratelimit
