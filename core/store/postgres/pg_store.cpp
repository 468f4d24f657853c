#include "core/store/postgres/pg_store.hpp"

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "core/clock/clock.hpp"
#include "core/domain/task_json.hpp"
#include "core/routing/routing.hpp"
#include "core/store/postgres/pg_audit.hpp"
#include "core/store/postgres/pg_budgets.hpp"
#include "core/store/postgres/pg_pool.hpp"
#include "core/store/postgres/pg_rows.hpp"
#include "core/store/postgres/pg_schema.hpp"
#include "core/store/postgres/pg_wakeups.hpp"
#include "core/util/quote.hpp"

namespace ralph::store::postgres {

namespace {

using std::chrono::milliseconds;
constexpr std::int64_t k_migration_lock = 0x7261'6c70'6800; // "ralph": one key for every ralph schema change

// The state a daemon's write of `param` leaves: its "active" keeps an
// operator's drain request, and a dead instance stays dead.
std::string state_after_daemon(const std::string& param) {
  return "CASE WHEN instances.state = 'dead' THEN 'dead' WHEN " + param +
         " = 'active' AND instances.state = 'draining' THEN 'draining' ELSE " + param + " END";
}

PgFail fenced(const Lease& lease) {
  return {Failure::fenced, "task " + std::to_string(lease.task) + " is no longer held with lease epoch " +
                               std::to_string(lease.epoch) + " by " + lease.owner};
}

class PgStore final : public Store {
public:
  PgStore(const std::string& url, const clock::Clock& clock) : m_pool(url, 4), m_clock(clock) {}

  Result<SchemaVersion> schema_version() override {
    return m_pool.transact([&](pqxx::work& r) {
      auto table = r.exec("SELECT to_regclass('ralph_schema') IS NOT NULL")[0][0].as<bool>();
      int current = table ? r.exec("SELECT coalesce(max(version), 0) FROM ralph_schema")[0][0].as<int>() : 0;
      return SchemaVersion{current, migrations().back().version};
    });
  }

  Result<void> migrate() override {
    return m_pool.transact([&](pqxx::work& w) {
      w.exec_params("SELECT pg_advisory_xact_lock($1)", k_migration_lock);
      w.exec("CREATE TABLE IF NOT EXISTS ralph_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      auto current = w.exec("SELECT coalesce(max(version), 0) FROM ralph_schema")[0][0].as<int>();
      int latest = migrations().back().version;
      if (current > latest)
        throw PgFail{Failure::corrupt, "store schema version " + std::to_string(current) +
                                           " is newer than this ralph supports (" + std::to_string(latest) +
                                           "); upgrade ralph"};
      for (const auto& m : migrations()) {
        if (m.version <= current) continue;
        w.exec(std::string(m.sql));
        w.exec_params("INSERT INTO ralph_schema (version, name) VALUES ($1, $2)", m.version, std::string(m.name));
      }
    });
  }

  Result<TaskId> submit(const domain::TaskSpec& spec) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto now = now_ms();
      auto id = w.exec_params("INSERT INTO tasks (queue, priority, state, spec, created_at, updated_at, agent, requires) "
                              "VALUES ($1, $2, 'queued', $3, $4, $4, $5, $6::text[]) RETURNING id",
                              spec.queue, spec.priority, domain::to_json(spec), now, spec.agent,
                              text_array(label_pairs(spec.required_labels)))[0][0].as<TaskId>();
      event(w, id, "submitted", R"({"queue":)" + util::quote(spec.queue) + R"(,"agent":)" + util::quote(spec.agent) + "}");
      notify(w, "submit");
      return id;
    });
  }

  Result<Lease> claim(TaskId id, const std::string& owner, milliseconds ttl) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto r = w.exec_params(claim_sql("SELECT id FROM tasks WHERE id = $4 AND state = 'queued' FOR UPDATE"), owner,
                             now_ms() + ttl.count(), now_ms(), id);
      if (r.empty()) {
        auto state = w.exec_params("SELECT state FROM tasks WHERE id = $1", id);
        if (state.empty()) throw PgFail{Failure::not_found, "no task " + std::to_string(id)};
        throw PgFail{Failure::conflict,
                     "task " + std::to_string(id) + " is " + state[0][0].as<std::string>() + ", not queued"};
      }
      return claimed(w, r[0], owner);
    });
  }

  Result<std::vector<Lease>> claim_batch(const std::vector<std::string>& queues, const Capabilities& can,
                                         const std::string& owner, milliseconds ttl, std::int64_t max) override {
    return m_pool.transact([&](pqxx::work& w) {
      std::vector<Lease> leases;
      // A daemon asked to drain, or evicted, claims nothing, even before its
      // next heartbeat tells it so. FOR SHARE orders this claim and an
      // eviction (release_owner locks the row first): one sees the other.
      auto me = w.exec_params("SELECT state FROM instances WHERE id = $1 FOR SHARE", owner);
      if (!me.empty() && (me[0][0].as<std::string>() == "draining" || me[0][0].as<std::string>() == "dead"))
        return leases;
      // SKIP LOCKED lets every daemon claim at once without waiting on each
      // other's candidates; the outer UPDATE re-checks the state.
      const std::string pick = "SELECT id FROM tasks WHERE state = 'queued' AND ($4 OR queue = ANY($5::text[])) "
                               "AND ($6 OR agent = ANY($7::text[])) AND requires <@ $8::text[] "
                               "ORDER BY priority DESC, created_at, id LIMIT $9 FOR UPDATE SKIP LOCKED";
      auto now = now_ms();
      auto rows = w.exec_params(claim_sql(pick), owner, now + ttl.count(), now, queues.empty(), text_array(queues),
                                !can.agents.has_value(), text_array(can.agents.value_or(std::vector<std::string>{})),
                                text_array(label_pairs(can.labels)), std::max<std::int64_t>(max, 1));
      for (const auto& row : rows) leases.push_back(claimed(w, row, owner));
      return leases;
    });
  }

  Result<bool> renew(const Lease& lease, milliseconds ttl) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto now = now_ms();
      auto r = w.exec_params("UPDATE tasks SET lease_expires_at = $1, updated_at = $2 "
                             "WHERE id = $3 AND lease_epoch = $4 AND state = 'running' RETURNING cancel_requested",
                             now + ttl.count(), now, lease.task, lease.epoch);
      if (r.empty()) throw fenced(lease);
      return r[0][0].as<bool>();
    });
  }

  Result<void> record_iteration(const Lease& lease, const IterationRecord& rec) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto cur = w.exec_params("SELECT last_seq, cost_source FROM tasks WHERE id = $1 AND lease_epoch = $2 "
                               "AND state = 'running' FOR UPDATE",
                               lease.task, lease.epoch);
      if (cur.empty()) throw fenced(lease);
      auto last_seq = cur[0][0].as<std::int64_t>();
      // A retry whose first attempt committed but lost its acknowledgment
      // (the connection broke at COMMIT): already done, not out of sequence.
      if (rec.seq == last_seq && !w.exec_params("SELECT 1 FROM iterations WHERE task_id = $1 AND seq = $2 AND "
                                                "lease_epoch = $3 AND started_at = $4 AND finished_at = $5",
                                                lease.task, rec.seq, lease.epoch, rec.started_at_ms,
                                                rec.finished_at_ms).empty())
        return;
      if (rec.seq != last_seq + 1)
        throw PgFail{Failure::invalid, "iteration " + std::to_string(rec.seq) + " of task " +
                                           std::to_string(lease.task) + " is out of sequence (last is " +
                                           std::to_string(last_seq) + ")"};
      auto prior = domain::parse_cost_source(cur[0][1].as<std::string>()).value_or(domain::CostSource::unknown);
      auto source = last_seq == 0 ? rec.cost.source : domain::combine(prior, rec.cost.source);
      w.exec_params("UPDATE tasks SET last_seq = $1, input_tokens = input_tokens + $2, output_tokens = output_tokens + $3, "
                    "cache_read_tokens = cache_read_tokens + $4, cache_write_tokens = cache_write_tokens + $5, "
                    "cost_usd = cost_usd + $6, cost_source = $7, unpriced_iterations = unpriced_iterations + $8, "
                    "runtime_ms = runtime_ms + $9, model = CASE WHEN $10 = '' THEN model ELSE $10 END, updated_at = $11 "
                    "WHERE id = $12 AND lease_epoch = $13",
                    rec.seq, rec.usage.input, rec.usage.output, rec.usage.cache_read, rec.usage.cache_write,
                    rec.cost.usd.value_or(0.0), std::string(domain::to_string(source)), rec.cost.usd ? 0 : 1,
                    rec.finished_at_ms - rec.started_at_ms, rec.model, now_ms(), lease.task, lease.epoch);
      insert_iteration(w, lease, rec);
      charge_budgets(w, lease, rec);
      event(w, lease.task, "iteration", iteration_event(rec));
    });
  }

  Result<std::vector<BudgetSpend>> budget_spent(const std::vector<std::string>& scopes, std::string_view day) override {
    return m_pool.transact([&](pqxx::work& r) { return read_budget_spent(r, scopes, day); });
  }

  Result<void> finish(const Lease& lease, domain::StopReason reason, const std::string& error) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto r = w.exec_params("UPDATE tasks SET state = $1, reason = $2, error = $3, finished_at = $4, updated_at = $4, "
                             "lease_owner = NULL, lease_expires_at = NULL, lease_epoch = lease_epoch + 1, "
                             "cancel_requested = false WHERE id = $5 AND lease_epoch = $6 AND state = 'running'",
                             std::string(domain::to_string(domain::state_for(reason))),
                             std::string(domain::to_string(reason)), error, now_ms(), lease.task, lease.epoch);
      if (r.affected_rows() != 1) throw fenced(lease);
      event(w, lease.task, "finished", R"({"reason":")" + std::string(domain::to_string(reason)) + R"(","error":)" +
                                           util::quote(error) + "}");
    });
  }

  Result<void> release(const Lease& lease) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto r = w.exec_params("UPDATE tasks SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, "
                             "lease_epoch = lease_epoch + 1, updated_at = $1 "
                             "WHERE id = $2 AND lease_epoch = $3 AND state = 'running'",
                             now_ms(), lease.task, lease.epoch);
      if (r.affected_rows() != 1) throw fenced(lease);
      event(w, lease.task, "released", "{}");
      notify(w, "submit");
    });
  }

  Result<void> resume(TaskId id, const domain::Budget& budget) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto cur = w.exec_params("SELECT state, spec FROM tasks WHERE id = $1 FOR UPDATE", id);
      if (cur.empty()) throw PgFail{Failure::not_found, "no task " + std::to_string(id)};
      auto state_text = cur[0][0].as<std::string>();
      auto state = domain::parse_task_state(state_text);
      if (state != domain::TaskState::stopped && state != domain::TaskState::failed)
        throw PgFail{Failure::conflict,
                     "task " + std::to_string(id) + " is " + state_text + "; only stopped or failed tasks can be resumed"};
      auto spec = domain::task_spec_from_json(cur[0][1].as<std::string>());
      if (!spec) throw PgFail{Failure::corrupt, "task " + std::to_string(id) + ": " + spec.error()};
      spec->budget = budget;
      w.exec_params("UPDATE tasks SET state = 'queued', reason = NULL, error = '', finished_at = NULL, spec = $1, "
                    "updated_at = $2 WHERE id = $3",
                    domain::to_json(*spec), now_ms(), id);
      event(w, id, "resumed", "{}");
      notify(w, "submit");
    });
  }

  Result<std::vector<TaskId>> expire_leases() override {
    return m_pool.transact([&](pqxx::work& w) {
      return requeue_running(w, "lease_expires_at < $1", std::nullopt, "lease_expired", "{}");
    });
  }

  Result<domain::TaskState> request_cancel(TaskId id) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto cur = w.exec_params("SELECT state FROM tasks WHERE id = $1 FOR UPDATE", id);
      if (cur.empty()) throw PgFail{Failure::not_found, "no task " + std::to_string(id)};
      auto state = domain::parse_task_state(cur[0][0].as<std::string>()).value_or(domain::TaskState::failed);
      auto now = now_ms();
      if (state == domain::TaskState::queued) {
        w.exec_params("UPDATE tasks SET state = 'cancelled', reason = 'cancelled', finished_at = $1, updated_at = $1, "
                      "lease_epoch = lease_epoch + 1 WHERE id = $2",
                      now, id);
        event(w, id, "finished", R"({"reason":"cancelled","error":""})");
        return domain::TaskState::cancelled;
      }
      if (state != domain::TaskState::running)
        throw PgFail{Failure::conflict, "task " + std::to_string(id) + " already finished (" +
                                            std::string(domain::to_string(state)) + ")"};
      w.exec_params("UPDATE tasks SET cancel_requested = true, updated_at = $1 WHERE id = $2", now, id);
      event(w, id, "cancel_requested", "{}");
      notify(w, "cancel " + std::to_string(id));
      return state;
    });
  }

  Result<void> register_instance(const Instance& inst, milliseconds ttl) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto now = now_ms();
      w.exec_params("INSERT INTO instances (id, host, pid, version, slots, queues, agents, state, started_at, "
                    "heartbeat_at, expires_at, labels) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9,$10,$11) "
                    "ON CONFLICT (id) DO UPDATE SET slots = $5, queues = $6, agents = $7, state = " +
                        state_after_daemon("$8::text") + ", heartbeat_at = $9, expires_at = $10, labels = $11",
                    inst.id, inst.host, inst.pid, inst.version, inst.slots, to_json_list(inst.queues),
                    to_json_list(inst.agents), inst.state, now, now + ttl.count(),
                    to_json_list(label_pairs(inst.labels)));
      w.exec_params("DELETE FROM instances WHERE state IN ('stopped','dead') AND heartbeat_at < $1",
                    now - 24 * 3600 * 1000);
    });
  }

  Result<std::string> heartbeat_instance(const std::string& id, std::string_view state, milliseconds ttl) override {
    return m_pool.transact([&](pqxx::work& w) {
      auto now = now_ms();
      // The daemon's "active" does not undo an operator's drain request, and
      // nothing revives a dead instance (its tasks were taken back).
      auto r = w.exec_params("UPDATE instances SET state = " + state_after_daemon("$1::text") +
                                 ", heartbeat_at = $2, expires_at = $3 WHERE id = $4 AND state <> 'dead' "
                                 "RETURNING state",
                             std::string(state), now, now + ttl.count(), id);
      if (r.size() == 1) return r[0][0].as<std::string>();
      auto dead = w.exec_params("SELECT state FROM instances WHERE id = $1", id);
      if (dead.empty()) throw PgFail{Failure::not_found, "no instance " + id};
      return dead[0][0].as<std::string>();
    });
  }

  Result<void> request_instance_state(const std::string& id, std::string_view state) override {
    return m_pool.transact([&](pqxx::work& w) {
      if (state != "active" && state != "draining")
        throw PgFail{Failure::invalid, "an operator can request active or draining, not " + std::string(state)};
      auto r = w.exec_params("UPDATE instances SET state = $1 WHERE id = $2 AND state IN ('active','draining')",
                             std::string(state), id);
      if (r.affected_rows() == 1) return;
      auto now = w.exec_params("SELECT state FROM instances WHERE id = $1", id);
      if (now.empty()) throw PgFail{Failure::not_found, "no instance " + id};
      throw PgFail{Failure::conflict, "instance " + id + " is " + now[0][0].as<std::string>()};
    });
  }

  Result<std::vector<Instance>> list_instances() override {
    return m_pool.transact([&](pqxx::work& w) {
      auto now = now_ms();
      std::vector<Instance> out;
      for (const auto& row : w.exec("SELECT " + std::string(k_instance_columns) +
                                    " FROM instances ORDER BY started_at DESC, id"))
        out.push_back(read_instance(row, now));
      for (auto& i : out)
        for (const auto& row : w.exec_params("SELECT id FROM tasks WHERE state = 'running' AND lease_owner = $1 "
                                             "ORDER BY id", i.id))
          i.running.push_back(row[0].as<TaskId>());
      return out;
    });
  }

  Result<std::vector<TaskId>> release_owner(const std::string& owner, std::string_view why) override {
    return m_pool.transact([&](pqxx::work& w) {
      // The instance row first: a claim of the owner in flight holds it (see
      // claim_next), so its task is taken back too, or it sees the owner dead.
      w.exec_params("UPDATE instances SET state = 'dead', heartbeat_at = $1 WHERE id = $2 AND state <> 'stopped'",
                    now_ms(), owner);
      auto ids = requeue_running(w, "lease_owner = $2", owner, "taken_back",
                                 R"({"owner":)" + util::quote(owner) + R"(,"why":)" + util::quote(why) + "}");
      return ids;
    });
  }

  std::unique_ptr<Wakeups> listen() override { return make_wakeups(m_pool.url()); }

  Result<void> hold_liveness(const std::string& instance_id) override {
    std::lock_guard lock(m_liveness_mutex);
    try {
      if (m_liveness && m_liveness->is_open()) return {};
      m_liveness = std::make_unique<pqxx::connection>(m_pool.url());
      pqxx::nontransaction(*m_liveness).exec_params("SELECT pg_advisory_lock(hashtextextended($1, 0))",
                                                    liveness_key(instance_id));
      return {};
    } catch (const std::exception& e) {
      m_liveness.reset();
      return util::unexpected(Error{Failure::unavailable, "cannot hold the liveness lock: " + std::string(e.what())});
    }
  }

  Result<bool> liveness_held(const std::string& instance_id) override {
    return m_pool.transact([&](pqxx::work& w) {
      // Taking the lock proves its holder's session is gone; give it straight back.
      bool free = w.exec_params("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
                                liveness_key(instance_id))[0][0].as<bool>();
      return !free;
    });
  }

  Result<std::vector<std::pair<domain::TaskState, std::int64_t>>> count_tasks() override {
    return m_pool.transact([&](pqxx::work& w) {
      std::vector<std::pair<domain::TaskState, std::int64_t>> out;
      for (const auto& row : w.exec("SELECT state, count(*) FROM tasks GROUP BY state"))
        if (auto s = domain::parse_task_state(row[0].as<std::string>())) out.emplace_back(*s, row[1].as<std::int64_t>());
      return out;
    });
  }

  Result<std::optional<Task>> get_task(TaskId id) override {
    return m_pool.transact([&](pqxx::work& w) -> std::optional<Task> {
      auto r = w.exec_params("SELECT " + std::string(k_task_columns) + " FROM tasks WHERE id = $1", id);
      if (r.empty()) return std::nullopt;
      return read_task(r[0]);
    });
  }

  Result<std::vector<Task>> list_tasks(const TaskFilter& f) override {
    return m_pool.transact([&](pqxx::work& w) {
      std::optional<std::string> state;
      if (f.state) state = std::string(domain::to_string(*f.state));
      auto r = w.exec_params("SELECT " + std::string(k_task_columns) +
                                 " FROM tasks WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR queue = $2) "
                                 "AND ($4::text IS NULL OR lease_owner = $4) ORDER BY id DESC LIMIT $3",
                             state, f.queue, f.limit, f.owner);
      std::vector<Task> out;
      for (const auto& row : r) out.push_back(read_task(row));
      return out;
    });
  }

  Result<std::vector<IterationRecord>> iterations(TaskId id) override {
    return m_pool.transact([&](pqxx::work& w) {
      std::vector<IterationRecord> out;
      for (const auto& row : w.exec_params("SELECT " + std::string(k_iteration_columns) +
                                           " FROM iterations WHERE task_id = $1 ORDER BY seq", id))
        out.push_back(read_iteration(row));
      return out;
    });
  }

  Result<void> append_event(TaskId id, std::string_view type, std::string_view data) override {
    return m_pool.transact([&](pqxx::work& w) { event(w, id, type, data); });
  }

  Result<std::vector<Event>> events(TaskId id, std::int64_t after_id) override {
    return m_pool.transact([&](pqxx::work& w) {
      std::vector<Event> out;
      for (const auto& row : w.exec_params("SELECT id, task_id, at, type, data FROM events WHERE task_id = $1 "
                                           "AND id > $2 ORDER BY id", id, after_id))
        out.push_back({row[0].as<std::int64_t>(), row[1].as<TaskId>(), row[2].as<std::int64_t>(),
                       row[3].as<std::string>(), row[4].as<std::string>()});
      return out;
    });
  }

  Result<void> append_audit(const AuditRecord& rec) override {
    return m_pool.transact([&](pqxx::work& w) { insert_audit(w, rec); });
  }

  Result<std::vector<AuditRecord>> list_audit(const AuditFilter& filter) override {
    return m_pool.transact([&](pqxx::work& w) { return read_audit(w, filter); });
  }

private:
  std::int64_t now_ms() const { return clock::to_unix_ms(m_clock.now()); }
  static std::string liveness_key(const std::string& id) { return "ralph-instance:" + id; }

  // $1 owner, $2 lease expiry, $3 now; `pick` selects the candidate ids.
  static std::string claim_sql(const std::string& pick) {
    return "WITH cand AS (" + pick + ") UPDATE tasks t SET state = 'running', lease_owner = $1, "
           "lease_epoch = t.lease_epoch + 1, lease_expires_at = $2, attempts = t.attempts + 1, "
           "started_at = COALESCE(t.started_at, $3), cancel_requested = false, updated_at = $3 "
           "FROM cand WHERE t.id = cand.id AND t.state = 'queued' RETURNING t.id, t.lease_epoch";
  }

  Lease claimed(pqxx::work& w, const pqxx::row& r, const std::string& owner) {
    Lease lease{r[0].as<TaskId>(), r[1].as<std::int64_t>(), owner};
    event(w, lease.task, "claimed",
          R"({"owner":)" + util::quote(owner) + R"(,"epoch":)" + std::to_string(lease.epoch) + "}");
    return lease;
  }

  // Hands running tasks matching `where` ($1 is now, $2 is `arg`) back to
  // the queue with their epochs bumped; SKIP LOCKED keeps concurrent
  // sweepers from waiting on each other.
  std::vector<TaskId> requeue_running(pqxx::work& w, const std::string& where, const std::optional<std::string>& arg,
                                      std::string_view type, const std::string& data) {
    std::string sql = "WITH gone AS (SELECT id FROM tasks WHERE state = 'running' AND " + where +
                      " FOR UPDATE SKIP LOCKED) UPDATE tasks t SET state = 'queued', lease_owner = NULL, "
                      "lease_expires_at = NULL, lease_epoch = t.lease_epoch + 1, takeovers = t.takeovers + 1, "
                      "updated_at = $1 FROM gone WHERE t.id = gone.id RETURNING t.id";
    auto r = arg ? w.exec_params(sql, now_ms(), *arg) : w.exec_params(sql, now_ms());
    std::vector<TaskId> ids;
    for (const auto& row : r) ids.push_back(row[0].as<TaskId>());
    for (auto id : ids) event(w, id, type, data);
    if (!ids.empty()) notify(w, "submit");
    return ids;
  }

  // Delivered to every listening daemon when (and only if) the transaction commits.
  static void notify(pqxx::work& w, const std::string& message) {
    w.exec_params("SELECT pg_notify($1, $2)", std::string(k_wakeup_channel), message);
  }

  void event(pqxx::work& w, TaskId id, std::string_view type, std::string_view data) {
    w.exec_params("INSERT INTO events (task_id, at, type, data) VALUES ($1, $2, $3, $4)", id, now_ms(),
                  std::string(type), std::string(data));
  }

  static std::string iteration_event(const IterationRecord& r) {
    nlohmann::json j = {{"seq", r.seq},
                        {"outcome", r.outcome},
                        {"tokens", r.usage.total()},
                        {"cost_usd", r.cost.usd ? nlohmann::json(*r.cost.usd) : nlohmann::json(nullptr)},
                        {"cost_source", domain::to_string(r.cost.source)},
                        {"promise_found", r.promise_found}};
    return j.dump();
  }

  Pool m_pool;
  const clock::Clock& m_clock;
  std::mutex m_liveness_mutex;
  std::unique_ptr<pqxx::connection> m_liveness; // holds this instance's session advisory lock
};

} // namespace

std::unique_ptr<Store> open(const std::string& url, const clock::Clock& clock) {
  return std::make_unique<PgStore>(url, clock);
}

} // namespace ralph::store::postgres
