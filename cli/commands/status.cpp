// ralph status / ralph list: read the store.
#include <cstdio>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/signals.hpp"
#include "core/clock/clock.hpp"
#include "core/routing/routing.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

// Why a queued task is not running yet, when no daemon can claim it (no
// daemon runs, none takes its queue, offers its agent or has its labels).
std::optional<std::string> why_queued(store::Store& store, const store::Task& task) {
  if (task.state != domain::TaskState::queued) return std::nullopt;
  auto instances = store.list_instances();
  if (!instances) return std::nullopt;
  return store::why_waiting(task.spec, *instances);
}

struct StatusOptions {
  std::string task;
  bool json = false;
  bool iterations = false;
  bool watch = false;
};

struct ListOptions {
  std::string state;
  std::string queue;
  std::int64_t limit = 50;
  bool json = false;
};

int print_status(store::Store& store_ref, const StatusOptions& opts);

int show_status(const GlobalOptions& global, const StatusOptions& opts) {
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  if (!opts.watch) return print_status(*store, opts);
  // --watch: redraw every second until the task ends or the user stops.
  util::CancelSource interrupt;
  SignalWatcher signals(interrupt);
  bool tty = ::isatty(STDOUT_FILENO) != 0;
  for (;;) {
    if (tty) std::printf("\033[H\033[2J");
    int rc = print_status(*store, opts);
    std::fflush(stdout);
    auto id = opts.task.empty() ? std::nullopt : std::optional(parse_task_id(opts.task));
    auto t = id ? store->get_task(*id) : store::Result<std::optional<store::Task>>(std::nullopt);
    if (rc != 0 || !t || !*t || domain::is_finished((*t)->state)) return rc;
    pollfd p{interrupt.fd(), POLLIN, 0};
    if (::poll(&p, 1, 1000) > 0) return domain::exit_code::interrupted;
    if (!tty) std::printf("\n");
  }
}

int print_status(store::Store& store_ref, const StatusOptions& opts) {
  auto* store = &store_ref;
  store::Task task;
  if (opts.task.empty()) {
    auto latest = store->list_tasks(store::TaskFilter{std::nullopt, std::nullopt, 1});
    if (!latest) throw Error("cannot read the store: " + latest.error().message);
    if (latest->empty()) {
      if (opts.json) std::printf("null\n");
      else std::fprintf(stderr, "ralph: no tasks yet\n");
      return 0;
    }
    task = latest->front();
  } else {
    auto id = parse_task_id(opts.task);
    auto found = store->get_task(id);
    if (!found) throw Error("cannot read the store: " + found.error().message);
    if (!*found) {
      std::fprintf(stderr, "ralph: no task %lld\n", static_cast<long long>(id));
      return domain::exit_code::usage;
    }
    task = **found;
  }
  std::vector<store::IterationRecord> its;
  if (opts.iterations) {
    auto r = store->iterations(task.id);
    if (!r) throw Error("cannot read the store: " + r.error().message);
    its = std::move(*r);
  }
  auto waiting = why_queued(*store, task);
  if (opts.json) {
    auto text = opts.iterations ? task_with_iterations_json(task, its) : task_json(task, true);
    if (waiting) {
      auto j = nlohmann::json::parse(text);
      j["waiting"] = *waiting;
      text = j.dump(2);
    }
    std::printf("%s\n", text.c_str());
  } else {
    std::printf("%s", task_text(task).c_str());
    if (waiting) std::printf("waiting:   %s\n", waiting->c_str());
    if (opts.iterations) std::printf("%s", iterations_text(its).c_str());
  }
  return 0;
}

int list_tasks(const GlobalOptions& global, const ListOptions& opts) {
  store::TaskFilter filter;
  if (!opts.state.empty()) {
    filter.state = domain::parse_task_state(opts.state);
    if (!filter.state)
      throw UsageError("unknown state '" + opts.state +
                       "' (expected queued, running, completed, stopped, failed or cancelled)");
  }
  if (!opts.queue.empty()) filter.queue = opts.queue;
  filter.limit = opts.limit;
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  auto tasks = store->list_tasks(filter);
  if (!tasks) throw Error("cannot read the store: " + tasks.error().message);
  if (opts.json) std::printf("%s\n", tasks_json(*tasks).c_str());
  else std::printf("%s", tasks_table(*tasks).c_str());
  return 0;
}

} // namespace

void add_status_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto st = std::make_shared<StatusOptions>();
  auto* status = app.add_subcommand("status", "Show a task (default: the most recent one)");
  status->add_option("task", st->task, "task id");
  status->add_flag("--json", st->json, "print JSON");
  status->add_flag("--iterations", st->iterations, "include per-iteration detail");
  status->add_flag("-w,--watch", st->watch, "redraw every second until the task ends");
  status->callback([&global, &exit_code, st] { exit_code = show_status(global, *st); });

  auto ls = std::make_shared<ListOptions>();
  auto* list = app.add_subcommand("list", "List tasks, newest first");
  list->alias("ps");
  list->add_option("--state", ls->state, "only tasks in this state");
  list->add_option("--queue", ls->queue, "only tasks of this queue");
  list->add_option("-n,--limit", ls->limit, "at most this many tasks (default 50)")->check(CLI::PositiveNumber);
  list->add_flag("--json", ls->json, "print JSON");
  list->callback([&global, &exit_code, ls] { exit_code = list_tasks(global, *ls); });
}

} // namespace ralph::cli
