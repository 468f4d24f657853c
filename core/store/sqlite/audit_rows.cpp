#include "core/store/sqlite/audit_rows.hpp"

namespace ralph::store::sqlite {

void insert_audit(Db& db, const AuditRecord& rec) {
  auto st = db.prepare("INSERT INTO audit (at, who, what, args, task_id, exit_code, outcome, duration_ms) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  st.bind(1, rec.at_ms).bind(2, rec.who).bind(3, rec.what).bind(4, rec.args.empty() ? "[]" : rec.args);
  st.bind(5, rec.task).bind(6, rec.exit_code).bind(7, rec.outcome).bind(8, rec.duration_ms);
  st.run();
}

std::vector<AuditRecord> read_audit(Db& db, const AuditFilter& filter) {
  // ?1 IS NULL: one statement serves both the filtered and the full listing.
  auto st = db.prepare("SELECT id, at, who, what, args, task_id, exit_code, outcome, duration_ms FROM audit "
                       "WHERE ?1 IS NULL OR what = ?1 ORDER BY id DESC LIMIT ?2");
  st.bind(1, filter.what).bind(2, filter.limit);
  std::vector<AuditRecord> out;
  while (st.step()) {
    AuditRecord r;
    r.id = st.int64(0);
    r.at_ms = st.int64(1);
    r.who = st.text(2);
    r.what = st.text(3);
    r.args = st.text(4);
    if (!st.is_null(5)) r.task = st.int64(5);
    r.exit_code = static_cast<int>(st.int64(6));
    r.outcome = st.text(7);
    r.duration_ms = st.int64(8);
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace ralph::store::sqlite
