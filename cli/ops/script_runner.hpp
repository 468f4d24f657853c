#pragma once
// Runs the operations scripts (scripts/*.sh, installed under
// share/ralph/scripts) for `ralph backup|restore|maintenance|health|failover`:
// found next to this ralph, given the resolved configuration through the
// environment (never on the command line: it may hold secrets), with their
// output streamed through and SIGINT/SIGTERM forwarded.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/app/context.hpp"

namespace ralph::cli {

struct GlobalOptions;

// Exit codes of a script run, beyond the script's own (which pass through).
namespace script_exit {
inline constexpr int not_runnable = 126; // found but not executable
inline constexpr int not_found = 127;    // no scripts directory holds it
inline constexpr int signal_base = 128;  // killed by signal N: 128 + N
} // namespace script_exit

// The script's path: $RALPH_SCRIPTS_DIR/NAME, else
// <dir of the ralph executable>/../share/ralph/scripts/NAME. Empty when
// neither exists; `searched` then lists what was looked at.
std::filesystem::path find_script(const std::string& name, std::vector<std::string>& searched);

// This ralph's executable (for RALPH_BIN).
std::string self_executable();

// The variables a script is given: RALPH_STORE_URL, RALPH_STATE_DIR (and
// RALPH_PATHS_STATE_DIR, so a nested ralph sees the same), RALPH_BIN,
// RALPH_DAEMON_HTTP_LISTEN and _TOKEN, RALPH_RETENTION, RALPH_BACKUP_DIR,
// RALPH_FAILOVER_PROMOTE_COMMAND (the last three when configured) and
// RALPH_CONFIG when --config was given.
std::map<std::string, std::string> script_settings(const app::Context& ctx, const GlobalOptions& global,
                                                   const std::string& ralph_bin);
// `base` (NAME=value strings) with `settings` replacing or adding variables.
std::vector<std::string> merge_environment(char** base, const std::map<std::string, std::string>& settings);

// The ralph exit code for a waitpid() status: the script's own exit code,
// or 128 + N when signal N killed it.
int exit_code_for_status(int wait_status);

struct ScriptRun {
  int exit_code = 0;
  std::string captured; // stdout, when capture was asked for
};

// Runs `script args...` with `env`, waits for it and maps its exit. stdout
// and stderr are inherited unless `capture_stdout`. SIGINT and SIGTERM sent to
// this process alone are passed on to the script (a terminal's Ctrl-C reaches
// both already). A script that cannot be started gives 126/127 with a message
// on stderr.
ScriptRun run_script(const std::filesystem::path& script, const std::vector<std::string>& args,
                     const std::vector<std::string>& env, bool capture_stdout = false);

} // namespace ralph::cli
