// ralph init: a starter PROMPT.md and ralph.toml.
#include <cstdio>
#include <fstream>

#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

constexpr const char* k_prompt = R"(# Task

Describe what the agent should build or fix, and how to tell that it is done.

## Rules
- Work in small steps; each iteration starts fresh and re-reads this file.
- Keep notes for your future self in NOTES.md.
- When everything is done and the tests pass, print LOOP_COMPLETE on a line
  of its own as the very last line of your answer.
)";

constexpr const char* k_config = R"(# ralph configuration for this directory. Every key: config.toml(5).
[loop]
agent = "claude"
max_iterations = 20
max_runtime = "2h"
max_cost = 10.0          # USD
completion_promise = "LOOP_COMPLETE"
# gates = ["make test"]  # must pass before completion is accepted

[git]
checkpoint_interval = 1  # commit after every iteration
)";

struct InitOptions {
  std::string dir = ".";
  bool force = false;
};

int init(const InitOptions& opts) {
  std::filesystem::path dir = opts.dir;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw UsageError("'" + opts.dir + "' is not a directory");
  const std::pair<const char*, const char*> files[] = {{"PROMPT.md", k_prompt}, {"ralph.toml", k_config}};
  if (!opts.force)
    for (auto [name, _] : files)
      if (std::filesystem::exists(dir / name, ec))
        throw UsageError((dir / name).string() + " already exists (use --force to overwrite)");
  for (auto [name, content] : files) {
    std::ofstream out(dir / name);
    if (!(out << content)) throw Error("cannot write " + (dir / name).string());
    std::printf("wrote %s\n", (dir / name).c_str());
  }
  return 0;
}

} // namespace

void add_init_command(CLI::App& app, GlobalOptions&, int& exit_code) {
  auto opts = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Write a starter PROMPT.md and ralph.toml");
  cmd->add_option("dir", opts->dir, "directory (default: the current one)");
  cmd->add_flag("-f,--force", opts->force, "overwrite existing files");
  cmd->callback([&exit_code, opts] { exit_code = init(*opts); });
}

} // namespace ralph::cli
