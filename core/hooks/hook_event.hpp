#pragma once
// What a hook is told: the event as a JSON object on its stdin, and its key
// fields as RALPH_* environment variables.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/stop_reason.hpp"
#include "core/domain/task.hpp"
#include "core/store/store.hpp"

namespace ralph::hooks {

struct HookEvent {
  std::string name;                         // "task.completed"
  store::TaskId task = 0;                   // 0: not about one task (instance.lost)
  std::string json;                         // one JSON object, secret-free
  std::map<std::string, std::string> env;   // RALPH_EVENT, RALPH_TASK_ID, …
};

// What crossed a warning threshold: "iterations" at 75 % (3 of 4).
struct Crossing {
  std::string budget;   // iterations | runtime | tokens | cost
  int percent = 0;
  double used = 0;
  double limit = 0;
};

// The task's side of an event.
struct TaskFacts {
  store::TaskId id = 0;
  const domain::TaskSpec* spec = nullptr;
  store::Totals totals;
  std::int64_t runtime_ms = 0;              // this task's runtime so far
  std::string model;                        // last model reported, else the spec's
  std::string instance;                     // lease owner
};

// task.completed, task.failed, budget.exhausted (with the stop reason and
// error), budget.warn (with the crossing), limit.wait (with the message).
HookEvent task_event(std::string name, const TaskFacts& facts, std::optional<domain::StopReason> reason = {},
                     const std::string& message = {}, const std::optional<Crossing>& crossing = {});

// instance.lost and failover: the lost instance, the instance acting, and
// the tasks moved back to the queue.
HookEvent instance_event(std::string name, const std::string& lost_instance, const std::string& by_instance,
                         const std::vector<store::TaskId>& tasks, const std::string& why);

// The event a terminal stop raises: task.completed, budget.exhausted,
// task.failed, or nothing (cancelled, lost lease).
std::optional<std::string> event_for(domain::StopReason reason);

} // namespace ralph::hooks
