#include "cli/ops/ops_run.hpp"

#include <cstdio>

#include "cli/context.hpp"
#include "cli/ops/audit.hpp"
#include "cli/ops/script_runner.hpp"

extern char** environ;

namespace ralph::cli {

std::string outcome_text(int code, const std::string& ok_text) {
  if (code == 0) return ok_text.empty() ? "ok" : ok_text;
  if (code == script_exit::not_found) return "script not found";
  if (code == script_exit::not_runnable) return "script not executable";
  if (code > script_exit::signal_base && code < script_exit::signal_base + 65)
    return "killed by signal " + std::to_string(code - script_exit::signal_base);
  return "failed (exit " + std::to_string(code) + ")";
}

Outcome run_ops(const GlobalOptions& global, const Invocation& inv,
                const std::function<std::string(const Outcome&)>& describe) {
  AuditScope scope(inv.what);
  auto ctx = load_context(global, {});
  std::vector<std::string> searched;
  auto script = find_script(inv.script, searched);
  Outcome out;
  if (script.empty()) {
    std::string where;
    for (const auto& s : searched) where += (where.empty() ? "" : ", ") + s;
    std::fprintf(stderr, "ralph: %s not found (looked for %s); set RALPH_SCRIPTS_DIR to the directory of "
                         "ralph's scripts\n", inv.script.c_str(), where.c_str());
    out.exit_code = script_exit::not_found;
  } else {
    auto env = merge_environment(environ, script_settings(ctx, global, self_executable()));
    auto run = run_script(script, inv.args, env, inv.capture);
    out = {run.exit_code, std::move(run.captured)};
  }
  std::string done = describe && out.exit_code == 0 ? describe(out) : "";
  // After the script: a restore has replaced the store, and its record
  // belongs in the restored one.
  write_audit(global, scope.record(out.exit_code, outcome_text(out.exit_code, done)));
  return out;
}

} // namespace ralph::cli
