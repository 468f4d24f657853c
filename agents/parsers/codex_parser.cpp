// Codex `exec --json`: usage in turn.completed (input includes cached);
// `error` lines that say "Reconnecting…" are retry notices, not failures.
#include <utility>

#include "agents/parsers/json_line.hpp"
#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

namespace {

class CodexParser final : public StreamParser {
public:
  bool feed(std::string_view line) override {
    auto j = parse_object(line);
    if (!j) return false;
    auto type = value_or<std::string>(*j, "type", "");
    if (type == "thread.started") {
      m_state.session_id = value_or<std::string>(*j, "thread_id", m_state.session_id);
    } else if (type == "item.completed") {
      // Other item types (reasoning, command_execution, a non-fatal "error"
      // item for unknown model metadata…) are progress, not the answer.
      auto item = j->find("item");
      if (item != j->end() && value_or<std::string>(*item, "type", "") == "agent_message") {
        m_state.final_text = value_or<std::string>(*item, "text", "");
        m_text += m_state.final_text + "\n";
      }
    } else if (type == "turn.completed") {
      ++m_state.num_turns;
      m_completed = true;
      m_pending_error.clear(); // an error followed by a completed turn was survived
      if (auto u = j->find("usage"); u != j->end() && u->is_object()) return take_usage(*u);
    } else if (type == "turn.failed") {
      m_failed = true;
      auto e = j->find("error");
      m_failure = e != j->end() ? value_or<std::string>(*e, "message", "") : "";
      if (m_failure.empty()) m_failure = "turn failed";
    } else if (type == "error") {
      auto message = value_or<std::string>(*j, "message", "");
      if (message.rfind("Reconnecting", 0) != 0) m_pending_error = message.empty() ? "error event" : message;
    }
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view stderr_tail) override {
    m_state.ok = m_completed && !m_failed && m_pending_error.empty() && exit_code == 0;
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    std::string why = m_failed ? m_failure : m_pending_error;
    if (m_failed) m_state.error = "codex turn failed: " + why;
    else if (!why.empty()) m_state.error = "codex error: " + why;
    else if (exit_code < 0) m_state.error = "codex was killed before its turn completed";
    else if (!m_completed) m_state.error = "codex exited with code " + std::to_string(exit_code) + " without turn.completed";
    else m_state.error = "codex exited with code " + std::to_string(exit_code);
    std::string evidence = why.empty() ? std::string(stderr_tail) : why;
    m_state.fault = classify_error_text(evidence);
    m_state.retry_after = parse_retry_after(evidence);
  }

private:
  // Usage is thread-cumulative; a fresh `exec` (ralph never resumes codex)
  // makes it this iteration's total. input_tokens includes the cached ones.
  // output_tokens includes reasoning_output_tokens as in the OpenAI API;
  // should a build report less output than reasoning, the two cannot
  // overlap, so they are added. cache_write_input_tokens (newer builds) is
  // taken as part of input too, like every prompt token in OpenAI's usage.
  bool take_usage(const nlohmann::json& u) {
    auto input = count(u, "input_tokens");
    auto cached = std::min(count(u, "cached_input_tokens"), input);
    auto written = std::min(count(u, "cache_write_input_tokens"), input - cached);
    auto output = count(u, "output_tokens");
    auto reasoning = count(u, "reasoning_output_tokens");
    if (output < reasoning) output += reasoning;
    domain::Usage usage{input - cached - written, output, cached, written};
    bool changed = !m_state.usage_known || usage != m_state.usage;
    m_state.usage = usage;
    m_state.usage_known = true;
    return changed;
  }

  bool m_completed = false, m_failed = false;
  std::string m_failure, m_pending_error, m_text;
};

} // namespace

std::unique_ptr<StreamParser> make_codex_parser() { return std::make_unique<CodexParser>(); }

} // namespace ralph::agents
