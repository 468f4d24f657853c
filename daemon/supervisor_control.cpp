// The supervisor under control: operator requests (ralph instances
// drain|activate|evict), signals (drain, stop now) and SIGHUP reloads.
#include <csignal>

#include "core/app/redis.hpp"
#include "core/log/redact.hpp"
#include "core/util/error.hpp"
#include "daemon/operator_requests.hpp"
#include "daemon/supervisor_impl.hpp"

namespace ralph::daemon {

using namespace supervisor_detail;

bool Supervisor::Impl::follow_operator(const std::string& stored) {
  switch (operator_action(stored, drain_requested, draining)) {
  case OperatorAction::evicted: on_evicted(); return false;
  case OperatorAction::drain: begin_requested_drain(); break;
  case OperatorAction::activate: end_requested_drain(); break;
  case OperatorAction::none: break;
  }
  return true;
}

void Supervisor::Impl::begin_requested_drain() {
  drain_requested = true;
  drain_reported = false;
  logger().info("drain requested: taking no new tasks; " + std::to_string(busy_count()) +
                " running task(s) go back to the queue after their current iteration (up to " +
                std::to_string(settings.drain_timeout.count() / 1000) + "s); staying up until activated");
  for (auto& s : slots) s->drain();
  drain_deadline = Steady::now() + settings.drain_timeout;
  report_status();
}

void Supervisor::Impl::end_requested_drain() {
  drain_requested = false;
  drain_deadline.reset();
  logger().info("activated: claiming tasks again");
  fill_slots();
  report_status();
}

void Supervisor::Impl::hand_back_now() {
  drain_deadline.reset();
  logger().warn("drain timeout: stopping " + std::to_string(busy_count()) +
                " agent(s) now; their tasks go back to the queue with their progress");
  for (auto& s : slots) s->cancel("shutdown");
}

void Supervisor::Impl::on_evicted() {
  if (evicted) return;
  evicted = true;
  notifier.stopping();
  logger().error("evicted: the store marks this daemon (" + instance.id +
                 ") dead and its tasks were taken over; stopping " + std::to_string(busy_count()) +
                 " agent(s) and exiting");
  for (auto& s : slots) s->cancel("shutdown");
}

void Supervisor::Impl::on_signal(int sig) {
  if (sig == SIGHUP) return reload();
  if (!draining) return begin_drain(sig);
  shutdown_now("second signal");
}

void Supervisor::Impl::begin_drain(int sig) {
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

void Supervisor::Impl::shutdown_now(const std::string& why) {
  if (shutting_down) return;
  shutting_down = true;
  logger().warn(why + ": stopping " + std::to_string(busy_count()) +
                " agent(s) now; their tasks go back to the queue with their progress");
  for (auto& s : slots) s->cancel("shutdown");
}

bool Supervisor::Impl::redis_changed(const app::Context& a, const app::Context& b) {
  auto x = app::redis_settings(a), y = app::redis_settings(b);
  return x.url != y.url || x.prefix != y.prefix || x.timeout != y.timeout;
}

void Supervisor::Impl::reload() {
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

} // namespace ralph::daemon
