#include "core/store/sqlite/budget_rows.hpp"

#include "core/domain/fleet_budget.hpp"

namespace ralph::store::sqlite {

void charge_budgets(Db& db, const Lease& lease, const IterationRecord& rec) {
  if (rec.budget_scopes.empty()) return;
  const auto day = domain::utc_day(rec.finished_at_ms);
  const auto amount = domain::to_micros(rec.cost.usd.value_or(0.0));
  for (const auto& scope : rec.budget_scopes) {
    auto ins = db.prepare("INSERT INTO budget_ledger (task_id, seq, scope, day, amount_micros, lease_epoch) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
    ins.bind(1, lease.task).bind(2, rec.seq).bind(3, scope).bind(4, day).bind(5, amount).bind(6, lease.epoch);
    ins.run();
    if (db.changes() != 1) continue; // charged before: a retry adds nothing
    auto add = db.prepare("INSERT INTO budget_spend (scope, day, spent_micros) VALUES (?1, ?2, ?3) "
                          "ON CONFLICT (scope, day) DO UPDATE SET spent_micros = spent_micros + excluded.spent_micros");
    add.bind(1, scope).bind(2, day).bind(3, amount);
    add.run();
  }
}

std::vector<BudgetSpend> read_budget_spent(Db& db, const std::vector<std::string>& scopes, std::string_view day) {
  std::vector<BudgetSpend> out;
  for (const auto& scope : scopes) {
    auto st = db.prepare("SELECT spent_micros FROM budget_spend WHERE scope = ?1 AND day = ?2");
    st.bind(1, scope).bind(2, day);
    BudgetSpend s{scope, std::string(day), 0};
    if (st.step()) s.spent_micros = st.int64(0);
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace ralph::store::sqlite
