// The loop's side of fleet budgets: the check before each iteration.
#include "core/clock/clock.hpp"
#include "core/domain/fleet_budget.hpp"
#include "core/loop/loop_state.hpp"
#include "core/util/quote.hpp"

namespace ralph::loop {

namespace {

std::string usd_json(std::int64_t micros) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6f", domain::from_micros(micros));
  return buf;
}

} // namespace

std::optional<LoopOutcome> LoopEngine::check_fleet(State& st) {
  if (!m_deps.budgets || st.fleet_scopes.empty()) return std::nullopt;
  const auto now_ms = clock::to_unix_ms(m_deps.clock.now());
  auto checked = patiently([&] { return m_deps.budgets->check(st.fleet_scopes, now_ms); });
  // Running past a cap nobody can see would defeat the budget.
  if (!checked)
    return LoopOutcome{domain::StopReason::error, "cannot read the fleet budgets' spend: " + checked.error().message};
  if (!*checked) return std::nullopt;
  const auto& stop = **checked;
  // The overrun: what iterations already in flight when the cap was reached
  // (here and on other daemons) spent past it.
  const auto overrun = stop.spent_micros > stop.cap_micros ? stop.spent_micros - stop.cap_micros : 0;
  auto message = stop.message;
  if (overrun > 0)
    message += "; overrun " + domain::format_usd(overrun) + " (iterations already running when the cap was reached)";
  std::string data = R"({"budget":)" + util::quote(stop.budget) + R"(,"day":")" + domain::utc_day(now_ms) +
                     R"(","cap_usd":)" + usd_json(stop.cap_micros) + R"(,"spent_usd":)" +
                     usd_json(stop.spent_micros) + R"(,"overrun_usd":)" + usd_json(overrun) +
                     R"(,"message":)" + util::quote(message) + "}";
  if (m_deps.observer) m_deps.observer->on_note("fleet_budget", message);
  (void)patiently([&] { return m_deps.store.append_event(m_lease.task, "fleet_budget", data); });
  return LoopOutcome{domain::StopReason::fleet_budget, message};
}

} // namespace ralph::loop
