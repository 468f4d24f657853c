#pragma once
// The supervisor's state and its parts, shared by supervisor.cpp (start-up
// and the event loop), supervisor_work.cpp (claims, leases, heartbeats) and
// supervisor_control.cpp (operator requests, signals, reload). Only those
// three include it.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include "core/app/wakeup.hpp"
#include "core/clock/clock.hpp"
#include "core/hooks/dispatcher.hpp"
#include "core/log/logger.hpp"
#include "core/ratelimit/limiter.hpp"
#include "core/store/store.hpp"
#include "daemon/daemon_metrics.hpp"
#include "daemon/http_server.hpp"
#include "daemon/log_stream_publisher.hpp"
#include "daemon/redis_link.hpp"
#include "daemon/settings.hpp"
#include "daemon/signal_fd.hpp"
#include "daemon/store_lock.hpp"
#include "daemon/supervisor.hpp"
#include "daemon/systemd_notify.hpp"
#include "daemon/worker_slot.hpp"

namespace ralph::daemon {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

namespace supervisor_detail {
constexpr milliseconds k_task_lease{30'000}; // renewed every k_lease_renewal by the supervisor
constexpr milliseconds k_lease_renewal{5'000};

inline log::Logger& logger() { return log::daemon_logger(); }

// "a, b, c", for log lines.
template <typename Items> std::string joined(const Items& items) {
  std::string out;
  for (const auto& i : items) {
    out += out.empty() ? "" : ", ";
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(i)>>) out += std::to_string(i);
    else out += i;
  }
  return out;
}
} // namespace supervisor_detail

struct Supervisor::Impl {
  explicit Impl(app::Overrides o) : overrides(std::move(o)) {}

  app::Overrides overrides;
  SignalFd signals;                              // first: blocks signals before any thread starts
  clock::SystemClock clock;
  std::shared_ptr<const app::Context> ctx;
  DaemonSettings settings;
  DaemonMetrics metrics;
  std::unique_ptr<store::Store> raw_store;
  std::unique_ptr<store::Store> store;           // raw_store, timed for /metrics
  std::unique_ptr<hooks::Dispatcher> hook_dispatcher; // [hooks], read at start; after store: goes first
  std::unique_ptr<ratelimit::Limiter> limiter;   // [rate_limits] state, shared by the slots; redis.url read at start
  std::optional<StoreLock> lock;
  store::Instance instance;
  app::WakeupListener wakeup;
  std::unique_ptr<store::Wakeups> remote_wakeups; // the shared store's (PostgreSQL NOTIFY)
  std::unique_ptr<RedisLink> redis;               // redis.url: pub/sub wakeups; nullptr without Redis
  std::unique_ptr<LogStreams> log_streams;        // redis.url: live logs for `ralph logs -f`
  HttpServer http;
  SystemdNotifier notifier;
  int done_fd = -1;
  std::vector<std::unique_ptr<WorkerSlot>> slots;
  int target_slots = 0;

  bool draining = false;                         // SIGTERM/SIGINT: drain, then exit
  std::atomic<bool> drain_requested{false};      // an operator's drain: idle, up, until activated
  bool drain_reported = false;
  bool evicted = false;                          // the store marks us dead: stop and exit
  std::optional<Steady::time_point> drain_deadline;
  bool shutting_down = false;
  std::atomic<bool> store_ok{true};
  bool heartbeat_failed = false;
  // When the store came back after an outage: every other daemon's heartbeat
  // is stale then, and a restarted PostgreSQL has freed every liveness hold,
  // so nobody is judged dead until they have had a few beats to reconnect.
  std::optional<Steady::time_point> store_back_at;
  Steady::time_point next_poll, next_heartbeat, next_watchdog, next_renewal;

  ~Impl() {
    slots.clear(); // joins every slot thread before the store goes away
    if (done_fd >= 0) ::close(done_fd);
  }

  store::Capabilities capabilities() const { return {instance.agents, instance.labels}; }

  // ---- start-up (supervisor.cpp)
  void load_configuration();
  // The state directory holds the socket and task logs whatever the store;
  // private, like the SQLite store in it.
  void prepare_state_dir();
  void open_store();
  void register_instance();
  // What this daemon offers the fleet (from the configuration, so a reload
  // changes it): its queues, labels, and the agents it can run here.
  void set_capabilities();
  void start_http();
  void start();
  void resize_slots(int n);

  // ---- work: claims, leases, heartbeats (supervisor_work.cpp)
  // Takes back the running tasks of every other instance known dead: on an
  // embedded store the lock proves them all dead (so a restart resumes at
  // once, not after a lease); otherwise only those whose heartbeat lapsed.
  // Their agents on this host are killed first.
  void take_back_orphans();
  // Dead: proven by the embedded store's lock, by a lapsed heartbeat, or by
  // a free liveness hold (a process that died, seen within seconds). The
  // hold alone is not enough: after a database restart every hold is free
  // until its daemon's next heartbeat takes it again.
  bool judging_others() const;
  bool is_dead(const store::Instance& other);
  void fill_slots();
  void on_task_left(const store::Task& task, const loop::LoopOutcome& outcome);
  int busy_count() const;
  void reap_slots();
  // One renewal per running task per heartbeat: a fence stops that slot's
  // agent at once, a cancel request ends its task. (The slots' loops have no
  // heartbeat thread of their own.)
  void renew_leases();
  // True when a fenced renewal only raced the slot's own finish(), which
  // bumps the epoch by one as it ends the task: nothing was lost.
  bool finished_by_slot(const store::Lease& lease);
  // Cancel requests of our running tasks reach their slots here, at once on
  // a poke and within a poll interval otherwise.
  void check_cancels();
  void heartbeat();
  void report_status();

  // ---- operator requests: ralph instances drain|activate|evict (supervisor_control.cpp)
  // Acts on the state the heartbeat read back. False when evicted.
  bool follow_operator(const std::string& stored);
  void begin_requested_drain();
  void end_requested_drain();
  // The requested drain's timeout: the agents stop now, their tasks go back
  // to the queue with their progress, the daemon stays up.
  void hand_back_now();
  // Our row is dead: an operator evicted us, or peers judged us dead. Our
  // tasks were taken back with their epochs bumped, so nothing we write
  // lands; stop the agents at once and exit. "shutdown" rather than
  // "lost_lease": a lease we still hold (none, as the store refuses a dead
  // owner's claims) goes back to the queue instead of waiting to expire.
  void on_evicted();

  // ---- signals and reload (supervisor_control.cpp)
  void on_signal(int sig);
  void begin_drain(int sig);
  void shutdown_now(const std::string& why);
  static bool redis_changed(const app::Context& a, const app::Context& b);
  void reload();

  // ---- the event loop (supervisor.cpp)
  void on_pokes(const std::vector<std::string>& messages);
  void on_timers();
  int poll_timeout_ms() const;
  int run();
};

} // namespace ralph::daemon
