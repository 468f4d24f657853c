// ralph agents: which agents are installed, with versions.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "agents/agent.hpp"
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/app/task_setup.hpp"
#include "core/proc/process.hpp"

namespace ralph::cli {

void add_agents_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("agents", "List the agents ralph knows and whether they are installed");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([&global, &exit_code, json] {
    auto ctx = load_context(global, {});
    proc::PosixProcessRunner runner;
    auto infos = agents::detect_agents(app::all_agent_settings(ctx.config), runner);
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& a : infos)
        arr.push_back({{"name", a.name}, {"kind", a.kind}, {"installed", a.installed},
                       {"version", a.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.version)},
                       {"path", a.path}});
      std::printf("%s\n", arr.dump(2).c_str());
    } else {
      std::printf("%-12s %-10s %-10s %s\n", "NAME", "KIND", "STATUS", "VERSION");
      for (const auto& a : infos)
        std::printf("%-12s %-10s %-10s %s\n", a.name.c_str(), a.kind.c_str(),
                    a.installed ? "installed" : "missing", a.version.c_str());
    }
    exit_code = 0;
  });
}

} // namespace ralph::cli
