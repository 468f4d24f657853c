#pragma once
// Fleet-wide limits through a shared store (Redis) that may be unreachable.
// While it is, the limits hold per process instead (LocalLimiter): loops keep
// running, the outage is logged once, errors are counted, and the shared
// store is tried again after a pause rather than on every call (a connect
// timeout per agent call would add up).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/ratelimit/limiter.hpp"
#include "core/ratelimit/local_limiter.hpp"
#include "core/util/expected.hpp"

namespace ralph::clock { class Clock; }

namespace ralph::ratelimit {

// The same contract as Limiter, with failures (short, secret-free messages).
// Must be thread-safe.
class SharedLimiter {
public:
  virtual ~SharedLimiter() = default;
  virtual util::Expected<std::chrono::milliseconds, std::string> acquire(const std::string& provider,
                                                                         const RateLimit& limit) = 0;
  virtual util::Expected<void, std::string> charge(const std::string& provider, const RateLimit& limit,
                                                   std::int64_t tokens) = 0;
};

class FallbackLimiter final : public Limiter {
public:
  using LogFn = std::function<void(bool error, const std::string& message)>;
  FallbackLimiter(std::unique_ptr<SharedLimiter> shared, const clock::Clock& clock, LogFn log,
                  std::chrono::milliseconds retry_after = std::chrono::seconds(5));

  std::chrono::milliseconds acquire(const std::string& provider, const RateLimit& limit) override;
  void charge(const std::string& provider, const RateLimit& limit, std::int64_t tokens) override;

  // Calls to the shared store that failed, since start.
  std::uint64_t errors() const override { return m_errors.load(); }
  bool degraded() const;

private:
  bool use_shared();
  void failed(const std::string& message);
  void succeeded();

  std::unique_ptr<SharedLimiter> m_shared;
  const clock::Clock& m_clock;
  LocalLimiter m_local;
  LogFn m_log;
  std::chrono::milliseconds m_retry_after;
  mutable std::mutex m_mutex;
  bool m_down = false;
  std::chrono::steady_clock::time_point m_retry_at{};
  std::atomic<std::uint64_t> m_errors{0};
};

} // namespace ralph::ratelimit
