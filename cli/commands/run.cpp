// ralph run: one loop in the foreground, recorded in the store like any task.
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "agents/agent.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/task_flags.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/signals.hpp"
#include "core/app/fleet_budgets.hpp"
#include "core/app/rate_limits.hpp"
#include "core/app/task_parts.hpp"
#include "core/app/task_setup.hpp"
#include "core/clock/clock.hpp"
#include "core/hooks/dispatcher.hpp"
#include "core/loop/loop_engine.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct RunOptions {
  TaskFlags task;
  bool json = false;
  bool quiet = false;
};

std::string owner_name() {
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  return std::string("run:") + host + ":" + std::to_string(::getpid());
}

// With -vv: ralph's own CPU time and peak RSS, agents excluded (benchmarks use it).
void report_resources(int verbosity) {
  if (verbosity < 2) return;
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  std::fprintf(stderr, "ralph: resources: cpu_user_s=%.4f cpu_sys_s=%.4f max_rss_kb=%ld (ralph only, agents excluded)\n",
               secs(self.ru_utime), secs(self.ru_stime), self.ru_maxrss);
}

int run_loop(const GlobalOptions& global, const RunOptions& opts) {
  auto [ctx, spec] = load_task(global, opts.task);
  proc::PosixProcessRunner runner;
  app::TaskParts parts(ctx.config, spec, runner);

  auto hook_settings = hooks::hook_settings(ctx.config);
  auto fleet = app::fleet_budgets(ctx.config); // a bad [budgets] table fails before the task is recorded

  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  // Declared after the store: its destructor waits for the hooks still
  // running (task.completed …) before the store closes and ralph exits.
  hooks::Dispatcher dispatcher(std::move(hook_settings), store.get(), [](log::Level level, const std::string& message) {
    std::fprintf(stderr, "ralph: %s: %s\n", level == log::Level::error ? "error" : "warning", message.c_str());
  });
  auto id = store->submit(spec);
  if (!id) throw Error("cannot record the task: " + id.error().message);
  auto lease = store->claim(*id, owner_name(), std::chrono::seconds(30));
  if (!lease) throw Error("cannot start task " + std::to_string(*id) + ": " + lease.error().message);

  util::CancelSource cancel;
  SignalWatcher signals(cancel);
  ProgressView view(spec, *id, stderr_is_tty(), opts.quiet, use_color());
  if (!opts.quiet)
    std::fprintf(stderr, "ralph: task %lld: agent %s%s in %s\n", static_cast<long long>(*id), spec.agent.c_str(),
                 spec.model.empty() ? "" : (" (" + spec.model + ")").c_str(), spec.workdir.c_str());

  loop::LoopDeps deps{*store, parts.agent(), clock, runner, parts.checkpoint(), &view};
  deps.hooks = &dispatcher;
  app::StoreFleetBudgets budgets(std::move(fleet), *store);
  if (!budgets.budgets().empty()) deps.budgets = &budgets;
  auto limiter = app::make_limiter(ctx, clock, [](bool error, const std::string& message) {
    std::fprintf(stderr, "ralph: %s%s\n", error ? "warning: " : "", message.c_str());
  });
  parts.limit_rate(deps, limiter.get());
  loop::LoopEngine engine(deps, *lease, ctx.state_dir / "tasks" / std::to_string(*id));
  auto outcome = engine.run(cancel);
  view.clear_line();

  auto task = store->get_task(*id);
  if (task && *task) {
    if (opts.json) std::printf("%s\n", task_json(**task, true).c_str());
    if (!opts.quiet) {
      const auto& t = **task;
      std::fprintf(stderr, "ralph: task %lld %s after %lld iteration%s · %s tokens · cost %s · %s\n",
                   static_cast<long long>(t.id), std::string(domain::to_string(outcome.reason)).c_str(),
                   static_cast<long long>(t.totals.iterations), t.totals.iterations == 1 ? "" : "s",
                   format_count(t.totals.usage.total()).c_str(), format_cost(t.totals).c_str(),
                   format_seconds(static_cast<double>(t.totals.runtime_ms) / 1000.0).c_str());
    }
  }
  if (!outcome.error.empty() && outcome.reason != domain::StopReason::completed && outcome.error != "interrupted")
    std::fprintf(stderr, "ralph: %s\n", outcome.error.c_str());
  report_resources(global.verbosity);
  if (signals.interrupted()) return domain::exit_code::interrupted;
  return domain::exit_code_for(outcome.reason);
}

} // namespace

void add_run_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run a loop in the foreground until it completes or a budget runs out");
  opts->task.add_to(*cmd);
  cmd->add_flag("--json", opts->json, "print the final task status as JSON on stdout");
  cmd->add_flag("-q,--quiet", opts->quiet, "print nothing but errors (and --json)");
  cmd->callback([&global, &exit_code, opts] { exit_code = run_loop(global, *opts); });
}

} // namespace ralph::cli
