#include "core/store/postgres/pg_budgets.hpp"

#include "core/domain/fleet_budget.hpp"
#include "core/store/postgres/pg_rows.hpp"

namespace ralph::store::postgres {

void charge_budgets(pqxx::work& w, const Lease& lease, const IterationRecord& rec) {
  if (rec.budget_scopes.empty()) return;
  // Only the ledger rows actually inserted add to the spend: a retried
  // record finds its rows there and charges nothing more. Scopes are sorted
  // so that concurrent charges lock the spend rows in one order.
  w.exec_params("WITH charged AS ("
                "  INSERT INTO budget_ledger (task_id, seq, scope, day, amount_micros, lease_epoch) "
                "  SELECT $1, $2, s, $4, $5, $6 FROM unnest($3::text[]) AS s ORDER BY s "
                "  ON CONFLICT DO NOTHING RETURNING scope, day, amount_micros) "
                "INSERT INTO budget_spend (scope, day, spent_micros) "
                "SELECT scope, day, amount_micros FROM charged ORDER BY scope "
                "ON CONFLICT (scope, day) DO UPDATE SET spent_micros = budget_spend.spent_micros + excluded.spent_micros",
                lease.task, rec.seq, text_array(rec.budget_scopes), domain::utc_day(rec.finished_at_ms),
                domain::to_micros(rec.cost.usd.value_or(0.0)), lease.epoch);
}

std::vector<BudgetSpend> read_budget_spent(pqxx::work& w, const std::vector<std::string>& scopes, std::string_view day) {
  std::vector<BudgetSpend> out;
  for (const auto& scope : scopes) out.push_back({scope, std::string(day), 0});
  if (scopes.empty()) return out;
  for (const auto& row : w.exec_params("SELECT scope, spent_micros FROM budget_spend WHERE day = $1 AND scope = ANY($2::text[])",
                                       std::string(day), text_array(scopes)))
    for (auto& s : out)
      if (s.scope == row[0].as<std::string>()) s.spent_micros = row[1].as<std::int64_t>();
  return out;
}

} // namespace ralph::store::postgres
