#include "core/ratelimit/fallback_limiter.hpp"

#include "core/clock/clock.hpp"

namespace ralph::ratelimit {

using std::chrono::milliseconds;

FallbackLimiter::FallbackLimiter(std::unique_ptr<SharedLimiter> shared, const clock::Clock& clock, LogFn log,
                                 milliseconds retry_after)
    : m_shared(std::move(shared)), m_clock(clock), m_local(clock), m_log(std::move(log)), m_retry_after(retry_after) {}

bool FallbackLimiter::degraded() const {
  std::lock_guard lock(m_mutex);
  return m_down;
}

bool FallbackLimiter::use_shared() {
  std::lock_guard lock(m_mutex);
  return !m_down || m_clock.steady_now() >= m_retry_at;
}

void FallbackLimiter::failed(const std::string& message) {
  ++m_errors;
  bool first = false;
  {
    std::lock_guard lock(m_mutex);
    first = !m_down;
    m_down = true;
    m_retry_at = m_clock.steady_now() + m_retry_after;
  }
  if (first && m_log)
    m_log(true, "rate limits: the shared store is unreachable, limiting per process until it is back: " + message);
}

void FallbackLimiter::succeeded() {
  bool was_down = false;
  {
    std::lock_guard lock(m_mutex);
    was_down = m_down;
    m_down = false;
  }
  if (was_down && m_log) m_log(false, "rate limits: the shared store is back, limits are fleet-wide again");
}

milliseconds FallbackLimiter::acquire(const std::string& provider, const RateLimit& limit) {
  if (!limit.any()) return milliseconds{0};
  if (use_shared()) {
    auto wait = m_shared->acquire(provider, limit);
    if (wait) {
      succeeded();
      return *wait;
    }
    failed(wait.error());
  }
  return m_local.acquire(provider, limit);
}

void FallbackLimiter::charge(const std::string& provider, const RateLimit& limit, std::int64_t tokens) {
  if (!limit.limits_tokens() || tokens <= 0) return;
  // The local buckets are charged as well, so a switch to them mid-outage
  // starts from this process's own recent usage.
  m_local.charge(provider, limit, tokens);
  if (!use_shared()) return;
  auto r = m_shared->charge(provider, limit, tokens);
  if (r) succeeded();
  else failed(r.error());
}

} // namespace ralph::ratelimit
