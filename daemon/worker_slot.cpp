#include "daemon/worker_slot.hpp"

#include <system_error>

#include "core/app/fleet_budgets.hpp"
#include "core/app/task_parts.hpp"
#include "core/app/task_workspace.hpp"
#include "core/log/redact.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"
#include "core/util/quote.hpp"
#include "daemon/identity.hpp"
#include "daemon/orphans.hpp"

namespace ralph::daemon {

WorkerSlot::WorkerSlot(int index, SlotServices services) : m_index(index), m_services(std::move(services)) {
  m_thread = std::thread([this] { serve(); });
}

WorkerSlot::~WorkerSlot() {
  {
    std::lock_guard lock(m_mutex);
    m_quit = true;
    if (m_lease && m_cancel) m_cancel->cancel("shutdown");
  }
  m_wake.notify_all();
  m_thread.join();
}

std::optional<store::TaskId> WorkerSlot::task() const {
  std::lock_guard lock(m_mutex);
  return m_lease ? std::optional(m_lease->task) : std::nullopt;
}

std::optional<store::Lease> WorkerSlot::lease() const {
  std::lock_guard lock(m_mutex);
  return m_lease;
}

void WorkerSlot::start(store::Lease lease, std::shared_ptr<const app::Context> ctx) {
  {
    std::lock_guard lock(m_mutex);
    m_lease = lease;
    m_cancel = std::make_unique<util::CancelSource>();
    m_drain = std::make_unique<util::CancelSource>();
    m_job = Job{std::move(lease), std::move(ctx)};
    m_busy = true;
  }
  m_wake.notify_all();
}

void WorkerSlot::drain() {
  std::lock_guard lock(m_mutex);
  if (m_lease && m_drain) m_drain->cancel("drain");
}

void WorkerSlot::cancel(const std::string& reason) {
  std::lock_guard lock(m_mutex);
  if (m_lease && m_cancel) m_cancel->cancel(reason);
}

// The slot's thread: one job at a time, for the daemon's life. Reusing it
// saves a thread start and a stack mapping per task.
void WorkerSlot::serve() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_quit || m_job.has_value(); });
      if (!m_job) return;
      job = std::move(*m_job);
      m_job.reset();
    }
    run(job.lease, *job.ctx);
    job.ctx.reset();
    {
      std::lock_guard lock(m_mutex);
      m_lease.reset();
    }
    m_busy = false;
    if (m_services.on_idle) m_services.on_idle();
  }
}

void WorkerSlot::run(const store::Lease& lease, const app::Context& ctx) {
  auto task = m_services.store.get_task(lease.task);
  loop::LoopOutcome outcome;
  store::Task current;
  if (task && *task) {
    current = **task;
    outcome = run_task(lease, ctx, current);
  } else {
    // Without its spec the task cannot run; hand it back for a later attempt.
    (void)m_services.store.release(lease);
    current.id = lease.task;
    outcome = {domain::StopReason::error,
               "cannot read task " + std::to_string(lease.task) + ": " + (task ? "gone" : task.error().message), true};
  }
  if (m_services.on_finished) m_services.on_finished(current, outcome);
}

// A repo task runs in a clone in the work root, at the task branch's last
// pushed checkpoint when another owner got that far.
util::Expected<std::unique_ptr<app::TaskWorkspace>, std::string>
WorkerSlot::open_workspace(const app::Context& ctx, const store::Task& task, proc::ProcessRunner& runner) {
  auto root = app::prepare_work_root(ctx.config, ctx.state_dir);
  if (!root) return util::unexpected(root.error());
  auto ws = app::TaskWorkspace::open(*root, task.id, task.spec, runner, m_cancel.get());
  if (!ws) return util::unexpected("workspace: " + ws.error());
  std::string data = "{\"message\":" + util::quote((*ws)->message()) + "}";
  (void)m_services.store.append_event(task.id, "workspace", data);
  return ws;
}

// A cancel during the clone ends the task as the loop would have: a
// shutdown hands it back, a lost lease writes nothing, a cancel request
// cancels it.
loop::LoopOutcome WorkerSlot::stopped_while_preparing(const store::Lease& lease) {
  auto why = m_cancel->reason();
  if (why == "lost_lease") return {domain::StopReason::lost_lease, "lease lost"};
  bool shutdown = why == "shutdown";
  auto r = shutdown ? m_services.store.release(lease)
                    : m_services.store.finish(lease, domain::StopReason::cancelled, "cancel requested");
  if (!r && r.error().failure == store::Failure::fenced)
    return {domain::StopReason::lost_lease, "task was taken over by another owner"};
  return {domain::StopReason::cancelled, shutdown ? "shutdown" : "cancel requested", shutdown};
}

loop::LoopOutcome WorkerSlot::run_task(const store::Lease& lease, const app::Context& ctx, const store::Task& task) {
  // Problems no iteration can fix end the task at once, with the reason.
  auto fail = [&](const std::string& why) {
    auto text = log::redact(why);
    auto r = m_services.store.finish(lease, domain::StopReason::error, text);
    if (!r && r.error().failure == store::Failure::fenced)
      return loop::LoopOutcome{domain::StopReason::lost_lease, "task was taken over by another owner"};
    return loop::LoopOutcome{domain::StopReason::error, text};
  };
  proc::PosixProcessRunner posix;
  TaggingRunner runner(posix, lease.owner, lease.task);
  // The task as this slot runs it: a repo task's workdir is its clone here.
  store::Task running = task;
  auto& spec = running.spec;
  std::unique_ptr<app::TaskWorkspace> workspace;
  if (!spec.repo.empty()) {
    auto opened = open_workspace(ctx, task, runner);
    if (!opened) return m_cancel->cancelled() ? stopped_while_preparing(lease) : fail(opened.error());
    workspace = std::move(*opened);
    spec.workdir = workspace->dir().string();
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(spec.workdir, ec))
    return fail("workdir '" + spec.workdir + "' does not exist on " + host_name());

  std::optional<app::TaskParts> parts;
  std::unique_ptr<loop::FleetBudgets> budgets;
  try {
    parts.emplace(ctx.config, spec, runner);
    budgets = app::make_fleet_budgets(ctx.config, m_services.store);
  } catch (const Error& e) {
    return fail(e.what());
  }
  auto observer = m_services.make_observer ? m_services.make_observer(task) : nullptr;
  loop::LoopDeps deps{m_services.store, parts->agent(), m_services.clock, runner, parts->checkpoint(),
                      observer.get(), m_drain.get(), /*own_heartbeat=*/false};
  deps.hooks = m_services.hooks;
  if (workspace) deps.publish = workspace->publisher();
  deps.budgets = budgets.get();
  parts->limit_rate(deps, m_services.limiter);
  loop::LoopEngine engine(deps, lease, ctx.state_dir / "tasks" / std::to_string(lease.task));
  return engine.run(*m_cancel, &running);
}

} // namespace ralph::daemon
