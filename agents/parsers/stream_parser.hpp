#pragma once
// Incremental parsers for the agents' stdout, one line at a time. They never
// throw and ignore what they do not know: garbage, truncated JSON, unknown
// event types and fields (these formats change with every release).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agents/agent.hpp"

namespace ralph::agents {

struct ParsedStream {
  std::string final_text;
  domain::Usage usage;           // ralph semantics: the four counts are disjoint
  bool usage_known = false;
  std::optional<double> reported_cost;
  std::string model;
  std::string session_id;
  std::int64_t num_turns = 0;
  bool ok = false;               // valid after finish()
  FaultKind fault = FaultKind::agent;
  std::string error;
  std::optional<std::chrono::milliseconds> retry_after;
};

class StreamParser {
public:
  virtual ~StreamParser() = default;
  // Feeds one line. Returns true when the live usage changed.
  virtual bool feed(std::string_view line) = 0;
  // Text the agent wrote in that line, for live display (may be empty).
  virtual std::string take_text() { return {}; }
  // Decides success and the fault kind once the process has exited.
  virtual void finish(int exit_code, std::string_view stderr_tail) = 0;
  const ParsedStream& state() const { return m_state; }

protected:
  ParsedStream m_state;
};

std::unique_ptr<StreamParser> make_claude_parser();
std::unique_ptr<StreamParser> make_codex_parser();
std::unique_ptr<StreamParser> make_gemini_parser();
std::unique_ptr<StreamParser> make_command_parser();

// Fault kind from an error text (HTTP status words, "rate limit", …).
FaultKind classify_error_text(std::string_view text, int http_status = 0);

} // namespace ralph::agents
