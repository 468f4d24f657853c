#include "daemon/supervisor.hpp"

#include <algorithm>
#include <csignal>
#include <chrono>
#include <optional>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <vector>

#include "agents/agent.hpp"
#include "core/app/fleet_budgets.hpp"
#include "core/app/rate_limits.hpp"
#include "core/app/task_setup.hpp"
#include "core/app/wakeup.hpp"
#include "core/clock/clock.hpp"
#include "core/hooks/dispatcher.hpp"
#include "core/log/logger.hpp"
#include "core/log/redact.hpp"
#include "core/routing/routing.hpp"
#include "core/util/error.hpp"
#include "daemon/daemon_metrics.hpp"
#include "daemon/http_server.hpp"
#include "daemon/identity.hpp"
#include "daemon/log_stream_publisher.hpp"
#include "daemon/operator_requests.hpp"
#include "daemon/redis_link.hpp"
#include "daemon/orphans.hpp"
#include "daemon/settings.hpp"
#include "daemon/signal_fd.hpp"
#include "daemon/store_lock.hpp"
#include "daemon/systemd_notify.hpp"
#include "daemon/timed_store.hpp"
#include "daemon/worker_slot.hpp"

namespace ralph::daemon {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

constexpr milliseconds k_task_lease{30'000}; // renewed every k_lease_renewal by the supervisor
constexpr milliseconds k_lease_renewal{5'000};

std::string id_list(const std::vector<store::TaskId>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

log::Logger& logger() { return log::daemon_logger(); }

} // namespace

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

  // ---- start ------------------------------------------------------------

  void load_configuration() {
    auto loaded = std::make_shared<app::Context>(app::load_context(overrides, {}));
    settings = daemon_settings(*loaded);
    (void)app::fleet_budgets(loaded->config); // a bad [budgets] table fails the start or the reload
    for (const auto& w : loaded->config.warnings) logger().warn("config: " + w);
    if (!settings.http_token.empty()) log::register_secret(settings.http_token);
    ctx = std::move(loaded);
  }

  // The state directory holds the socket and task logs whatever the store;
  // private, like the SQLite store in it.
  void prepare_state_dir() {
    std::error_code ec;
    if (!std::filesystem::exists(ctx->state_dir, ec)) {
      std::filesystem::create_directories(ctx->state_dir, ec);
      if (ec) throw Error("cannot create the state directory " + ctx->state_dir.string() + ": " + ec.message());
      std::filesystem::permissions(ctx->state_dir, std::filesystem::perms::owner_all, ec);
    }
    if (::access(ctx->state_dir.c_str(), W_OK) != 0)
      throw Error("the state directory " + ctx->state_dir.string() + " is not writable");
  }

  void open_store() {
    prepare_state_dir();
    raw_store = app::open_store(*ctx, clock, app::SchemaPolicy::migrate);
    if (auto db = store::embedded_store_path(ctx->store_url); !db.empty()) {
      auto held = StoreLock::acquire(db);
      if (!held) throw Error(held.error());
      lock.emplace(std::move(*held));
    }
    store = make_timed_store(*raw_store, metrics.registry());
    hook_dispatcher = std::make_unique<hooks::Dispatcher>(
        hooks::hook_settings(ctx->config), store.get(),
        [](log::Level level, const std::string& m) { logger().write(level, m); });
    limiter = app::make_limiter(*ctx, clock, [](bool error, const std::string& m) {
      logger().write(error ? log::Level::error : log::Level::info, m);
    });
    metrics.watch_limiter(*limiter);
  }

  void register_instance() {
    instance.id = make_instance_id();
    instance.host = host_name();
    instance.pid = ::getpid();
    instance.version = RALPH_VERSION;
    instance.slots = settings.slots;
    set_capabilities();
    auto r = store->register_instance(instance, settings.instance_ttl);
    if (!r) throw Error("cannot register this daemon in the store: " + r.error().message);
  }

  // What this daemon offers the fleet (from the configuration, so a reload
  // changes it): its queues, labels, and the agents it can run here.
  void set_capabilities() {
    instance.queues = settings.queues;
    instance.labels = settings.labels;
    instance.agents = settings.agents;
    if (instance.agents.empty())
      for (const auto& [name, s] : app::all_agent_settings(ctx->config))
        if (agents::runnable_here(s)) instance.agents.push_back(name);
  }

  store::Capabilities capabilities() const { return {instance.agents, instance.labels}; }

  // Takes back the running tasks of every other instance known dead: on an
  // embedded store the lock proves them all dead (so a restart resumes at
  // once, not after a lease); otherwise only those whose heartbeat lapsed.
  // Their agents on this host are killed first.
  void take_back_orphans() {
    auto all = store->list_instances();
    if (!all) {
      logger().warn("cannot read the instances: " + all.error().message);
      return;
    }
    for (const auto& other : *all) {
      if (other.id == instance.id || other.running.empty() || !is_dead(other)) continue;
      if (other.host == instance.host)
        if (int n = kill_orphaned_agents(other.id); n > 0)
          logger().warn("stopped " + std::to_string(n) + " agent process(es) left behind by " + other.id);
      auto back = store->release_owner(other.id, other.state == "expired" ? "heartbeat expired" : "daemon restarted");
      if (back && !back->empty()) {
        logger().warn("took back task(s) " + id_list(*back) + " of " + other.id + " (" + other.state + ")");
        hook_dispatcher->fire(hooks::instance_event("instance.lost", other.id, instance.id, *back, other.state));
        hook_dispatcher->fire(hooks::instance_event("failover", other.id, instance.id, *back, "instance lost"));
      }
    }
  }

  // Dead: proven by the embedded store's lock, by a lapsed heartbeat, or by
  // a free liveness hold (a process that died, seen within seconds). The
  // hold alone is not enough: after a database restart every hold is free
  // until its daemon's next heartbeat takes it again.
  bool judging_others() const {
    return !store_back_at || Steady::now() - *store_back_at >= 3 * settings.heartbeat_interval;
  }

  bool is_dead(const store::Instance& other) {
    if (lock.has_value() || other.state == "expired") return true;
    if (other.state != "active" && other.state != "draining") return false;
    auto silent_ms = clock::to_unix_ms(clock.now()) - other.heartbeat_at_ms;
    if (silent_ms < 2 * settings.heartbeat_interval.count()) return false;
    auto held = store->liveness_held(other.id);
    return held && !*held;
  }

  void start_http() {
    HttpHandlers handlers;
    handlers.ready = [this] { return !draining && !drain_requested && store_ok.load(); };
    handlers.not_ready_reason = [this] {
      return std::string(draining || drain_requested ? "draining" : "store unavailable");
    };
    handlers.metrics = [this] { return metrics.render(*store); };
    // Redis is optional: down, it is reported, but the daemon stays ready.
    if (redis) handlers.ready_detail = [this] { return std::string(redis->up() ? "redis: up" : "redis: down"); };
    HttpOptions opts{settings.http_listen, settings.http_token};
    if (opts.listen.empty() || opts.listen == "off") return;
    auto started = http.start(opts, std::move(handlers));
    if (!started) throw Error(started.error());
    logger().info("http: listening on " + opts.listen.substr(0, opts.listen.rfind(':') + 1) +
                  std::to_string(http.port()));
  }

  void start() {
    load_configuration();
    log::init_daemon_logger(log::parse_level(settings.log_level).value_or(log::Level::info));
    open_store();
    register_instance();
    take_back_orphans();
    auto bound = wakeup.bind(settings.socket);
    if (!bound) throw Error(bound.error());
    remote_wakeups = store->listen();
    redis = RedisLink::open(app::redis_settings(*ctx), metrics.registry());
    if (redis) (void)redis->drain(); // subscribes (or notes Redis is down) before the first claim
    log_streams = std::make_unique<LogStreams>(app::redis_settings(*ctx), [this] {
      if (redis) redis->count_error();
    });
    start_http();
    done_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (done_fd < 0) throw Error("cannot create an eventfd");
    resize_slots(settings.slots);
    auto now = Steady::now();
    next_poll = next_heartbeat = next_watchdog = next_renewal = now;
    logger().info("ralphd " + std::string(RALPH_VERSION) + " started as " + instance.id + ": " +
                  std::to_string(settings.slots) + " slots, store " + log::redact(ctx->store_url));
    logger().info("offers agents [" + joined(instance.agents) + "], labels [" +
                  joined(store::label_pairs(instance.labels)) + "], queues [" + joined(instance.queues) + "]");
    fill_slots();
    notifier.ready();
    report_status();
  }

  void resize_slots(int n) {
    target_slots = n;
    while (static_cast<int>(slots.size()) < n) {
      SlotServices services{*store, clock,
                            [this](const store::Task& t) {
                              return log_streams->make_observer(t.id, metrics.observer_for(t));
                            },
                            [this](const store::Task& t, const loop::LoopOutcome& o) { on_task_left(t, o); },
                            [this] {
                              std::uint64_t one = 1;
                              (void)!::write(done_fd, &one, sizeof one);
                            }};
      services.hooks = hook_dispatcher.get();
      services.limiter = limiter.get();
      slots.push_back(std::make_unique<WorkerSlot>(static_cast<int>(slots.size()), std::move(services)));
    }
  }

  // ---- work -------------------------------------------------------------

  void fill_slots() {
    if (draining || drain_requested || evicted) return;
    for (;;) {
      std::vector<WorkerSlot*> idle;
      for (int i = 0; i < target_slots && i < static_cast<int>(slots.size()); ++i)
        if (!slots[static_cast<std::size_t>(i)]->busy()) idle.push_back(slots[static_cast<std::size_t>(i)].get());
      if (idle.empty()) break;
      auto batch = std::min<std::size_t>(idle.size(), static_cast<std::size_t>(settings.claim_batch));
      auto leases = store->claim_batch(settings.queues, capabilities(), instance.id, k_task_lease,
                                       static_cast<std::int64_t>(batch));
      store_ok = leases.has_value();
      if (!leases) {
        logger().warn("cannot claim tasks: " + leases.error().message);
        break;
      }
      for (std::size_t k = 0; k < leases->size(); ++k) {
        const auto& lease = (*leases)[k];
        logger().info("task " + std::to_string(lease.task) + ": claimed (epoch " + std::to_string(lease.epoch) +
                      ") into slot " + std::to_string(idle[k]->index()));
        idle[k]->start(lease, ctx);
      }
      if (leases->size() < batch) break; // the queue has nothing more for us
    }
    metrics.set_slots(busy_count(), static_cast<int>(slots.size()) - busy_count());
  }

  void on_task_left(const store::Task& task, const loop::LoopOutcome& outcome) {
    metrics.task_finished(task, outcome);
    // Called on the slot's thread; the store is thread-safe.
    if (!outcome.released && outcome.reason != domain::StopReason::lost_lease)
      log_streams->task_ended(task.id, domain::to_string(outcome.reason));
    if (outcome.released && drain_requested) {
      (void)store->append_event(task.id, "failover", failover_event(instance.id, "drain"));
      hook_dispatcher->fire(hooks::instance_event("failover", instance.id, "", {task.id}, "drain"));
    }
    std::string what = outcome.released ? "released to the queue" : std::string(domain::to_string(outcome.reason));
    std::string line = "task " + std::to_string(task.id) + ": " + what;
    if (!outcome.error.empty() && !outcome.released) line += ": " + outcome.error;
    if (outcome.reason == domain::StopReason::error || outcome.reason == domain::StopReason::lost_lease)
      logger().warn(line);
    else
      logger().info(line);
  }

  int busy_count() const {
    return static_cast<int>(std::count_if(slots.begin(), slots.end(), [](const auto& s) { return s->busy(); }));
  }

  void reap_slots() {
    std::uint64_t n = 0;
    (void)!::read(done_fd, &n, sizeof n);
    metrics.set_slots(busy_count(), static_cast<int>(slots.size()) - busy_count());
  }

  // One renewal per running task per heartbeat: a fence stops that slot's
  // agent at once, a cancel request ends its task. (The slots' loops have no
  // heartbeat thread of their own.)
  void renew_leases() {
    for (auto& s : slots) {
      auto lease = s->lease();
      if (!lease) continue;
      auto r = store->renew(*lease, k_task_lease);
      if (!r && r.error().failure == store::Failure::fenced) {
        if (finished_by_slot(*lease)) continue; // the task's own end won the race with this renewal
        logger().warn("task " + std::to_string(lease->task) + ": lease lost, stopping its agent");
        s->cancel("lost_lease");
      } else if (r && *r) {
        s->cancel("cancel_requested");
      }
    }
  }

  // True when a fenced renewal only raced the slot's own finish(), which
  // bumps the epoch by one as it ends the task: nothing was lost.
  bool finished_by_slot(const store::Lease& lease) {
    auto task = store->get_task(lease.task);
    return task && *task && domain::is_finished((*task)->state) && (*task)->lease_epoch == lease.epoch + 1;
  }

  // Cancel requests of our running tasks reach their slots here, at once on
  // a poke and within a poll interval otherwise.
  void check_cancels() {
    if (busy_count() == 0) return;
    store::TaskFilter mine{domain::TaskState::running, std::nullopt, 10'000, instance.id};
    auto running = store->list_tasks(mine);
    store_ok = running.has_value();
    if (!running) return;
    for (const auto& t : *running) {
      if (!t.cancel_requested) continue;
      for (auto& s : slots)
        if (s->task() == t.id) s->cancel("cancel_requested");
    }
  }

  void heartbeat() {
    auto state = draining ? "draining" : "active";
    auto r = store->heartbeat_instance(instance.id, state, settings.instance_ttl);
    if (!r && r.error().failure == store::Failure::not_found) {
      instance.state = state;
      auto again = store->register_instance(instance, settings.instance_ttl);
      if (again) r = std::string(state);
      else r = util::unexpected(again.error());
    }
    store_ok = r.has_value();
    if (!r) {
      logger().warn("heartbeat failed: " + r.error().message);
      heartbeat_failed = true;
      return;
    }
    if (!follow_operator(*r)) return;
    if (auto held = store->hold_liveness(instance.id); !held) logger().warn(held.error().message);
    if (heartbeat_failed) {
      heartbeat_failed = false;
      store_back_at = Steady::now();
      logger().info("the store is reachable again");
      renew_leases(); // ours first: they may have lapsed during the outage
    }
    if (!judging_others()) {
      fill_slots();
      report_status();
      return;
    }
    auto expired = store->expire_leases();
    if (expired && !expired->empty()) logger().warn("leases expired, task(s) queued again: " + id_list(*expired));
    take_back_orphans();
    fill_slots(); // what was just taken back may run here at once
    report_status();
  }

  void report_status() {
    std::int64_t queued = 0;
    if (auto counts = store->count_tasks())
      for (const auto& [state, n] : *counts)
        if (state == domain::TaskState::queued) queued = n;
    std::string text = std::string(draining || drain_requested ? "draining: " : "") + std::to_string(busy_count()) + " running, " +
                       std::to_string(queued) + " queued, " + std::to_string(target_slots) + " slots";
    notifier.status(text);
  }

  // ---- operator requests (ralph instances drain|activate|evict) ----------

  // Acts on the state the heartbeat read back. False when evicted.
  bool follow_operator(const std::string& stored) {
    switch (operator_action(stored, drain_requested, draining)) {
    case OperatorAction::evicted: on_evicted(); return false;
    case OperatorAction::drain: begin_requested_drain(); break;
    case OperatorAction::activate: end_requested_drain(); break;
    case OperatorAction::none: break;
    }
    return true;
  }

  void begin_requested_drain() {
    drain_requested = true;
    drain_reported = false;
    logger().info("drain requested: taking no new tasks; " + std::to_string(busy_count()) +
                  " running task(s) go back to the queue after their current iteration (up to " +
                  std::to_string(settings.drain_timeout.count() / 1000) + "s); staying up until activated");
    for (auto& s : slots) s->drain();
    drain_deadline = Steady::now() + settings.drain_timeout;
    report_status();
  }

  void end_requested_drain() {
    drain_requested = false;
    drain_deadline.reset();
    logger().info("activated: claiming tasks again");
    fill_slots();
    report_status();
  }

  // The requested drain's timeout: the agents stop now, their tasks go back
  // to the queue with their progress, the daemon stays up.
  void hand_back_now() {
    drain_deadline.reset();
    logger().warn("drain timeout: stopping " + std::to_string(busy_count()) +
                  " agent(s) now; their tasks go back to the queue with their progress");
    for (auto& s : slots) s->cancel("shutdown");
  }

  // Our row is dead: an operator evicted us, or peers judged us dead. Our
  // tasks were taken back with their epochs bumped, so nothing we write
  // lands; stop the agents at once and exit. "shutdown" rather than
  // "lost_lease": a lease we still hold (none, as the store refuses a dead
  // owner's claims) goes back to the queue instead of waiting to expire.
  void on_evicted() {
    if (evicted) return;
    evicted = true;
    notifier.stopping();
    logger().error("evicted: the store marks this daemon (" + instance.id +
                   ") dead and its tasks were taken over; stopping " + std::to_string(busy_count()) +
                   " agent(s) and exiting");
    for (auto& s : slots) s->cancel("shutdown");
  }

  // ---- signals ----------------------------------------------------------

  void on_signal(int sig) {
    if (sig == SIGHUP) return reload();
    if (!draining) return begin_drain(sig);
    shutdown_now("second signal");
  }

  void begin_drain(int sig) {
    draining = true;
    notifier.stopping();
    logger().info(std::string(sig == SIGINT ? "SIGINT" : "SIGTERM") + ": draining " + std::to_string(busy_count()) +
                  " running task(s); their current iterations may take up to " +
                  std::to_string(settings.drain_timeout.count() / 1000) + "s (a second signal stops them now)");
    for (auto& s : slots) s->drain();
    drain_deadline = Steady::now() + settings.drain_timeout;
    (void)store->heartbeat_instance(instance.id, "draining", settings.instance_ttl);
    report_status();
  }

  void shutdown_now(const std::string& why) {
    if (shutting_down) return;
    shutting_down = true;
    logger().warn(why + ": stopping " + std::to_string(busy_count()) +
                  " agent(s) now; their tasks go back to the queue with their progress");
    for (auto& s : slots) s->cancel("shutdown");
  }

  static bool redis_changed(const app::Context& a, const app::Context& b) {
    auto x = app::redis_settings(a), y = app::redis_settings(b);
    return x.url != y.url || x.prefix != y.prefix || x.timeout != y.timeout;
  }

  void reload() {
    notifier.reloading();
    auto old_settings = settings;
    auto old_ctx = ctx;
    try {
      load_configuration();
    } catch (const Error& e) {
      logger().error(std::string("reload failed, keeping the running configuration: ") + log::redact(e.what()));
      settings = old_settings;
      ctx = old_ctx;
      notifier.ready();
      return;
    }
    if (auto level = log::parse_level(settings.log_level)) logger().set_level(*level);
    if (settings.http_listen != old_settings.http_listen || settings.http_token != old_settings.http_token ||
        ctx->store_url != old_ctx->store_url || settings.socket != old_settings.socket ||
        redis_changed(*old_ctx, *ctx))
      logger().warn("reload: daemon.http_*, daemon.socket, store.url and redis.* take effect at the next restart");
    resize_slots(settings.slots);
    set_capabilities();
    instance.slots = settings.slots;
    if (auto r = store->register_instance(instance, settings.instance_ttl); !r)
      logger().warn("reload: cannot update this daemon's entry in the store: " + r.error().message);
    logger().info("reloaded the configuration: " + std::to_string(settings.slots) + " slots");
    notifier.ready();
    fill_slots();
    report_status();
  }

  // ---- loop -------------------------------------------------------------

  void on_pokes(const std::vector<std::string>& messages) {
    bool cancel = std::any_of(messages.begin(), messages.end(), [](const auto& m) { return m.starts_with("cancel"); });
    if (cancel) check_cancels();
    fill_slots();
  }

  void on_timers() {
    auto now = Steady::now();
    if (now >= next_poll) {
      // A lost LISTEN connection is retried here, at the poll's pace.
      if (remote_wakeups && remote_wakeups->fd() < 0) remote_wakeups->drain();
      fill_slots();
      check_cancels();
      next_poll = now + settings.poll_interval;
    }
    if (now >= next_heartbeat) {
      // A lost Redis subscription is retried here (the link backs off itself).
      if (redis && redis->fd() < 0) on_pokes(redis->drain());
      heartbeat();
      next_heartbeat = now + settings.heartbeat_interval;
    }
    if (now >= next_renewal) {
      renew_leases();
      next_renewal = now + k_lease_renewal;
    }
    if (auto every = notifier.watchdog_interval(); every && now >= next_watchdog) {
      notifier.watchdog();
      next_watchdog = now + *every;
    }
    if (drain_deadline && now >= *drain_deadline && busy_count() > 0) {
      if (draining) shutdown_now("drain timeout");
      else if (drain_requested) hand_back_now();
    }
    if (drain_requested && !drain_reported && busy_count() == 0) {
      drain_reported = true;
      logger().info("drained: idle, claiming nothing until `ralph instances activate " + instance.id + "`");
    }
  }

  int poll_timeout_ms() const {
    auto next = std::min({next_poll, next_heartbeat, next_renewal});
    if (notifier.watchdog_interval()) next = std::min(next, next_watchdog);
    if (drain_deadline && !shutting_down) next = std::min(next, *drain_deadline);
    auto ms = std::chrono::duration_cast<milliseconds>(next - Steady::now()).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
  }

  int run() {
    start();
    while (!((draining || evicted) && busy_count() == 0)) {
      int remote_fd = remote_wakeups ? remote_wakeups->fd() : -1;
      int redis_fd = redis ? redis->fd() : -1;
      // poll() skips the negative descriptors of a wakeup path that is down.
      pollfd fds[5] = {{signals.fd(), POLLIN, 0}, {wakeup.fd(), POLLIN, 0}, {done_fd, POLLIN, 0},
                       {remote_fd, POLLIN, 0}, {redis_fd, POLLIN, 0}};
      ::poll(fds, 5, poll_timeout_ms());
      if (fds[0].revents & POLLIN)
        for (int sig : signals.read()) on_signal(sig);
      if (fds[2].revents & POLLIN) {
        reap_slots();
        fill_slots();
      }
      if (fds[1].revents & POLLIN) on_pokes(wakeup.drain());
      if (remote_fd >= 0 && (fds[3].revents & (POLLIN | POLLHUP | POLLERR))) on_pokes(remote_wakeups->drain());
      if (redis_fd >= 0 && (fds[4].revents & (POLLIN | POLLHUP | POLLERR))) on_pokes(redis->drain());
      on_timers();
    }
    http.stop();
    if (evicted) {
      logger().error("exiting: evicted (exit code " + std::to_string(daemon_exit::evicted) + ")");
      return daemon_exit::evicted;
    }
    (void)store->heartbeat_instance(instance.id, "stopped", settings.instance_ttl);
    logger().info("stopped");
    return daemon_exit::ok;
  }
};

Supervisor::Supervisor(app::Overrides overrides) : m_impl(std::make_unique<Impl>(std::move(overrides))) {}
Supervisor::~Supervisor() = default;
int Supervisor::run() { return m_impl->run(); }

} // namespace ralph::daemon
