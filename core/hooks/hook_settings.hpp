#pragma once
// The [hooks] configuration: which shell commands run on which event, and
// how they are bounded. See config.toml(5).
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace ralph::config { class Config; }

namespace ralph::hooks {

// Event names as hooks see them (RALPH_EVENT, the "event" JSON field); the
// configuration key is the name with '.' as '_' (hooks.task_completed).
inline constexpr const char* k_events[] = {"task.completed", "task.failed",   "budget.warn", "budget.exhausted",
                                           "limit.wait",     "instance.lost", "failover"};

struct HookSettings {
  std::map<std::string, std::vector<std::string>, std::less<>> commands; // event -> shell commands
  std::chrono::milliseconds timeout{30'000};
  std::size_t output_cap = 64 * 1024;
  // fail: hooks of loop events (budget.warn, limit.wait) run before the loop
  // goes on and a failing one ends the task `failed`; after-the-fact events
  // log their failures as errors. warn: every hook runs in the background.
  bool fail_on_error = false;
  std::vector<int> warn_percents{50, 75, 90}; // ascending, each in 1..100

  bool any(std::string_view event) const;
};

// "task.completed" -> "hooks.task_completed".
std::string config_key(std::string_view event);

// Reads [hooks]. Throws ConfigError on an on_error other than warn/fail or a
// percentage list that is not comma-separated integers in 1..100.
HookSettings hook_settings(const config::Config& config);

} // namespace ralph::hooks
