// The `command` agent: stdout is the output, except lines that are a JSON
// object with "type":"usage" (cumulative within the iteration; the last wins).
#include <utility>

#include "agents/parsers/json_line.hpp"
#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

namespace {

class CommandParser final : public StreamParser {
public:
  bool feed(std::string_view line) override {
    if (auto j = parse_object(line); j && value_or<std::string>(*j, "type", "") == "usage") {
      m_state.usage = {count(*j, "input_tokens"), count(*j, "output_tokens"), count(*j, "cache_read_tokens"),
                       count(*j, "cache_write_tokens")};
      m_state.usage_known = true;
      m_state.reported_cost = usd(*j, "cost_usd");
      m_state.model = value_or<std::string>(*j, "model", m_state.model);
      m_state.session_id = value_or<std::string>(*j, "session_id", m_state.session_id);
      return true;
    }
    if (m_lines++ > 0) m_state.final_text += '\n';
    m_state.final_text.append(line);
    // Bounded: the completion check reads the end of the output.
    if (m_state.final_text.size() > k_max_text) m_state.final_text.erase(0, m_state.final_text.size() - k_max_text / 2);
    m_text.append(line).append("\n");
    return false;
  }

  std::string take_text() override { return std::exchange(m_text, {}); }

  void finish(int exit_code, std::string_view) override {
    m_state.num_turns = 1;
    m_state.ok = exit_code == 0;
    if (m_state.ok) {
      m_state.fault = FaultKind::none;
      return;
    }
    m_state.error = exit_code < 0 ? "command was killed" : "command exited with code " + std::to_string(exit_code);
    // sysexits(3): EX_TEMPFAIL, EX_NOPERM, EX_CONFIG.
    m_state.fault = exit_code == 75   ? FaultKind::infra
                    : exit_code == 77 ? FaultKind::auth
                    : exit_code == 78 ? FaultKind::config
                                      : FaultKind::agent;
  }

private:
  static constexpr std::size_t k_max_text = 4u << 20;
  std::size_t m_lines = 0;
  std::string m_text;
};

} // namespace

std::unique_ptr<StreamParser> make_command_parser() { return std::make_unique<CommandParser>(); }

} // namespace ralph::agents
