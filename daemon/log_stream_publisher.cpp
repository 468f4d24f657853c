#include "daemon/log_stream_publisher.hpp"

#include "core/log/redact.hpp"

namespace ralph::daemon {

namespace {

constexpr auto k_pause_after_error = std::chrono::seconds(5);
constexpr const char* k_max_entries = "10000";

// Forwards everything to the inner observer and publishes the text, split
// into whole lines (an unfinished one waits for its end, or the iteration's).
class PublishingObserver final : public loop::ForwardingObserver {
public:
  PublishingObserver(std::unique_ptr<loop::Observer> inner, std::unique_ptr<LogStream> stream)
      : ForwardingObserver(std::move(inner)), m_stream(std::move(stream)) {}

  void on_iteration_start(std::int64_t seq) override {
    m_seq = seq;
    ForwardingObserver::on_iteration_start(seq);
    m_stream->append("iteration_start", seq, "");
  }
  void on_text(std::string_view text) override {
    ForwardingObserver::on_text(text);
    m_pending.append(text);
    for (auto nl = m_pending.find('\n'); nl != std::string::npos; nl = m_pending.find('\n')) {
      m_stream->append("line", m_seq, log::redact(std::string_view(m_pending).substr(0, nl)));
      m_pending.erase(0, nl + 1);
    }
  }
  void on_iteration_end(const store::IterationRecord& rec, const store::Totals& totals) override {
    if (!m_pending.empty()) m_stream->append("line", m_seq, log::redact(std::exchange(m_pending, {})));
    ForwardingObserver::on_iteration_end(rec, totals);
    m_stream->append("iteration_end", rec.seq, rec.outcome);
  }

private:
  std::unique_ptr<LogStream> m_stream;
  std::string m_pending;
  std::int64_t m_seq = 0;
};

} // namespace

LogStream::LogStream(std::unique_ptr<redis::Client> client, std::int64_t task_id, std::function<void()> on_error)
    : m_client(std::move(client)), m_key(m_client->prefix() + "log:" + std::to_string(task_id)),
      m_on_error(std::move(on_error)) {}

void LogStream::append(std::string_view kind, std::int64_t seq, std::string_view text) {
  auto now = std::chrono::steady_clock::now();
  if (now < m_retry_at) return; // Redis was away a moment ago: the files have it
  auto r = m_client->command({"XADD", m_key, "MAXLEN", "~", k_max_entries, "*", "kind", std::string(kind), "seq",
                              std::to_string(seq), "text", std::string(text)});
  if (r && r->type != redis::Reply::Type::error) return;
  m_retry_at = now + k_pause_after_error;
  if (m_on_error) m_on_error();
}

LogStreams::LogStreams(app::RedisSettings settings, std::function<void()> on_error)
    : m_settings(std::move(settings)), m_on_error(std::move(on_error)) {}

std::unique_ptr<LogStream> LogStreams::open_stream(std::int64_t task_id) const {
  if (!active()) return nullptr;
  auto client = app::open_redis(m_settings);
  if (!client || !*client) return nullptr; // a malformed URL: RedisLink::open reported it at start
  return std::make_unique<LogStream>(std::move(*client), task_id, m_on_error);
}

std::unique_ptr<loop::Observer> LogStreams::make_observer(std::int64_t task_id,
                                                          std::unique_ptr<loop::Observer> inner) const {
  auto stream = open_stream(task_id);
  if (!stream) return inner;
  return std::make_unique<PublishingObserver>(std::move(inner), std::move(stream));
}

void LogStreams::task_ended(std::int64_t task_id, std::string_view reason) const {
  if (auto stream = open_stream(task_id)) stream->append("task_end", 0, reason);
}

} // namespace ralph::daemon
