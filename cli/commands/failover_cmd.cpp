// ralph failover: scripts/failover.sh with the resolved configuration
// (failover.promote_command as RALPH_FAILOVER_PROMOTE_COMMAND): moves tasks
// off an instance (drain, or evict) and/or promotes a standby store and
// waits for the daemons to reconnect. Recorded in the audit log.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/ops/ops_run.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct FailoverOptions {
  std::string instance;
  bool evict = false;
  bool promote = false;
  std::optional<int> timeout;
};

int failover(const GlobalOptions& global, const FailoverOptions& o) {
  if (o.instance.empty() && !o.promote) throw UsageError("failover: give --instance ID, --promote, or both");
  if (o.evict && o.instance.empty()) throw UsageError("failover: --evict needs --instance ID");
  Invocation inv{"failover", "failover.sh", {}, false};
  if (!o.instance.empty()) inv.args.insert(inv.args.end(), {"--instance", o.instance});
  if (o.evict) inv.args.push_back("--evict");
  if (o.promote) inv.args.push_back("--promote");
  if (o.timeout) inv.args.insert(inv.args.end(), {"--timeout", std::to_string(*o.timeout)});
  return run_ops(global, inv).exit_code;
}

} // namespace

void add_failover_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto f = std::make_shared<FailoverOptions>();
  auto* fo_cmd = app.add_subcommand("failover", "Move tasks off an instance, and/or promote a standby store");
  fo_cmd->add_option("--instance", f->instance, "drain this instance (id or unique prefix) and wait until it runs "
                                                "no task")->type_name("ID");
  fo_cmd->add_flag("--evict", f->evict, "with --instance: take its tasks back at once instead of draining");
  fo_cmd->add_flag("--promote", f->promote, "run failover.promote_command, then wait until the daemons reconnect");
  fo_cmd->add_option("--timeout", f->timeout, "seconds to wait for each step (default 300)")->type_name("S");
  fo_cmd->callback([&global, &exit_code, f] { exit_code = failover(global, *f); });
}

} // namespace ralph::cli
