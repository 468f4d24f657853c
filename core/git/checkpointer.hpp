#pragma once
// Git checkpoints of an agent's workdir. Never destructive: it stages and
// commits, and nothing else — no reset, no checkout, no stash, no clean —
// so the user's uncommitted edits end up in a commit, never lost.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/git/git_command.hpp"
#include "core/proc/process.hpp"
#include "core/util/expected.hpp"

namespace ralph::git {

// A short, loggable message, e.g. "git commit failed: <stderr tail>".
// Secrets are redacted.
struct CheckpointError {
  std::string message;
};

template <typename T> using Result = util::Expected<T, CheckpointError>;

// Runs git through a ProcessRunner, so tests and the daemon choose how.
// Holds no state besides the runner: safe to use from several threads on
// different workdirs.
class Checkpointer {
public:
  explicit Checkpointer(proc::ProcessRunner& runner) : m_runner(runner) {}

  // True when workdir is inside a git work tree (and git is installed).
  bool is_repository(const std::filesystem::path& workdir);

  // Stages every change (git add -A) and commits it with `message`. Returns
  // the full id of the new commit, or nullopt when nothing changed.
  // The user's hooks run (no --no-verify): a failing pre-commit hook is an
  // error and leaves the changes staged. An identity (ralph
  // <ralph@localhost>) is supplied only for the parts the repository and the
  // environment lack.
  Result<std::optional<std::string>> commit_checkpoint(const std::filesystem::path& workdir,
                                                       const std::string& message);

private:
  GitOutput git(const std::filesystem::path& workdir, const std::vector<std::string>& args);
  std::vector<std::string> identity_fallback(const std::filesystem::path& workdir);

  proc::ProcessRunner& m_runner;
};

} // namespace ralph::git
