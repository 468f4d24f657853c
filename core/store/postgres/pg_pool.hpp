#pragma once
// A small pool of PostgreSQL connections with reconnect and error mapping.
// Private to core/store/postgres: pqxx appears in no other header.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "core/store/store.hpp"

namespace ralph::store::postgres {

// Thrown inside a transaction body for an expected failure; becomes an Error.
struct PgFail {
  Failure failure;
  std::string message;
};

class Pool {
public:
  Pool(std::string url, std::size_t size);

  // Runs fn(work) in one transaction and commits it, on a pooled
  // connection. A broken connection is dropped and the call retried once on
  // a fresh one before it reports `unavailable`.
  template <typename Fn> auto transact(Fn&& fn) -> Result<decltype(fn(std::declval<pqxx::work&>()))>;

  // A URL safe to print (password hidden).
  const std::string& display_url() const { return m_display; }
  const std::string& url() const { return m_url; }

private:
  std::unique_ptr<pqxx::connection> acquire();
  void give_back(std::unique_ptr<pqxx::connection> c); // nullptr: the connection was dropped
  void drop_idle();
  Error map(const std::exception& e) const;

  std::string m_url;
  std::string m_display;
  std::size_t m_size;
  std::size_t m_open = 0;
  std::mutex m_mutex;
  std::condition_variable m_free_cv;
  std::vector<std::unique_ptr<pqxx::connection>> m_free;
};

template <typename Fn> auto Pool::transact(Fn&& fn) -> Result<decltype(fn(std::declval<pqxx::work&>()))> {
  using T = decltype(fn(std::declval<pqxx::work&>()));
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<pqxx::connection> conn;
    try {
      conn = acquire();
      pqxx::work w(*conn);
      if constexpr (std::is_void_v<T>) {
        fn(w);
        w.commit();
        give_back(std::move(conn));
        return {};
      } else {
        T value = fn(w);
        w.commit();
        give_back(std::move(conn));
        return value;
      }
    } catch (const PgFail& f) {
      give_back(std::move(conn));
      return util::unexpected(Error{f.failure, f.message});
    } catch (const pqxx::broken_connection& e) {
      // A connection that broke says the server went away (a restart, a
      // failover): the idle ones are gone too, so the retry connects afresh.
      // (When acquire() itself failed, it has already given its slot back.)
      if (conn) give_back(nullptr);
      drop_idle();
      if (attempt >= 2) return util::unexpected(map(e));
    } catch (const std::exception& e) {
      if (conn) give_back(conn->is_open() ? std::move(conn) : nullptr);
      return util::unexpected(map(e));
    }
  }
}

} // namespace ralph::store::postgres
