#include "daemon/timed_store.hpp"

#include <chrono>

#include "core/metrics/registry.hpp"

namespace ralph::daemon {

namespace {

using std::chrono::milliseconds;

class TimedStore final : public store::Store {
public:
  TimedStore(store::Store& inner, metrics::Registry& registry) : m_inner(inner), m_registry(registry) {}

  store::Result<void> migrate() override { return timed("migrate", [&] { return m_inner.migrate(); }); }
  store::Result<store::SchemaVersion> schema_version() override { return m_inner.schema_version(); }
  store::Result<store::TaskId> submit(const domain::TaskSpec& spec) override {
    return timed("submit", [&] { return m_inner.submit(spec); });
  }
  store::Result<store::Lease> claim(store::TaskId id, const std::string& owner, milliseconds ttl) override {
    return timed("claim", [&] { return m_inner.claim(id, owner, ttl); });
  }
  store::Result<std::vector<store::Lease>> claim_batch(const std::vector<std::string>& queues,
                                                      const store::Capabilities& can, const std::string& owner,
                                                      milliseconds ttl, std::int64_t max) override {
    return timed("claim_batch", [&] { return m_inner.claim_batch(queues, can, owner, ttl, max); });
  }
  store::Result<bool> renew(const store::Lease& lease, milliseconds ttl) override {
    return timed("renew", [&] { return m_inner.renew(lease, ttl); });
  }
  store::Result<void> record_iteration(const store::Lease& lease, const store::IterationRecord& rec) override {
    return timed("record_iteration", [&] { return m_inner.record_iteration(lease, rec); });
  }
  store::Result<std::vector<store::BudgetSpend>> budget_spent(const std::vector<std::string>& scopes,
                                                              std::string_view day) override {
    return timed("budget_spent", [&] { return m_inner.budget_spent(scopes, day); });
  }
  store::Result<void> finish(const store::Lease& lease, domain::StopReason reason, const std::string& error) override {
    return timed("finish", [&] { return m_inner.finish(lease, reason, error); });
  }
  store::Result<void> release(const store::Lease& lease) override {
    return timed("release", [&] { return m_inner.release(lease); });
  }
  store::Result<void> resume(store::TaskId id, const domain::Budget& budget) override {
    return timed("resume", [&] { return m_inner.resume(id, budget); });
  }
  store::Result<std::vector<store::TaskId>> expire_leases() override {
    return timed("expire_leases", [&] { return m_inner.expire_leases(); });
  }
  store::Result<domain::TaskState> request_cancel(store::TaskId id) override {
    return timed("request_cancel", [&] { return m_inner.request_cancel(id); });
  }
  store::Result<void> register_instance(const store::Instance& inst, milliseconds ttl) override {
    return timed("register_instance", [&] { return m_inner.register_instance(inst, ttl); });
  }
  store::Result<std::string> heartbeat_instance(const std::string& id, std::string_view state,
                                                milliseconds ttl) override {
    return timed("heartbeat_instance", [&] { return m_inner.heartbeat_instance(id, state, ttl); });
  }
  store::Result<void> request_instance_state(const std::string& id, std::string_view state) override {
    return timed("request_instance_state", [&] { return m_inner.request_instance_state(id, state); });
  }
  store::Result<std::vector<store::Instance>> list_instances() override {
    return timed("list_instances", [&] { return m_inner.list_instances(); });
  }
  store::Result<std::vector<store::TaskId>> release_owner(const std::string& owner, std::string_view why) override {
    return timed("release_owner", [&] { return m_inner.release_owner(owner, why); });
  }
  std::unique_ptr<store::Wakeups> listen() override { return m_inner.listen(); }
  store::Result<void> hold_liveness(const std::string& id) override {
    return timed("hold_liveness", [&] { return m_inner.hold_liveness(id); });
  }
  store::Result<bool> liveness_held(const std::string& id) override {
    return timed("liveness_held", [&] { return m_inner.liveness_held(id); });
  }
  store::Result<std::vector<std::pair<domain::TaskState, std::int64_t>>> count_tasks() override {
    return timed("count_tasks", [&] { return m_inner.count_tasks(); });
  }
  store::Result<std::optional<store::Task>> get_task(store::TaskId id) override {
    return timed("get_task", [&] { return m_inner.get_task(id); });
  }
  store::Result<std::vector<store::Task>> list_tasks(const store::TaskFilter& filter) override {
    return timed("list_tasks", [&] { return m_inner.list_tasks(filter); });
  }
  store::Result<std::vector<store::IterationRecord>> iterations(store::TaskId id) override {
    return timed("iterations", [&] { return m_inner.iterations(id); });
  }
  store::Result<void> append_event(store::TaskId id, std::string_view type, std::string_view data) override {
    return timed("append_event", [&] { return m_inner.append_event(id, type, data); });
  }
  store::Result<std::vector<store::Event>> events(store::TaskId id, std::int64_t after_id) override {
    return timed("events", [&] { return m_inner.events(id, after_id); });
  }
  store::Result<void> append_audit(const store::AuditRecord& rec) override {
    return timed("append_audit", [&] { return m_inner.append_audit(rec); });
  }
  store::Result<std::vector<store::AuditRecord>> list_audit(const store::AuditFilter& filter) override {
    return timed("list_audit", [&] { return m_inner.list_audit(filter); });
  }

private:
  template <typename Fn> auto timed(const char* op, Fn&& fn) -> decltype(fn()) {
    auto start = std::chrono::steady_clock::now();
    auto result = fn();
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    m_registry.observe("ralph_store_operation_duration_seconds", {{"op", op}}, took.count());
    return result;
  }

  store::Store& m_inner;
  metrics::Registry& m_registry;
};

} // namespace

std::unique_ptr<store::Store> make_timed_store(store::Store& inner, metrics::Registry& registry) {
  return std::make_unique<TimedStore>(inner, registry);
}

} // namespace ralph::daemon
