#pragma once
// One git invocation through a ProcessRunner: bounded output, a deadline, and
// never a prompt (no credential or editor question can stall a loop).
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace ralph::proc { class ProcessRunner; }
namespace ralph::util { class CancelSource; }

namespace ralph::git {

struct GitOutput {
  int exit_code = -1; // -1: did not run to an exit (spawn failure, timeout)
  std::string out, err;
  bool ok() const { return exit_code == 0; }
};

// Runs `git <args>` in workdir (empty: the current directory). A cancel
// stops git's process group (the result then says it was cancelled).
GitOutput run_git(proc::ProcessRunner& runner, const std::filesystem::path& workdir,
                  const std::vector<std::string>& args, std::chrono::seconds timeout,
                  const util::CancelSource* cancel = nullptr);

// Trailing newlines and blanks removed.
std::string trimmed(std::string s);

// The last few hundred bytes of git's error (stdout when stderr is empty),
// redacted: "<what> failed: <tail>".
std::string failure_text(std::string_view what, const GitOutput& o);

} // namespace ralph::git
