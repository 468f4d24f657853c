// The loop's side of event hooks: budget warnings after each iteration,
// limit waits, and the task's end.
#include "core/clock/clock.hpp"
#include "core/hooks/dispatcher.hpp"
#include "core/hooks/thresholds.hpp"
#include "core/loop/loop_state.hpp"

namespace ralph::loop {

using domain::StopReason;

hooks::TaskFacts LoopEngine::facts(const State& st) const {
  hooks::TaskFacts f;
  f.id = m_lease.task;
  f.spec = &st.spec;
  f.totals = st.totals;
  f.runtime_ms = st.spent(m_deps.clock).runtime.count();
  f.instance = m_lease.owner;
  return f;
}

std::optional<LoopOutcome> LoopEngine::loop_hook(State& st, const std::string& event, const std::string& message) {
  if (!m_deps.hooks || !m_deps.hooks->wants(event)) return std::nullopt;
  auto failed = m_deps.hooks->fire_loop_event(hooks::task_event(event, facts(st), {}, message));
  if (!failed) return std::nullopt;
  return LoopOutcome{StopReason::error, *failed + " (hooks.on_error = \"fail\")"};
}

std::optional<LoopOutcome> LoopEngine::warn_budgets(State& st) {
  if (!m_deps.hooks || !m_deps.hooks->wants("budget.warn")) return std::nullopt;
  auto now = st.spent(m_deps.clock);
  auto crossed = hooks::crossings(st.spec.budget, st.warned_at, now, m_deps.hooks->settings().warn_percents);
  st.warned_at = now;
  for (const auto& c : crossed) {
    auto message = c.budget + " at " + std::to_string(c.percent) + "% of its budget";
    auto failed = m_deps.hooks->fire_loop_event(hooks::task_event("budget.warn", facts(st), {}, message, c));
    if (failed) return LoopOutcome{StopReason::error, *failed + " (hooks.on_error = \"fail\")"};
  }
  return std::nullopt;
}

void LoopEngine::hook_end(const State& st, const LoopOutcome& outcome) {
  if (!m_deps.hooks || outcome.released) return;
  auto event = hooks::event_for(outcome.reason);
  if (!event || !m_deps.hooks->wants(*event)) return;
  m_deps.hooks->fire(hooks::task_event(*event, facts(st), outcome.reason, outcome.error));
}

} // namespace ralph::loop
