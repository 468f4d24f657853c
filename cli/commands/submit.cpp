// ralph submit: queue a task for ralphd. The store is the queue, so this
// works while no daemon runs; the poke only saves the daemon a poll.
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/commands/task_flags.hpp"
#include "cli/context.hpp"
#include "cli/ops/audit.hpp"
#include "cli/follow.hpp"
#include "cli/signals.hpp"
#include "core/app/task_parts.hpp"
#include "core/app/task_setup.hpp"
#include "core/app/redis.hpp"
#include "core/app/wakeup.hpp"
#include "core/clock/clock.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct SubmitOptions {
  TaskFlags task;
  std::string queue = "default";
  std::int64_t priority = 0;
  std::vector<std::string> labels;
  std::vector<std::string> requires_labels;
  std::string repo;
  std::string branch;
  bool wait = false;
  bool json = false;
  bool quiet = false;
};

void apply_pairs(std::map<std::string, std::string>& into, const std::vector<std::string>& pairs, const char* flag) {
  for (const auto& l : pairs) {
    auto eq = l.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(std::string(flag) + " expects key=value, got '" + l + "'");
    into[l.substr(0, eq)] = l.substr(eq + 1);
  }
}

int submit(const GlobalOptions& global, const SubmitOptions& opts) {
  AuditScope audit("submit");
  if (opts.queue.empty()) throw UsageError("--queue must not be empty");
  if (!opts.branch.empty() && opts.repo.find_first_not_of(" \t") == std::string::npos)
    throw UsageError("--branch needs a --repo URL");
  auto [ctx, spec] = load_task(global, opts.task);
  std::error_code ec;
  spec.queue = opts.queue;
  spec.priority = opts.priority;
  apply_pairs(spec.labels, opts.labels, "--label");
  apply_pairs(spec.required_labels, opts.requires_labels, "--require");
  // The same checks as `ralph run`, before anything is queued: an agent that
  // is not installed or cannot meter a budget is refused here, not later.
  proc::PosixProcessRunner runner;
  app::TaskParts check(ctx.config, spec, runner);
  if (!opts.repo.empty()) {
    if (!spec.git)
      throw UsageError("--repo works through git checkpoints, and they are off (--no-git or git.enabled = false)");
    // The daemon that runs it picks the workdir (a clone in its work root);
    // the prompt file is looked for in the clone.
    spec.repo = opts.repo;
    spec.branch = opts.branch;
    spec.workdir.clear();
  } else if (spec.prompt_text.empty() &&
             !std::filesystem::exists(std::filesystem::path(spec.workdir) / spec.prompt_file, ec))
    throw UsageError("prompt file '" + spec.prompt_file + "' not found in " + spec.workdir +
                     " (write it, or pass --prompt-file or --prompt)");

  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  auto id = store->submit(spec);
  if (!id) throw Error("cannot queue the task: " + id.error().message);
  audit.task = *id;
  write_audit(*store, audit.record(0, "task " + std::to_string(*id) + " queued in " + spec.queue));
  auto socket = app::wakeup_socket_path(ctx.config.get_string("daemon.socket"), ctx.state_dir);
  bool daemon_listening = app::poke(socket, "submit");
  app::publish_wakeup(ctx, "submit"); // daemons on other machines, when Redis is configured
  if (!opts.wait || !opts.json) std::printf("%lld\n", static_cast<long long>(*id));
  std::fflush(stdout);
  if (!daemon_listening && !opts.quiet && !store::embedded_store_path(ctx.store_url).empty())
    std::fprintf(stderr, "ralph: task %lld queued; no ralphd is running on this store yet, it starts when one does\n",
                 static_cast<long long>(*id));
  if (!opts.wait) return 0;
  util::CancelSource interrupt;
  SignalWatcher signals(interrupt);
  return follow_task(*store, *id, FollowOptions{opts.json, opts.quiet}, interrupt);
}

} // namespace

void add_submit_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<SubmitOptions>();
  auto* cmd = app.add_subcommand("submit", "Queue a task for ralphd and print its id");
  opts->task.add_to(*cmd);
  cmd->add_option("--queue", opts->queue, "queue to put the task in (default: default)")->type_name("NAME");
  cmd->add_option("--priority", opts->priority, "higher runs first (default 0)")->type_name("N");
  cmd->add_option("--label", opts->labels, "label the task: --label team=infra (repeatable)")->type_name("KEY=VALUE");
  cmd->add_option("--require", opts->requires_labels,
                  "run only on a daemon with this label (daemon.labels): --require gpu=true (repeatable)")
      ->type_name("KEY=VALUE");
  auto* repo = cmd->add_option("--repo", opts->repo,
                                "git URL to work in: the daemon clones it and pushes each checkpoint to "
                                "ralph/<task-id> (no --workdir needed)")
                   ->type_name("URL");
  cmd->add_option("--branch", opts->branch, "with --repo: branch to start from (default: the remote's default)")
      ->type_name("NAME")
      ->needs(repo);
  repo->excludes(cmd->get_option("--workdir"));
  cmd->add_flag("--wait", opts->wait,
                "follow the task to its end; the exit code is the task's, as with ralph run");
  cmd->add_flag("--json", opts->json, "with --wait: print the final task status as JSON on stdout");
  cmd->add_flag("-q,--quiet", opts->quiet, "print nothing but the id, errors and --json");
  cmd->callback([&global, &exit_code, opts] { exit_code = submit(global, *opts); });
}

} // namespace ralph::cli
