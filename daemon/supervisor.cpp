#include "daemon/supervisor.hpp"

#include <algorithm>
#include <poll.h>
#include <sys/eventfd.h>

#include "agents/agent.hpp"
#include "core/app/fleet_budgets.hpp"
#include "core/app/rate_limits.hpp"
#include "core/app/task_setup.hpp"
#include "core/log/redact.hpp"
#include "core/routing/routing.hpp"
#include "core/util/error.hpp"
#include "daemon/identity.hpp"
#include "daemon/supervisor_impl.hpp"
#include "daemon/timed_store.hpp"

namespace ralph::daemon {

using namespace supervisor_detail;

void Supervisor::Impl::load_configuration() {
  auto loaded = std::make_shared<app::Context>(app::load_context(overrides, {}));
  settings = daemon_settings(*loaded);
  (void)app::fleet_budgets(loaded->config); // a bad [budgets] table fails the start or the reload
  for (const auto& w : loaded->config.warnings) logger().warn("config: " + w);
  if (!settings.http_token.empty()) log::register_secret(settings.http_token);
  ctx = std::move(loaded);
}

void Supervisor::Impl::prepare_state_dir() {
  std::error_code ec;
  if (!std::filesystem::exists(ctx->state_dir, ec)) {
    std::filesystem::create_directories(ctx->state_dir, ec);
    if (ec) throw Error("cannot create the state directory " + ctx->state_dir.string() + ": " + ec.message());
    std::filesystem::permissions(ctx->state_dir, std::filesystem::perms::owner_all, ec);
  }
  if (::access(ctx->state_dir.c_str(), W_OK) != 0)
    throw Error("the state directory " + ctx->state_dir.string() + " is not writable");
}

void Supervisor::Impl::open_store() {
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

void Supervisor::Impl::register_instance() {
  instance.id = make_instance_id();
  instance.host = host_name();
  instance.pid = ::getpid();
  instance.version = RALPH_VERSION;
  instance.slots = settings.slots;
  set_capabilities();
  auto r = store->register_instance(instance, settings.instance_ttl);
  if (!r) throw Error("cannot register this daemon in the store: " + r.error().message);
}

void Supervisor::Impl::set_capabilities() {
  instance.queues = settings.queues;
  instance.labels = settings.labels;
  instance.agents = settings.agents;
  if (instance.agents.empty())
    for (const auto& [name, s] : app::all_agent_settings(ctx->config))
      if (agents::runnable_here(s)) instance.agents.push_back(name);
}

void Supervisor::Impl::start_http() {
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

void Supervisor::Impl::start() {
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

void Supervisor::Impl::resize_slots(int n) {
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

void Supervisor::Impl::on_pokes(const std::vector<std::string>& messages) {
  bool cancel = std::any_of(messages.begin(), messages.end(), [](const auto& m) { return m.starts_with("cancel"); });
  if (cancel) check_cancels();
  fill_slots();
}

void Supervisor::Impl::on_timers() {
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

int Supervisor::Impl::poll_timeout_ms() const {
  auto next = std::min({next_poll, next_heartbeat, next_renewal});
  if (notifier.watchdog_interval()) next = std::min(next, next_watchdog);
  if (drain_deadline && !shutting_down) next = std::min(next, *drain_deadline);
  auto ms = std::chrono::duration_cast<milliseconds>(next - Steady::now()).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

int Supervisor::Impl::run() {
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

Supervisor::Supervisor(app::Overrides overrides) : m_impl(std::make_unique<Impl>(std::move(overrides))) {}
Supervisor::~Supervisor() = default;
int Supervisor::run() { return m_impl->run(); }

} // namespace ralph::daemon
