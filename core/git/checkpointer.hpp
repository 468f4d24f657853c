#pragma once
// Git checkpoints of an agent's workdir. Never destructive: it stages and
// commits, and nothing else — no reset, no checkout, no stash, no clean.
#include <filesystem>
#include <optional>
#include <string>

#include "core/proc/process.hpp"
#include "core/util/expected.hpp"

namespace ralph::git {

struct CheckpointError {
  std::string message;
};

class Checkpointer {
public:
  explicit Checkpointer(proc::ProcessRunner& runner) : m_runner(runner) {}

  // True when workdir is inside a git work tree (and git is installed).
  bool is_repository(const std::filesystem::path& workdir);

  // Stages every change (git add -A) and commits it. Returns the commit id,
  // or nothing when there was nothing to commit. The user's hooks run; an
  // identity is supplied only when the repository has none.
  util::Expected<std::optional<std::string>, CheckpointError> commit_checkpoint(const std::filesystem::path& workdir,
                                                                                const std::string& message);

private:
  struct Output {
    int exit_code = -1;
    std::string out, err;
  };
  Output git(const std::filesystem::path& workdir, std::vector<std::string> args);

  proc::ProcessRunner& m_runner;
};

} // namespace ralph::git
