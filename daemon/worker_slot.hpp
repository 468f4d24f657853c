#pragma once
// One worker slot: runs one claimed task at a time, on its own long-lived
// thread, through the same LoopEngine as `ralph run`. The supervisor owns the
// slots, renews their leases, and talks to them only through
// start/drain/cancel and the callbacks.
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/app/context.hpp"
#include "core/app/task_workspace.hpp"
#include "core/loop/loop_engine.hpp"
#include "core/store/store.hpp"
#include "core/util/cancel.hpp"

namespace ralph::clock { class Clock; }
namespace ralph::hooks { class Dispatcher; }

namespace ralph::daemon {

struct SlotServices {
  store::Store& store;
  clock::Clock& clock;
  // Per task: what observes its loop (metrics, logs). May return nullptr.
  std::function<std::unique_ptr<loop::Observer>(const store::Task&)> make_observer;
  // Called on the slot's thread when a task leaves the slot.
  std::function<void(const store::Task&, const loop::LoopOutcome&)> on_finished;
  // Called on the slot's thread last of all, so the supervisor can reap it.
  std::function<void()> on_idle;
  // The daemon's [hooks]; null: none. Outlives the slots.
  hooks::Dispatcher* hooks = nullptr;
  // The daemon's rate limiter, shared by the slots; null: none. Outlives them.
  ratelimit::Limiter* limiter = nullptr;
};

class WorkerSlot {
public:
  WorkerSlot(int index, SlotServices services);
  ~WorkerSlot(); // cancels ("shutdown"), finishes the task's hand-back, joins
  WorkerSlot(const WorkerSlot&) = delete;
  WorkerSlot& operator=(const WorkerSlot&) = delete;

  int index() const { return m_index; }
  bool busy() const { return m_busy.load(); }
  // The task it runs; empty when idle.
  std::optional<store::TaskId> task() const;
  // The lease it runs under, for the supervisor's renewals; empty when idle.
  std::optional<store::Lease> lease() const;

  // Runs the leased task with the configuration snapshot `ctx`. The slot
  // must be idle.
  void start(store::Lease lease, std::shared_ptr<const app::Context> ctx);
  // Finish the running iteration, then hand the task back to the queue.
  void drain();
  // Stop the agent now: "cancel_requested" ends the task cancelled,
  // "shutdown" hands it back to the queue.
  void cancel(const std::string& reason);
private:
  struct Job {
    store::Lease lease;
    std::shared_ptr<const app::Context> ctx;
  };
  void serve();
  void run(const store::Lease& lease, const app::Context& ctx);
  loop::LoopOutcome run_task(const store::Lease& lease, const app::Context& ctx, const store::Task& task);
  loop::LoopOutcome stopped_while_preparing(const store::Lease& lease);
  util::Expected<std::unique_ptr<app::TaskWorkspace>, std::string>
  open_workspace(const app::Context& ctx, const store::Task& task, proc::ProcessRunner& runner);

  int m_index;
  SlotServices m_services;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::optional<Job> m_job;      // handed over by start(), taken by the thread
  std::optional<store::Lease> m_lease;
  bool m_quit = false;
  std::unique_ptr<util::CancelSource> m_cancel; // fresh per task: a CancelSource cannot be reset
  std::unique_ptr<util::CancelSource> m_drain;
  std::atomic<bool> m_busy{false};
  std::thread m_thread;
};

} // namespace ralph::daemon
