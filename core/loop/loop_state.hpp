#pragma once
// The engine's per-run state, shared by loop_engine.cpp and iteration.cpp.
#include <optional>
#include <string>
#include <vector>

#include "core/clock/clock.hpp"
#include "core/domain/budget.hpp"
#include "core/loop/completion.hpp"
#include "core/loop/loop_engine.hpp"

namespace ralph::loop {

using std::chrono::milliseconds;

struct LoopEngine::State {
  domain::TaskSpec spec;
  store::Totals totals;
  std::int64_t next_seq = 1;
  std::chrono::steady_clock::time_point session_start;
  std::int64_t prior_runtime_ms = 0;
  std::int64_t consecutive_failures = 0;
  std::int64_t infra_streak = 0;
  std::int64_t limit_streak = 0; // usage/rate limits in a row: the wait grows without a reset time
  std::int64_t since_checkpoint = 0;
  std::string gate_feedback;
  LoopDetector detector{0};
  std::optional<domain::StopReason> budget_stop;
  std::vector<std::string> fleet_scopes; // the fleet budgets charged with each iteration
  domain::Spent warned_at; // spent at the last budget.warn check: each threshold fires once

  domain::Spent spent(const clock::Clock& clock) const {
    domain::Spent s;
    s.iterations = totals.iterations;
    s.runtime = milliseconds{prior_runtime_ms} +
                std::chrono::duration_cast<milliseconds>(clock.steady_now() - session_start);
    s.usage = totals.usage;
    s.cost_usd = totals.cost_usd;
    return s;
  }
};

} // namespace ralph::loop
