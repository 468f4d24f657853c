// Gemini CLI `-o stream-json` (and the single object of `-o json`). Cached
// tokens are part of the prompt count; thoughts are billed as output.
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
      m_state.session_id = value_or<std::string>(*j, "session_id", "");
      m_state.model = value_or<std::string>(*j, "model", "");
    } else if (type == "message") {
      if (value_or<std::string>(*j, "role", "") == "assistant") {
        auto text = value_or<std::string>(*j, "content", "");
        m_state.final_text += text;
        m_text += text;
      }
    } else if (type == "error") {
      if (value_or<std::string>(*j, "severity", "error") != "warning") m_error = value_or<std::string>(*j, "message", "");
    } else if (type == "result") {
      m_result = true;
      m_success = value_or<std::string>(*j, "status", "") == "success";
      if (auto e = j->find("error"); e != j->end() && e->is_object()) m_error = value_or<std::string>(*e, "message", "");
      if (auto s = j->find("stats"); s != j->end() && s->is_object()) return take_stream_stats(*s);
    } else if (type.empty() && (j->contains("response") || j->contains("stats") || j->contains("error"))) {
      return take_json_output(*j);
    }
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view stderr_tail) override {
    m_state.ok = m_result ? m_success && exit_code == 0 : exit_code == 0 && !m_state.final_text.empty();
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    std::string why = !m_error.empty() ? m_error : std::string(stderr_tail);
    m_state.error = "gemini exited with code " + std::to_string(exit_code) + (why.empty() ? "" : ": " + why);
    switch (exit_code) {
    case 41: m_state.fault = FaultKind::auth; break;
    case 42:
    case 52: m_state.fault = FaultKind::config; break;
    case 53: m_state.fault = FaultKind::agent; break;
    case 130: m_state.fault = FaultKind::cancelled; break;
    default: m_state.fault = classify_error_text(why);
    }
  }

private:
  bool take_stream_stats(const nlohmann::json& s) {
    auto input = count(s, "input_tokens"); // cached included
    auto cached = std::min(count(s, "cached"), input);
    auto output = count(s, "output_tokens");
    auto total = count(s, "total_tokens");
    if (total > input + output) output = total - input; // thoughts are output too
    m_state.usage = {input - cached, output, cached, 0};
    m_state.usage_known = true;
    return true;
  }

  bool take_json_output(const nlohmann::json& j) {
    m_result = true;
    m_success = !j.contains("error") || j["error"].is_null();
    m_state.final_text = value_or<std::string>(j, "response", "");
    m_state.session_id = value_or<std::string>(j, "session_id", m_state.session_id);
    if (auto e = j.find("error"); e != j.end() && e->is_object()) m_error = value_or<std::string>(*e, "message", "");
    auto stats = j.find("stats");
    if (stats == j.end() || !stats->is_object()) return false;
    auto models = stats->find("models");
    if (models == stats->end() || !models->is_object()) return false;
    domain::Usage total;
    for (const auto& [model, m] : models->items()) {
      if (!m.is_object()) continue;
      auto t = m.find("tokens");
      if (t == m.end() || !t->is_object()) continue;
      auto prompt = count(*t, "prompt");
      auto cached = std::min(count(*t, "cached"), prompt);
      total += domain::Usage{prompt - cached, count(*t, "candidates") + count(*t, "thoughts"), cached, 0};
      if (m_state.model.empty()) m_state.model = model;
    }
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
