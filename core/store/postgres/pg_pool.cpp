#include "core/store/postgres/pg_pool.hpp"

#include <cassert>

namespace ralph::store::postgres {

namespace {

std::string hide_password(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

// A database that is down must not hang a CLI command or a daemon tick.
std::string with_timeouts(std::string url) {
  if (url.find("connect_timeout=") == std::string::npos)
    url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("connect_timeout=5");
  return url;
}

} // namespace

Pool::Pool(std::string url, std::size_t size)
    : m_url(with_timeouts(std::move(url))), m_display(hide_password(m_url)), m_size(size) {}

std::unique_ptr<pqxx::connection> Pool::acquire() {
  {
    std::unique_lock lock(m_mutex);
    m_free_cv.wait(lock, [this] { return !m_free.empty() || m_open < m_size; });
    if (!m_free.empty()) {
      auto c = std::move(m_free.back());
      m_free.pop_back();
      return c;
    }
    ++m_open;
  }
  try {
    auto c = std::make_unique<pqxx::connection>(m_url);
    // A statement stuck behind a lock gives `timeout`, not a hung daemon.
    pqxx::nontransaction(*c).exec("SET statement_timeout = '15s'");
    return c;
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

// m_open counts connections out and idle; every acquire() that counted one
// is matched by exactly one give_back(), so the count cannot drift (a drift
// below zero once wrapped it and hung every caller).
void Pool::give_back(std::unique_ptr<pqxx::connection> c) {
  std::lock_guard lock(m_mutex);
  if (c) {
    m_free.push_back(std::move(c));
  } else {
    assert(m_open > 0);
    --m_open;
  }
  m_free_cv.notify_one();
}

void Pool::drop_idle() {
  std::lock_guard lock(m_mutex);
  m_open -= m_free.size();
  m_free.clear();
  m_free_cv.notify_all();
}

Error Pool::map(const std::exception& e) const {
  std::string what = e.what();
  while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
  if (dynamic_cast<const pqxx::broken_connection*>(&e))
    return {Failure::unavailable, "cannot reach PostgreSQL at " + m_display + ": " + what};
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    if (state == "57014") return {Failure::timeout, "PostgreSQL statement timed out: " + what};
    if (state == "40001" || state == "40P01" || state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03")
      return {Failure::unavailable, "PostgreSQL is busy or restarting (" + state + "): " + what};
    if (state == "23505" || state == "23503") return {Failure::conflict, what};
    if (state == "42P01") return {Failure::corrupt, "the database has no ralph schema (" + what + "); run ralph migrate"};
    return {Failure::invalid, "PostgreSQL error " + state + ": " + what};
  }
  return {Failure::unavailable, "PostgreSQL: " + what};
}

} // namespace ralph::store::postgres
