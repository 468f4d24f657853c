// Hooks as the loop engine fires them: budget.warn once per threshold,
// budget.exhausted at the end, and on_error = "fail" ending the task.
#include <catch2/catch.hpp>

#include "core/hooks/dispatcher.hpp"
#include "tests/unit/loop/engine_fixture.hpp"

using namespace ralph;
using agents::FaultKind;
using domain::StopReason;

namespace {
std::string hook_log(test::EngineFixture& f) { return test::read_file(f.sandbox / "hooks.log"); }
} // namespace

TEST_CASE("budget.warn fires once per threshold, then budget.exhausted", "[hooks][loop]") {
  test::EngineFixture f;
  f.spec.budget.max_iterations = 4;
  auto log = (f.sandbox / "hooks.log").string();
  hooks::HookSettings s;
  s.commands["budget.warn"] = {"echo \"warn $RALPH_BUDGET $RALPH_PERCENT\" >> " + log};
  s.commands["budget.exhausted"] = {"echo \"end $RALPH_STOP_REASON\" >> " + log};
  s.commands["task.completed"] = {"echo never >> " + log};
  s.fail_on_error = true; // loop events run before the loop goes on: a fixed order to check
  {
    hooks::Dispatcher d(s, f.store.get(), {});
    f.hooks = &d;
    test::ScriptedAgent agent({{"still working", FaultKind::none, test::usage(1, 1)}}, f.clock);
    auto r = f.run(agent);
    CHECK(r.outcome.reason == StopReason::max_iterations);
  } // the dispatcher waits for the background budget.exhausted hook
  CHECK(hook_log(f) == "warn iterations 50\nwarn iterations 75\nwarn iterations 90\nend max_iterations\n");
}

TEST_CASE("under on_error = fail a failing budget.warn hook fails the task", "[hooks][loop]") {
  test::EngineFixture f;
  f.spec.budget.max_iterations = 10;
  hooks::HookSettings s;
  s.commands["budget.warn"] = {"exit 9"};
  s.fail_on_error = true;
  hooks::Dispatcher d(s, f.store.get(), {});
  f.hooks = &d;
  test::ScriptedAgent agent({{"still working", FaultKind::none, test::usage(1, 1)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::error);
  CHECK(r.task.state == domain::TaskState::failed);
  CHECK(r.task.error.find("hook budget.warn `exit 9`: exit code 9") != std::string::npos);
  CHECK(r.iterations.size() == 5); // 50 % of 10
}

TEST_CASE("under on_error = warn a failing hook changes nothing", "[hooks][loop]") {
  test::EngineFixture f;
  f.spec.budget.max_iterations = 4;
  hooks::HookSettings s;
  s.commands["budget.warn"] = {"exit 9"};
  hooks::Dispatcher d(s, f.store.get(), {});
  f.hooks = &d;
  test::ScriptedAgent agent({{"still working", FaultKind::none, test::usage(1, 1)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_iterations);
  CHECK(r.iterations.size() == 4);
}
