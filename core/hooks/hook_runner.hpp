#pragma once
// Runs one hook command: `sh -c COMMAND` in its own process group, the
// event's JSON on stdin, a scrubbed environment, killed with its whole group
// at the timeout, output kept up to a cap.
#include <cstdint>
#include <string>
#include <vector>

#include "core/hooks/hook_event.hpp"
#include "core/hooks/hook_settings.hpp"

namespace ralph::proc { class ProcessRunner; }

namespace ralph::hooks {

struct HookRun {
  std::string event;
  std::string command;        // redacted
  bool ok = false;            // exited 0
  int exit_code = -1;         // when it exited
  bool timed_out = false;
  std::int64_t duration_ms = 0;
  std::string output;         // stdout and stderr as they came, redacted, at most output_cap bytes
  bool truncated = false;     // output went past the cap

  // "exit code 3", "timed out after 30s", "cannot execute …".
  std::string outcome() const;
  // The `hook` event's data: {"event", "command", "ok", "exit_code", "timed_out", …}.
  std::string json() const;
};

// The hook's environment: a few harmless variables of ralph's own (PATH,
// HOME, USER, LOGNAME, SHELL, LANG, LC_*, TZ, TMPDIR) and the event's RALPH_*
// fields. Nothing else passes, so no API key or store password reaches a hook.
std::vector<std::string> hook_environment(const HookEvent& event, char** parent_env);

HookRun run_hook(proc::ProcessRunner& runner, const std::string& command, const HookEvent& event,
                 const HookSettings& settings);

} // namespace ralph::hooks
