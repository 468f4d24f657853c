#pragma once
// Runs one child process in its own process group, streams its output to
// callbacks, and enforces a deadline, an inactivity timeout and cancellation
// by ending the whole group (SIGTERM, then SIGKILL after a grace period).
// No zombie and no member of the group outlives run().
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/cancel.hpp"

namespace ralph::proc {

// argv[0] without a '/' is looked up in ralph's own PATH (posix_spawnp),
// not in a PATH given in env.
struct ProcessSpec {
  std::vector<std::string> argv;                  // argv[0] is looked up in PATH
  std::filesystem::path workdir;                  // empty: inherit
  std::vector<std::string> env;                   // "K=V"; replaces the environment when env_replace
  bool env_replace = false;                       // false: env entries are added to the parent's
  std::string stdin_data;                         // written, then stdin is closed
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::optional<std::chrono::milliseconds> inactivity_timeout; // no output for this long
  std::chrono::milliseconds kill_grace{5000};     // SIGTERM -> SIGKILL
  std::size_t max_line_bytes = 1 << 20;           // longer lines are cut; the rest is dropped
};

// Why the process ended.
enum class Ending { exited, signaled, timed_out, inactive, cancelled, spawn_failed };
std::string_view to_string(Ending e);

struct ProcessResult {
  Ending ending = Ending::exited;
  int exit_code = -1;     // when exited
  int signal = 0;         // when signaled (or killed after timeout/cancel)
  std::string error;      // spawn failure detail
  std::size_t stdout_bytes = 0;
  std::size_t stderr_bytes = 0;
  std::size_t lines_truncated = 0;
};

struct OutputHandlers {
  // One complete stdout line (without '\n'), at most max_line_bytes long.
  // `truncated` is true when the line was longer and has been cut.
  std::function<void(std::string_view line, bool truncated)> on_stdout_line;
  // Raw chunks, as read; for logs that keep every byte.
  std::function<void(std::string_view chunk)> on_stdout_raw;
  std::function<void(std::string_view chunk)> on_stderr;
};

class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessSpec& spec, const OutputHandlers& out,
                            const util::CancelSource* cancel) = 0;
};

// fork/exec with setpgid and a poll() loop.
// Implemented with posix_spawn (POSIX_SPAWN_SETPGROUP); exec failures come
// back as Ending::spawn_failed, e.g. "cannot execute 'foo': No such file or
// directory". Stateless: run() may be called from several threads at once.
// The first run() ignores SIGPIPE process-wide (a child that closes its stdin
// early gives EPIPE instead); children start with every signal at default.
class PosixProcessRunner final : public ProcessRunner {
public:
  ProcessResult run(const ProcessSpec& spec, const OutputHandlers& out,
                    const util::CancelSource* cancel) override;
};

// Finds an executable in PATH (or checks a path containing '/').
std::optional<std::filesystem::path> find_executable(std::string_view name);

} // namespace ralph::proc
