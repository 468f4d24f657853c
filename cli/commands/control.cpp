// ralph cancel / resume / retry: change a task's course. Each pokes the
// daemon so the change takes effect at once rather than at its next poll.
#include <chrono>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/follow.hpp"
#include "cli/ops/audit.hpp"
#include "cli/signals.hpp"
#include "core/app/redis.hpp"
#include "core/app/wakeup.hpp"
#include "core/clock/clock.hpp"
#include "core/domain/duration.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct Opened {
  Context ctx;
  clock::SystemClock clock;
  std::unique_ptr<store::Store> store;
};

std::unique_ptr<Opened> open(const GlobalOptions& global) {
  auto o = std::make_unique<Opened>();
  o->ctx = load_context(global, {});
  o->store = open_store(o->ctx, o->clock);
  return o;
}

// The local daemon through its socket, and every daemon through Redis when
// configured; both are hints, so neither can fail the command.
void poke(const Context& ctx, std::string_view what) {
  app::poke(app::wakeup_socket_path(ctx.config.get_string("daemon.socket"), ctx.state_dir), what);
  app::publish_wakeup(ctx, what);
}

store::Task get(store::Store& s, store::TaskId id) {
  auto t = s.get_task(id);
  if (!t) throw Error("cannot read the store: " + t.error().message);
  if (!*t) throw UsageError("no task " + std::to_string(id));
  return **t;
}

int follow_or_print(store::Store& s, store::TaskId id, bool wait, bool json) {
  if (!wait) return 0;
  util::CancelSource interrupt;
  SignalWatcher signals(interrupt);
  return follow_task(s, id, FollowOptions{json, false}, interrupt);
}

// ---- cancel -------------------------------------------------------------

struct CancelOptions {
  std::string task;
  bool no_wait = false;
  std::string timeout = "30s";
};

int cancel(const GlobalOptions& global, const CancelOptions& opts) {
  AuditScope audit("cancel");
  auto id = parse_task_id(opts.task);
  auto timeout = domain::parse_duration(opts.timeout);
  if (!timeout) throw UsageError("--timeout: '" + opts.timeout + "' is not a duration (e.g. 30s)");
  auto o = open(global);
  auto before = get(*o->store, id);
  if (domain::is_finished(before.state)) {
    std::fprintf(stderr, "ralph: task %lld already finished (%s); nothing to cancel\n", static_cast<long long>(id),
                 std::string(domain::to_string(before.state)).c_str());
    return 0;
  }
  auto state = o->store->request_cancel(id);
  if (!state) throw Error("cannot cancel task " + std::to_string(id) + ": " + state.error().message);
  audit.task = id;
  write_audit(*o->store, audit.record(0, *state == domain::TaskState::running ? "cancel requested" : "cancelled"));
  poke(o->ctx, "cancel " + std::to_string(id));
  if (*state != domain::TaskState::running || opts.no_wait) {
    std::fprintf(stderr, "ralph: task %lld %s\n", static_cast<long long>(id),
                 *state == domain::TaskState::running ? "cancel requested" : "cancelled");
    return 0;
  }
  // Wait for the owner to stop its agent and record the end.
  auto deadline = std::chrono::steady_clock::now() + *timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto t = get(*o->store, id);
    if (domain::is_finished(t.state) || t.state == domain::TaskState::queued) {
      std::fprintf(stderr, "ralph: task %lld %s\n", static_cast<long long>(id), std::string(domain::to_string(t.state)).c_str());
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "ralph: task %lld: cancel requested, but its owner has not stopped it within %s "
                       "(is its daemon running? ralph instances)\n", static_cast<long long>(id), opts.timeout.c_str());
  return domain::exit_code::internal_error;
}

// ---- resume ---------------------------------------------------------------

struct ResumeOptions {
  std::string task;
  std::optional<std::int64_t> add_iterations;
  std::optional<double> add_cost;
  std::string add_runtime;
  std::optional<std::int64_t> add_tokens;
  bool wait = false;
  bool json = false;
};

domain::Budget raised(domain::Budget b, const ResumeOptions& o) {
  if (o.add_iterations && b.max_iterations) *b.max_iterations += *o.add_iterations;
  if (o.add_tokens && b.max_tokens) *b.max_tokens += *o.add_tokens;
  if (o.add_cost && b.max_cost_usd) *b.max_cost_usd += *o.add_cost;
  if (!o.add_runtime.empty() && b.max_runtime) {
    auto d = domain::parse_duration(o.add_runtime);
    if (!d) throw UsageError("--add-runtime: '" + o.add_runtime + "' is not a duration (e.g. 30m)");
    *b.max_runtime += *d;
  }
  return b;
}

int resume(const GlobalOptions& global, const ResumeOptions& opts) {
  AuditScope audit("resume");
  auto id = parse_task_id(opts.task);
  auto o = open(global);
  auto task = get(*o->store, id);
  auto budget = raised(task.spec.budget, opts);
  domain::Spent spent{task.totals.iterations, std::chrono::milliseconds(task.totals.runtime_ms), task.totals.usage,
                      task.totals.cost_usd};
  if (task.state == domain::TaskState::stopped)
    if (auto still = domain::check_before_iteration(budget, spent))
      throw UsageError("task " + std::to_string(id) + " would stop at once on " + std::string(domain::to_string(*still)) +
                       "; raise that budget (--add-iterations, --add-runtime, --add-tokens, --add-cost)");
  auto r = o->store->resume(id, budget);
  if (!r) {
    auto code = r.error().failure == store::Failure::conflict ? "" : "cannot resume: ";
    throw UsageError(code + r.error().message);
  }
  audit.task = id;
  write_audit(*o->store, audit.record(0, "queued again"));
  poke(o->ctx, "submit");
  std::fprintf(stderr, "ralph: task %lld queued again\n", static_cast<long long>(id));
  return follow_or_print(*o->store, id, opts.wait, opts.json);
}

// ---- retry ----------------------------------------------------------------

struct RetryOptions {
  std::string task;
  bool wait = false;
  bool json = false;
};

int retry(const GlobalOptions& global, const RetryOptions& opts) {
  AuditScope audit("retry");
  auto id = parse_task_id(opts.task);
  auto o = open(global);
  auto task = get(*o->store, id);
  if (!domain::is_finished(task.state))
    throw UsageError("task " + std::to_string(id) + " is " + std::string(domain::to_string(task.state)) +
                     "; only a finished task can be retried");
  auto fresh = o->store->submit(task.spec);
  if (!fresh) throw Error("cannot queue the retry: " + fresh.error().message);
  audit.task = id;
  write_audit(*o->store, audit.record(0, "queued again as task " + std::to_string(*fresh)));
  (void)o->store->append_event(id, "retried", "{\"as\":" + std::to_string(*fresh) + "}");
  poke(o->ctx, "submit");
  if (!opts.wait || !opts.json) std::printf("%lld\n", static_cast<long long>(*fresh));
  std::fflush(stdout);
  return follow_or_print(*o->store, *fresh, opts.wait, opts.json);
}

} // namespace

void add_control_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto c = std::make_shared<CancelOptions>();
  auto* cancel_cmd = app.add_subcommand("cancel", "Cancel a task: a queued one at once, a running one's agent is stopped");
  cancel_cmd->add_option("task", c->task, "task id")->required();
  cancel_cmd->add_flag("--no-wait", c->no_wait, "return once the cancel is requested");
  cancel_cmd->add_option("--timeout", c->timeout, "how long to wait for a running task to stop (default 30s)")
      ->type_name("DUR");
  cancel_cmd->callback([&global, &exit_code, c] { exit_code = cancel(global, *c); });

  auto r = std::make_shared<ResumeOptions>();
  auto* resume_cmd = app.add_subcommand("resume", "Queue a stopped or failed task again, with raised budgets");
  resume_cmd->add_option("task", r->task, "task id")->required();
  resume_cmd->add_option("--add-iterations", r->add_iterations, "raise max_iterations by N")->type_name("N");
  resume_cmd->add_option("--add-cost", r->add_cost, "raise max_cost by USD")->type_name("USD");
  resume_cmd->add_option("--add-runtime", r->add_runtime, "raise max_runtime by DUR (e.g. 30m)")->type_name("DUR");
  resume_cmd->add_option("--add-tokens", r->add_tokens, "raise max_tokens by N")->type_name("N");
  resume_cmd->add_flag("--wait", r->wait, "follow the task to its end");
  resume_cmd->add_flag("--json", r->json, "with --wait: print the final task status as JSON");
  resume_cmd->callback([&global, &exit_code, r] { exit_code = resume(global, *r); });

  auto t = std::make_shared<RetryOptions>();
  auto* retry_cmd = app.add_subcommand("retry", "Queue a new task with the spec of a finished one; prints its id");
  retry_cmd->add_option("task", t->task, "task id")->required();
  retry_cmd->add_flag("--wait", t->wait, "follow the new task to its end");
  retry_cmd->add_flag("--json", t->json, "with --wait: print the final task status as JSON");
  retry_cmd->callback([&global, &exit_code, t] { exit_code = retry(global, *t); });
}

} // namespace ralph::cli
