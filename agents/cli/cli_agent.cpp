#include "agents/cli/cli_agent.hpp"

#include <unistd.h>

#include "agents/cli/iteration_log.hpp"
#include "agents/parsers/stream_parser.hpp"
#include "core/log/redact.hpp"
#include "core/pricing/pricing.hpp"
#include "core/proc/process.hpp"

namespace ralph::agents {

namespace {

constexpr std::size_t k_stderr_tail = 2048;

std::string default_program(const std::string& kind) { return kind; }

std::vector<std::string> base_argv(const AgentSettings& s, const IterationRequest& req) {
  std::vector<std::string> argv = s.command.empty() ? std::vector<std::string>{default_program(s.kind)} : s.command;
  auto add = [&](std::initializer_list<std::string> a) { argv.insert(argv.end(), a); };
  if (s.kind == "claude") {
    add({"-p", "--output-format", "stream-json", "--verbose", "--permission-mode",
         s.permission_mode.empty() ? "acceptEdits" : s.permission_mode});
    if (!req.model.empty()) add({"--model", req.model});
    if (!req.resume_session.empty()) add({"--resume", req.resume_session});
  } else if (s.kind == "codex") {
    add({"exec", "--json", "--skip-git-repo-check"});
    if (!req.model.empty()) add({"-m", req.model});
  } else if (s.kind == "gemini") {
    add({"-p", "", "-o", "stream-json", "--yolo"});
    if (!req.model.empty()) add({"-m", req.model});
  }
  argv.insert(argv.end(), s.extra_args.begin(), s.extra_args.end());
  if (s.kind == "codex") argv.push_back("-"); // the prompt comes on stdin
  return argv;
}

std::string api_key(const AgentSettings& s) {
  if (!s.api_key.empty()) return s.api_key;
  if (!s.api_key_env.empty())
    if (const char* v = std::getenv(s.api_key_env.c_str())) return v;
  return {};
}

std::vector<std::string> environment(const AgentSettings& s, const IterationRequest& req) {
  std::vector<std::string> env;
  if (s.kind == "claude") {
    // Only the API calls the loop pays for: no telemetry, updater or bug reports.
    env.push_back("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1");
    // Claude Code refuses bypassPermissions as root unless told it is sandboxed;
    // a user who asked for that mode for an unattended loop means it.
    if (s.permission_mode == "bypassPermissions" && ::geteuid() == 0) env.push_back("IS_SANDBOX=1");
  }
  if (auto key = api_key(s); !key.empty()) {
    log::register_secret(key);
    if (s.kind == "claude") env.push_back("ANTHROPIC_API_KEY=" + key);
    if (s.kind == "codex") { env.push_back("OPENAI_API_KEY=" + key); env.push_back("CODEX_API_KEY=" + key); }
    if (s.kind == "gemini") env.push_back("GEMINI_API_KEY=" + key);
  }
  for (const auto& [k, v] : s.env) env.push_back(k + "=" + v);
  env.insert(env.end(), req.env.begin(), req.env.end());
  return env;
}

class CliAgent final : public Agent {
public:
  CliAgent(std::string name, AgentSettings settings, AgentContext ctx)
      : m_name(std::move(name)), m_settings(std::move(settings)), m_ctx(ctx) {}

  std::string_view name() const override { return m_name; }
  bool reports_usage() const override { return m_settings.kind != "command" || m_settings.reports_usage; }

  IterationResult run(const IterationRequest& req, EventSink& sink, const util::CancelSource& cancel) override {
    auto parser = make_parser();
    IterationLog log(req.log_path);
    IterationLog err_log(req.log_path.empty() ? req.log_path : std::filesystem::path(req.log_path.string() + ".stderr"));
    std::string stderr_tail;

    proc::ProcessSpec spec;
    spec.argv = base_argv(m_settings, req);
    spec.workdir = req.workdir;
    spec.env = environment(m_settings, req);
    spec.stdin_data = req.prompt;
    spec.deadline = req.deadline;
    spec.inactivity_timeout = req.inactivity_timeout;
    spec.kill_grace = req.kill_grace;

    proc::OutputHandlers out;
    out.on_stdout_raw = [&](std::string_view chunk) { log.write(chunk); };
    out.on_stdout_line = [&](std::string_view line, bool) {
      bool usage_changed = parser->feed(line);
      if (auto text = parser->take_text(); !text.empty()) sink.on_text(text);
      if (usage_changed) sink.on_usage(parser->state().usage, cost_of(parser->state(), req));
    };
    out.on_stderr = [&](std::string_view chunk) {
      err_log.write(chunk);
      stderr_tail.append(chunk);
      if (stderr_tail.size() > 2 * k_stderr_tail) stderr_tail.erase(0, stderr_tail.size() - k_stderr_tail);
    };
    auto proc_result = m_ctx.runner.run(spec, out, &cancel);
    log.flush();
    if (stderr_tail.size() > k_stderr_tail) stderr_tail.erase(0, stderr_tail.size() - k_stderr_tail);
    while (!stderr_tail.empty() && (stderr_tail.back() == '\n' || stderr_tail.back() == ' ')) stderr_tail.pop_back();
    parser->finish(proc_result.exit_code, log::redact(stderr_tail));
    return to_result(*parser, proc_result, req);
  }

private:
  std::unique_ptr<StreamParser> make_parser() const {
    if (m_settings.kind == "claude") return make_claude_parser();
    if (m_settings.kind == "codex") return make_codex_parser();
    if (m_settings.kind == "gemini") return make_gemini_parser();
    return make_command_parser();
  }

  domain::Cost cost_of(const ParsedStream& s, const IterationRequest& req) const {
    if (s.reported_cost) return domain::Cost::reported(*s.reported_cost);
    if (!s.usage_known) return domain::Cost::unknown();
    return m_ctx.prices.compute(s.model.empty() ? req.model : s.model, s.usage);
  }

  IterationResult to_result(const StreamParser& parser, const proc::ProcessResult& p, const IterationRequest& req) const {
    const auto& s = parser.state();
    IterationResult r;
    r.exit_code = p.exit_code;
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
    case proc::Ending::spawn_failed:
      r.fault = FaultKind::config;
      r.error = "agent '" + m_name + "' could not start: " + p.error +
                (m_settings.kind == "claude" ? " (install @anthropic-ai/claude-code or set agents." + m_name + ".command)"
                                             : "");
      break;
    case proc::Ending::timed_out:
      r.fault = FaultKind::timeout;
      r.error = "iteration deadline reached; the agent's process group was stopped";
      break;
    case proc::Ending::inactive:
      r.fault = FaultKind::timeout;
      r.error = "no output for " + std::to_string(req.inactivity_timeout ? req.inactivity_timeout->count() / 1000 : 0) +
                "s; the agent's process group was stopped";
      break;
    case proc::Ending::cancelled:
      r.fault = FaultKind::cancelled;
      r.error = "cancelled";
      break;
    case proc::Ending::signaled:
      r.fault = FaultKind::agent;
      r.error = "agent killed by signal " + std::to_string(p.signal);
      break;
    case proc::Ending::exited:
      r.fault = s.fault;
      r.error = log::redact(s.error);
      break;
    }
    return r;
  }

  std::string m_name;
  AgentSettings m_settings;
  AgentContext m_ctx;
};

} // namespace

std::string cli_program(const AgentSettings& settings) {
  return settings.command.empty() ? default_program(settings.kind) : settings.command.front();
}

std::unique_ptr<Agent> make_cli_agent(const std::string& name, const AgentSettings& settings, AgentContext ctx) {
  if (settings.kind != "claude" && settings.kind != "codex" && settings.kind != "gemini" && settings.kind != "command")
    return nullptr;
  return std::make_unique<CliAgent>(name, settings, ctx);
}

} // namespace ralph::agents
