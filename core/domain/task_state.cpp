#include "core/domain/task.hpp"

#include <array>
#include <utility>

namespace ralph::domain {

namespace {
constexpr std::array<std::pair<TaskState, std::string_view>, 6> k_states{{
    {TaskState::queued, "queued"},
    {TaskState::running, "running"},
    {TaskState::completed, "completed"},
    {TaskState::stopped, "stopped"},
    {TaskState::failed, "failed"},
    {TaskState::cancelled, "cancelled"},
}};
} // namespace

std::string_view to_string(TaskState s) {
  for (const auto& [state, name] : k_states)
    if (state == s) return name;
  return "failed";
}

std::optional<TaskState> parse_task_state(std::string_view s) {
  for (const auto& [state, name] : k_states)
    if (name == s) return state;
  return std::nullopt;
}

TaskState state_for(StopReason r) {
  switch (r) {
  case StopReason::completed: return TaskState::completed;
  case StopReason::max_iterations:
  case StopReason::max_runtime:
  case StopReason::max_tokens:
  case StopReason::max_cost:
  case StopReason::fleet_budget: return TaskState::stopped;
  case StopReason::cancelled: return TaskState::cancelled;
  default: return TaskState::failed;
  }
}

bool is_finished(TaskState s) { return s != TaskState::queued && s != TaskState::running; }

} // namespace ralph::domain
