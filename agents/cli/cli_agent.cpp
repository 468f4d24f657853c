#include "agents/cli/cli_agent.hpp"

#include "agents/cli/cli_invocation.hpp"
#include "agents/cli/iteration_log.hpp"
#include "agents/parsers/stream_parser.hpp"
#include "core/domain/duration.hpp"
#include "core/log/redact.hpp"
#include "core/pricing/pricing.hpp"
#include "core/proc/process.hpp"

namespace ralph::agents {

namespace {

constexpr std::size_t k_stderr_tail = 2048;

// The last ~2 KB of stderr, starting on a line (or at least a UTF-8
// character) boundary, without trailing blank space.
class StderrTail {
public:
  void append(std::string_view chunk) {
    m_text.append(chunk);
    if (m_text.size() > 4 * k_stderr_tail) m_text.erase(0, m_text.size() - k_stderr_tail);
  }
  std::string take() const {
    std::string t = m_text;
    if (t.size() > k_stderr_tail) {
      t.erase(0, t.size() - k_stderr_tail);
      auto nl = t.find('\n');
      if (nl != std::string::npos && nl + 1 < t.size() && nl < k_stderr_tail / 2) t.erase(0, nl + 1);
      std::size_t i = 0;
      while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i;
      t.erase(0, i);
    }
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.pop_back();
    return t;
  }

private:
  std::string m_text;
};

class CliAgent final : public Agent {
public:
  CliAgent(std::string name, AgentSettings settings, AgentContext ctx)
      : m_name(std::move(name)), m_settings(std::move(settings)), m_ctx(ctx) {}

  std::string_view name() const override { return m_name; }
  // claude, codex and gemini always report tokens; a command agent does when
  // configured to print usage lines.
  bool reports_usage() const override { return m_settings.kind != "command" || m_settings.reports_usage; }

  IterationResult run(const IterationRequest& req, EventSink& sink, const util::CancelSource& cancel) override {
    if (m_settings.kind == "command" && m_settings.command.empty()) {
      IterationResult r;
      r.fault = FaultKind::config;
      r.error = "agent '" + m_name + "' has kind 'command' but no agents." + m_name + ".command";
      return r;
    }
    auto parser = make_parser();
    IterationLog out_log(req.log_path);
    IterationLog err_log(req.log_path.empty() ? req.log_path : std::filesystem::path(req.log_path.string() + ".stderr"));
    StderrTail stderr_tail;

    proc::ProcessSpec spec;
    spec.argv = cli_argv(m_settings, req);
    spec.workdir = req.workdir;
    spec.env = cli_env(m_settings, req);
    spec.stdin_data = req.prompt;
    spec.deadline = req.deadline;
    spec.inactivity_timeout = req.inactivity_timeout;
    spec.kill_grace = req.kill_grace;

    proc::OutputHandlers out;
    out.on_stdout_raw = [&](std::string_view chunk) { out_log.write(chunk); };
    out.on_stdout_line = [&](std::string_view line, bool) {
      bool usage_changed = parser->feed(line);
      if (auto text = parser->take_text(); !text.empty()) sink.on_text(text);
      if (usage_changed) sink.on_usage(parser->state().usage, cost_of(parser->state(), req));
    };
    out.on_stderr = [&](std::string_view chunk) {
      err_log.write(chunk);
      stderr_tail.append(chunk);
    };
    auto proc_result = m_ctx.runner.run(spec, out, &cancel);
    out_log.flush();
    err_log.flush();
    auto tail = log::redact(stderr_tail.take());
    parser->finish(proc_result.ending == proc::Ending::exited ? proc_result.exit_code : -1, tail);
    return to_result(parser->state(), proc_result, req, tail, cancel);
  }

private:
  std::unique_ptr<StreamParser> make_parser() const {
    if (m_settings.kind == "claude") return make_claude_parser();
    if (m_settings.kind == "codex") return make_codex_parser();
    if (m_settings.kind == "gemini") return make_gemini_parser();
    return make_command_parser();
  }

  // Reported if the agent reports it, else priced by the model it names (or
  // the requested one: codex never names it), else unknown — never $0.
  domain::Cost cost_of(const ParsedStream& s, const IterationRequest& req) const {
    if (s.reported_cost) return domain::Cost::reported(*s.reported_cost);
    if (!s.usage_known) return domain::Cost::unknown();
    const std::string& model = s.model.empty() ? req.model : s.model;
    if (model.empty()) return domain::Cost::unknown();
    return m_ctx.prices.compute(model, s.usage);
  }

  std::string not_installed(const std::string& program) const {
    std::string msg = "agent '" + m_name + "' is not installed: '" + program + "' not found in PATH (";
    auto hint = install_hint(m_settings.kind);
    if (!hint.empty()) msg += "install " + std::string(hint) + " or ";
    return msg + "set agents." + m_name + ".command)";
  }

  IterationResult to_result(const ParsedStream& s, const proc::ProcessResult& p, const IterationRequest& req,
                            const std::string& stderr_tail, const util::CancelSource& cancel) const {
    IterationResult r;
    r.exit_code = p.ending == proc::Ending::exited ? p.exit_code : -1;
    r.final_text = s.final_text;
    r.usage = s.usage;
    r.usage_known = s.usage_known;
    r.cost = cost_of(s, req);
    r.model = s.model.empty() ? req.model : s.model;
    r.session_id = s.session_id;
    r.num_turns = s.num_turns;
    r.retry_after = s.retry_after;
    r.output_bytes = p.stdout_bytes;
    switch (p.ending) {
    case proc::Ending::spawn_failed: {
      r.fault = FaultKind::config;
      auto program = spec_program(req);
      r.error = proc::find_executable(program) ? "agent '" + m_name + "' could not start: " + p.error
                                               : not_installed(program);
      return r;
    }
    case proc::Ending::timed_out:
      r.fault = FaultKind::timeout;
      r.error = "iteration deadline reached";
      return r;
    case proc::Ending::inactive:
      r.fault = FaultKind::timeout;
      r.error = "no output for " + domain::format_duration(req.inactivity_timeout.value_or(domain::Millis{0}));
      return r;
    case proc::Ending::cancelled: {
      r.fault = FaultKind::cancelled;
      auto reason = cancel.reason();
      r.error = reason.empty() ? "cancelled" : "cancelled: " + reason;
      return r;
    }
    case proc::Ending::signaled:
    case proc::Ending::exited:
      break;
    }
    r.fault = s.ok ? FaultKind::none : s.fault;
    if (r.fault == FaultKind::none) return r;
    r.error = s.error;
    if (p.ending == proc::Ending::signaled) r.error += " (killed by signal " + std::to_string(p.signal) + ")";
    if (!stderr_tail.empty()) r.error += "\nstderr: " + stderr_tail;
    r.error = log::redact(r.error);
    return r;
  }

  std::string spec_program(const IterationRequest& req) const {
    auto argv = cli_argv(m_settings, req);
    return argv.empty() ? std::string() : argv.front();
  }

  std::string m_name;
  AgentSettings m_settings;
  AgentContext m_ctx;
};

} // namespace

std::unique_ptr<Agent> make_cli_agent(const std::string& name, const AgentSettings& settings, AgentContext ctx) {
  if (!is_cli_kind(settings.kind)) return nullptr;
  return std::make_unique<CliAgent>(name, settings, ctx);
}

} // namespace ralph::agents
