#include "core/store/postgres/pg_rows.hpp"

#include <nlohmann/json.hpp>

#include "core/domain/task_json.hpp"
#include "core/routing/routing.hpp"

namespace ralph::store::postgres {

namespace {

std::int64_t i64(const pqxx::field& f) { return f.is_null() ? 0 : f.as<std::int64_t>(); }
std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }


} // namespace

Task read_task(const pqxx::row& r) {
  Task t;
  t.id = i64(r[0]);
  t.state = domain::parse_task_state(text(r[1])).value_or(domain::TaskState::failed);
  if (!r[2].is_null()) t.reason = domain::parse_stop_reason(text(r[2]));
  t.error = text(r[3]);
  if (auto spec = domain::task_spec_from_json(text(r[4]))) t.spec = std::move(*spec);
  else t.error = "stored task spec is unreadable: " + spec.error();
  t.lease_owner = text(r[5]);
  t.lease_epoch = i64(r[6]);
  t.lease_expires_at_ms = i64(r[7]);
  t.cancel_requested = r[8].as<bool>();
  t.attempts = i64(r[9]);
  t.totals.iterations = i64(r[10]);
  t.totals.usage = {i64(r[11]), i64(r[12]), i64(r[13]), i64(r[14])};
  t.totals.cost_usd = r[15].as<double>();
  t.totals.cost_source = domain::parse_cost_source(text(r[16])).value_or(domain::CostSource::unknown);
  t.totals.unpriced_iterations = i64(r[17]);
  t.totals.runtime_ms = i64(r[18]);
  t.model = text(r[19]);
  t.created_at_ms = i64(r[20]);
  t.started_at_ms = i64(r[21]);
  t.finished_at_ms = i64(r[22]);
  return t;
}

IterationRecord read_iteration(const pqxx::row& r) {
  IterationRecord it;
  it.seq = i64(r[0]);
  it.lease_epoch = i64(r[1]);
  it.started_at_ms = i64(r[2]);
  it.finished_at_ms = i64(r[3]);
  it.outcome = text(r[4]);
  it.exit_code = static_cast<int>(i64(r[5]));
  it.usage = {i64(r[6]), i64(r[7]), i64(r[8]), i64(r[9])};
  if (!r[10].is_null()) it.cost.usd = r[10].as<double>();
  it.cost.source = domain::parse_cost_source(text(r[11])).value_or(domain::CostSource::unknown);
  it.model = text(r[12]);
  it.session_id = text(r[13]);
  it.num_turns = i64(r[14]);
  it.promise_found = r[15].as<bool>();
  if (!r[16].is_null()) it.gates_passed = r[16].as<bool>();
  it.excerpt = text(r[17]);
  it.log_path = text(r[18]);
  it.prompt_path = text(r[19]);
  return it;
}

void insert_iteration(pqxx::work& w, const Lease& lease, const IterationRecord& r) {
  w.exec_params("INSERT INTO iterations (task_id, seq, lease_epoch, started_at, finished_at, outcome, exit_code, "
                "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_source, model, "
                "session_id, num_turns, promise_found, gates_passed, excerpt, log_path, prompt_path) "
                "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)",
                lease.task, r.seq, lease.epoch, r.started_at_ms, r.finished_at_ms, r.outcome, r.exit_code,
                r.usage.input, r.usage.output, r.usage.cache_read, r.usage.cache_write, r.cost.usd,
                std::string(domain::to_string(r.cost.source)), r.model, r.session_id, r.num_turns, r.promise_found,
                r.gates_passed, r.excerpt, r.log_path, r.prompt_path);
}

Instance read_instance(const pqxx::row& r, std::int64_t now_ms) {
  Instance i;
  i.id = text(r[0]);
  i.host = text(r[1]);
  i.pid = i64(r[2]);
  i.version = text(r[3]);
  i.slots = i64(r[4]);
  i.queues = from_json_list(text(r[5]));
  i.agents = from_json_list(text(r[6]));
  i.state = text(r[7]);
  i.started_at_ms = i64(r[8]);
  i.heartbeat_at_ms = i64(r[9]);
  i.expires_at_ms = i64(r[10]);
  i.labels = parse_label_pairs(from_json_list(text(r[11])));
  if ((i.state == "active" || i.state == "draining") && i.expires_at_ms < now_ms) i.state = "expired";
  return i;
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k) out += ',';
    out += '"';
    for (char c : items[k]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

} // namespace ralph::store::postgres
