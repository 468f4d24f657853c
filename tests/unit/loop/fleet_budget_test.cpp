// Fleet budgets in the loop: checked before each iteration against the
// store's ledger, charged with each iteration, and a stop that reports the
// overrun.
#include <catch2/catch.hpp>

#include "core/app/fleet_budgets.hpp"
#include "tests/unit/loop/engine_fixture.hpp"

using namespace ralph;
using namespace ralph::test;
using agents::FaultKind;
using domain::StopReason;

namespace {

std::vector<domain::FleetBudget> caps(std::int64_t fleet_micros, std::int64_t gpu_micros) {
  return {{"fleet", fleet_micros, std::nullopt, std::nullopt}, {"gpu", gpu_micros, "gpu", std::nullopt}};
}

std::int64_t spent(store::Store& s, const std::string& scope, const ManualClock& clock) {
  auto r = s.budget_spent({scope}, domain::utc_day(clock::to_unix_ms(clock.now())));
  REQUIRE(r);
  return r->at(0).spent_micros;
}

} // namespace

TEST_CASE("a fleet budget stops the loop before the iteration after its cap is reached", "[loop][fleet]") {
  EngineFixture f;
  app::StoreFleetBudgets budgets(caps(250'000, 1'000'000'000), *f.store);
  f.budgets = &budgets;
  ScriptedAgent agent({{"working", FaultKind::none, usage(10, 10), domain::Cost::reported(0.10)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::fleet_budget);
  CHECK(r.task.state == domain::TaskState::stopped);
  CHECK(r.task.totals.iterations == 3); // $0.30 >= $0.25: no fourth
  CHECK(spent(*f.store, "fleet", f.clock) == 300'000);
  CHECK(spent(*f.store, "gpu", f.clock) == 0); // the default queue is not the gpu budget's
  CHECK_THAT(r.task.error, Catch::Matchers::Contains("fleet budget 'fleet' is spent for") &&
                               Catch::Matchers::Contains("$0.30 of $0.25 a day; overrun $0.05"));
  auto events = f.store->events(r.task.id);
  REQUIRE(events);
  auto stop = std::find_if(events->begin(), events->end(), [](const store::Event& e) { return e.type == "fleet_budget"; });
  REQUIRE(stop != events->end());
  CHECK_THAT(stop->data, Catch::Matchers::Contains(R"("budget":"fleet")") &&
                             Catch::Matchers::Contains(R"("cap_usd":0.250000)") &&
                             Catch::Matchers::Contains(R"("spent_usd":0.300000)") &&
                             Catch::Matchers::Contains(R"("overrun_usd":0.050000)"));
  CHECK(domain::exit_code_for(r.outcome.reason) == 3);

  SECTION("a second task covered by the budget stops before its first iteration") {
    ScriptedAgent again({{"working", FaultKind::none, usage(10, 10), domain::Cost::reported(0.10)}}, f.clock);
    auto second = f.run(again);
    CHECK(second.outcome.reason == StopReason::fleet_budget);
    CHECK(second.task.totals.iterations == 0);
    CHECK(again.requests.empty());
  }
  SECTION("a task the budget does not cover runs on") {
    app::StoreFleetBudgets gpu_only({{"gpu", 1, "gpu", std::nullopt}}, *f.store);
    f.budgets = &gpu_only;
    f.spec.budget.max_iterations = 2;
    ScriptedAgent other({{"working", FaultKind::none, usage(10, 10), domain::Cost::reported(0.10)}}, f.clock);
    CHECK(f.run(other).outcome.reason == StopReason::max_iterations);
  }
  SECTION("the next UTC day starts from zero") {
    f.clock.advance(std::chrono::hours(24));
    f.spec.budget.max_iterations = 1;
    ScriptedAgent tomorrow({{"working", FaultKind::none, usage(10, 10), domain::Cost::reported(0.10)}}, f.clock);
    CHECK(f.run(tomorrow).outcome.reason == StopReason::max_iterations);
    CHECK(spent(*f.store, "fleet", f.clock) == 100'000);
  }
}

TEST_CASE("a task is charged to every budget covering it", "[loop][fleet]") {
  EngineFixture f;
  f.spec.queue = "gpu";
  f.spec.budget.max_iterations = 2;
  app::StoreFleetBudgets budgets(caps(1'000'000'000, 1'000'000'000), *f.store);
  f.budgets = &budgets;
  ScriptedAgent agent({{"working", FaultKind::none, usage(10, 10), domain::Cost::reported(0.125)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_iterations);
  CHECK(spent(*f.store, "fleet", f.clock) == 250'000);
  CHECK(spent(*f.store, "gpu", f.clock) == 250'000);
}
