#pragma once
// Fleet budget rows on PostgreSQL: the exactly-once ledger and the per-day
// spend (the same tables as SQLite).
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "core/store/store.hpp"

namespace ralph::store::postgres {

// Charges rec's cost to each of rec.budget_scopes, once per (task, seq,
// scope), inside the transaction that records the iteration.
void charge_budgets(pqxx::work& w, const Lease& lease, const IterationRecord& rec);
std::vector<BudgetSpend> read_budget_spent(pqxx::work& w, const std::vector<std::string>& scopes, std::string_view day);

} // namespace ralph::store::postgres
