#pragma once
// Fleet-wide rate limits: the token buckets live in Redis, under
// <prefix>rl:<provider>:req and <prefix>rl:<provider>:tok, and one Lua script
// (EVALSHA, so a call is one round trip and atomic) takes from them, so every
// daemon and `ralph run` sharing the Redis waits on the same buckets. Time is
// Redis's own (TIME), so the hosts' clocks need not agree.
#include <memory>

#include "core/ratelimit/fallback_limiter.hpp"

namespace ralph::redis { class Client; }

namespace ralph::ratelimit {

// Thread-safe: calls share `client` under a lock (one round trip each, once
// per agent call, so there is little to contend for).
std::unique_ptr<SharedLimiter> make_redis_limiter(std::unique_ptr<redis::Client> client);

// The script's source, for tests that run it directly.
const std::string& bucket_script_source();

} // namespace ralph::ratelimit
