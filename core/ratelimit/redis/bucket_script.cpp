// The token bucket in Lua. It mirrors core/ratelimit/token_bucket.cpp (keep
// them in step): a bucket refills at per_minute/60000 a millisecond up to its
// burst, starts full, and a missing key is a full bucket (it expires once it
// would have refilled). `acquire` returns 0 and takes one request when the
// token bucket holds at least one token and the request bucket one request;
// otherwise the wait in ms and takes nothing. `charge` spends tokens, into
// debt if need be.
#include <string>

#include "core/ratelimit/redis/redis_limiter.hpp"

namespace ralph::ratelimit {

const std::string& bucket_script_source() {
  static const std::string source = R"lua(
-- KEYS: requests bucket, tokens bucket. ARGV: op, requests_per_minute,
-- request_burst, tokens_per_minute, token_burst, tokens to charge.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function balance(key, per_minute, burst)
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(b[1])
  if not tokens then return burst end
  local elapsed = math.max(0, now - (tonumber(b[2]) or now))
  return math.min(burst, tokens + elapsed * per_minute / 60000)
end
local function save(key, tokens, per_minute, burst)
  redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'ts', now)
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) * 60000 / per_minute) + 1000)
end
local function wait_for(b, per_minute)
  if b >= 1 then return 0 end
  return math.max(1, math.ceil((1 - b) * 60000 / per_minute - 1e-6))
end
local rpm, rburst = tonumber(ARGV[2]), tonumber(ARGV[3])
local tpm, tburst = tonumber(ARGV[4]), tonumber(ARGV[5])
if ARGV[1] == 'charge' then
  if tpm > 0 then save(KEYS[2], balance(KEYS[2], tpm, tburst) - tonumber(ARGV[6]), tpm, tburst) end
  return 0
end
if tpm > 0 then
  local w = wait_for(balance(KEYS[2], tpm, tburst), tpm)
  if w > 0 then return w end
end
if rpm > 0 then
  local b = balance(KEYS[1], rpm, rburst)
  local w = wait_for(b, rpm)
  if w > 0 then return w end
  save(KEYS[1], b - 1, rpm, rburst)
end
return 0
)lua";
  return source;
}

} // namespace ralph::ratelimit
