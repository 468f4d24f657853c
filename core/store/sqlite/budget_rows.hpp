#pragma once
// Fleet budget rows: the exactly-once ledger and the per-day spend.
#include <string_view>
#include <vector>

#include "core/store/sqlite/db.hpp"
#include "core/store/store.hpp"

namespace ralph::store::sqlite {

// Charges rec's cost to each of rec.budget_scopes, once per (task, seq,
// scope). The caller holds the transaction that records the iteration.
void charge_budgets(Db& db, const Lease& lease, const IterationRecord& rec);
std::vector<BudgetSpend> read_budget_spent(Db& db, const std::vector<std::string>& scopes, std::string_view day);

} // namespace ralph::store::sqlite
