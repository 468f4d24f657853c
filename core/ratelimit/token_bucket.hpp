#pragma once
// The token-bucket arithmetic, the same as the Lua script in
// core/ratelimit/redis/bucket_script.cpp (keep them in step): a bucket
// refills at `per_minute` tokens per minute up to `burst`, and starts full.
#include <chrono>
#include <cstdint>
#include <optional>

namespace ralph::ratelimit {

struct Bucket {
  double tokens = 0;
  std::int64_t at_ms = 0; // when `tokens` was right
};

class TokenBucket {
public:
  TokenBucket(double per_minute, double burst) : m_per_minute(per_minute), m_burst(burst) {}

  // The balance at `now_ms`, refilled since the bucket was last touched. A
  // bucket never touched is full.
  double balance(const std::optional<Bucket>& b, std::int64_t now_ms) const;
  // How long until the balance reaches `need` (0 when it already has).
  std::chrono::milliseconds wait_for(double balance, double need) const;

private:
  double m_per_minute;
  double m_burst;
};

} // namespace ralph::ratelimit
