#pragma once
// Fleet budgets as the loop sees them: which budgets cover its task, and
// whether any of them is spent for today. The configuration and the store
// (and Redis, when configured) stay behind this interface.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/task.hpp"
#include "core/store/store.hpp"

namespace ralph::loop {

// A covering budget found spent: the task stops with reason fleet_budget.
struct FleetStop {
  std::string budget;
  std::int64_t cap_micros = 0;
  std::int64_t spent_micros = 0;
  std::string message; // "fleet budget 'b' is spent for 2026-12-02: $1.10 of $1.00"
};

class FleetBudgets {
public:
  virtual ~FleetBudgets() = default;
  // The scopes (budget names) every iteration of `spec` is charged to.
  virtual std::vector<std::string> scopes_for(const domain::TaskSpec& spec) const = 0;
  // Before an iteration: the first of `scopes` whose spend today (`now_ms`'s
  // UTC day) has reached its cap, if any. An Error when the spend cannot be
  // read: the loop must not run past a cap it cannot see.
  virtual store::Result<std::optional<FleetStop>> check(const std::vector<std::string>& scopes,
                                                        std::int64_t now_ms) = 0;
  // After an iteration's record committed its charge: a fast counter in
  // front of the store may count it. No-op by default.
  virtual void charged(store::TaskId /*task*/, const store::IterationRecord& /*rec*/) {}
};

} // namespace ralph::loop
