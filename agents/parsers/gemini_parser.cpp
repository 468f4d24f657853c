// Gemini CLI `-o stream-json` (and the single object of `-o json`). Cached
// tokens are part of the prompt count; thoughts are billed as output.
#include <utility>

#include "agents/parsers/json_line.hpp"
#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

namespace {

class GeminiParser final : public StreamParser {
public:
  bool feed(std::string_view line) override {
    auto j = parse_object(line);
    if (!j) return false;
    auto type = value_or<std::string>(*j, "type", "");
    if (type == "init") {
      m_state.session_id = value_or<std::string>(*j, "session_id", m_state.session_id);
      m_state.model = value_or<std::string>(*j, "model", m_state.model);
    } else if (type == "message") {
      if (value_or<std::string>(*j, "role", "") == "assistant") {
        auto text = value_or<std::string>(*j, "content", "");
        m_state.final_text += text;
        m_text += text;
      }
    } else if (type == "error") {
      // Warnings ("Loop detected") are not fatal; anything else is, unless a
      // successful result follows.
      if (value_or<std::string>(*j, "severity", "error") != "warning") {
        m_error = value_or<std::string>(*j, "message", "");
        if (m_error.empty()) m_error = "error event";
      }
    } else if (type == "result") {
      m_result = true;
      m_success = value_or<std::string>(*j, "status", "") == "success";
      if (auto e = j->find("error"); e != j->end() && e->is_object()) m_error = value_or<std::string>(*e, "message", m_error);
      if (m_success) m_error.clear();
      ++m_state.num_turns;
      if (auto s = j->find("stats"); s != j->end() && s->is_object()) return take_stream_stats(*s);
    } else if (type.empty() && (j->contains("response") || j->contains("stats") || j->contains("error"))) {
      return take_json_output(*j);
    }
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view stderr_tail) override {
    m_state.ok = exit_code == 0 && (m_result ? m_success : m_error.empty() && !m_state.final_text.empty());
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    if (!m_error.empty()) m_state.error = "gemini error: " + m_error;
    else if (exit_code < 0) m_state.error = "gemini was killed before its result";
    else if (exit_code == 0) m_state.error = "gemini exited with code 0 without a result";
    else m_state.error = "gemini exited with code " + std::to_string(exit_code);
    std::string evidence = m_error.empty() ? std::string(stderr_tail) : m_error;
    // The documented exit codes say more than any text.
    switch (exit_code) {
    case 41: m_state.fault = FaultKind::auth; break;
    case 42: // bad input
    case 52: m_state.fault = FaultKind::config; break;
    case 53: m_state.fault = FaultKind::agent; break; // turn limit
    case 130: m_state.fault = FaultKind::cancelled; break;
    default: m_state.fault = classify_error_text(evidence);
    }
    m_state.retry_after = parse_retry_after(evidence);
  }

private:
  // StreamStats sums the models: input_tokens = Σprompt (cached included),
  // output_tokens = Σcandidates without thoughts, total_tokens = Σtotal. The
  // billable output is therefore total − input when that is larger.
  bool take_stream_stats(const nlohmann::json& s) {
    auto input = count(s, "input_tokens");
    auto cached = std::min(count(s, "cached"), input);
    auto output = count(s, "output_tokens");
    auto total = count(s, "total_tokens");
    if (total - input > output) output = total - input;
    m_state.usage = {input - cached, output, cached, 0};
    m_state.usage_known = true;
    return true;
  }

  // `-o json`: {session_id, response, stats.models.<m>.tokens{prompt,
  // candidates, cached, thoughts}, error}.
  bool take_json_output(const nlohmann::json& j) {
    m_result = true;
    auto e = j.find("error");
    auto response = j.find("response");
    // Success is a response and no error; stats alone answer nothing.
    m_success = (e == j.end() || e->is_null()) && response != j.end() && response->is_string();
    if (e != j.end() && e->is_object()) m_error = value_or<std::string>(*e, "message", "error");
    else if (e != j.end() && !e->is_null()) m_error = "error";
    else m_error.clear();
    m_state.final_text = value_or<std::string>(j, "response", "");
    m_state.session_id = value_or<std::string>(j, "session_id", m_state.session_id);
    m_state.num_turns = 1;
    auto stats = j.find("stats");
    if (stats == j.end() || !stats->is_object()) return false;
    auto models = stats->find("models");
    if (models == stats->end() || !models->is_object()) return false;
    domain::Usage total;
    std::int64_t best_output = -1;
    bool any = false;
    for (const auto& [model, m] : models->items()) {
      if (!m.is_object()) continue;
      auto t = m.find("tokens");
      if (t == m.end() || !t->is_object()) continue;
      any = true;
      auto prompt = count(*t, "prompt");
      auto cached = std::min(count(*t, "cached"), prompt);
      domain::Usage one{prompt - cached, count(*t, "candidates") + count(*t, "thoughts"), cached, 0};
      total += one;
      if (one.output > best_output) {
        best_output = one.output;
        m_state.model = model;
      }
    }
    if (!any) return false;
    m_state.usage = total;
    m_state.usage_known = true;
    return true;
  }

  bool m_result = false, m_success = false;
  std::string m_error, m_text;
};

} // namespace

std::unique_ptr<StreamParser> make_gemini_parser() { return std::make_unique<GeminiParser>(); }

} // namespace ralph::agents
