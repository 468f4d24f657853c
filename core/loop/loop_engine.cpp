#include "core/loop/loop_engine.hpp"

#include <fstream>
#include <sstream>

#include "core/clock/clock.hpp"
#include "core/domain/budget.hpp"
#include "core/log/redact.hpp"
#include "core/loop/backoff.hpp"
#include "core/loop/completion.hpp"
#include "core/loop/gates.hpp"
#include "core/loop/heartbeat.hpp"
#include "core/loop/loop_state.hpp"
#include "core/loop/prompt.hpp"
#include "core/util/cancel.hpp"
#include "core/util/quote.hpp"

namespace ralph::loop {

using domain::StopReason;
using std::chrono::milliseconds;

namespace {
constexpr milliseconds k_lease_ttl{30'000};
// Longer than a database restart or failover takes; past it the task's lease
// may have gone to another owner anyway.
constexpr milliseconds k_store_patience{60'000};
} // namespace



std::optional<std::string> check_metering(const domain::TaskSpec& spec, const agents::Agent& agent) {
  bool wants_metering = spec.budget.max_tokens || spec.budget.max_cost_usd;
  if (!wants_metering || agent.reports_usage() || spec.allow_unmetered) return std::nullopt;
  return "agent '" + spec.agent + "' cannot report token usage, so max_tokens/max_cost could never fire; " +
         "configure usage reporting for it (agents." + spec.agent +
         ".reports_usage = true for a command agent that prints usage lines), remove the token/cost budget, " +
         "or pass --allow-unmetered to run with it unenforced";
}

LoopEngine::LoopEngine(LoopDeps deps, store::Lease lease, std::filesystem::path task_dir)
    : m_deps(std::move(deps)), m_lease(std::move(lease)), m_task_dir(std::move(task_dir)) {}

void LoopEngine::note(std::string_view kind, const std::string& message) {
  if (m_deps.observer) m_deps.observer->on_note(kind, message);
  std::string data = "{\"message\":" + util::quote(message) + "}";
  (void)m_deps.store.append_event(m_lease.task, kind, data);
}

bool LoopEngine::draining() const { return m_deps.drain && m_deps.drain->cancelled(); }

void LoopEngine::pause(milliseconds d, const util::CancelSource& cancel, bool until_drain) {
  // Short slices keep a cancel responsive without a clock that knows about it.
  const milliseconds slice{200};
  while (d.count() > 0 && !cancel.cancelled() && !(until_drain && draining())) {
    auto step = d < slice ? d : slice;
    m_deps.clock.sleep_for(step);
    d -= step;
  }
}

bool LoopEngine::wait_for_store(int attempt, std::chrono::steady_clock::time_point since, const store::Error& error) {
  if (std::chrono::steady_clock::now() - since >= k_store_patience) return false;
  if (m_cancel && m_cancel->cancelled() && m_cancel->reason() == "shutdown") return false;
  if (attempt == 1)
    note("store", "the store is unreachable, waiting up to " + std::to_string(k_store_patience.count() / 1000) +
                      "s: " + error.message);
  util::CancelSource never; // the wait goes on through a cancel: what is recorded must not be lost
  pause(backoff_delay(milliseconds{200}, milliseconds{2000}, attempt), never, false);
  return true;
}

void LoopEngine::checkpoint(State& st, const std::string& suffix) {
  if (!m_deps.checkpoint || st.totals.iterations == 0) return;
  std::string message = "ralph: task " + std::to_string(m_lease.task) + " iteration " +
                        std::to_string(st.totals.iterations) + suffix;
  auto r = m_deps.checkpoint(message);
  if (!r) {
    note("warning", "checkpoint failed: " + r.error());
  } else {
    st.since_checkpoint = 0;
    if (*r) note("checkpoint", message + " (" + **r + ")");
  }
  publish();
}

void LoopEngine::publish() {
  if (!m_deps.publish) return;
  auto r = m_deps.publish();
  if (!r) note("warning", "push failed: " + r.error());
  else if (*r) note("push", "pushed " + **r);
}

LoopOutcome LoopEngine::finish(State& st, LoopOutcome outcome) {
  if (outcome.reason == StopReason::lost_lease) return outcome; // another owner: write nothing
  if (outcome.released) return release(st, std::move(outcome));
  checkpoint(st, " (" + std::string(domain::to_string(outcome.reason)) + ")");
  auto r = patiently([&] { return m_deps.store.finish(m_lease, outcome.reason, log::redact(outcome.error)); });
  if (!r && r.error().failure == store::Failure::fenced)
    return {StopReason::lost_lease, "task was taken over by another owner"};
  if (!r) return {StopReason::error, "cannot record the end of the task: " + r.error().message};
  return outcome;
}

LoopOutcome LoopEngine::release(State& st, LoopOutcome outcome) {
  checkpoint(st, " (released)");
  auto r = patiently([&] { return m_deps.store.release(m_lease); });
  if (!r && r.error().failure == store::Failure::fenced)
    return {StopReason::lost_lease, "task was taken over by another owner"};
  if (!r) return {StopReason::error, "cannot hand the task back to the queue: " + r.error().message};
  return outcome;
}

LoopOutcome LoopEngine::run(util::CancelSource& cancel, const store::Task* known) {
  State st;
  m_cancel = &cancel;
  std::optional<store::Task> read;
  if (!known) {
    auto task = patiently([&] { return m_deps.store.get_task(m_lease.task); });
    if (!task || !*task) return {StopReason::error, "task " + std::to_string(m_lease.task) + " not found in the store"};
    read = std::move(**task);
    known = &*read;
  }
  st.spec = known->spec;
  st.totals = known->totals;
  st.next_seq = st.totals.iterations + 1;
  st.prior_runtime_ms = st.totals.runtime_ms;
  st.session_start = m_deps.clock.steady_now();
  st.detector = LoopDetector(st.spec.loop_detect_repeats);
  if (m_deps.budgets) st.fleet_scopes = m_deps.budgets->scopes_for(st.spec);
  if (!st.fleet_scopes.empty() && !m_deps.agent.reports_usage())
    note("warning", "agent '" + st.spec.agent + "' reports no cost, so its iterations are charged nothing to the " +
                        "fleet budget(s) covering this task");
  std::error_code ec;
  std::filesystem::create_directories(m_task_dir, ec);

  st.warned_at = st.spent(m_deps.clock); // thresholds crossed before this run have had their hooks

  std::optional<Heartbeat> heartbeat;
  if (m_deps.own_heartbeat) heartbeat.emplace(m_deps.store, m_lease, k_lease_ttl, cancel);
  auto outcome = finish(st, run_loop(st, cancel));
  hook_end(st, outcome);
  return outcome;
}

LoopOutcome LoopEngine::run_loop(State& st, util::CancelSource& cancel) {
  for (;;) {
    if (cancel.cancelled()) {
      auto why = cancel.reason();
      if (why == "lost_lease") return {StopReason::lost_lease, "lease lost"};
      if (why == "shutdown") return {StopReason::cancelled, "shutdown", true};
      return {StopReason::cancelled, why == "interrupted" ? "interrupted" : "cancel requested"};
    }
    if (draining()) return {StopReason::cancelled, "drain", true};
    if (auto reason = domain::check_before_iteration(st.spec.budget, st.spent(m_deps.clock)))
      return {*reason, {}};
    if (auto stop = check_fleet(st)) return *stop;
    if (!wait_rate_limit(st, cancel)) continue; // the top of the loop says why
    if (auto outcome = run_one(st, cancel)) return *outcome;
    if (st.spec.cooldown.count() > 0) pause(st.spec.cooldown, cancel);
  }
}

} // namespace ralph::loop
