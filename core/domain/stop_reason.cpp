#include "core/domain/stop_reason.hpp"

#include <array>
#include <utility>

namespace ralph::domain {

namespace {
constexpr std::array<std::pair<StopReason, std::string_view>, 11> k_names{{
    {StopReason::completed, "completed"},
    {StopReason::max_iterations, "max_iterations"},
    {StopReason::max_runtime, "max_runtime"},
    {StopReason::max_tokens, "max_tokens"},
    {StopReason::max_cost, "max_cost"},
    {StopReason::fleet_budget, "fleet_budget"},
    {StopReason::consecutive_failures, "consecutive_failures"},
    {StopReason::loop_detected, "loop_detected"},
    {StopReason::cancelled, "cancelled"},
    {StopReason::lost_lease, "lost_lease"},
    {StopReason::error, "error"},
}};
} // namespace

std::string_view to_string(StopReason r) {
  for (const auto& [reason, name] : k_names)
    if (reason == r) return name;
  return "error";
}

std::optional<StopReason> parse_stop_reason(std::string_view s) {
  for (const auto& [reason, name] : k_names)
    if (name == s) return reason;
  return std::nullopt;
}

int exit_code_for(StopReason r) {
  switch (r) {
  case StopReason::completed: return exit_code::completed;
  case StopReason::max_iterations:
  case StopReason::max_runtime:
  case StopReason::max_tokens:
  case StopReason::max_cost:
  case StopReason::fleet_budget: return exit_code::budget_exhausted;
  case StopReason::consecutive_failures:
  case StopReason::loop_detected: return exit_code::agent_failure;
  case StopReason::cancelled: return exit_code::cancelled;
  case StopReason::lost_lease:
  case StopReason::error: return exit_code::internal_error;
  }
  return exit_code::internal_error;
}

} // namespace ralph::domain
