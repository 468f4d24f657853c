#include "core/store/sqlite/instance_rows.hpp"

#include "core/routing/routing.hpp"

namespace ralph::store::sqlite {

namespace {

constexpr std::int64_t k_keep_gone_ms = 24 * 3600 * 1000; // stopped/dead rows stay visible a day

// The state a daemon's write of `param` leaves: its "active" keeps an
// operator's drain request, and a dead instance stays dead.
std::string state_after_daemon(const std::string& param) {
  return "CASE WHEN instances.state = 'dead' THEN 'dead' WHEN " + param +
         " = 'active' AND instances.state = 'draining' THEN 'draining' ELSE " + param + " END";
}

} // namespace

void upsert_instance(Db& db, const Instance& inst, std::int64_t now_ms, std::int64_t expires_ms) {
  auto st = db.prepare(
      "INSERT INTO instances (id, host, pid, version, slots, queues, agents, state, started_at, heartbeat_at, expires_at, "
      "labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11) "
      "ON CONFLICT (id) DO UPDATE SET slots = ?5, queues = ?6, agents = ?7, state = " +
      state_after_daemon("?8") + ", heartbeat_at = ?9, expires_at = ?10, labels = ?11");
  st.bind(1, inst.id).bind(2, inst.host).bind(3, inst.pid).bind(4, inst.version).bind(5, inst.slots);
  st.bind(6, to_json_list(inst.queues)).bind(7, to_json_list(inst.agents)).bind(8, inst.state);
  st.bind(9, now_ms).bind(10, expires_ms).bind(11, to_json_list(label_pairs(inst.labels)));
  st.run();
  // Old rows of instances that are gone would otherwise pile up forever.
  auto prune = db.prepare("DELETE FROM instances WHERE state IN ('stopped','dead') AND heartbeat_at < ?1");
  prune.bind(1, now_ms - k_keep_gone_ms);
  prune.run();
}

std::optional<std::string> touch_instance(Db& db, const std::string& id, std::string_view state,
                                          std::int64_t now_ms, std::int64_t expires_ms) {
  // The daemon's "active" does not undo an operator's drain request, and
  // nothing revives a dead instance (its tasks were taken back).
  auto st = db.prepare("UPDATE instances SET state = " + state_after_daemon("?1") +
                       ", heartbeat_at = ?2, expires_at = ?3 WHERE id = ?4 AND state <> 'dead'");
  st.bind(1, state).bind(2, now_ms).bind(3, expires_ms).bind(4, id);
  st.run();
  auto read = db.prepare("SELECT state FROM instances WHERE id = ?1");
  read.bind(1, id);
  if (!read.step()) return std::nullopt;
  return read.text(0);
}

void request_instance_state(Db& db, const std::string& id, std::string_view state) {
  if (state != "active" && state != "draining")
    throw DbError{Failure::invalid, "an operator can request active or draining, not " + std::string(state)};
  auto st = db.prepare("UPDATE instances SET state = ?1 WHERE id = ?2 AND state IN ('active','draining')");
  st.bind(1, state).bind(2, id);
  st.run();
  if (db.changes() == 1) return;
  auto read = db.prepare("SELECT state FROM instances WHERE id = ?1");
  read.bind(1, id);
  if (!read.step()) throw DbError{Failure::not_found, "no instance " + id};
  throw DbError{Failure::conflict, "instance " + id + " is " + read.text(0)};
}

std::vector<Instance> read_instances(Db& db, std::int64_t now_ms) {
  auto st = db.prepare("SELECT id, host, pid, version, slots, queues, agents, state, started_at, heartbeat_at, "
                       "expires_at, labels FROM instances ORDER BY started_at DESC, id");
  std::vector<Instance> out;
  while (st.step()) {
    Instance i;
    i.id = st.text(0);
    i.host = st.text(1);
    i.pid = st.int64(2);
    i.version = st.text(3);
    i.slots = st.int64(4);
    i.queues = from_json_list(st.text(5));
    i.agents = from_json_list(st.text(6));
    i.state = st.text(7);
    i.started_at_ms = st.int64(8);
    i.heartbeat_at_ms = st.int64(9);
    i.expires_at_ms = st.int64(10);
    i.labels = parse_label_pairs(from_json_list(st.text(11)));
    // An active row whose heartbeat lapsed is reported as what it is.
    if ((i.state == "active" || i.state == "draining") && i.expires_at_ms < now_ms) i.state = "expired";
    out.push_back(std::move(i));
  }
  auto tasks = db.prepare("SELECT id FROM tasks WHERE state = 'running' AND lease_owner = ?1 ORDER BY id");
  for (auto& i : out) {
    tasks.bind(1, i.id);
    std::vector<TaskId> ids;
    while (tasks.step()) ids.push_back(tasks.int64(0));
    i.running = std::move(ids);
    tasks.done();
  }
  return out;
}

void mark_instance_dead(Db& db, const std::string& id, std::int64_t now_ms) {
  auto st = db.prepare("UPDATE instances SET state = 'dead', heartbeat_at = ?1 WHERE id = ?2 AND state <> 'stopped'");
  st.bind(1, now_ms).bind(2, id);
  st.run();
}

} // namespace ralph::store::sqlite
