// make_agent and detect_agents: the agent kinds, by name.
#include "agents/agent.hpp"
#include "agents/cli/cli_agent.hpp"
#include "agents/http/http_agent.hpp"
#include "core/proc/process.hpp"

namespace ralph::agents {

std::unique_ptr<Agent> make_agent(const std::string& name, const AgentSettings& settings, AgentContext ctx) {
  AgentSettings s = settings;
  if (s.kind.empty()) s.kind = name;
  if (auto cli = make_cli_agent(name, s, ctx)) return cli;
  return make_http_agent(name, s, ctx);
}

std::vector<AgentInfo> detect_agents(const std::map<std::string, AgentSettings>& configured,
                                     proc::ProcessRunner& runner) {
  std::vector<AgentInfo> out;
  for (const auto& [name, settings] : configured) {
    AgentInfo info{name, settings.kind.empty() ? name : settings.kind, false, {}, {}};
    if (info.kind == "anthropic" || info.kind == "openai") {
      info.installed = true; // built in: libcurl
      info.version = "built-in (HTTP)";
      out.push_back(info);
      continue;
    }
    if (info.kind == "command" && settings.command.empty()) continue; // nothing to detect
    auto program = cli_program(settings);
    auto path = proc::find_executable(program);
    if (path) {
      info.installed = true;
      info.path = path->string();
      if (info.kind != "command") {
        proc::ProcessSpec spec;
        spec.argv = {path->string(), "--version"};
        spec.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        std::string first;
        proc::OutputHandlers h;
        h.on_stdout_line = [&](std::string_view line, bool) { if (first.empty()) first = line; };
        runner.run(spec, h, nullptr);
        info.version = first;
      }
    }
    out.push_back(info);
  }
  return out;
}

} // namespace ralph::agents
