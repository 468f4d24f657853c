// ralph logs: the agents' output of a task, iteration by iteration; -f
// follows the running iteration's log as it grows until the task ends
// (through the task's Redis stream when Redis is configured and answers).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <poll.h>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/log_stream_reader.hpp"
#include "cli/signals.hpp"
#include "core/app/redis.hpp"
#include "core/clock/clock.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct LogsOptions {
  std::string task;
  bool follow = false;
  std::int64_t iteration = 0;
};

std::string log_name(std::int64_t seq) {
  char name[32];
  std::snprintf(name, sizeof name, "iter-%04lld.log", static_cast<long long>(seq));
  return name;
}

// Copies the file from `offset` to stdout; returns the new offset.
std::uintmax_t copy_from(const std::filesystem::path& path, std::uintmax_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return offset;
  in.seekg(static_cast<std::streamoff>(offset));
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    auto n = static_cast<std::size_t>(in.gcount());
    std::fwrite(buf, 1, n, stdout);
    offset += n;
  }
  std::fflush(stdout);
  return offset;
}

class LogReader {
public:
  LogReader(store::Store& store, store::TaskId id, std::filesystem::path fallback_dir)
      : m_store(store), m_id(id), m_dir(std::move(fallback_dir)) {}

  store::Task task() {
    auto t = m_store.get_task(m_id);
    if (!t) throw Error("cannot read the store: " + t.error().message);
    if (!*t) throw UsageError("no task " + std::to_string(m_id));
    return **t;
  }

  // The log of iteration `seq`: where its record says, else in the task's
  // directory (the iteration is still running).
  std::filesystem::path path_of(std::int64_t seq) {
    auto its = m_store.iterations(m_id);
    if (its)
      for (const auto& r : *its) {
        if (!r.log_path.empty()) m_dir = std::filesystem::path(r.log_path).parent_path();
        if (r.seq == seq && !r.log_path.empty()) return r.log_path;
      }
    return m_dir / log_name(seq);
  }

private:
  store::Store& m_store;
  store::TaskId m_id;
  std::filesystem::path m_dir;
};

// Follows the task's Redis stream when Redis is configured and answers
// (then the daemon's log files need not be on this machine); nullopt: follow
// the files instead.
std::optional<int> follow_through_redis(const Context& ctx, LogReader& reader, store::TaskId id,
                                        const util::CancelSource& interrupt) {
  auto settings = app::redis_settings(ctx);
  if (!settings.enabled()) return std::nullopt;
  settings.timeout += std::chrono::milliseconds(1000); // XREAD blocks up to 500 ms of it
  auto client = app::open_redis(settings);
  if (!client || !*client || !(*client)->command({"PING"})) {
    std::fprintf(stderr, "ralph: Redis is unreachable; following the log files\n");
    return std::nullopt;
  }
  bool printed_any = false;
  auto finished = [&] { return domain::is_finished(reader.task().state); };
  if (auto rc = follow_log_stream(**client, id, finished, interrupt, printed_any)) return rc;
  std::fprintf(stderr, "ralph: Redis went away; following the log files%s\n",
               printed_any ? " (from the start: lines may repeat)" : "");
  return std::nullopt;
}

int show_logs(const GlobalOptions& global, const LogsOptions& opts) {
  auto id = parse_task_id(opts.task);
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  LogReader reader(*store, id, ctx.state_dir / "tasks" / std::to_string(id));
  auto task = reader.task();
  if (opts.iteration > 0) {
    if (opts.iteration > task.totals.iterations + 1)
      throw UsageError("task " + std::to_string(id) + " has no iteration " + std::to_string(opts.iteration));
    auto path = reader.path_of(opts.iteration);
    if (!std::filesystem::exists(path)) throw Error("the log of iteration " + std::to_string(opts.iteration) +
                                                    " is gone: " + path.string());
    copy_from(path, 0);
    return 0;
  }
  if (!opts.follow) {
    for (std::int64_t seq = 1; seq <= task.totals.iterations; ++seq) copy_from(reader.path_of(seq), 0);
    // The iteration in progress, as far as it got.
    if (task.state == domain::TaskState::running) copy_from(reader.path_of(task.totals.iterations + 1), 0);
    return 0;
  }
  util::CancelSource interrupt;
  SignalWatcher signals(interrupt);
  if (!domain::is_finished(task.state))
    if (auto rc = follow_through_redis(ctx, reader, id, interrupt)) return *rc;
  task = reader.task();
  for (std::int64_t seq = 1; seq <= task.totals.iterations; ++seq) copy_from(reader.path_of(seq), 0);
  std::int64_t seq = task.totals.iterations + 1;
  std::uintmax_t offset = 0;
  while (!interrupt.cancelled()) {
    offset = copy_from(reader.path_of(seq), offset);
    task = reader.task();
    if (task.totals.iterations >= seq) { // that iteration is over: finish its file, go on
      copy_from(reader.path_of(seq), offset);
      ++seq;
      offset = 0;
      continue;
    }
    if (domain::is_finished(task.state)) return 0;
    pollfd p{interrupt.fd(), POLLIN, 0};
    ::poll(&p, 1, 200);
  }
  return domain::exit_code::interrupted;
}

} // namespace

void add_logs_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<LogsOptions>();
  auto* cmd = app.add_subcommand("logs", "Print the agent output of a task, iteration by iteration");
  cmd->add_option("task", opts->task, "task id")->required();
  cmd->add_flag("-f,--follow", opts->follow, "keep printing as the task runs, until it ends");
  cmd->add_option("--iteration", opts->iteration, "only this iteration")->type_name("N")->check(CLI::PositiveNumber);
  cmd->callback([&global, &exit_code, opts] { exit_code = show_logs(global, *opts); });
}

} // namespace ralph::cli
