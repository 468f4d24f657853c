#pragma once
// Incremental parsers for the agents' stdout, one line at a time. They never
// throw and ignore what they do not know: garbage, truncated JSON, unknown
// event types and fields (these formats change with every release).
// Formats: /work/shared/reference/agent-protocols.md (claude §2, codex §3, gemini §4).
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
  std::optional<double> reported_cost; // the agent's own figure (USD), if it gives one
  std::string model;
  std::string session_id;
  std::int64_t num_turns = 0;
  bool ok = false;               // valid after finish()
  FaultKind fault = FaultKind::agent;
  std::string error;             // why it failed; without the stderr tail (the adapter adds it)
  std::optional<std::chrono::milliseconds> retry_after;
};

class StreamParser {
public:
  virtual ~StreamParser() = default;
  // Feeds one line (without '\n'). Returns true when the usage changed: a
  // live estimate mid-stream, or the final figures. Never throws.
  virtual bool feed(std::string_view line) = 0;
  // Text the agent wrote since the last call, for live display (may be empty).
  virtual std::string take_text() { return {}; }
  // Decides success and the fault kind once the process has exited (-1:
  // killed by a signal). stderr_tail only helps classify; it is not copied.
  virtual void finish(int exit_code, std::string_view stderr_tail) = 0;
  const ParsedStream& state() const { return m_state; }

protected:
  ParsedStream m_state;
};

std::unique_ptr<StreamParser> make_claude_parser();
std::unique_ptr<StreamParser> make_codex_parser();
std::unique_ptr<StreamParser> make_gemini_parser();
std::unique_ptr<StreamParser> make_command_parser();

// Fault kind from an error text ("rate limit", "overloaded", "invalid api
// key", …) and an HTTP status when the agent reports one (0: none).
FaultKind classify_error_text(std::string_view text, int http_status = 0);

// A wait the text asks for: "try again in 20s", "retry after 2 minutes".
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view text);

} // namespace ralph::agents
