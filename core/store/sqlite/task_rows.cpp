#include "core/store/sqlite/task_rows.hpp"

#include <cstdio>

#include "core/domain/task_json.hpp"
#include "core/util/quote.hpp"

namespace ralph::store::sqlite {

std::string json_string(std::string_view s) { return util::quote(s); }

Task read_task(const Stmt& st) {
  Task t;
  t.id = st.int64(0);
  t.state = domain::parse_task_state(st.text(1)).value_or(domain::TaskState::failed);
  if (!st.is_null(2)) t.reason = domain::parse_stop_reason(st.text(2));
  t.error = st.text(3);
  if (auto spec = domain::task_spec_from_json(st.text(4))) t.spec = std::move(*spec);
  else t.error = "stored task spec is unreadable: " + spec.error();
  t.lease_owner = st.text(5);
  t.lease_epoch = st.int64(6);
  t.lease_expires_at_ms = st.int64(7);
  t.cancel_requested = st.int64(8) != 0;
  t.attempts = st.int64(9);
  t.totals.iterations = st.int64(10);
  t.totals.usage = {st.int64(11), st.int64(12), st.int64(13), st.int64(14)};
  t.totals.cost_usd = st.real(15);
  t.totals.cost_source = domain::parse_cost_source(st.text(16)).value_or(domain::CostSource::unknown);
  t.totals.unpriced_iterations = st.int64(17);
  t.totals.runtime_ms = st.int64(18);
  t.model = st.text(19);
  t.created_at_ms = st.int64(20);
  t.started_at_ms = st.int64(21);
  t.finished_at_ms = st.int64(22);
  return t;
}

void insert_iteration(Db& db, const Lease& lease, const IterationRecord& r) {
  auto st = db.prepare(
      "INSERT INTO iterations (task_id, seq, lease_epoch, started_at, finished_at, outcome, exit_code, input_tokens, "
      "output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_source, model, session_id, num_turns, "
      "promise_found, gates_passed, excerpt, log_path, prompt_path) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)");
  st.bind(1, lease.task).bind(2, r.seq).bind(3, lease.epoch).bind(4, r.started_at_ms).bind(5, r.finished_at_ms);
  st.bind(6, r.outcome).bind(7, r.exit_code).bind(8, r.usage.input).bind(9, r.usage.output);
  st.bind(10, r.usage.cache_read).bind(11, r.usage.cache_write).bind(12, r.cost.usd);
  st.bind(13, domain::to_string(r.cost.source)).bind(14, r.model).bind(15, r.session_id).bind(16, r.num_turns);
  st.bind(17, r.promise_found ? 1 : 0);
  if (r.gates_passed) st.bind(18, *r.gates_passed ? 1 : 0); else st.bind_null(18);
  st.bind(19, r.excerpt).bind(20, r.log_path).bind(21, r.prompt_path);
  st.run();
}

std::vector<IterationRecord> read_iterations(Db& db, TaskId id) {
  auto st = db.prepare(
      "SELECT seq, lease_epoch, started_at, finished_at, outcome, exit_code, input_tokens, output_tokens, "
      "cache_read_tokens, cache_write_tokens, cost_usd, cost_source, model, session_id, num_turns, promise_found, "
      "gates_passed, excerpt, log_path, prompt_path FROM iterations WHERE task_id = ?1 ORDER BY seq");
  st.bind(1, id);
  std::vector<IterationRecord> out;
  while (st.step()) {
    IterationRecord r;
    r.seq = st.int64(0);
    r.lease_epoch = st.int64(1);
    r.started_at_ms = st.int64(2);
    r.finished_at_ms = st.int64(3);
    r.outcome = st.text(4);
    r.exit_code = static_cast<int>(st.int64(5));
    r.usage = {st.int64(6), st.int64(7), st.int64(8), st.int64(9)};
    if (!st.is_null(10)) r.cost.usd = st.real(10);
    r.cost.source = domain::parse_cost_source(st.text(11)).value_or(domain::CostSource::unknown);
    r.model = st.text(12);
    r.session_id = st.text(13);
    r.num_turns = st.int64(14);
    r.promise_found = st.int64(15) != 0;
    if (!st.is_null(16)) r.gates_passed = st.int64(16) != 0;
    r.excerpt = st.text(17);
    r.log_path = st.text(18);
    r.prompt_path = st.text(19);
    out.push_back(std::move(r));
  }
  return out;
}

std::string iteration_event_json(const IterationRecord& r) {
  char cost[32] = "null";
  if (r.cost.usd) std::snprintf(cost, sizeof cost, "%.8f", *r.cost.usd);
  return "{\"seq\":" + std::to_string(r.seq) + ",\"outcome\":" + json_string(r.outcome) +
         ",\"tokens\":" + std::to_string(r.usage.total()) + ",\"cost_usd\":" + cost +
         ",\"cost_source\":\"" + std::string(domain::to_string(r.cost.source)) + "\",\"promise_found\":" +
         (r.promise_found ? "true" : "false") + "}";
}

} // namespace ralph::store::sqlite
