#pragma once
// Incremental parsing of streamed model responses: the Server-Sent Events
// framing, and the Anthropic Messages / OpenAI Chat Completions event streams
// on top of it. Pure (no I/O), so any byte split can be tested.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/usage.hpp"

namespace ralph::agents::http {

struct SseEvent {
  std::string event; // the `event:` field; empty when the stream sent none
  std::string data;  // the `data:` lines joined with '\n'
  bool operator==(const SseEvent&) const = default;
};

// Splits a byte stream into SSE events, whatever the chunk boundaries
// (LF, CRLF or CR line ends; comments and unknown fields ignored). A line
// longer than max_line is dropped and counted in oversized_lines().
class SseParser {
public:
  static constexpr std::size_t k_default_max_line = 16 * 1024 * 1024;
  explicit SseParser(std::size_t max_line = k_default_max_line) : m_max_line(max_line) {}

  // Appends every event completed by `bytes` to `out`.
  void feed(std::string_view bytes, std::vector<SseEvent>& out);
  // End of stream: dispatches an event that lacked its final blank line.
  void finish(std::vector<SseEvent>& out);
  std::size_t oversized_lines() const { return m_oversized; }

private:
  void line(std::string_view l, std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  std::size_t m_max_line;
  std::string m_line;
  bool m_line_too_long = false;
  bool m_last_was_cr = false;
  std::string m_event;
  std::string m_data;
  bool m_has_data = false;
  std::size_t m_oversized = 0;
};

enum class Protocol { anthropic, openai };

// An error the server reported inside the stream (Anthropic `event: error`,
// or an OpenAI chunk carrying "error").
struct StreamError {
  std::string type;    // e.g. overloaded_error, rate_limit_error
  std::string message;
};

// Interprets one response stream. Usage follows ralph's disjoint semantics:
// for OpenAI, cached tokens are moved out of input into cache_read.
class StreamDecoder {
public:
  explicit StreamDecoder(Protocol p) : m_protocol(p) {}

  struct Progress {
    std::string text;          // assistant text that arrived with these bytes
    bool usage_changed = false;
  };
  Progress feed(std::string_view bytes);
  Progress finish();

  const domain::Usage& usage() const { return m_usage; }
  bool usage_known() const { return m_usage_known; }
  const std::string& text() const { return m_text; }
  const std::string& model() const { return m_model; }
  const std::string& message_id() const { return m_id; }
  const std::string& stop_reason() const { return m_stop_reason; }
  const std::optional<StreamError>& error() const { return m_error; }
  // The stream reached its normal end (message_stop, or [DONE]).
  bool complete() const { return m_complete; }
  // Events whose data was not the JSON expected (ignored).
  std::size_t bad_events() const { return m_bad_events; }
  std::size_t oversized_lines() const { return m_sse.oversized_lines(); }

private:
  void handle(const SseEvent& ev, Progress& p);
  void handle_anthropic(const SseEvent& ev, Progress& p);
  void handle_openai(const SseEvent& ev, Progress& p);

  Protocol m_protocol;
  SseParser m_sse;
  std::vector<SseEvent> m_pending;
  domain::Usage m_usage;
  bool m_usage_known = false;
  std::string m_text;
  std::string m_model;
  std::string m_id;
  std::string m_stop_reason;
  std::optional<StreamError> m_error;
  bool m_complete = false;
  std::size_t m_bad_events = 0;
};

} // namespace ralph::agents::http
