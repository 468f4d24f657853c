#pragma once
// Row <-> struct mapping for the PostgreSQL store (same columns as SQLite).
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "core/store/store.hpp"

namespace ralph::store::postgres {

inline constexpr std::string_view k_task_columns =
    "id, state, reason, error, spec, lease_owner, lease_epoch, lease_expires_at, cancel_requested, attempts, "
    "last_seq, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_source, "
    "unpriced_iterations, runtime_ms, model, created_at, started_at, finished_at";

Task read_task(const pqxx::row& r);
IterationRecord read_iteration(const pqxx::row& r);
inline constexpr std::string_view k_iteration_columns =
    "seq, lease_epoch, started_at, finished_at, outcome, exit_code, input_tokens, output_tokens, "
    "cache_read_tokens, cache_write_tokens, cost_usd, cost_source, model, session_id, num_turns, promise_found, "
    "gates_passed, excerpt, log_path, prompt_path";
void insert_iteration(pqxx::work& w, const Lease& lease, const IterationRecord& r);
Instance read_instance(const pqxx::row& r, std::int64_t now_ms);
inline constexpr std::string_view k_instance_columns =
    "id, host, pid, version, slots, queues, agents, state, started_at, heartbeat_at, expires_at, labels";

// A PostgreSQL text[] literal: {"a","b"} with quotes and backslashes escaped.
std::string text_array(const std::vector<std::string>& items);

} // namespace ralph::store::postgres
