#include "daemon/worker_slot.hpp"

#include <system_error>

#include "core/app/task_parts.hpp"
#include "core/log/redact.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"
#include "daemon/identity.hpp"
#include "daemon/orphans.hpp"

namespace ralph::daemon {

WorkerSlot::WorkerSlot(int index, SlotServices services) : m_index(index), m_services(std::move(services)) {}

WorkerSlot::~WorkerSlot() {
  cancel("shutdown");
  if (m_thread.joinable()) m_thread.join();
}

std::optional<store::TaskId> WorkerSlot::task() const {
  std::lock_guard lock(m_mutex);
  return m_task;
}

void WorkerSlot::start(store::Lease lease, std::shared_ptr<const app::Context> ctx) {
  reap();
  {
    std::lock_guard lock(m_mutex);
    m_task = lease.task;
    m_cancel = std::make_unique<util::CancelSource>();
    m_drain = std::make_unique<util::CancelSource>();
  }
  m_busy = true;
  m_thread = std::thread([this, lease = std::move(lease), ctx = std::move(ctx)] { run(lease, ctx); });
}

void WorkerSlot::drain() {
  std::lock_guard lock(m_mutex);
  if (m_task && m_drain) m_drain->cancel("drain");
}

void WorkerSlot::cancel(const std::string& reason) {
  std::lock_guard lock(m_mutex);
  if (m_task && m_cancel) m_cancel->cancel(reason);
}

void WorkerSlot::reap() {
  if (!m_busy && m_thread.joinable()) m_thread.join();
}

void WorkerSlot::run(store::Lease lease, std::shared_ptr<const app::Context> ctx) {
  auto task = m_services.store.get_task(lease.task);
  loop::LoopOutcome outcome;
  store::Task current;
  if (task && *task) {
    current = **task;
    outcome = run_task(lease, *ctx, current);
  } else {
    // Without its spec the task cannot run; hand it back for a later attempt.
    (void)m_services.store.release(lease);
    current.id = lease.task;
    outcome = {domain::StopReason::error,
               "cannot read task " + std::to_string(lease.task) + ": " + (task ? "gone" : task.error().message), true};
  }
  if (m_services.on_finished) m_services.on_finished(current, outcome);
  {
    std::lock_guard lock(m_mutex);
    m_task.reset();
  }
  m_busy = false;
  if (m_services.on_idle) m_services.on_idle();
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
  std::error_code ec;
  if (!std::filesystem::is_directory(task.spec.workdir, ec))
    return fail("workdir '" + task.spec.workdir + "' does not exist on " + host_name());

  proc::PosixProcessRunner posix;
  TaggingRunner runner(posix, lease.owner, lease.task);
  std::optional<app::TaskParts> parts;
  try {
    parts.emplace(ctx.config, task.spec, runner);
  } catch (const Error& e) {
    return fail(e.what());
  }
  auto observer = m_services.make_observer ? m_services.make_observer(task) : nullptr;
  loop::LoopDeps deps{m_services.store, parts->agent(), m_services.clock, runner, parts->checkpoint(),
                      observer.get(), m_drain.get()};
  loop::LoopEngine engine(deps, lease, ctx.state_dir / "tasks" / std::to_string(lease.task));
  return engine.run(*m_cancel);
}

} // namespace ralph::daemon
