#pragma once
// The audit log's rows on PostgreSQL (the same columns as SQLite).
#include <vector>

#include <pqxx/pqxx>

#include "core/store/store.hpp"

namespace ralph::store::postgres {

void insert_audit(pqxx::work& w, const AuditRecord& rec);
std::vector<AuditRecord> read_audit(pqxx::work& w, const AuditFilter& filter);

} // namespace ralph::store::postgres
