#include "core/app/fleet_budgets.hpp"

#include <cmath>

#include "core/util/error.hpp"

namespace ralph::app {

namespace {

std::optional<std::string> filter(const config::Config& cfg, const std::string& key) {
  if (!cfg.has(key)) return std::nullopt;
  auto value = cfg.get_string(key);
  if (value.empty()) throw ConfigError(key + ": must not be empty (leave it out to cover every task)");
  return value;
}

} // namespace

std::vector<domain::FleetBudget> fleet_budgets(const config::Config& cfg) {
  std::vector<domain::FleetBudget> out;
  for (const auto& name : cfg.table_names("budgets")) {
    const auto key = "budgets." + name + ".daily_cost_usd";
    auto cap = cfg.get_number(key);
    if (!cap) throw ConfigError("[budgets." + name + "]: daily_cost_usd is required (USD per UTC day, e.g. 50.0)");
    if (!std::isfinite(*cap) || *cap <= 0 || *cap > 1e9)
      throw ConfigError(key + ": expected a positive number of USD, got " + cfg.find(key)->text);
    domain::FleetBudget b;
    b.name = name;
    b.daily_micros = domain::to_micros(*cap);
    b.queue = filter(cfg, "budgets." + name + ".queue");
    b.project = filter(cfg, "budgets." + name + ".project");
    out.push_back(std::move(b));
  }
  return out;
}

std::unique_ptr<loop::FleetBudgets> make_fleet_budgets(const config::Config& cfg, store::Store& store) {
  auto budgets = fleet_budgets(cfg);
  if (budgets.empty()) return nullptr;
  return std::make_unique<StoreFleetBudgets>(std::move(budgets), store);
}

std::string fleet_stop_message(const domain::FleetBudget& b, std::string_view day, std::int64_t spent_micros) {
  return "fleet budget '" + b.name + "' is spent for " + std::string(day) + " (UTC): " +
         domain::format_usd(spent_micros) + " of " + domain::format_usd(b.daily_micros) + " a day";
}

std::vector<std::string> StoreFleetBudgets::scopes_for(const domain::TaskSpec& spec) const {
  return domain::covering_scopes(m_budgets, spec);
}

store::Result<std::optional<loop::FleetStop>> StoreFleetBudgets::check(const std::vector<std::string>& scopes,
                                                                       std::int64_t now_ms) {
  if (scopes.empty()) return std::optional<loop::FleetStop>{};
  const auto day = domain::utc_day(now_ms);
  auto spent = m_store.budget_spent(scopes, day);
  if (!spent) return util::unexpected(spent.error());
  for (const auto& s : *spent) {
    for (const auto& b : m_budgets) {
      if (b.name != s.scope || s.spent_micros < b.daily_micros) continue;
      return std::optional<loop::FleetStop>{loop::FleetStop{b.name, b.daily_micros, s.spent_micros,
                                                            fleet_stop_message(b, day, s.spent_micros)}};
    }
  }
  return std::optional<loop::FleetStop>{};
}

} // namespace ralph::app
