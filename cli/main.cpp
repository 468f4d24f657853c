// ralph: the command line. Thin: parsing and dispatch; the work is in core/.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "agents/http/curl_transport.hpp"
#include "core/plugin/plugin.hpp"
#include "core/store/postgres/pg_store.hpp"
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/ops/audit.hpp"
#include "core/domain/stop_reason.hpp"
#include "core/log/redact.hpp"
#include "core/util/error.hpp"

namespace {

constexpr const char* k_exit_codes = R"(
Exit codes:
  0    completed
  1    internal error (store unreachable, lost lease, unexpected failure)
  2    usage or configuration error
  3    budget exhausted (max_iterations, max_runtime, max_tokens, max_cost, fleet_budget)
  4    agent failure (consecutive_failures, loop_detected)
  5    cancelled
  130  interrupted (SIGINT/SIGTERM)
See ralph(1), config.toml(5).)";

} // namespace

extern char** environ;

int main(int argc, char** argv) {
  using namespace ralph;
  // Keys that reach agents through the environment are masked wherever
  // agent output is stored or errors are printed.
  log::register_environment_secrets(environ);
  CLI::App app{"ralph: run AI coding agents in a loop until the work is done, within budgets"};
  app.footer(k_exit_codes);
  app.set_version_flag("-V,--version", [] {
    // The optional parts are plugins: say which are installed, and where.
    auto plugin_note = [](const char* file) {
      auto path = plugin::find(file);
      return path.empty() ? std::string(" (not installed: ") + file + ")" : " (" + path + ")";
    };
    return std::string("ralph ") + RALPH_VERSION + "\nstores: sqlite, postgresql" +
           plugin_note(store::postgres::k_plugin_file) + "\nagents: claude codex gemini command, anthropic openai" +
           plugin_note(agents::http::k_curl_plugin_file);
  });
  app.require_subcommand(1);
  app.fallthrough(); // global options also work after the command: ralph run --set k=v

  cli::GlobalOptions global;
  app.add_option("-c,--config", global.config_file, "configuration file, on top of the standard ones")
      ->type_name("FILE")
      ->envname("RALPH_CONFIG");
  app.add_option("--state-dir", global.state_dir, "state directory (store, logs)")->type_name("DIR");
  app.add_option("--set", global.sets, "override a config key: --set loop.max_cost=5 (repeatable)")
      ->type_name("KEY=VALUE");
  app.add_flag("-v,--verbose", global.verbosity, "more output (repeatable)");

  cli::remember_command_line(argc, argv); // for the audit log
  int exit_code = 0;
  cli::add_run_command(app, global, exit_code);
  cli::add_submit_command(app, global, exit_code);
  cli::add_status_commands(app, global, exit_code);
  cli::add_init_command(app, global, exit_code);
  cli::add_config_command(app, global, exit_code);
  cli::add_control_commands(app, global, exit_code);
  cli::add_logs_command(app, global, exit_code);
  cli::add_instances_command(app, global, exit_code);
  cli::add_migrate_command(app, global, exit_code);
  cli::add_agents_command(app, global, exit_code);
  cli::add_ops_commands(app, global, exit_code);
  cli::add_failover_command(app, global, exit_code);
  cli::add_audit_command(app, global, exit_code);
  cli::add_doctor_command(app, global, exit_code);
  cli::add_budgets_command(app, global, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : domain::exit_code::usage;
  } catch (const Error& e) {
    std::fprintf(stderr, "ralph: %s\n", log::redact(e.what()).c_str());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ralph: internal error: %s\n", log::redact(e.what()).c_str());
    return domain::exit_code::internal_error;
  }
  return exit_code;
}
