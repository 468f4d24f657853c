// The supervisor's work: claiming tasks into free slots, renewing their
// leases, heartbeating this instance and taking back the tasks of dead ones.
#include <algorithm>

#include "daemon/operator_requests.hpp"
#include "daemon/orphans.hpp"
#include "daemon/supervisor_impl.hpp"

namespace ralph::daemon {

using namespace supervisor_detail;

void Supervisor::Impl::take_back_orphans() {
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
      logger().warn("took back task(s) " + joined(*back) + " of " + other.id + " (" + other.state + ")");
      hook_dispatcher->fire(hooks::instance_event("instance.lost", other.id, instance.id, *back, other.state));
      hook_dispatcher->fire(hooks::instance_event("failover", other.id, instance.id, *back, "instance lost"));
    }
  }
}

bool Supervisor::Impl::judging_others() const {
  return !store_back_at || Steady::now() - *store_back_at >= 3 * settings.heartbeat_interval;
}

bool Supervisor::Impl::is_dead(const store::Instance& other) {
  if (lock.has_value() || other.state == "expired") return true;
  if (other.state != "active" && other.state != "draining") return false;
  auto silent_ms = clock::to_unix_ms(clock.now()) - other.heartbeat_at_ms;
  if (silent_ms < 2 * settings.heartbeat_interval.count()) return false;
  auto held = store->liveness_held(other.id);
  return held && !*held;
}

void Supervisor::Impl::fill_slots() {
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

void Supervisor::Impl::on_task_left(const store::Task& task, const loop::LoopOutcome& outcome) {
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

int Supervisor::Impl::busy_count() const {
  return static_cast<int>(std::count_if(slots.begin(), slots.end(), [](const auto& s) { return s->busy(); }));
}

void Supervisor::Impl::reap_slots() {
  std::uint64_t n = 0;
  (void)!::read(done_fd, &n, sizeof n);
  metrics.set_slots(busy_count(), static_cast<int>(slots.size()) - busy_count());
}

void Supervisor::Impl::renew_leases() {
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

bool Supervisor::Impl::finished_by_slot(const store::Lease& lease) {
  auto task = store->get_task(lease.task);
  return task && *task && domain::is_finished((*task)->state) && (*task)->lease_epoch == lease.epoch + 1;
}

void Supervisor::Impl::check_cancels() {
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

void Supervisor::Impl::heartbeat() {
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
  if (expired && !expired->empty()) logger().warn("leases expired, task(s) queued again: " + joined(*expired));
  take_back_orphans();
  fill_slots(); // what was just taken back may run here at once
  report_status();
}

void Supervisor::Impl::report_status() {
  std::int64_t queued = 0;
  if (auto counts = store->count_tasks())
    for (const auto& [state, n] : *counts)
      if (state == domain::TaskState::queued) queued = n;
  std::string text = std::string(draining || drain_requested ? "draining: " : "") + std::to_string(busy_count()) + " running, " +
                     std::to_string(queued) + " queued, " + std::to_string(target_slots) + " slots";
  notifier.status(text);
}

} // namespace ralph::daemon
