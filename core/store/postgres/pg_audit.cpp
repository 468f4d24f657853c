#include "core/store/postgres/pg_audit.hpp"

namespace ralph::store::postgres {

void insert_audit(pqxx::work& w, const AuditRecord& rec) {
  // Task ids start at 1, so 0 stands for "no task" through the parameter.
  w.exec_params("INSERT INTO audit (at, who, what, args, task_id, exit_code, outcome, duration_ms) "
                "VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6, $7, $8)",
                rec.at_ms, rec.who, rec.what, rec.args.empty() ? std::string("[]") : rec.args, rec.task.value_or(0),
                rec.exit_code, rec.outcome, rec.duration_ms);
}

std::vector<AuditRecord> read_audit(pqxx::work& w, const AuditFilter& filter) {
  std::vector<AuditRecord> out;
  for (const auto& row : w.exec_params("SELECT id, at, who, what, args, task_id, exit_code, outcome, duration_ms "
                                       "FROM audit WHERE $1 = '' OR what = $1 ORDER BY id DESC LIMIT $2",
                                       filter.what.value_or(""), filter.limit)) {
    AuditRecord r;
    r.id = row[0].as<std::int64_t>();
    r.at_ms = row[1].as<std::int64_t>();
    r.who = row[2].as<std::string>();
    r.what = row[3].as<std::string>();
    r.args = row[4].as<std::string>();
    if (!row[5].is_null()) r.task = row[5].as<TaskId>();
    r.exit_code = row[6].as<int>();
    r.outcome = row[7].as<std::string>();
    r.duration_ms = row[8].as<std::int64_t>();
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace ralph::store::postgres
