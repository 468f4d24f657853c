#include "core/store/sqlite/sqlite_store.hpp"

#include <algorithm>

#include "core/clock/clock.hpp"
#include "core/domain/task_json.hpp"
#include "core/routing/routing.hpp"
#include "core/store/sqlite/audit_rows.hpp"
#include "core/store/sqlite/budget_rows.hpp"
#include "core/store/sqlite/instance_rows.hpp"
#include "core/store/sqlite/migrations.hpp"
#include "core/store/sqlite/task_rows.hpp"

namespace ralph::store::sqlite {

namespace {

using std::chrono::milliseconds;

class SqliteStore final : public Store {
public:
  SqliteStore(const Options& o, const clock::Clock& clock)
      : m_db(o.path, o.busy_timeout_ms), m_path(o.path), m_busy_timeout_ms(o.busy_timeout_ms), m_clock(clock) {
    // A file that is not a database fails here, before anything is written.
    m_db.exec("PRAGMA schema_version");
    m_db.exec("PRAGMA journal_mode=WAL");
    m_db.exec(o.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    m_db.exec("PRAGMA foreign_keys=ON");
    m_db.exec("PRAGMA journal_size_limit=67108864");
  }

  // Reads go through a second connection: under WAL they see the last
  // commit without waiting for a writer's fsync, so `ralph status` and the
  // slots' task reads never queue behind an iteration being recorded.
  Db& reader() {
    if (!m_reader) m_reader = std::make_unique<Db>(m_path, m_busy_timeout_ms);
    return *m_reader;
  }

  Result<SchemaVersion> schema_version() override {
    return guard([&] {
      auto st = m_db.prepare("PRAGMA user_version");
      st.step();
      return SchemaVersion{static_cast<int>(st.int64(0)), migrations().back().version};
    });
  }

  Result<void> migrate() override {
    return guard([&] {
      Txn txn(m_db);
      auto st = m_db.prepare("PRAGMA user_version");
      st.step();
      int current = static_cast<int>(st.int64(0));
      int latest = migrations().back().version;
      if (current > latest)
        throw DbError{Failure::corrupt, "store schema version " + std::to_string(current) +
                                            " is newer than this ralph supports (" + std::to_string(latest) +
                                            "); upgrade ralph"};
      for (const auto& m : migrations()) {
        if (m.version <= current) continue;
        m_db.exec(m.sql);
        m_db.exec("PRAGMA user_version = " + std::to_string(m.version));
      }
      txn.commit();
    });
  }

  Result<TaskId> submit(const domain::TaskSpec& spec) override {
    return guard([&] {
      Txn txn(m_db);
      auto now = now_ms();
      auto st = m_db.prepare("INSERT INTO tasks (queue, priority, state, spec, created_at, updated_at, agent, requires) "
                             "VALUES (?1, ?2, 'queued', ?3, ?4, ?4, ?5, ?6) RETURNING id");
      st.bind(1, spec.queue).bind(2, spec.priority).bind(3, domain::to_json(spec)).bind(4, now);
      st.bind(5, spec.agent).bind(6, to_json_list(label_pairs(spec.required_labels)));
      st.step();
      TaskId id = st.int64(0);
      st.done();
      event(id, "submitted", R"({"queue":)" + json_string(spec.queue) + R"(,"agent":)" + json_string(spec.agent) + "}");
      txn.commit();
      return id;
    });
  }

  Result<Lease> claim(TaskId id, const std::string& owner, milliseconds ttl) override {
    return guard([&] {
      Txn txn(m_db);
      auto epoch = claim_row(id, owner, ttl);
      if (!epoch) {
        auto state = state_of(id);
        if (!state) throw DbError{Failure::not_found, "no task " + std::to_string(id)};
        throw DbError{Failure::conflict, "task " + std::to_string(id) + " is " + std::string(domain::to_string(*state)) +
                                             ", not queued"};
      }
      txn.commit();
      return Lease{id, *epoch, owner};
    });
  }

  Result<std::vector<Lease>> claim_batch(const std::vector<std::string>& queues, const Capabilities& can,
                                         const std::string& owner, milliseconds ttl, std::int64_t max) override {
    return guard([&]() {
      std::vector<Lease> leases;
      Txn txn(m_db);
      if (owner_stopped_claiming(owner)) return leases;
      // ?1: the offered labels, ?2: the offered agents (JSON arrays), ?3: how many.
      std::string sql = "SELECT id FROM tasks WHERE state = 'queued' AND NOT EXISTS (SELECT 1 FROM "
                        "json_each(tasks.requires) r WHERE r.value NOT IN (SELECT value FROM json_each(?1)))";
      if (can.agents) sql += " AND agent IN (SELECT value FROM json_each(?2))";
      if (!queues.empty()) {
        sql += " AND queue IN (";
        for (std::size_t i = 0; i < queues.size(); ++i) sql += (i ? ",?" : "?") + std::to_string(i + 4);
        sql += ")";
      }
      sql += " ORDER BY priority DESC, created_at, id LIMIT ?3";
      auto pick = m_db.prepare(sql);
      pick.bind(1, to_json_list(label_pairs(can.labels)));
      if (can.agents) pick.bind(2, to_json_list(*can.agents));
      pick.bind(3, std::max<std::int64_t>(max, 1));
      for (std::size_t i = 0; i < queues.size(); ++i) pick.bind(static_cast<int>(i + 4), queues[i]);
      std::vector<TaskId> ids;
      while (pick.step()) ids.push_back(pick.int64(0));
      pick.done();
      for (auto id : ids)
        if (auto epoch = claim_row(id, owner, ttl)) leases.push_back(Lease{id, *epoch, owner});
      txn.commit();
      return leases;
    });
  }

  Result<bool> renew(const Lease& lease, milliseconds ttl) override {
    return guard([&] {
      auto now = now_ms();
      auto st = m_db.prepare("UPDATE tasks SET lease_expires_at = ?1, updated_at = ?2 "
                             "WHERE id = ?3 AND lease_epoch = ?4 AND state = 'running' RETURNING cancel_requested");
      st.bind(1, now + ttl.count()).bind(2, now).bind(3, lease.task).bind(4, lease.epoch);
      if (!st.step()) throw fenced(lease);
      bool cancel = st.int64(0) != 0;
      st.done();
      return cancel;
    });
  }

  // The same attempt (epoch, sequence number and times) is already stored.
  bool already_recorded(const Lease& lease, const IterationRecord& rec) {
    auto st = m_db.prepare("SELECT 1 FROM iterations WHERE task_id = ?1 AND seq = ?2 AND lease_epoch = ?3 "
                           "AND started_at = ?4 AND finished_at = ?5");
    st.bind(1, lease.task).bind(2, rec.seq).bind(3, lease.epoch).bind(4, rec.started_at_ms).bind(5, rec.finished_at_ms);
    return st.step();
  }

  Result<void> record_iteration(const Lease& lease, const IterationRecord& rec) override {
    return guard([&] {
      Txn txn(m_db);
      auto cur = m_db.prepare("SELECT last_seq, cost_source FROM tasks "
                              "WHERE id = ?1 AND lease_epoch = ?2 AND state = 'running'");
      cur.bind(1, lease.task).bind(2, lease.epoch);
      if (!cur.step()) throw fenced(lease);
      auto last_seq = cur.int64(0);
      auto cur_source = cur.text(1);
      cur.done();
      if (rec.seq == last_seq && already_recorded(lease, rec)) return; // a retry of a committed call
      if (rec.seq != last_seq + 1)
        throw DbError{Failure::invalid, "iteration " + std::to_string(rec.seq) + " of task " +
                                            std::to_string(lease.task) + " is out of sequence (last is " +
                                            std::to_string(last_seq) + ")"};
      auto source = last_seq == 0 ? rec.cost.source
                                  : domain::combine(domain::parse_cost_source(cur_source).value_or(domain::CostSource::unknown), rec.cost.source);
      auto now = now_ms();
      auto up = m_db.prepare(
          "UPDATE tasks SET last_seq = ?1, input_tokens = input_tokens + ?2, output_tokens = output_tokens + ?3, "
          "cache_read_tokens = cache_read_tokens + ?4, cache_write_tokens = cache_write_tokens + ?5, "
          "cost_usd = cost_usd + ?6, cost_source = ?7, unpriced_iterations = unpriced_iterations + ?8, "
          "runtime_ms = runtime_ms + ?9, model = CASE WHEN ?10 = '' THEN model ELSE ?10 END, updated_at = ?11 "
          "WHERE id = ?12 AND lease_epoch = ?13 AND state = 'running' AND last_seq = ?14");
      up.bind(1, rec.seq).bind(2, rec.usage.input).bind(3, rec.usage.output).bind(4, rec.usage.cache_read);
      up.bind(5, rec.usage.cache_write).bind(6, rec.cost.usd.value_or(0.0)).bind(7, domain::to_string(source));
      up.bind(8, rec.cost.usd ? 0 : 1).bind(9, rec.finished_at_ms - rec.started_at_ms).bind(10, rec.model);
      up.bind(11, now).bind(12, lease.task).bind(13, lease.epoch).bind(14, last_seq);
      up.run();
      if (m_db.changes() != 1) throw fenced(lease);
      insert_iteration(m_db, lease, rec);
      charge_budgets(m_db, lease, rec);
      event(lease.task, "iteration", iteration_event_json(rec));
      txn.commit();
    });
  }

  Result<std::vector<BudgetSpend>> budget_spent(const std::vector<std::string>& scopes, std::string_view day) override {
    return guard_read([&] { return read_budget_spent(reader(), scopes, day); });
  }

  Result<void> finish(const Lease& lease, domain::StopReason reason, const std::string& error) override {
    return guard([&] {
      Txn txn(m_db);
      auto now = now_ms();
      auto st = m_db.prepare("UPDATE tasks SET state = ?1, reason = ?2, error = ?3, finished_at = ?4, updated_at = ?4, "
                             "lease_owner = NULL, lease_expires_at = NULL, lease_epoch = lease_epoch + 1, "
                             "cancel_requested = 0 WHERE id = ?5 AND lease_epoch = ?6 AND state = 'running'");
      st.bind(1, domain::to_string(domain::state_for(reason))).bind(2, domain::to_string(reason)).bind(3, error);
      st.bind(4, now).bind(5, lease.task).bind(6, lease.epoch);
      st.run();
      if (m_db.changes() != 1) throw fenced(lease);
      event(lease.task, "finished", R"({"reason":")" + std::string(domain::to_string(reason)) + R"(","error":)" +
                                        json_string(error) + "}");
      txn.commit();
    });
  }

  Result<void> release(const Lease& lease) override {
    return guard([&] {
      Txn txn(m_db);
      auto st = m_db.prepare("UPDATE tasks SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, "
                             "lease_epoch = lease_epoch + 1, updated_at = ?1 "
                             "WHERE id = ?2 AND lease_epoch = ?3 AND state = 'running'");
      st.bind(1, now_ms()).bind(2, lease.task).bind(3, lease.epoch);
      st.run();
      if (m_db.changes() != 1) throw fenced(lease);
      event(lease.task, "released", "{}");
      txn.commit();
    });
  }

  Result<void> resume(TaskId id, const domain::Budget& budget) override {
    return guard([&] {
      Txn txn(m_db);
      auto cur = m_db.prepare("SELECT state, spec FROM tasks WHERE id = ?1");
      cur.bind(1, id);
      if (!cur.step()) throw DbError{Failure::not_found, "no task " + std::to_string(id)};
      auto state = domain::parse_task_state(cur.text(0));
      auto state_text = cur.text(0);
      auto spec_text = cur.text(1);
      cur.done();
      if (state != domain::TaskState::stopped && state != domain::TaskState::failed)
        throw DbError{Failure::conflict, "task " + std::to_string(id) + " is " + state_text +
                                             "; only stopped or failed tasks can be resumed"};
      auto spec = domain::task_spec_from_json(spec_text);
      if (!spec) throw DbError{Failure::corrupt, "task " + std::to_string(id) + ": " + spec.error()};
      spec->budget = budget;
      auto up = m_db.prepare("UPDATE tasks SET state = 'queued', reason = NULL, error = '', finished_at = NULL, "
                             "spec = ?1, updated_at = ?2 WHERE id = ?3");
      up.bind(1, domain::to_json(*spec)).bind(2, now_ms()).bind(3, id);
      up.run();
      event(id, "resumed", "{}");
      txn.commit();
    });
  }

  Result<std::vector<TaskId>> expire_leases() override {
    return guard([&] {
      Txn txn(m_db);
      auto ids = requeue_running("lease_expires_at < ?1", {}, "lease_expired", "{}");
      txn.commit();
      return ids;
    });
  }

  Result<domain::TaskState> request_cancel(TaskId id) override {
    return guard([&] {
      Txn txn(m_db);
      auto state = state_of(id);
      if (!state) throw DbError{Failure::not_found, "no task " + std::to_string(id)};
      auto now = now_ms();
      if (*state == domain::TaskState::queued) {
        auto st = m_db.prepare("UPDATE tasks SET state = 'cancelled', reason = 'cancelled', finished_at = ?1, "
                               "updated_at = ?1, lease_epoch = lease_epoch + 1 WHERE id = ?2 AND state = 'queued'");
        st.bind(1, now).bind(2, id);
        st.run();
        event(id, "finished", R"({"reason":"cancelled","error":""})");
        state = domain::TaskState::cancelled;
      } else if (*state == domain::TaskState::running) {
        auto st = m_db.prepare("UPDATE tasks SET cancel_requested = 1, updated_at = ?1 WHERE id = ?2");
        st.bind(1, now).bind(2, id);
        st.run();
        event(id, "cancel_requested", "{}");
      } else {
        throw DbError{Failure::conflict, "task " + std::to_string(id) + " already finished (" +
                                             std::string(domain::to_string(*state)) + ")"};
      }
      txn.commit();
      return *state;
    });
  }

  Result<void> register_instance(const Instance& inst, milliseconds ttl) override {
    return guard([&] {
      Txn txn(m_db);
      auto now = now_ms();
      upsert_instance(m_db, inst, now, now + ttl.count());
      txn.commit();
    });
  }

  Result<std::string> heartbeat_instance(const std::string& id, std::string_view state, milliseconds ttl) override {
    return guard([&] {
      Txn txn(m_db);
      auto now = now_ms();
      auto stored = touch_instance(m_db, id, state, now, now + ttl.count());
      if (!stored) throw DbError{Failure::not_found, "no instance " + id};
      txn.commit();
      return *stored;
    });
  }

  Result<void> request_instance_state(const std::string& id, std::string_view state) override {
    return guard([&] {
      Txn txn(m_db);
      sqlite::request_instance_state(m_db, id, state);
      txn.commit();
    });
  }

  Result<std::vector<Instance>> list_instances() override {
    return guard_read([&] { return read_instances(reader(), now_ms()); });
  }

  Result<std::vector<TaskId>> release_owner(const std::string& owner, std::string_view why) override {
    return guard([&] {
      Txn txn(m_db);
      auto ids = requeue_running("lease_owner = ?2", owner, "taken_back",
                                 R"({"owner":)" + json_string(owner) + R"(,"why":)" + json_string(why) + "}");
      mark_instance_dead(m_db, owner, now_ms());
      txn.commit();
      return ids;
    });
  }

  Result<void> hold_liveness(const std::string&) override { return {}; }
  std::unique_ptr<Wakeups> listen() override { return nullptr; }
  Result<bool> liveness_held(const std::string&) override { return true; }

  Result<std::vector<std::pair<domain::TaskState, std::int64_t>>> count_tasks() override {
    return guard_read([&] {
      auto st = reader().prepare("SELECT state, count(*) FROM tasks GROUP BY state");
      std::vector<std::pair<domain::TaskState, std::int64_t>> out;
      while (st.step())
        if (auto s = domain::parse_task_state(st.text(0))) out.emplace_back(*s, st.int64(1));
      return out;
    });
  }

  Result<std::optional<Task>> get_task(TaskId id) override {
    return guard_read([&]() -> std::optional<Task> {
      auto st = reader().prepare(std::string(k_task_select) + " WHERE id = ?1");
      st.bind(1, id);
      if (!st.step()) return std::nullopt;
      return read_task(st);
    });
  }

  Result<std::vector<Task>> list_tasks(const TaskFilter& f) override {
    return guard_read([&] {
      // "state = ?1" only when filtering, so that the planner walks the
      // tasks_state index instead of every row; ?1 stays in the text either way.
      std::string sql = std::string(k_task_select) + (f.state ? " WHERE state = ?1" : " WHERE ?1 IS NULL") +
                        " AND (?2 IS NULL OR queue = ?2) AND (?4 IS NULL OR lease_owner = ?4) ORDER BY id DESC LIMIT ?3";
      auto st = reader().prepare(sql);
      if (f.state) st.bind(1, domain::to_string(*f.state)); else st.bind_null(1);
      st.bind(2, f.queue).bind(3, f.limit).bind(4, f.owner);
      std::vector<Task> out;
      while (st.step()) out.push_back(read_task(st));
      return out;
    });
  }

  Result<std::vector<IterationRecord>> iterations(TaskId id) override {
    return guard_read([&] { return read_iterations(reader(), id); });
  }

  Result<void> append_event(TaskId id, std::string_view type, std::string_view data) override {
    return guard([&] { event(id, type, data); });
  }

  Result<std::vector<Event>> events(TaskId id, std::int64_t after_id) override {
    return guard_read([&] {
      auto st = reader().prepare("SELECT id, task_id, at, type, data FROM events WHERE task_id = ?1 AND id > ?2 ORDER BY id");
      st.bind(1, id).bind(2, after_id);
      std::vector<Event> out;
      while (st.step()) out.push_back({st.int64(0), st.int64(1), st.int64(2), st.text(3), st.text(4)});
      return out;
    });
  }

  Result<void> append_audit(const AuditRecord& rec) override {
    return guard([&] { insert_audit(m_db, rec); });
  }

  Result<std::vector<AuditRecord>> list_audit(const AuditFilter& filter) override {
    return guard_read([&] { return read_audit(reader(), filter); });
  }

private:
  // Runs fn under the connection's mutex, turning DbError into a Result.
  template <typename Fn> auto guard(Fn&& fn) -> Result<decltype(fn())> {
    std::lock_guard lock(m_mutex);
    try {
      if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        return {};
      } else {
        return fn();
      }
    } catch (const DbError& e) {
      return util::unexpected(Error{e.failure, e.message});
    }
  }

  template <typename Fn> auto guard_read(Fn&& fn) -> Result<decltype(fn())> {
    std::lock_guard lock(m_read_mutex);
    try {
      return fn();
    } catch (const DbError& e) {
      return util::unexpected(Error{e.failure, e.message});
    }
  }

  std::int64_t now_ms() const { return clock::to_unix_ms(m_clock.now()); }

  std::optional<std::int64_t> claim_row(TaskId id, const std::string& owner, milliseconds ttl) {
    auto now = now_ms();
    auto st = m_db.prepare("UPDATE tasks SET state = 'running', lease_owner = ?1, lease_epoch = lease_epoch + 1, "
                           "lease_expires_at = ?2, attempts = attempts + 1, started_at = COALESCE(started_at, ?3), "
                           "cancel_requested = 0, updated_at = ?3 WHERE id = ?4 AND state = 'queued' "
                           "RETURNING lease_epoch");
    st.bind(1, owner).bind(2, now + ttl.count()).bind(3, now).bind(4, id);
    if (!st.step()) return std::nullopt;
    auto epoch = st.int64(0);
    st.done();
    event(id, "claimed", R"({"owner":)" + json_string(owner) + R"(,"epoch":)" + std::to_string(epoch) + "}");
    return epoch;
  }

  // Hands running tasks matching `where` (?1 is now, ?2 is `arg`) back to
  // the queue, bumping their epochs so the old owner is fenced; one event
  // each. The caller holds the transaction.
  std::vector<TaskId> requeue_running(std::string_view where, const std::optional<std::string>& arg,
                                      std::string_view event_type, const std::string& event_data) {
    auto st = m_db.prepare("UPDATE tasks SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, "
                           "lease_epoch = lease_epoch + 1, takeovers = takeovers + 1, updated_at = ?1 "
                           "WHERE state = 'running' AND " + std::string(where) + " RETURNING id");
    st.bind(1, now_ms());
    if (arg) st.bind(2, *arg);
    std::vector<TaskId> ids;
    while (st.step()) ids.push_back(st.int64(0));
    for (auto id : ids) event(id, event_type, event_data);
    return ids;
  }

  std::optional<domain::TaskState> state_of(TaskId id) {
    auto st = m_db.prepare("SELECT state FROM tasks WHERE id = ?1");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    auto state = domain::parse_task_state(st.text(0));
    st.done();
    return state;
  }

  DbError fenced(const Lease& lease) {
    return DbError{Failure::fenced, "task " + std::to_string(lease.task) + " is no longer held with lease epoch " +
                                        std::to_string(lease.epoch) + " by " + lease.owner};
  }

  // A daemon asked to drain, or evicted, claims nothing, even before its
  // next heartbeat tells it so.
  bool owner_stopped_claiming(const std::string& owner) {
    auto st = m_db.prepare("SELECT 1 FROM instances WHERE id = ?1 AND state IN ('draining','dead')");
    st.bind(1, owner);
    return st.step();
  }

  void event(TaskId id, std::string_view type, std::string_view data) {
    auto st = m_db.prepare("INSERT INTO events (task_id, at, type, data) VALUES (?1, ?2, ?3, ?4)");
    st.bind(1, id).bind(2, now_ms()).bind(3, type).bind(4, data);
    st.run();
  }

  std::mutex m_mutex;
  Db m_db;
  std::string m_path;
  int m_busy_timeout_ms;
  std::mutex m_read_mutex;
  std::unique_ptr<Db> m_reader;
  const clock::Clock& m_clock;
};

} // namespace

std::unique_ptr<Store> open(const Options& options, const clock::Clock& clock) {
  return std::make_unique<SqliteStore>(options, clock);
}

} // namespace ralph::store::sqlite
