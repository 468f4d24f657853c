#include "core/domain/budget.hpp"

namespace ralph::domain {

std::optional<StopReason> check_while_streaming(const Budget& b, const Spent& s) {
  if (b.max_tokens && s.usage.total() >= *b.max_tokens) return StopReason::max_tokens;
  if (b.max_cost_usd && s.cost_usd >= *b.max_cost_usd) return StopReason::max_cost;
  return std::nullopt;
}

std::optional<StopReason> check_before_iteration(const Budget& b, const Spent& s) {
  if (b.max_iterations && s.iterations >= *b.max_iterations) return StopReason::max_iterations;
  if (b.max_runtime && s.runtime >= *b.max_runtime) return StopReason::max_runtime;
  return check_while_streaming(b, s);
}

std::optional<std::chrono::milliseconds> remaining_runtime(const Budget& b, const Spent& s) {
  if (!b.max_runtime) return std::nullopt;
  auto left = *b.max_runtime - s.runtime;
  return left.count() > 0 ? left : std::chrono::milliseconds{0};
}

} // namespace ralph::domain
