#pragma once
// Why a loop stopped, and the exit code each reason maps to (documented in ralph(1)).
#include <optional>
#include <string_view>

namespace ralph::domain {

enum class StopReason {
  completed,
  max_iterations,
  max_runtime,
  max_tokens,
  max_cost,
  fleet_budget,
  consecutive_failures,
  loop_detected,
  cancelled,
  lost_lease,
  error,
};

std::string_view to_string(StopReason r);
std::optional<StopReason> parse_stop_reason(std::string_view s);

namespace exit_code {
inline constexpr int completed = 0;
inline constexpr int internal_error = 1;
inline constexpr int usage = 2;
inline constexpr int budget_exhausted = 3;
inline constexpr int agent_failure = 4;
inline constexpr int cancelled = 5;
inline constexpr int interrupted = 130;
} // namespace exit_code

int exit_code_for(StopReason r);

} // namespace ralph::domain
