#pragma once
// How tasks and iterations look: the JSON objects scripts parse (a stable,
// versioned shape pinned by tests) and the human lines people read.
#include <string>
#include <vector>

#include "core/store/store.hpp"

namespace ralph::cli {

// {id, state, reason, error, iterations, tokens{input,output,cache_read,cache_write},
//  cost_usd, cost_source, unpriced_iterations, runtime_s, agent, model, queue,
//  priority, workdir, created_at, started_at, finished_at}. cost_usd is null
// when no iteration's cost is known.
std::string task_json(const store::Task& task, bool pretty);
std::string tasks_json(const std::vector<store::Task>& tasks);
std::string task_with_iterations_json(const store::Task& task, const std::vector<store::IterationRecord>& its);

// "$0.0123", "≥ $0.0123 (1 of 3 iterations unpriced)", or "unknown".
std::string format_cost(const store::Totals& t);
// "12.3k", "1.2M"
std::string format_count(std::int64_t n);
std::string format_seconds(double s);

// Multi-line human description of one task.
std::string task_text(const store::Task& task);
std::string iterations_text(const std::vector<store::IterationRecord>& its);
// One line per task with a header.
std::string tasks_table(const std::vector<store::Task>& tasks);

} // namespace ralph::cli
