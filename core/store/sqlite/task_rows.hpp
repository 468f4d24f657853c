#pragma once
// Row <-> struct mapping for tasks and iterations.
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sqlite/db.hpp"
#include "core/store/store.hpp"

namespace ralph::store::sqlite {

inline constexpr std::string_view k_task_select =
    "SELECT id, state, reason, error, spec, lease_owner, lease_epoch, lease_expires_at, cancel_requested, attempts, "
    "last_seq, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_source, "
    "unpriced_iterations, runtime_ms, model, created_at, started_at, finished_at FROM tasks";

Task read_task(const Stmt& st); // a row of k_task_select
void insert_iteration(Db& db, const Lease& lease, const IterationRecord& rec);
std::vector<IterationRecord> read_iterations(Db& db, TaskId id);
std::string iteration_event_json(const IterationRecord& rec);
std::string json_string(std::string_view s);

} // namespace ralph::store::sqlite
