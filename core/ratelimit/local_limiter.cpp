#include "core/ratelimit/local_limiter.hpp"

#include "core/clock/clock.hpp"

namespace ralph::ratelimit {

using std::chrono::milliseconds;

std::int64_t LocalLimiter::now_ms() const {
  return std::chrono::duration_cast<milliseconds>(m_clock.steady_now().time_since_epoch()).count();
}

milliseconds LocalLimiter::acquire(const std::string& provider, const RateLimit& limit) {
  if (!limit.any()) return milliseconds{0};
  std::lock_guard lock(m_mutex);
  auto& b = m_buckets[provider];
  const auto now = now_ms();
  if (limit.limits_tokens()) {
    TokenBucket tokens(limit.tokens_per_minute, limit.effective_token_burst());
    if (auto wait = tokens.wait_for(tokens.balance(b.tokens, now), 1); wait.count() > 0) return wait;
  }
  if (limit.limits_requests()) {
    TokenBucket requests(limit.requests_per_minute, limit.effective_request_burst());
    double balance = requests.balance(b.requests, now);
    if (auto wait = requests.wait_for(balance, 1); wait.count() > 0) return wait;
    b.requests = Bucket{balance - 1, now};
  }
  return milliseconds{0};
}

void LocalLimiter::charge(const std::string& provider, const RateLimit& limit, std::int64_t tokens) {
  if (!limit.limits_tokens() || tokens <= 0) return;
  std::lock_guard lock(m_mutex);
  auto& b = m_buckets[provider];
  const auto now = now_ms();
  TokenBucket bucket(limit.tokens_per_minute, limit.effective_token_burst());
  b.tokens = Bucket{bucket.balance(b.tokens, now) - static_cast<double>(tokens), now};
}

} // namespace ralph::ratelimit
