// Codex `exec --json`: usage in turn.completed (input includes cached);
// `error` lines that say "Reconnecting…" are retry notices, not failures.
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
      m_state.session_id = value_or<std::string>(*j, "thread_id", "");
    } else if (type == "item.completed") {
      auto item = j->find("item");
      if (item != j->end() && value_or<std::string>(*item, "type", "") == "agent_message") {
        m_state.final_text = value_or<std::string>(*item, "text", "");
        m_text += m_state.final_text + "\n";
      }
    } else if (type == "turn.completed") {
      ++m_state.num_turns;
      m_completed = true;
      if (auto u = j->find("usage"); u != j->end() && u->is_object()) {
        auto input = count(*u, "input_tokens");
        auto cached = std::min(count(*u, "cached_input_tokens"), input);
        m_state.usage = {input - cached, count(*u, "output_tokens"), cached, count(*u, "cache_write_input_tokens")};
        m_state.usage_known = true;
        return true;
      }
    } else if (type == "turn.failed") {
      m_failed = true;
      if (auto e = j->find("error"); e != j->end()) m_last_error = value_or<std::string>(*e, "message", "turn failed");
    } else if (type == "error") {
      auto message = value_or<std::string>(*j, "message", "");
      if (message.rfind("Reconnecting", 0) != 0) m_last_error = message;
    }
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view stderr_tail) override {
    m_state.ok = m_completed && !m_failed && exit_code == 0;
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    std::string why = !m_last_error.empty() ? m_last_error : std::string(stderr_tail);
    m_state.error = "codex " + std::string(m_failed ? "turn failed" : "exited with code " + std::to_string(exit_code)) +
                    (why.empty() ? "" : ": " + why);
    m_state.fault = classify_error_text(why);
  }

private:
  bool m_completed = false, m_failed = false;
  std::string m_last_error, m_text;
};

} // namespace

std::unique_ptr<StreamParser> make_codex_parser() { return std::make_unique<CodexParser>(); }

} // namespace ralph::agents
