#pragma once
// One run of an operations script for a ralph command: found, given the
// resolved configuration, its exit code mapped, and recorded in the audit
// log (after the script: a restore's record belongs in the restored store).
#include <functional>
#include <string>
#include <vector>

namespace ralph::cli {

struct GlobalOptions;

struct Invocation {
  std::string what;                 // command name, for the audit log
  std::string script;               // file name under the scripts directory
  std::vector<std::string> args;
  bool capture = false;             // keep stdout (printed or parsed by the caller)
};

struct Outcome {
  int exit_code = 0;
  std::string stdout_text;          // when captured
};

// The audit log's short text for an exit code; `ok_text` names what a
// successful run did.
std::string outcome_text(int code, const std::string& ok_text);

// Runs the script and records the run; `describe` may name what a
// successful run did ("ok: /backups/ralph-backup-..."). Throws ConfigError
// when the configuration does not load.
Outcome run_ops(const GlobalOptions& global, const Invocation& inv,
                const std::function<std::string(const Outcome&)>& describe = {});

} // namespace ralph::cli
