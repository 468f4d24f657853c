// ralph backup / restore / maintenance / health: the operations
// scripts (scripts/*.sh) run with this ralph's resolved configuration, each
// run recorded in the audit log (ralph audit).
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/ops/health_report.hpp"
#include "cli/ops/ops_run.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

std::string absolute(const std::string& path) {
  return path.empty() ? path : std::filesystem::absolute(path).lexically_normal().string();
}

// ---- backup ---------------------------------------------------------------

struct BackupOptions {
  std::string to;
  bool logs = false;
  std::optional<int> keep_days;
  std::optional<int> keep;
};

int backup(const GlobalOptions& global, const BackupOptions& o) {
  Invocation inv{"backup", "backup.sh", {}, true};
  if (!o.to.empty()) inv.args.insert(inv.args.end(), {"--to", absolute(o.to)});
  if (o.logs) inv.args.push_back("--logs");
  if (o.keep_days) inv.args.insert(inv.args.end(), {"--keep-days", std::to_string(*o.keep_days)});
  if (o.keep) inv.args.insert(inv.args.end(), {"--keep", std::to_string(*o.keep)});
  auto out = run_ops(global, inv, [](const Outcome& r) {
    auto path = r.stdout_text.substr(0, r.stdout_text.find('\n'));
    return path.empty() ? std::string("ok") : "ok: " + path;
  });
  // backup.sh's stdout is the new directory's path: passed on as it came.
  std::fwrite(out.stdout_text.data(), 1, out.stdout_text.size(), stdout);
  std::fflush(stdout);
  return out.exit_code;
}

// ---- restore --------------------------------------------------------------

struct RestoreOptions {
  std::string backup_dir;
  bool force = false;
  bool no_logs = false;
};

int restore(const GlobalOptions& global, const RestoreOptions& o) {
  Invocation inv{"restore", "restore.sh", {}, false};
  if (o.force) inv.args.push_back("--force");
  if (o.no_logs) inv.args.push_back("--no-logs");
  inv.args.push_back(absolute(o.backup_dir));
  auto dir = absolute(o.backup_dir);
  return run_ops(global, inv, [&](const Outcome&) { return "restored from " + dir; }).exit_code;
}

// ---- maintenance ----------------------------------------------------------

struct MaintenanceOptions {
  std::string retention;
  std::string audit_retention;
  bool dry_run = false;
  bool wait = false;
};

int maintenance(const GlobalOptions& global, const MaintenanceOptions& o) {
  Invocation inv{"maintenance", "maintenance.sh", {}, false};
  if (!o.retention.empty()) inv.args.insert(inv.args.end(), {"--retention", o.retention});
  if (!o.audit_retention.empty()) inv.args.insert(inv.args.end(), {"--audit-retention", o.audit_retention});
  if (o.dry_run) inv.args.push_back("--dry-run");
  if (o.wait) inv.args.push_back("--wait");
  if (global.verbosity > 0) inv.args.push_back("--verbose"); // -v: a summary of what was done
  return run_ops(global, inv).exit_code;
}

// ---- health ---------------------------------------------------------------

struct HealthOptions {
  bool json = false;
  bool quiet = false;
  bool no_daemon = false;
};

int health(const GlobalOptions& global, const HealthOptions& o) {
  Invocation inv{"health", "health-check.sh", {}, o.json};
  // --json reports every check, so the script must print the passing ones too.
  if (o.quiet && !o.json) inv.args.push_back("--quiet");
  if (o.no_daemon) inv.args.push_back("--no-daemon");
  auto out = run_ops(global, inv);
  if (o.json && (out.exit_code == 0 || out.exit_code == 1)) {
    auto checks = parse_health_output(out.stdout_text);
    std::printf("%s\n", health_json(checks, out.exit_code == 0).c_str());
  } else if (o.json) {
    std::fwrite(out.stdout_text.data(), 1, out.stdout_text.size(), stdout);
  }
  return out.exit_code;
}

} // namespace

void add_ops_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto b = std::make_shared<BackupOptions>();
  auto* backup_cmd = app.add_subcommand("backup", "Back up the store (and task logs); prints the backup's directory");
  backup_cmd->add_option("--to", b->to, "where backups go (default: ops.backup_dir, else STATE_DIR/backups)")
      ->type_name("DIR");
  backup_cmd->add_flag("--logs", b->logs, "also archive the task logs");
  backup_cmd->add_option("--keep-days", b->keep_days, "then delete backups older than N days")->type_name("N");
  backup_cmd->add_option("--keep", b->keep, "then keep only the newest N backups")->type_name("N");
  backup_cmd->callback([&global, &exit_code, b] { exit_code = backup(global, *b); });

  auto r = std::make_shared<RestoreOptions>();
  auto* restore_cmd = app.add_subcommand("restore", "Restore a backup into the configured store, then migrate it");
  restore_cmd->add_option("backup_dir", r->backup_dir, "a directory made by ralph backup")->required();
  restore_cmd->add_flag("--force", r->force, "restore even while a daemon uses the store");
  restore_cmd->add_flag("--no-logs", r->no_logs, "restore the store only, not the task logs");
  restore_cmd->callback([&global, &exit_code, r] { exit_code = restore(global, *r); });

  auto m = std::make_shared<MaintenanceOptions>();
  auto* maint_cmd = app.add_subcommand("maintenance", "Delete old finished tasks, ANALYZE/VACUUM, rotate logs, check disk");
  maint_cmd->add_option("--retention", m->retention, "keep finished tasks this long (default: ops.retention, 30d)")
      ->type_name("DUR");
  maint_cmd->add_option("--audit-retention", m->audit_retention,
                        "keep audit records this long (default: ops.audit_retention, 365d)")
      ->type_name("DUR");
  maint_cmd->add_flag("--dry-run", m->dry_run, "change nothing; print what would be deleted");
  maint_cmd->add_flag("--wait", m->wait, "wait for a concurrent run instead of skipping");
  maint_cmd->callback([&global, &exit_code, m] { exit_code = maintenance(global, *m); });

  auto h = std::make_shared<HealthOptions>();
  auto* health_cmd = app.add_subcommand("health", "Check the daemon, the store, Redis and disk space, one line each");
  health_cmd->add_flag("--json", h->json, "print {ok, checks: [{check, ok, detail}]}");
  health_cmd->add_flag("-q,--quiet", h->quiet, "print only the failing checks (for cron)");
  health_cmd->add_flag("--no-daemon", h->no_daemon, "skip the daemon check (a host that only runs the CLI)");
  health_cmd->callback([&global, &exit_code, h] { exit_code = health(global, *h); });
}

} // namespace ralph::cli
