#pragma once
// The iteration engine: one task, run until it completes or a budget, a fault
// policy, a cancel or a lost lease stops it. `ralph run` and ralphd's worker
// slots both drive this class. It depends only on interfaces.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agents/agent.hpp"
#include "core/domain/stop_reason.hpp"
#include "core/domain/task.hpp"
#include "core/loop/fleet_budgets.hpp"
#include "core/ratelimit/limiter.hpp"
#include "core/store/store.hpp"
#include "core/util/expected.hpp"

namespace ralph::clock { class Clock; }
namespace ralph::hooks { class Dispatcher; struct TaskFacts; }
namespace ralph::proc { class ProcessRunner; }
namespace ralph::util { class CancelSource; }

namespace ralph::loop {

// Commits the workdir; returns the commit id, nothing when there was nothing
// to commit, or an error message. Empty function: checkpoints are off.
using CheckpointFn = std::function<util::Expected<std::optional<std::string>, std::string>(const std::string& message)>;
// Publishes the checkpoints (a repo task's push); returns the commit pushed,
// nothing when there was nothing new, or a warning. A failure never stops the
// loop: the next checkpoint tries again.
using PublishFn = std::function<util::Expected<std::optional<std::string>, std::string>()>;

// What the engine tells the outside world while it runs (progress line,
// metrics). Every method has a no-op default.
class Observer {
public:
  virtual ~Observer() = default;
  virtual void on_iteration_start(std::int64_t /*seq*/) {}
  // Live usage of the running iteration, added to the task's totals so far.
  virtual void on_live(std::int64_t /*seq*/, const domain::Usage& /*task_usage*/, double /*task_cost_usd*/) {}
  virtual void on_text(std::string_view /*text*/) {}
  virtual void on_iteration_end(const store::IterationRecord& /*rec*/, const store::Totals& /*totals*/) {}
  // Notable happenings: "backoff", "limit_wait", "rate_limit", "gate_failed", "checkpoint", "warning".
  virtual void on_note(std::string_view /*kind*/, std::string_view /*message*/) {}
  // The loop waited this long for `provider`'s rate limits before a call.
  virtual void on_rate_limit_wait(std::string_view /*provider*/, std::chrono::milliseconds /*waited*/) {}
};

// Passes every callback on to an inner observer (which may be null). A
// wrapper derives from it, overrides what it adds to and calls the base, so
// no callback is dropped on the way: give each new Observer method its
// forwarder here, next to it.
class ForwardingObserver : public Observer {
public:
  explicit ForwardingObserver(std::unique_ptr<Observer> inner) : m_inner(std::move(inner)) {}
  void on_iteration_start(std::int64_t seq) override {
    if (m_inner) m_inner->on_iteration_start(seq);
  }
  void on_live(std::int64_t seq, const domain::Usage& usage, double cost) override {
    if (m_inner) m_inner->on_live(seq, usage, cost);
  }
  void on_text(std::string_view text) override {
    if (m_inner) m_inner->on_text(text);
  }
  void on_iteration_end(const store::IterationRecord& rec, const store::Totals& totals) override {
    if (m_inner) m_inner->on_iteration_end(rec, totals);
  }
  void on_note(std::string_view kind, std::string_view message) override {
    if (m_inner) m_inner->on_note(kind, message);
  }
  void on_rate_limit_wait(std::string_view provider, std::chrono::milliseconds waited) override {
    if (m_inner) m_inner->on_rate_limit_wait(provider, waited);
  }

private:
  std::unique_ptr<Observer> m_inner;
};

struct LoopDeps {
  store::Store& store;
  agents::Agent& agent;
  clock::Clock& clock;
  proc::ProcessRunner& runner; // gates
  CheckpointFn checkpoint;
  Observer* observer = nullptr;
  // Set when the owner wants the task back without ending it (a daemon
  // draining): the running iteration finishes, then the lease is released.
  const util::CancelSource* drain = nullptr;
  // False when the owner renews the lease itself (ralphd renews all its
  // leases in one tick and cancels the loop on a fence or a cancel request);
  // true gives the loop its own heartbeat thread (ralph run).
  bool own_heartbeat = true;
  // Runs the [hooks] of budget.warn, limit.wait and the task's end; null:
  // no hooks. Must outlive the engine.
  hooks::Dispatcher* hooks = nullptr;
  // Runs after every checkpoint attempt; empty: checkpoints stay local.
  PublishFn publish;
  // The fleet budgets ([budgets.*]) checked before each iteration and
  // charged with each; null: none. Must outlive the engine.
  FleetBudgets* budgets = nullptr;
  // The requests/tokens per minute of the agent's provider, asked before
  // each agent call and charged with its tokens after it; null: no limits.
  // Shared by the owner's loops, must outlive the engine.
  ratelimit::Limiter* limiter = nullptr;
  std::string provider{};
  ratelimit::RateLimit rate_limit{};
};

struct LoopOutcome {
  domain::StopReason reason = domain::StopReason::error;
  std::string error;     // why, for `error` and fault stops
  bool released = false; // handed back to the queue unfinished (drain, shutdown)
};

class LoopEngine {
public:
  // `task_dir` receives per-iteration prompts and logs. The lease must be held.
  LoopEngine(LoopDeps deps, store::Lease lease, std::filesystem::path task_dir);

  // Runs to the end and records the stop in the store (unless the lease was
  // lost, when nothing more may be written). `cancel` stops the loop and its
  // running agent; its reason "interrupted" is kept in the outcome error, and
  // the reason "shutdown" releases the task to the queue instead of ending
  // it (the interrupted iteration's spend is still recorded). `known` is the
  // task as its owner runs it (read since the lease was taken, which saves
  // reading it again; a repo task's workdir is the owner's clone).
  LoopOutcome run(util::CancelSource& cancel, const store::Task* known = nullptr);

private:
  struct State;
  LoopOutcome run_loop(State& st, util::CancelSource& cancel);
  std::optional<LoopOutcome> run_one(State& st, util::CancelSource& cancel);
  LoopOutcome finish(State& st, LoopOutcome outcome);
  LoopOutcome release(State& st, LoopOutcome outcome);
  // Waits until the provider's rate limits allow one more agent call. False
  // when a cancel, a drain or the runtime budget cut the wait short.
  bool wait_rate_limit(State& st, const util::CancelSource& cancel);
  void pause(std::chrono::milliseconds d, const util::CancelSource& cancel, bool until_drain = true);
  // Runs a store call, waiting out an unreachable store (a database restart,
  // a network blip) for up to k_store_patience: the task is not at fault, and
  // what the call records (the spend, the end of the task) must not be lost.
  // Only a "shutdown" cancel cuts the wait short.
  template <typename Fn> auto patiently(Fn&& fn) -> decltype(fn());
  bool wait_for_store(int attempt, std::chrono::steady_clock::time_point since, const store::Error& error);
  bool draining() const;
  // Before an iteration: ends the task `fleet_budget` when a budget covering
  // it is spent for today, with an event that reports the overrun.
  std::optional<LoopOutcome> check_fleet(State& st);
  void note(std::string_view kind, const std::string& message);
  void checkpoint(State& st, const std::string& suffix);
  void publish();
  // Hooks (loop_hooks.cpp). A failing hook under on_error = "fail" ends the
  // task with `error`; that is what the returned outcome says.
  hooks::TaskFacts facts(const State& st) const;
  std::optional<LoopOutcome> warn_budgets(State& st);
  std::optional<LoopOutcome> loop_hook(State& st, const std::string& event, const std::string& message);
  void hook_end(const State& st, const LoopOutcome& outcome);

  LoopDeps m_deps;
  store::Lease m_lease;
  std::filesystem::path m_task_dir;
  const util::CancelSource* m_cancel = nullptr; // run()'s, for patiently()
};

template <typename Fn> auto LoopEngine::patiently(Fn&& fn) -> decltype(fn()) {
  const auto since = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    auto result = fn();
    if (result || result.error().failure != store::Failure::unavailable) return result;
    if (!wait_for_store(attempt, since, result.error())) return result;
  }
}

// Refuses token/cost budgets on an agent that cannot report usage, unless
// the spec allows it. Returns the message of the configuration error.
std::optional<std::string> check_metering(const domain::TaskSpec& spec, const agents::Agent& agent);

} // namespace ralph::loop
