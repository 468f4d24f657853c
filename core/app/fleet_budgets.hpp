#pragma once
// [budgets.<name>]: daily fleet cost caps, read from the configuration and
// enforced against the store's ledger.
#include <memory>
#include <vector>

#include "core/config/config.hpp"
#include "core/domain/fleet_budget.hpp"
#include "core/loop/fleet_budgets.hpp"
#include "core/store/store.hpp"

namespace ralph::app {

// Reads every [budgets.<name>] table, in name order. Throws ConfigError when
// one has no daily_cost_usd, a cap that is not a positive number, or an
// empty queue/project filter.
std::vector<domain::FleetBudget> fleet_budgets(const config::Config& cfg);

// The loop's FleetBudgets over the store's ledger. Null when no budget is
// configured (nothing to check, nothing to charge).
std::unique_ptr<loop::FleetBudgets> make_fleet_budgets(const config::Config& cfg, store::Store& store);

// The store-backed implementation, for tests and for wrappers.
class StoreFleetBudgets : public loop::FleetBudgets {
public:
  StoreFleetBudgets(std::vector<domain::FleetBudget> budgets, store::Store& store)
      : m_budgets(std::move(budgets)), m_store(store) {}
  std::vector<std::string> scopes_for(const domain::TaskSpec& spec) const override;
  store::Result<std::optional<loop::FleetStop>> check(const std::vector<std::string>& scopes,
                                                      std::int64_t now_ms) override;
  const std::vector<domain::FleetBudget>& budgets() const { return m_budgets; }

private:
  std::vector<domain::FleetBudget> m_budgets;
  store::Store& m_store;
};

// "fleet budget 'b' is spent for 2026-12-02: $1.10 of $1.00": the task's error.
std::string fleet_stop_message(const domain::FleetBudget& b, std::string_view day, std::int64_t spent_micros);

} // namespace ralph::app
