// make_agent and detect_agents: the agent kinds, by name.
#include "agents/agent.hpp"
#include "agents/cli/cli_agent.hpp"
#include "agents/cli/cli_invocation.hpp"
#include "agents/http/curl_transport.hpp"
#include "agents/http/http_agent.hpp"
#include "core/plugin/plugin.hpp"
#include "core/proc/process.hpp"

namespace ralph::agents {

namespace {

bool is_kind(std::string_view k) { return is_cli_kind(k) || k == "anthropic" || k == "openai"; }

// `<program> --version`, first line trimmed; empty when it fails or says nothing.
std::string cli_version(const std::filesystem::path& program, proc::ProcessRunner& runner) {
  proc::ProcessSpec spec;
  spec.argv = {program.string(), "--version"};
  spec.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  spec.kill_grace = std::chrono::milliseconds(500);
  std::string first;
  bool seen = false;
  proc::OutputHandlers h;
  h.on_stdout_line = [&](std::string_view line, bool) {
    if (seen) return;
    auto b = line.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return; // skip leading blank lines
    auto e = line.find_last_not_of(" \t\r");
    first = line.substr(b, e - b + 1);
    seen = true;
  };
  auto r = runner.run(spec, h, nullptr);
  if (r.ending != proc::Ending::exited || r.exit_code != 0) return {};
  return first;
}

} // namespace

std::unique_ptr<Agent> make_agent(const std::string& name, const AgentSettings& settings, AgentContext ctx) {
  AgentSettings s = settings;
  if (s.kind.empty()) {
    if (!is_kind(name)) return nullptr;
    s.kind = name;
  }
  if (s.kind == "anthropic" || s.kind == "openai") return make_http_agent(name, s, ctx);
  return make_cli_agent(name, s, ctx);
}

bool runnable_here(const AgentSettings& settings) {
  if (settings.kind == "anthropic" || settings.kind == "openai") return !plugin::find(http::k_curl_plugin_file).empty();
  if (!is_cli_kind(settings.kind)) return false;
  auto program = cli_program(settings);
  return !program.empty() && proc::find_executable(program).has_value();
}

std::vector<AgentInfo> detect_agents(const std::map<std::string, AgentSettings>& configured,
                                     proc::ProcessRunner& runner) {
  // The three CLI kinds always, as configured if they are; then every other
  // configured agent.
  std::map<std::string, AgentSettings> all = configured;
  for (const char* builtin : {"claude", "codex", "gemini"}) all.try_emplace(builtin);
  std::vector<AgentInfo> out;
  for (const auto& [name, settings] : all) {
    AgentInfo info{name, settings.kind.empty() ? name : settings.kind, false, {}, {}};
    if (info.kind == "anthropic" || info.kind == "openai") {
      // Built in, over libcurl, which ralph loads as a plugin.
      info.path = plugin::find(http::k_curl_plugin_file);
      info.installed = !info.path.empty();
      info.version = info.installed ? "built-in (HTTP)" : "";
      out.push_back(info);
      continue;
    }
    if (!is_cli_kind(info.kind)) continue; // unknown kinds: config check reports them
    AgentSettings s = settings;
    s.kind = info.kind;
    auto program = cli_program(s);
    if (program.empty()) { // a command agent without a command
      out.push_back(info);
      continue;
    }
    auto path = proc::find_executable(program);
    if (path) {
      info.installed = true;
      info.path = path->string();
      // A command agent is the user's own script, and `--version` may well
      // run it as an iteration; only the known CLIs are asked.
      if (info.kind != "command") info.version = cli_version(*path, runner);
    }
    out.push_back(info);
  }
  return out;
}

} // namespace ralph::agents
