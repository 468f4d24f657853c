#include "core/store/sqlite/db.hpp"

#include <sqlite3.h>

namespace ralph::store::sqlite {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    msg = "the store is locked by another process (" + msg + ")";
  throw DbError{failure_for(rc), msg};
}
} // namespace

Failure failure_for(int rc) {
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_PERM: return Failure::unavailable;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB: return Failure::corrupt;
  case SQLITE_CONSTRAINT: return Failure::conflict;
  default: return Failure::unavailable;
  }
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : m_db(db), m_stmt(nullptr, sqlite3_finalize) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  m_stmt.reset(raw);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(m_stmt.get(), i, v);
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(m_stmt.get(), i, v);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(m_stmt.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(m_stmt.get(), i);
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(m_stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(m_db, rc, "query");
}

std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(m_stmt.get(), col); }
double Stmt::real(int col) const { return sqlite3_column_double(m_stmt.get(), col); }
std::string Stmt::text(int col) const {
  auto p = sqlite3_column_text(m_stmt.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(m_stmt.get(), col)))
           : std::string();
}
void Stmt::done() { sqlite3_reset(m_stmt.get()); }

bool Stmt::is_null(int col) const { return sqlite3_column_type(m_stmt.get(), col) == SQLITE_NULL; }

Db::Db(const std::string& path, int busy_timeout_ms) : m_db(nullptr, sqlite3_close_v2) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  m_db.reset(raw);
  if (rc != SQLITE_OK) fail(raw, rc, "cannot open " + path);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(m_db.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
      msg = "the store is locked by another process (" + msg + ")";
    throw DbError{failure_for(rc), msg};
  }
}

std::int64_t Db::changes() const { return sqlite3_changes(m_db.get()); }

} // namespace ralph::store::sqlite
