#pragma once
// Budgets and the pure decision whether a loop may go on.
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/domain/stop_reason.hpp"
#include "core/domain/usage.hpp"

namespace ralph::domain {

// Every limit is optional; an empty one never stops the loop.
struct Budget {
  std::optional<std::int64_t> max_iterations;
  std::optional<std::chrono::milliseconds> max_runtime;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> max_cost_usd;
};

// What has been spent so far.
struct Spent {
  std::int64_t iterations = 0;
  std::chrono::milliseconds runtime{0};
  Usage usage;
  double cost_usd = 0.0; // known cost only; see Totals for unknown parts
};

// Checked before each iteration: the first exhausted limit, if any.
std::optional<StopReason> check_before_iteration(const Budget& b, const Spent& s);

// Checked while an iteration streams: tokens and cost only (runtime is the
// agent's deadline, iterations cannot change mid-iteration).
std::optional<StopReason> check_while_streaming(const Budget& b, const Spent& s);

// How much runtime is left, if runtime is limited.
std::optional<std::chrono::milliseconds> remaining_runtime(const Budget& b, const Spent& s);

} // namespace ralph::domain
