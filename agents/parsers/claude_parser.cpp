// Claude Code `-p --output-format stream-json --verbose`. Totals come from
// the final `result` line; `assistant` lines give a live estimate.
#include <map>

#include "agents/parsers/json_line.hpp"
#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

namespace {

class ClaudeParser final : public StreamParser {
public:
  bool feed(std::string_view line) override {
    auto j = parse_object(line);
    if (!j) return false;
    auto type = value_or<std::string>(*j, "type", "");
    if (type == "system") {
      if (m_state.model.empty()) m_state.model = value_or<std::string>(*j, "model", "");
      m_state.session_id = value_or<std::string>(*j, "session_id", m_state.session_id);
      return false;
    }
    if (type == "assistant") return on_assistant(*j);
    if (type == "result") {
      on_result(*j);
      return true;
    }
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view stderr_tail) override {
    if (!m_result) {
      m_state.ok = false;
      m_state.error = "claude exited with code " + std::to_string(exit_code) + " without a result line";
      if (!stderr_tail.empty()) m_state.error += ": " + std::string(stderr_tail);
      m_state.fault = exit_code == 0 ? FaultKind::agent : classify_error_text(stderr_tail);
      return;
    }
    m_state.ok = m_subtype == "success" && !m_is_error;
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    std::string detail = m_subtype + (m_error_text.empty() ? "" : ": " + m_error_text);
    m_state.error = "claude result " + detail;
    m_state.fault = classify_error_text(m_error_text, m_api_status);
    if (m_subtype == "error_max_turns" || m_subtype == "error_max_budget_usd") m_state.fault = FaultKind::agent;
  }

private:
  bool on_assistant(const nlohmann::json& j) {
    auto msg = j.find("message");
    if (msg == j.end() || !msg->is_object()) return false;
    if (auto content = msg->find("content"); content != msg->end() && content->is_array())
      for (const auto& block : *content)
        if (value_or<std::string>(block, "type", "") == "text") m_text += value_or<std::string>(block, "text", "") + "\n";
    auto model = value_or<std::string>(*msg, "model", "");
    if (!model.empty() && m_state.model.empty()) m_state.model = model;
    auto usage = msg->find("usage");
    if (m_result || usage == msg->end() || !usage->is_object()) return false;
    // One API call yields several assistant lines sharing message.id and usage.
    auto id = value_or<std::string>(*msg, "id", std::to_string(m_calls.size()));
    auto& call = m_calls[id];
    call.input = count(*usage, "input_tokens");
    call.cache_write = count(*usage, "cache_creation_input_tokens");
    call.cache_read = count(*usage, "cache_read_input_tokens");
    call.output = std::max(call.output, count(*usage, "output_tokens"));
    domain::Usage total;
    for (const auto& [_, u] : m_calls) total += u;
    if (total == m_state.usage) return false;
    m_state.usage = total;
    m_state.usage_known = true;
    return true;
  }

  void on_result(const nlohmann::json& j) {
    m_result = true;
    m_subtype = value_or<std::string>(j, "subtype", "");
    m_is_error = value_or<bool>(j, "is_error", false);
    m_api_status = static_cast<int>(value_or<std::int64_t>(j, "api_error_status", 0));
    m_state.final_text = value_or<std::string>(j, "result", "");
    m_state.session_id = value_or<std::string>(j, "session_id", m_state.session_id);
    m_state.num_turns = value_or<std::int64_t>(j, "num_turns", 0);
    if (auto cost = j.find("total_cost_usd"); cost != j.end() && cost->is_number()) m_state.reported_cost = cost->get<double>();
    m_error_text = m_is_error || m_subtype != "success" ? m_state.final_text : "";
    if (auto errors = j.find("errors"); errors != j.end() && errors->is_array())
      for (const auto& e : *errors)
        if (e.is_string()) m_error_text += (m_error_text.empty() ? "" : "; ") + e.get<std::string>();
    take_usage(j);
  }

  // modelUsage covers every model the CLI called (side models included);
  // usage covers the main one. Prefer the complete figure.
  void take_usage(const nlohmann::json& j) {
    domain::Usage total;
    bool found = false;
    std::int64_t best_output = -1;
    if (auto mu = j.find("modelUsage"); mu != j.end() && mu->is_object()) {
      for (const auto& [model, u] : mu->items()) {
        if (!u.is_object()) continue;
        found = true;
        total.input += count(u, "inputTokens");
        total.output += count(u, "outputTokens");
        total.cache_read += count(u, "cacheReadInputTokens");
        total.cache_write += count(u, "cacheCreationInputTokens");
        if (count(u, "outputTokens") > best_output) {
          best_output = count(u, "outputTokens");
          m_state.model = model;
        }
      }
    }
    if (!found) {
      if (auto u = j.find("usage"); u != j.end() && u->is_object() && !u->empty()) {
        found = true;
        total = {count(*u, "input_tokens"), count(*u, "output_tokens"), count(*u, "cache_read_input_tokens"),
                 count(*u, "cache_creation_input_tokens")};
      }
    }
    if (found) {
      m_state.usage = total;
      m_state.usage_known = true;
    }
  }

  std::map<std::string, domain::Usage> m_calls;
  bool m_result = false;
  bool m_is_error = false;
  int m_api_status = 0;
  std::string m_subtype, m_error_text, m_text;
};

} // namespace

std::unique_ptr<StreamParser> make_claude_parser() { return std::make_unique<ClaudeParser>(); }

} // namespace ralph::agents
