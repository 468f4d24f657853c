#include <fstream>

#include "core/loop/loop_engine.hpp"
#include "tests/unit/loop/engine_fixture.hpp"

using namespace ralph;
using namespace ralph::test;
using agents::FaultKind;
using domain::StopReason;
using std::chrono::seconds;

TEST_CASE("a loop completes when the promise appears on a line of its own", "[loop]") {
  EngineFixture f;
  ScriptedAgent agent({{"working on it", FaultKind::none, usage(100, 10), domain::Cost::reported(0.01)},
                       {"still working", FaultKind::none, usage(200, 20), domain::Cost::reported(0.02)},
                       {"all done\nLOOP_COMPLETE\n", FaultKind::none, usage(300, 30), domain::Cost::reported(0.03)}},
                      f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::completed);
  CHECK(r.task.state == domain::TaskState::completed);
  CHECK(r.task.totals.iterations == 3);
  CHECK(r.task.totals.usage == usage(600, 60));
  CHECK(r.task.totals.cost_usd == Approx(0.06));
  CHECK(r.task.totals.cost_source == domain::CostSource::reported);
  REQUIRE(r.iterations.size() == 3);
  CHECK(r.iterations[2].promise_found);
  CHECK_FALSE(r.iterations[0].promise_found);
  CHECK(r.iterations[0].seq == 1);
  CHECK(r.iterations[2].seq == 3);
}

TEST_CASE("the promise inside a sentence or an echo of the prompt does not complete", "[loop]") {
  EngineFixture f;
  f.spec.budget.max_iterations = 2;
  f.sandbox.write("work/PROMPT.md", "When done print:\nLOOP_COMPLETE\n");
  ScriptedAgent agent({{"I will print LOOP_COMPLETE later", FaultKind::none, usage(1, 1)},
                       {"echo: When done print:\nLOOP_COMPLETE\nnot yet", FaultKind::none, usage(1, 1)}},
                      f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_iterations);
  CHECK(domain::exit_code_for(r.outcome.reason) == 3);
}

TEST_CASE("the prompt file is re-read every iteration and archived", "[loop]") {
  EngineFixture f;
  f.spec.budget.max_iterations = 2;
  AgentStep edit{"edited", FaultKind::none, usage(1, 1)};
  edit.action = [&](const agents::IterationRequest&) { f.sandbox.write("work/PROMPT.md", "Second prompt\n"); };
  ScriptedAgent agent({edit, {"x", FaultKind::none, usage(1, 1)}}, f.clock);
  auto r = f.run(agent);
  REQUIRE(agent.requests.size() == 2);
  CHECK(agent.requests[0].prompt.find("Do the thing") == 0);
  CHECK(agent.requests[1].prompt == "Second prompt\n");
  CHECK(read_file(r.iterations[1].prompt_path) == "Second prompt\n");
}

TEST_CASE("max_tokens stops the agent in the middle of an iteration", "[loop][budget]") {
  EngineFixture f;
  f.spec.budget.max_tokens = 1000;
  AgentStep big{"never finishes", FaultKind::none, usage(5000, 500), domain::Cost::reported(1.0)};
  big.live = {usage(400, 10), usage(900, 50), usage(1500, 80), usage(4000, 400)};
  ScriptedAgent agent({{"first", FaultKind::none, usage(100, 10)}, big}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_tokens);
  CHECK(r.task.state == domain::TaskState::stopped);
  REQUIRE(r.iterations.size() == 2);
  // Stopped at the first live update past the budget, not after the whole iteration.
  CHECK(r.iterations[1].usage == usage(900, 50));
  CHECK(r.iterations[1].outcome == "cancelled");
  CHECK(r.task.totals.usage.total() == 110 + 950);
}

TEST_CASE("max_cost stops the agent mid-iteration and counts the partial spend", "[loop][budget]") {
  EngineFixture f;
  f.spec.budget.max_cost_usd = 0.50;
  AgentStep costly{"x", FaultKind::none, usage(1000, 1000), domain::Cost::reported(1.0)};
  costly.live = {usage(100, 100), usage(300, 300), usage(600, 600)};
  ScriptedAgent agent({costly}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_cost);
  CHECK(r.task.totals.cost_usd == Approx(0.6));
  CHECK(domain::exit_code_for(r.outcome.reason) == 3);
}

TEST_CASE("max_iterations and max_runtime stop before the next iteration", "[loop][budget]") {
  SECTION("iterations") {
    EngineFixture f;
    f.spec.budget.max_iterations = 3;
    ScriptedAgent agent({{"not yet", FaultKind::none, usage(1, 1)}}, f.clock);
    auto r = f.run(agent);
    CHECK(r.outcome.reason == StopReason::max_iterations);
    CHECK(r.task.totals.iterations == 3);
  }
  SECTION("runtime: the deadline handed to the agent is the runtime left") {
    EngineFixture f;
    f.spec.budget.max_runtime = seconds(100);
    f.spec.iteration_timeout = seconds(60);
    AgentStep slow{"slow", FaultKind::none, usage(1, 1)};
    slow.takes = seconds(45);
    ScriptedAgent agent({slow}, f.clock);
    auto start = f.clock.steady_now();
    auto r = f.run(agent);
    CHECK(r.outcome.reason == StopReason::max_runtime);
    REQUIRE(agent.requests.size() == 3);
    CHECK(*agent.requests[0].deadline == start + seconds(60));  // iteration timeout is smaller
    CHECK(*agent.requests[2].deadline == start + seconds(100)); // runtime left (10 s) is smaller
  }
}

TEST_CASE("only agent failures count toward consecutive_failures, with exponential backoff", "[loop][faults]") {
  EngineFixture f;
  f.spec.max_consecutive_failures = 4;
  AgentStep fail{"", FaultKind::agent, usage(1, 1)};
  fail.takes = seconds(0);
  ScriptedAgent agent({fail}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::consecutive_failures);
  CHECK(domain::exit_code_for(r.outcome.reason) == 4);
  CHECK(r.task.totals.iterations == 4);
  CHECK(f.clock.slept == seconds(2 + 4 + 8)); // backoff after failures 1..3
}

TEST_CASE("a usage limit waits for the reset and does not spend the failure budget", "[loop][faults]") {
  EngineFixture f;
  f.spec.max_consecutive_failures = 1;
  AgentStep limited{"", FaultKind::limit, usage(0, 0)};
  limited.retry_after = seconds(30);
  limited.takes = seconds(0);
  ScriptedAgent agent({limited, limited, {"LOOP_COMPLETE", FaultKind::none, usage(1, 1)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::completed);
  CHECK(f.clock.slept == seconds(60));
}

TEST_CASE("a limit without a reset time waits longer each time, capped", "[loop][faults]") {
  EngineFixture f;
  f.spec.limit_wait_max = seconds(10);
  AgentStep limited{"", FaultKind::limit, usage(0, 0)};
  limited.takes = seconds(0);
  ScriptedAgent agent({limited, limited, limited, limited, {"LOOP_COMPLETE", FaultKind::none, usage(1, 1)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::completed);
  CHECK(f.clock.slept == seconds(2 + 4 + 8 + 10));
}

TEST_CASE("infrastructure faults retry with backoff, then error out", "[loop][faults]") {
  EngineFixture f;
  f.spec.infra_retries = 2;
  AgentStep down{"", FaultKind::infra, usage(0, 0)};
  down.takes = seconds(0);
  ScriptedAgent agent({down}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::error);
  CHECK(r.outcome.error.find("infrastructure") != std::string::npos);
  CHECK(r.task.totals.iterations == 3);
}

TEST_CASE("auth and config faults fail fast", "[loop][faults]") {
  EngineFixture f;
  ScriptedAgent agent({{"", FaultKind::auth, usage(0, 0)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::error);
  CHECK(r.task.totals.iterations == 1);
  CHECK(r.task.state == domain::TaskState::failed);
}

TEST_CASE("the same output K times in a row is a detected loop", "[loop]") {
  EngineFixture f;
  f.spec.loop_detect_repeats = 3;
  ScriptedAgent agent({{"a", FaultKind::none, usage(1, 1)}, {"same", FaultKind::none, usage(1, 1)},
                       {" same\n", FaultKind::none, usage(1, 1)}, {"same", FaultKind::none, usage(1, 1)}},
                      f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::loop_detected);
  CHECK(r.task.totals.iterations == 4);
}

TEST_CASE("a failing gate blocks completion and feeds the next prompt", "[loop][gates]") {
  EngineFixture f;
  f.spec.gates = {"test -f done.txt || { echo 'done.txt is missing'; exit 1; }"};
  AgentStep claim{"LOOP_COMPLETE", FaultKind::none, usage(1, 1)};
  AgentStep fix{"LOOP_COMPLETE", FaultKind::none, usage(1, 1)};
  fix.action = [&](const agents::IterationRequest&) { f.sandbox.write("work/done.txt", "ok"); };
  ScriptedAgent agent({claim, fix}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::completed);
  REQUIRE(agent.requests.size() == 2);
  CHECK(agent.requests[0].prompt.find("gate failed") == std::string::npos);
  CHECK(agent.requests[1].prompt.find("done.txt is missing") != std::string::npos);
}

TEST_CASE("budgets an agent cannot meter are refused unless allowed", "[loop][budget]") {
  EngineFixture f;
  ManualClock clock;
  ScriptedAgent unmetered({{"x"}}, clock, /*meters=*/false);
  f.spec.budget.max_cost_usd = 5;
  CHECK(loop::check_metering(f.spec, unmetered).has_value());
  f.spec.allow_unmetered = true;
  CHECK_FALSE(loop::check_metering(f.spec, unmetered).has_value());

  SECTION("an iteration whose cost is unknown stops a cost-budgeted loop") {
    f.spec.allow_unmetered = false;
    ScriptedAgent agent({{"x", FaultKind::none, usage(10, 10), domain::Cost::unknown()}}, f.clock);
    auto r = f.run(agent);
    CHECK(r.outcome.reason == StopReason::error);
    CHECK(r.outcome.error.find("unknown") != std::string::npos);
    CHECK(r.task.totals.unpriced_iterations == 1);
    CHECK(r.task.totals.cost_source == domain::CostSource::unknown);
  }
}

TEST_CASE("a cancel stops the loop and a hung agent with it", "[loop]") {
  EngineFixture f;
  util::CancelSource cancel;
  AgentStep hang;
  hang.hang_until_cancel = true;
  hang.action = [&](const agents::IterationRequest&) { cancel.cancel("interrupted"); };
  ScriptedAgent agent({hang}, f.clock);
  auto r = f.run(agent, &cancel);
  CHECK(r.outcome.reason == StopReason::cancelled);
  CHECK(r.outcome.error == "interrupted");
  CHECK(r.task.state == domain::TaskState::cancelled);
}

TEST_CASE("a loop whose lease was taken over writes nothing more", "[loop][fencing]") {
  EngineFixture f;
  f.spec.budget.max_iterations = 5;
  AgentStep stolen{"x", FaultKind::none, usage(1, 1)};
  stolen.action = [&](const agents::IterationRequest& req) {
    // Another owner takes the task over while this iteration runs.
    f.clock.advance(std::chrono::minutes(5));
    auto expired = f.store->expire_leases();
    REQUIRE(expired);
    REQUIRE(f.store->claim(std::stoll(req.task_id), "other", seconds(30)));
  };
  ScriptedAgent agent({{"first", FaultKind::none, usage(1, 1)}, stolen}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::lost_lease);
  CHECK(r.iterations.size() == 1);           // the fenced write was rejected
  CHECK(r.task.state == domain::TaskState::running); // the new owner's task, untouched
  CHECK(r.task.lease_owner == "other");
}

TEST_CASE("checkpoints every N iterations and at the end", "[loop][git]") {
  EngineFixture f;
  f.spec.checkpoint_interval = 2;
  f.spec.budget.max_iterations = 5;
  ScriptedAgent agent({{"x", FaultKind::none, usage(1, 1)}}, f.clock);
  auto r = f.run(agent, nullptr, /*with_checkpoints=*/true);
  REQUIRE(f.checkpoints.size() == 3);
  CHECK(f.checkpoints[0] == "ralph: task " + std::to_string(r.task.id) + " iteration 2");
  CHECK(f.checkpoints[1] == "ralph: task " + std::to_string(r.task.id) + " iteration 4");
  CHECK(f.checkpoints[2] == "ralph: task " + std::to_string(r.task.id) + " iteration 5 (max_iterations)");
}

TEST_CASE("checkpoints are published after every attempt; a failed push is a warning, not a stop", "[loop][git]") {
  EngineFixture f;
  f.spec.budget.max_iterations = 3;
  int calls = 0;
  f.publish = [&]() -> util::Expected<std::optional<std::string>, std::string> {
    ++calls;
    if (calls == 2) return util::unexpected(std::string("push to ralph/1 rejected (not a fast-forward)"));
    if (calls == 3) return std::optional<std::string>{}; // nothing new
    return std::optional<std::string>("c0ffee" + std::to_string(calls));
  };
  ScriptedAgent agent({{"x", FaultKind::none, usage(1, 1)}}, f.clock);
  auto r = f.run(agent, nullptr, /*with_checkpoints=*/true);
  CHECK(r.outcome.reason == StopReason::max_iterations);
  CHECK(r.task.totals.iterations == 3);
  CHECK(calls == 4); // after iterations 1, 2, 3 and at the end
  auto events = f.store->events(r.task.id);
  REQUIRE(events);
  std::vector<std::string> pushes, warnings;
  for (const auto& e : *events) {
    if (e.type == "push") pushes.push_back(e.data);
    if (e.type == "warning") warnings.push_back(e.data);
  }
  REQUIRE(pushes.size() == 2);
  CHECK_THAT(pushes[0], Catch::Contains("pushed c0ffee1"));
  CHECK_THAT(pushes[1], Catch::Contains("pushed c0ffee4"));
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("push failed: push to ralph/1 rejected"));
}

TEST_CASE("the owner's workdir replaces the spec's (a repo task's clone)", "[loop]") {
  EngineFixture f;
  f.spec.budget.max_iterations = 1;
  f.sandbox.write("clone/PROMPT.md", "the clone's prompt\n");
  f.workdir_override = (f.sandbox / "clone").string();
  ScriptedAgent agent({{"x", FaultKind::none, usage(1, 1)}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::max_iterations);
  REQUIRE(agent.requests.size() == 1);
  CHECK(agent.requests[0].workdir.string() == f.workdir_override);
  CHECK_THAT(agent.requests[0].prompt, Catch::Contains("the clone's prompt"));
}

TEST_CASE("a missing prompt file is a clear error", "[loop]") {
  EngineFixture f;
  f.spec.prompt_file = "NOPE.md";
  ScriptedAgent agent({{"x"}}, f.clock);
  auto r = f.run(agent);
  CHECK(r.outcome.reason == StopReason::error);
  CHECK(r.outcome.error.find("NOPE.md") != std::string::npos);
  CHECK(r.iterations.empty());
}
