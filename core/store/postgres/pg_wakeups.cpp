#include "core/store/postgres/pg_wakeups.hpp"

#include <pqxx/pqxx>

namespace ralph::store::postgres {

namespace {

class Receiver final : public pqxx::notification_receiver {
public:
  Receiver(pqxx::connection_base& c, std::vector<std::string>& sink)
      : pqxx::notification_receiver(c, k_wakeup_channel), m_sink(sink) {}
  void operator()(const std::string& payload, int) override { m_sink.push_back(payload); }

private:
  std::vector<std::string>& m_sink;
};

class PgWakeups final : public Wakeups {
public:
  explicit PgWakeups(std::string url) : m_url(std::move(url)) { connect(); }

  int fd() override { return m_conn && m_conn->is_open() ? m_conn->sock() : -1; }

  std::vector<std::string> drain() override {
    std::vector<std::string> out;
    try {
      if (!m_conn || !m_conn->is_open()) connect();
      if (m_conn) m_conn->get_notifs();
    } catch (const std::exception&) {
      // The server went away: listen again on the next drain; polling
      // covers the gap, so nothing is lost meanwhile.
      m_receiver.reset();
      m_conn.reset();
    }
    out.swap(m_pending);
    return out;
  }

private:
  void connect() {
    try {
      m_receiver.reset();
      m_conn = std::make_unique<pqxx::connection>(m_url);
      m_receiver = std::make_unique<Receiver>(*m_conn, m_pending);
      m_pending.push_back("reconnected"); // anything may have happened while deaf
    } catch (const std::exception&) {
      m_receiver.reset();
      m_conn.reset();
    }
  }

  std::string m_url;
  std::unique_ptr<pqxx::connection> m_conn;
  std::unique_ptr<Receiver> m_receiver; // destroyed before its connection
  std::vector<std::string> m_pending;
};

} // namespace

std::unique_ptr<Wakeups> make_wakeups(const std::string& url) { return std::make_unique<PgWakeups>(url); }

} // namespace ralph::store::postgres
