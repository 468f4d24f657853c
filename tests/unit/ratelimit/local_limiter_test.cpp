#include <catch2/catch.hpp>

#include "core/ratelimit/fallback_limiter.hpp"
#include "core/ratelimit/local_limiter.hpp"
#include "tests/support/manual_clock.hpp"

using namespace ralph;
using namespace ralph::ratelimit;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

RateLimit requests(double per_minute, double burst = 0) {
  RateLimit r;
  r.requests_per_minute = per_minute;
  r.request_burst = burst;
  return r;
}

RateLimit tokens(double per_minute, double burst = 0) {
  RateLimit r;
  r.tokens_per_minute = per_minute;
  r.token_burst = burst;
  return r;
}

} // namespace

TEST_CASE("no limits: every call goes at once", "[ratelimit]") {
  test::ManualClock clock;
  LocalLimiter limiter(clock);
  for (int i = 0; i < 100; ++i) CHECK(limiter.acquire("p", RateLimit{}) == milliseconds{0});
}

TEST_CASE("requests per minute: a full bucket lets a burst through, then one per interval", "[ratelimit]") {
  test::ManualClock clock;
  LocalLimiter limiter(clock);
  auto limit = requests(60, 3); // one a second, three at once
  for (int i = 0; i < 3; ++i) CHECK(limiter.acquire("p", limit) == milliseconds{0});
  CHECK(limiter.acquire("p", limit) == milliseconds{1000});
  clock.advance(milliseconds{400});
  CHECK(limiter.acquire("p", limit) == milliseconds{600}); // a refused call takes nothing
  clock.advance(milliseconds{600});
  CHECK(limiter.acquire("p", limit) == milliseconds{0});
  CHECK(limiter.acquire("p", limit) == milliseconds{1000});
  // A long quiet spell refills only up to the burst.
  clock.advance(seconds{3600});
  for (int i = 0; i < 3; ++i) CHECK(limiter.acquire("p", limit) == milliseconds{0});
  CHECK(limiter.acquire("p", limit).count() > 0);
}

TEST_CASE("the burst defaults to a minute's worth, and is at least one call", "[ratelimit]") {
  test::ManualClock clock;
  LocalLimiter limiter(clock);
  for (int i = 0; i < 10; ++i) CHECK(limiter.acquire("p", requests(10)) == milliseconds{0});
  CHECK(limiter.acquire("p", requests(10)) == milliseconds{6000});
  CHECK(limiter.acquire("q", requests(0.5, 0.1)) == milliseconds{0});
  CHECK(limiter.acquire("q", requests(0.5, 0.1)) == milliseconds{120'000});
}

TEST_CASE("providers have buckets of their own", "[ratelimit]") {
  test::ManualClock clock;
  LocalLimiter limiter(clock);
  auto limit = requests(60, 1);
  CHECK(limiter.acquire("anthropic", limit) == milliseconds{0});
  CHECK(limiter.acquire("openai", limit) == milliseconds{0});
  CHECK(limiter.acquire("anthropic", limit) == milliseconds{1000});
}

TEST_CASE("tokens per minute: a call's tokens can overdraw the bucket, and the next call waits off the debt",
          "[ratelimit]") {
  test::ManualClock clock;
  LocalLimiter limiter(clock);
  auto limit = tokens(6000); // 100 a second, burst 6000
  CHECK(limiter.acquire("p", limit) == milliseconds{0});
  limiter.charge("p", limit, 9000); // balance -3000
  CHECK(limiter.acquire("p", limit) == milliseconds{30'010}); // back to one token
  clock.advance(seconds{30});
  CHECK(limiter.acquire("p", limit) == milliseconds{10});
  clock.advance(milliseconds{10});
  CHECK(limiter.acquire("p", limit) == milliseconds{0});
  // Calls are not counted against the token bucket: only charges are.
  for (int i = 0; i < 50; ++i) CHECK(limiter.acquire("p", limit) == milliseconds{0});
}

TEST_CASE("token debt holds back calls even when requests are to spare", "[ratelimit]") {
  test::ManualClock clock;
  LocalLimiter limiter(clock);
  RateLimit limit = tokens(60'000, 1000);
  limit.requests_per_minute = 600;
  CHECK(limiter.acquire("p", limit) == milliseconds{0});
  limiter.charge("p", limit, 3000); // 1000 - 3000 = -2000 at 1 token/ms
  CHECK(limiter.acquire("p", limit) == milliseconds{2001});
  clock.advance(milliseconds{2001});
  CHECK(limiter.acquire("p", limit) == milliseconds{0});
}

namespace {

// A shared store that can be switched off, counting what reached it.
class Switchable final : public SharedLimiter {
public:
  bool up = true;
  int acquires = 0;
  int charges = 0;
  util::Expected<milliseconds, std::string> acquire(const std::string&, const RateLimit&) override {
    if (!up) return util::unexpected(std::string("connection refused"));
    ++acquires;
    return milliseconds{7};
  }
  util::Expected<void, std::string> charge(const std::string&, const RateLimit&, std::int64_t) override {
    if (!up) return util::unexpected(std::string("connection refused"));
    ++charges;
    return {};
  }
};

} // namespace

TEST_CASE("an unreachable shared store degrades to per-process limits, logged once, and is retried",
          "[ratelimit]") {
  test::ManualClock clock;
  auto owned = std::make_unique<Switchable>();
  auto& shared = *owned;
  std::vector<std::pair<bool, std::string>> log;
  FallbackLimiter limiter(std::move(owned), clock, [&](bool error, const std::string& m) { log.emplace_back(error, m); },
                          seconds{5});
  auto limit = requests(60, 1);
  CHECK(limiter.acquire("p", limit) == milliseconds{7});
  CHECK_FALSE(limiter.degraded());

  shared.up = false;
  CHECK(limiter.acquire("p", limit) == milliseconds{0});    // the local bucket, full
  CHECK(limiter.acquire("p", limit) == milliseconds{1000}); // which limits too
  CHECK(limiter.degraded());
  CHECK(limiter.errors() == 1); // not retried before the pause is over
  REQUIRE(log.size() == 1);
  CHECK(log[0].first);
  CHECK(log[0].second.find("connection refused") != std::string::npos);

  clock.advance(seconds{5});
  CHECK(limiter.acquire("p", limit) == milliseconds{0}); // retried, failed, local again
  CHECK(limiter.errors() == 2);
  CHECK(log.size() == 1);

  shared.up = true;
  clock.advance(seconds{5});
  CHECK(limiter.acquire("p", limit) == milliseconds{7});
  CHECK_FALSE(limiter.degraded());
  REQUIRE(log.size() == 2);
  CHECK_FALSE(log[1].first);
  limiter.charge("p", tokens(100), 50);
  CHECK(shared.charges == 1);
}
