// The Lua token bucket against a real redis-server: it answers as the
// in-process bucket does, clients share it, and it survives SCRIPT FLUSH.
// Runs under scripts/with-test-services.sh, which provides RALPH_TEST_REDIS_URL.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

#include "core/ratelimit/local_limiter.hpp"
#include "core/ratelimit/redis/redis_limiter.hpp"
#include "core/redis/client.hpp"
#include "tests/support/manual_clock.hpp"

using namespace ralph;
using namespace ralph::ratelimit;
using std::chrono::milliseconds;

namespace {

// Each test its own keys, so runs and tests never share a bucket.
std::string fresh_prefix() {
  static std::mt19937_64 rng{std::random_device{}()};
  return "it-rl-" + std::to_string(rng()) + ":";
}

std::unique_ptr<redis::Client> connect(const std::string& prefix) {
  const char* url = std::getenv("RALPH_TEST_REDIS_URL");
  if (!url || !*url) FAIL("RALPH_TEST_REDIS_URL is not set: run this through scripts/with-test-services.sh");
  auto c = redis::connect(url, prefix, milliseconds{2000});
  if (!c) FAIL(c.error().message);
  return std::move(*c);
}

milliseconds acquire(SharedLimiter& l, const std::string& provider, const RateLimit& limit) {
  auto w = l.acquire(provider, limit);
  if (!w) FAIL(w.error());
  return *w;
}

RateLimit requests(double per_minute, double burst) {
  RateLimit r;
  r.requests_per_minute = per_minute;
  r.request_burst = burst;
  return r;
}

// Redis's clock runs while the test talks to it: a wait may be a little
// shorter than the in-process bucket's, never longer.
void check_close(milliseconds from_redis, milliseconds local) {
  CHECK(from_redis <= local);
  CHECK(from_redis >= local - milliseconds{200});
}

} // namespace

TEST_CASE("the Lua bucket answers as the in-process one: requests", "[redis][ratelimit]") {
  auto shared = make_redis_limiter(connect(fresh_prefix()));
  test::ManualClock clock;
  LocalLimiter local(clock);
  auto limit = requests(60, 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(acquire(*shared, "p", limit) == milliseconds{0});
    CHECK(local.acquire("p", limit) == milliseconds{0});
  }
  check_close(acquire(*shared, "p", limit), local.acquire("p", limit));
  check_close(acquire(*shared, "p", limit), local.acquire("p", limit)); // refused: took nothing
  CHECK(acquire(*shared, "other", limit) == milliseconds{0});
}

TEST_CASE("the Lua bucket answers as the in-process one: token debt", "[redis][ratelimit]") {
  auto shared = make_redis_limiter(connect(fresh_prefix()));
  test::ManualClock clock;
  LocalLimiter local(clock);
  RateLimit limit;
  limit.tokens_per_minute = 6000;
  limit.requests_per_minute = 600;
  CHECK(acquire(*shared, "p", limit) == milliseconds{0});
  CHECK(local.acquire("p", limit) == milliseconds{0});
  REQUIRE(shared->charge("p", limit, 9000));
  local.charge("p", limit, 9000);
  auto local_wait = local.acquire("p", limit);
  CHECK(local_wait == milliseconds{30'010});
  check_close(acquire(*shared, "p", limit), local_wait);
}

TEST_CASE("two clients share one bucket", "[redis][ratelimit]") {
  auto prefix = fresh_prefix();
  auto a = make_redis_limiter(connect(prefix));
  auto b = make_redis_limiter(connect(prefix));
  auto limit = requests(60, 1);
  CHECK(acquire(*a, "p", limit) == milliseconds{0});
  auto wait = acquire(*b, "p", limit);
  CHECK(wait > milliseconds{800});
  CHECK(wait <= milliseconds{1000});
}

TEST_CASE("the script is loaded again after SCRIPT FLUSH (NOSCRIPT)", "[redis][ratelimit]") {
  auto prefix = fresh_prefix();
  auto shared = make_redis_limiter(connect(prefix));
  auto limit = requests(60, 1);
  CHECK(acquire(*shared, "p", limit) == milliseconds{0});
  auto admin = connect(prefix);
  auto flushed = admin->command({"SCRIPT", "FLUSH"});
  REQUIRE(flushed);
  CHECK(flushed->type != redis::Reply::Type::error);
  CHECK(acquire(*shared, "p", limit) > milliseconds{0}); // the same bucket, still spent
}

TEST_CASE("the buckets live under the prefix and expire once they would be full again", "[redis][ratelimit]") {
  auto prefix = fresh_prefix();
  auto shared = make_redis_limiter(connect(prefix));
  auto admin = connect(prefix);
  CHECK(acquire(*shared, "anthropic", requests(60, 1)) == milliseconds{0});
  auto ttl = admin->command({"PTTL", prefix + "rl:anthropic:req"});
  REQUIRE(ttl);
  REQUIRE(ttl->type == redis::Reply::Type::integer);
  CHECK(ttl->integer > 0);
  CHECK(ttl->integer <= 2000); // one second to refill, plus a second
}
