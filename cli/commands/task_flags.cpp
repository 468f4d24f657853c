#include "cli/commands/task_flags.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "core/app/task_setup.hpp"
#include "core/util/error.hpp"
#include "core/util/quote.hpp"

namespace ralph::cli {


void TaskFlags::add_to(CLI::App& cmd) {
  m_opts = {
      {"loop.prompt_file", "-P,--prompt-file", ""},
      {"loop.prompt", "-p,--prompt", ""},
      {"loop.agent", "-a,--agent", ""},
      {"loop.model", "-m,--model", ""},
      {"loop.max_iterations", "--max-iterations", ""},
      {"loop.max_runtime", "--max-runtime", ""},
      {"loop.max_tokens", "--max-tokens", ""},
      {"loop.max_cost", "--max-cost", ""},
      {"loop.iteration_timeout", "--iteration-timeout", ""},
      {"loop.inactivity_timeout", "--inactivity-timeout", ""},
      {"loop.completion_promise", "--completion-promise", ""},
      {"loop.cooldown", "--cooldown", ""},
      {"loop.max_consecutive_failures", "--max-consecutive-failures", ""},
      {"git.checkpoint_interval", "--checkpoint-interval", ""},
  };
  const char* help[] = {
      "prompt file, re-read every iteration (default PROMPT.md)",
      "prompt text, instead of a prompt file",
      "agent: claude, codex, gemini, command, anthropic, openai, or an [agents.NAME] table",
      "model id passed to the agent",
      "stop after N iterations (0: unlimited)",
      "stop after this long, e.g. 90s, 30m, 4h (0: unlimited)",
      "stop when this many tokens are used (0: unlimited)",
      "stop when this much USD is spent (0: unlimited)",
      "hard deadline of one iteration, e.g. 30m",
      "stop an agent that prints nothing for this long, e.g. 10m",
      "text the agent prints on a line of its own when done (default LOOP_COMPLETE)",
      "pause between iterations, e.g. 5s",
      "stop after N agent failures in a row",
      "git commit every N iterations (0: only at the end)",
  };
  std::vector<CLI::Option*> added;
  const char* kinds[] = {"FILE", "TEXT", "AGENT", "MODEL", "N", "DUR", "N", "USD", "DUR", "DUR", "TEXT", "DUR", "N", "N"};
  for (std::size_t i = 0; i < m_opts.size(); ++i)
    added.push_back(cmd.add_option(m_opts[i].flag, m_opts[i].text, help[i])->type_name(kinds[i]));
  added[0]->excludes(added[1]);
  cmd.add_option("--gate", gates, "command that must pass before completion is accepted (repeatable)")->type_name("CMD");
  cmd.add_flag("--no-git", no_git, "no git checkpoints");
  cmd.add_flag("--allow-unmetered", allow_unmetered,
               "run token/cost budgets on an agent that cannot report usage (they will not fire)");
  cmd.add_option("-C,--workdir", workdir, "directory the agent works in (default: the current directory)")->type_name("DIR");
}

std::vector<FlagValue> TaskFlags::to_flag_values() const {
  std::vector<FlagValue> out;
  for (const auto& o : m_opts) {
    if (o.text.empty()) continue;
    auto name = o.flag.substr(o.flag.rfind(',') == std::string::npos ? 0 : o.flag.rfind(',') + 1);
    out.push_back({o.key, o.text, name});
  }
  // -P names the prompt source outright, so prompt text from a file layer must not win.
  if (!m_opts[0].text.empty() && m_opts[1].text.empty()) out.push_back({"loop.prompt", "", "--prompt-file"});
  if (!gates.empty()) {
    std::string list = "[";
    for (std::size_t i = 0; i < gates.size(); ++i) list += (i ? ", " : "") + util::quote(gates[i]);
    out.push_back({"loop.gates", list + "]", "--gate"});
  }
  if (no_git) out.push_back({"git.enabled", "false", "--no-git"});
  if (allow_unmetered) out.push_back({"loop.allow_unmetered", "true", "--allow-unmetered"});
  return out;
}

LoadedTask load_task(const GlobalOptions& global, const TaskFlags& flags) {
  std::filesystem::path workdir = flags.workdir.empty() ? std::filesystem::current_path()
                                                        : std::filesystem::path(flags.workdir);
  std::error_code ec;
  if (!std::filesystem::is_directory(workdir, ec))
    throw UsageError("workdir '" + workdir.string() + "' does not exist or is not a directory");
  auto ctx = load_context(global, flags.to_flag_values(), workdir);
  for (const auto& w : ctx.config.warnings) std::fprintf(stderr, "ralph: warning: %s\n", w.c_str());
  auto spec = app::spec_from_config(ctx.config, workdir);
  return {std::move(ctx), std::move(spec)};
}

} // namespace ralph::cli
