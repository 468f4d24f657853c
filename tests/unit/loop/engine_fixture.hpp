#pragma once
// A real SQLite store in a sandbox, a ManualClock and a scripted agent: the
// loop engine under test with nothing mocked but the agent and the time.
#include <catch2/catch.hpp>

#include "core/loop/loop_engine.hpp"
#include "core/proc/process.hpp"
#include "core/store/store.hpp"
#include "core/util/cancel.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/sandbox.hpp"
#include "tests/support/scripted_agent.hpp"

namespace ralph::test {

struct EngineFixture {
  Sandbox sandbox;
  ManualClock clock;
  proc::PosixProcessRunner runner;
  std::unique_ptr<store::Store> store;
  domain::TaskSpec spec;
  std::vector<std::string> checkpoints;
  hooks::Dispatcher* hooks = nullptr; // tests of event hooks set one
  loop::PublishFn publish;             // tests of pushed checkpoints set one
  std::string workdir_override;        // the owner's workdir, in the task it hands the engine
  loop::FleetBudgets* budgets = nullptr; // tests of fleet budgets set one
  loop::Observer* observer = nullptr;
  ratelimit::Limiter* limiter = nullptr; // tests of rate limits set one
  ratelimit::RateLimit rate_limit;
  const util::CancelSource* drain = nullptr;

  EngineFixture() {
    auto opened = store::open_store("sqlite://" + (sandbox / "state/ralph.db").string(), clock);
    REQUIRE(opened);
    store = std::move(*opened);
    REQUIRE(store->migrate());
    spec.workdir = (sandbox / "work").string();
    spec.prompt_file = "PROMPT.md";
    spec.agent = "scripted";
    spec.backoff_base = std::chrono::seconds(2);
    spec.git = false;
    spec.loop_detect_repeats = 0; // tests that want it turn it on
    sandbox.write("work/PROMPT.md", "Do the thing. Say LOOP_COMPLETE when done.\n");
  }

  struct Run {
    loop::LoopOutcome outcome;
    store::Task task;
    std::vector<store::IterationRecord> iterations;
  };

  Run run(ScriptedAgent& agent, util::CancelSource* external_cancel = nullptr, bool with_checkpoints = false) {
    auto id = store->submit(spec);
    if (!id) FAIL(id.error().message);
    auto lease = store->claim(*id, "test", std::chrono::seconds(30));
    if (!lease) FAIL(lease.error().message);
    loop::CheckpointFn checkpoint;
    if (with_checkpoints)
      checkpoint = [this](const std::string& m) -> util::Expected<std::optional<std::string>, std::string> {
        checkpoints.push_back(m);
        return std::optional<std::string>("abc123");
      };
    loop::LoopDeps deps{*store, agent, clock, runner, checkpoint, observer};
    deps.hooks = hooks;
    deps.publish = publish;
    deps.budgets = budgets;
    deps.limiter = limiter;
    deps.provider = "acme";
    deps.rate_limit = rate_limit;
    deps.drain = drain;
    loop::LoopEngine engine(deps, *lease, sandbox / "state/tasks" / std::to_string(*id));
    util::CancelSource own;
    Run r;
    std::optional<store::Task> known;
    if (!workdir_override.empty()) {
      auto stored = store->get_task(*id);
      REQUIRE(stored);
      REQUIRE(*stored);
      known = **stored;
      known->spec.workdir = workdir_override;
    }
    r.outcome = engine.run(external_cancel ? *external_cancel : own, known ? &*known : nullptr);
    auto task = store->get_task(*id);
    REQUIRE(task);
    REQUIRE(*task);
    r.task = **task;
    auto its = store->iterations(*id);
    REQUIRE(its);
    r.iterations = *its;
    return r;
  }
};

inline domain::Usage usage(std::int64_t in, std::int64_t out) {
  domain::Usage u;
  u.input = in;
  u.output = out;
  return u;
}

} // namespace ralph::test
