#pragma once
// What a task asks for: stored with the task, so a resumed or taken-over task
// runs with exactly the settings it was submitted with.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/budget.hpp"

namespace ralph::domain {

struct TaskSpec {
  std::string prompt_file = "PROMPT.md";  // re-read every iteration; relative to workdir
  std::string prompt_text;                // used instead of the file when not empty
  std::string agent = "claude";           // a name from [agents.*] or a built-in kind
  std::string model;                      // empty: the agent's default
  std::string workdir;                    // absolute; empty for a repo task
  // A repo task: the daemon that runs it clones `repo` into its work root,
  // starting from `branch` (empty: the remote's default), and pushes every
  // checkpoint to ralph/<task-id>, where a takeover resumes from.
  std::string repo;                       // a git URL; may carry credentials
  std::string branch;
  Budget budget;
  std::optional<std::chrono::milliseconds> iteration_timeout;
  std::optional<std::chrono::milliseconds> inactivity_timeout;
  std::chrono::milliseconds kill_grace{5000};  // SIGTERM -> SIGKILL for the agent's group
  std::string completion_promise = "LOOP_COMPLETE";
  std::vector<std::string> gates;         // shell commands; all must pass for "complete"
  std::int64_t checkpoint_interval = 1;   // git commit every N iterations (0: only at the end)
  bool git = true;
  std::int64_t max_consecutive_failures = 5;
  std::int64_t loop_detect_repeats = 3;   // identical outputs in a row (0: off)
  std::chrono::milliseconds cooldown{0};
  std::chrono::milliseconds backoff_base{2000};
  std::chrono::milliseconds backoff_max{300000};
  std::chrono::milliseconds limit_wait_max{3600000};
  std::int64_t infra_retries = 5;         // infra faults in a row before the loop errors out
  bool allow_unmetered = false;           // run token/cost budgets on an agent that cannot meter
  std::string queue = "default";
  std::int64_t priority = 0;
  std::map<std::string, std::string> labels;          // describe the task (ralph list shows them)
  std::map<std::string, std::string> required_labels; // only daemons with these labels claim it
};

// Task life cycle. Finished states follow from the stop reason (state_for).
enum class TaskState { queued, running, completed, stopped, failed, cancelled };
std::string_view to_string(TaskState s);
std::optional<TaskState> parse_task_state(std::string_view s);
// completed -> completed; budget reasons -> stopped (resumable); cancelled ->
// cancelled; everything else -> failed.
TaskState state_for(StopReason r);
bool is_finished(TaskState s);

} // namespace ralph::domain
