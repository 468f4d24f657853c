#pragma once
// Rate limits kept in this process: shared by the loops of one ralphd (its
// worker slots) or one `ralph run`, not by the fleet. Used when no Redis is
// configured, and while the configured one is unreachable.
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/ratelimit/limiter.hpp"
#include "core/ratelimit/token_bucket.hpp"

namespace ralph::clock { class Clock; }

namespace ralph::ratelimit {

class LocalLimiter final : public Limiter {
public:
  explicit LocalLimiter(const clock::Clock& clock) : m_clock(clock) {}
  std::chrono::milliseconds acquire(const std::string& provider, const RateLimit& limit) override;
  void charge(const std::string& provider, const RateLimit& limit, std::int64_t tokens) override;

private:
  struct Buckets {
    std::optional<Bucket> requests;
    std::optional<Bucket> tokens;
  };
  std::int64_t now_ms() const;

  const clock::Clock& m_clock;
  std::mutex m_mutex; // worker slots share one limiter
  std::map<std::string, Buckets> m_buckets;
};

} // namespace ralph::ratelimit
