// Claude Code `-p --output-format stream-json --verbose`. Totals come from
// the final `result` line; `assistant` lines give a live estimate.
#include <map>
#include <utility>

#include "agents/parsers/json_line.hpp"
#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

namespace {

// One model's counts from result.modelUsage; the documented keys are
// camelCase, but some captures show snake_case, so both are read.
domain::Usage model_usage(const nlohmann::json& u) {
  auto either = [&](const char* camel, const char* snake) { return std::max(count(u, camel), count(u, snake)); };
  return {either("inputTokens", "input_tokens"), either("outputTokens", "output_tokens"),
          either("cacheReadInputTokens", "cache_read_input_tokens"),
          either("cacheCreationInputTokens", "cache_creation_input_tokens")};
}

class ClaudeParser final : public StreamParser {
public:
  bool feed(std::string_view line) override {
    auto j = parse_object(line);
    if (!j) return false;
    auto type = value_or<std::string>(*j, "type", "");
    if (type == "system") {
      if (value_or<std::string>(*j, "subtype", "") == "init") m_init_model = value_or<std::string>(*j, "model", "");
      m_state.session_id = value_or<std::string>(*j, "session_id", m_state.session_id);
      if (m_state.model.empty()) m_state.model = m_init_model;
      return false;
    }
    if (type == "assistant") return on_assistant(*j);
    if (type == "result") {
      on_result(*j);
      return m_state.usage_known;
    }
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view stderr_tail) override {
    if (!m_result) {
      m_state.ok = false;
      m_state.error = exit_code < 0 ? "claude was killed before its result line"
                                    : "claude exited with code " + std::to_string(exit_code) + " without a result line";
      // Exit 0 without a result is the agent's own failure; otherwise stderr
      // may say why (a rate limit, a bad key).
      m_state.fault = exit_code == 0 ? FaultKind::agent : classify_error_text(stderr_tail);
      m_state.retry_after = parse_retry_after(stderr_tail);
      return;
    }
    // A non-zero exit after a successful result happens (an MCP server that
    // failed to start): the result line decides.
    m_state.ok = m_subtype == "success" && !m_is_error;
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    m_state.error = "claude result " + (m_subtype.empty() ? std::string("without subtype") : m_subtype) +
                    (m_is_error ? " (is_error)" : "") + (m_error_text.empty() ? "" : ": " + m_error_text);
    if (m_subtype == "error_max_turns" || m_subtype == "error_max_budget_usd" ||
        m_subtype == "error_max_structured_output_retries") {
      m_state.fault = FaultKind::agent;
      return;
    }
    m_state.fault = classify_error_text(m_error_text, m_api_status);
    m_state.retry_after = parse_retry_after(m_error_text);
  }

private:
  bool on_assistant(const nlohmann::json& j) {
    auto msg = j.find("message");
    if (msg == j.end() || !msg->is_object()) return false;
    if (auto content = msg->find("content"); content != msg->end() && content->is_array())
      for (const auto& block : *content)
        if (value_or<std::string>(block, "type", "") == "text") m_text += value_or<std::string>(block, "text", "") + "\n";
    if (m_state.model.empty()) m_state.model = value_or<std::string>(*msg, "model", "");
    auto usage = msg->find("usage");
    // After the result line its totals stand; later lines cannot change them.
    if (m_result || usage == msg->end() || !usage->is_object()) return false;
    // One API call yields several assistant lines sharing message.id and
    // usage: input and cache count once (from the first line), output is the
    // largest seen. A line without an id is its own call.
    auto id = value_or<std::string>(*msg, "id", "");
    if (id.empty()) id = "#" + std::to_string(m_calls.size());
    auto [call, first] = m_calls.try_emplace(id);
    if (first) {
      call->second.input = count(*usage, "input_tokens");
      call->second.cache_write = count(*usage, "cache_creation_input_tokens");
      call->second.cache_read = count(*usage, "cache_read_input_tokens");
    }
    call->second.output = std::max(call->second.output, count(*usage, "output_tokens"));
    domain::Usage total;
    for (const auto& [_, u] : m_calls) total += u;
    if (m_state.usage_known && total == m_state.usage) return false;
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
    m_state.num_turns = count(j, "num_turns");
    m_state.reported_cost = usd(j, "total_cost_usd");
    m_error_text = m_is_error || m_subtype != "success" ? m_state.final_text : "";
    if (auto errors = j.find("errors"); errors != j.end() && errors->is_array())
      for (const auto& e : *errors)
        if (e.is_string()) m_error_text += (m_error_text.empty() ? "" : "; ") + e.get<std::string>();
    take_usage(j);
  }

  // modelUsage covers every model the CLI called (side models included);
  // usage covers the main one. The larger figure is the complete one.
  void take_usage(const nlohmann::json& j) {
    std::optional<domain::Usage> by_models, main;
    std::int64_t best_output = -1;
    std::string best_model;
    if (auto mu = j.find("modelUsage"); mu != j.end() && mu->is_object() && !mu->empty()) {
      by_models.emplace();
      for (const auto& [model, u] : mu->items()) {
        if (!u.is_object()) continue;
        auto one = model_usage(u);
        *by_models += one;
        if (one.output > best_output) {
          best_output = one.output;
          best_model = model;
        }
      }
    }
    if (auto u = j.find("usage"); u != j.end() && u->is_object() && !u->empty())
      main = domain::Usage{count(*u, "input_tokens"), count(*u, "output_tokens"), count(*u, "cache_read_input_tokens"),
                           count(*u, "cache_creation_input_tokens")};
    if (!best_model.empty()) m_state.model = best_model;
    else if (!m_init_model.empty()) m_state.model = m_init_model;
    if (!by_models && !main) return; // keep the live estimate
    if (by_models && (!main || by_models->total() >= main->total())) m_state.usage = *by_models;
    else m_state.usage = *main;
    m_state.usage_known = true;
  }

  std::map<std::string, domain::Usage> m_calls;
  bool m_result = false;
  bool m_is_error = false;
  int m_api_status = 0;
  std::string m_subtype, m_error_text, m_text, m_init_model;
};

} // namespace

std::unique_ptr<StreamParser> make_claude_parser() { return std::make_unique<ClaudeParser>(); }

} // namespace ralph::agents
