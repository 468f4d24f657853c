#pragma once
// Row <-> struct mapping for the audit log.
#include <vector>

#include "core/store/sqlite/db.hpp"
#include "core/store/store.hpp"

namespace ralph::store::sqlite {

void insert_audit(Db& db, const AuditRecord& rec);
std::vector<AuditRecord> read_audit(Db& db, const AuditFilter& filter);

} // namespace ralph::store::sqlite
