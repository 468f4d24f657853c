#pragma once
// One function per command group registers its CLI11 subcommand(s). A
// command's callback stores its exit code in `exit_code`.
namespace CLI { class App; }

namespace ralph::cli {

struct GlobalOptions;

void add_run_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_status_commands(CLI::App& app, GlobalOptions& global, int& exit_code); // status, list
void add_init_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_config_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_agents_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_submit_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_control_commands(CLI::App& app, GlobalOptions& global, int& exit_code); // cancel, resume, retry
void add_logs_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_instances_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_migrate_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_ops_commands(CLI::App& app, GlobalOptions& global, int& exit_code); // backup, restore, maintenance, health
void add_failover_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_audit_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_doctor_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_budgets_command(CLI::App& app, GlobalOptions& global, int& exit_code);

} // namespace ralph::cli
