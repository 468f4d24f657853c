#pragma once
// Thin RAII over the SQLite C API. Failures throw DbError, which the store
// turns into a Result at its interface; nothing outside core/store sees them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/store/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ralph::store::sqlite {

struct DbError {
  Failure failure;
  std::string message;
};

class Stmt {
public:
  Stmt(sqlite3* db, std::string_view sql);
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);
  template <typename T> Stmt& bind(int i, const std::optional<T>& v) { return v ? bind(i, *v) : bind_null(i); }

  bool step(); // true: a row is available; false: done
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;
  void run() { while (step()) {} } // for statements whose rows do not matter
  // Ends the statement early (after reading the first row), so that a
  // transaction holding it can commit.
  void done();

private:
  sqlite3* m_db;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> m_stmt;
};

class Db {
public:
  Db(const std::string& path, int busy_timeout_ms); // throws DbError
  sqlite3* get() const { return m_db.get(); }
  void exec(std::string_view sql);
  Stmt prepare(std::string_view sql) { return Stmt(m_db.get(), sql); }
  std::int64_t changes() const;

private:
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> m_db;
};

// BEGIN IMMEDIATE … COMMIT; rolls back unless committed.
class Txn {
public:
  explicit Txn(Db& db) : m_db(db) { m_db.exec("BEGIN IMMEDIATE"); }
  ~Txn() {
    if (!m_done) {
      try { m_db.exec("ROLLBACK"); } catch (const DbError&) {}
    }
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  void commit() { m_db.exec("COMMIT"); m_done = true; }

private:
  Db& m_db;
  bool m_done = false;
};

// The Failure an SQLite result code means.
Failure failure_for(int rc);

} // namespace ralph::store::sqlite
