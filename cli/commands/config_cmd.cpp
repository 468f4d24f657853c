// ralph config show|check
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/app/task_setup.hpp"

namespace ralph::cli {

void add_config_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("config", "Show or check the effective configuration");
  cmd->require_subcommand(1);

  auto origin = std::make_shared<bool>(false);
  auto* show = cmd->add_subcommand("show", "Print every effective value (secrets masked)");
  show->add_flag("--origin", *origin, "say where each value came from");
  show->callback([&global, &exit_code, origin] {
    auto ctx = load_context(global, {});
    std::printf("%s", config::render(ctx.config, *origin).c_str());
    for (const auto& w : ctx.config.warnings) std::fprintf(stderr, "ralph: warning: %s\n", w.c_str());
    exit_code = 0;
  });

  auto* check = cmd->add_subcommand("check", "Validate the configuration; exit 2 with the problem if it is wrong");
  check->callback([&global, &exit_code] {
    auto ctx = load_context(global, {});
    auto spec = app::spec_from_config(ctx.config, std::filesystem::current_path());
    app::all_agent_settings(ctx.config); // every [agents.*] table must be valid
    app::price_table(ctx.config);
    for (const auto& w : ctx.config.warnings) std::fprintf(stderr, "ralph: warning: %s\n", w.c_str());
    std::printf("configuration ok (agent %s, store %s)\n", spec.agent.c_str(), ctx.store_url.c_str());
    exit_code = 0;
  });
}

} // namespace ralph::cli
