// The loop waits for its provider's rate limits before each agent call.
#include "core/ratelimit/local_limiter.hpp"
#include "tests/unit/loop/engine_fixture.hpp"

using namespace ralph;
using namespace ralph::test;
using agents::FaultKind;
using domain::StopReason;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

struct Waits final : loop::Observer {
  std::vector<std::pair<std::string, milliseconds>> waits;
  void on_rate_limit_wait(std::string_view provider, milliseconds waited) override {
    waits.emplace_back(std::string(provider), waited);
  }
};

std::size_t count_events(store::Store& store, store::TaskId id, const std::string& type) {
  auto events = store.events(id);
  REQUIRE(events);
  std::size_t n = 0;
  for (const auto& e : *events) n += e.type == type;
  return n;
}

AgentStep quick(std::string text, domain::Usage u = usage(10, 10)) {
  AgentStep s{std::move(text), FaultKind::none, u};
  s.takes = milliseconds{100};
  return s;
}

} // namespace

TEST_CASE("requests per minute space the agent calls, and the wait is recorded but is no failure",
          "[loop][ratelimit]") {
  EngineFixture f;
  ratelimit::LocalLimiter limiter(f.clock);
  Waits waits;
  f.limiter = &limiter;
  f.observer = &waits;
  f.rate_limit.requests_per_minute = 60;
  f.rate_limit.request_burst = 1;
  f.spec.max_consecutive_failures = 1;
  ScriptedAgent agent({quick("a"), quick("b"), quick("c"), quick("LOOP_COMPLETE")}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::completed);
  REQUIRE(r.iterations.size() == 4);
  // Each call after the first waits out the rest of its second.
  for (std::size_t i = 1; i < r.iterations.size(); ++i)
    CHECK(r.iterations[i].started_at_ms - r.iterations[i - 1].started_at_ms == 1000);
  REQUIRE(waits.waits.size() == 3);
  CHECK(waits.waits[0].first == "acme");
  CHECK(waits.waits[0].second == milliseconds{900});
  CHECK(count_events(*f.store, r.task.id, "rate_limit") == 3);
}

TEST_CASE("a token debt makes the next call wait, and the wait counts toward max_runtime", "[loop][ratelimit]") {
  EngineFixture f;
  ratelimit::LocalLimiter limiter(f.clock);
  f.limiter = &limiter;
  f.rate_limit.tokens_per_minute = 6000; // 100 a second
  f.spec.budget.max_runtime = seconds{60};
  // 15000 tokens: 9000 in debt, 90 s to pay off, more than the runtime left.
  ScriptedAgent agent({quick("big", usage(10'000, 5'000)), quick("never runs")}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_runtime);
  CHECK(r.iterations.size() == 1);
  CHECK(agent.requests.size() == 1);
  CHECK(f.clock.slept >= seconds{59});
  CHECK(f.clock.slept <= seconds{62});
}

namespace {
// Cancels the loop the moment it starts waiting for a rate limit.
struct CancelOnWait final : loop::Observer {
  util::CancelSource* cancel = nullptr;
  void on_note(std::string_view kind, std::string_view) override {
    if (kind == "rate_limit") cancel->cancel("cancel_requested");
  }
};
} // namespace

TEST_CASE("a cancel cuts a rate-limit wait short", "[loop][ratelimit]") {
  EngineFixture f;
  ratelimit::LocalLimiter limiter(f.clock);
  util::CancelSource cancel;
  CancelOnWait observer;
  observer.cancel = &cancel;
  f.observer = &observer;
  f.limiter = &limiter;
  f.rate_limit.requests_per_minute = 1; // the second call would wait a minute
  f.rate_limit.request_burst = 1;
  ScriptedAgent agent({quick("a"), quick("b")}, f.clock);
  auto r = f.run(agent, &cancel);
  CHECK(r.outcome.reason == StopReason::cancelled);
  CHECK(agent.requests.size() == 1);
  CHECK(f.clock.slept < seconds{1});
}

TEST_CASE("a drain during a rate-limit wait hands the task back without another call", "[loop][ratelimit]") {
  EngineFixture f;
  ratelimit::LocalLimiter limiter(f.clock);
  util::CancelSource drain;
  CancelOnWait observer;
  observer.cancel = &drain;
  f.observer = &observer;
  f.drain = &drain;
  f.limiter = &limiter;
  f.rate_limit.requests_per_minute = 1;
  f.rate_limit.request_burst = 1;
  ScriptedAgent agent({quick("a"), quick("b")}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.released);
  CHECK(r.task.state == domain::TaskState::queued);
  CHECK(agent.requests.size() == 1);
  CHECK(f.clock.slept < seconds{1});
}
