#pragma once
// Gates are shell commands (tests, linters) that must all pass before a
// completion is accepted. A failing gate's output feeds the next iteration.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/proc/process.hpp"
#include "core/util/cancel.hpp"

namespace ralph::loop {

struct GateOutcome {
  bool passed = true;
  std::string failed_command;  // the first gate that failed
  std::string feedback;        // its output tail, redacted, bounded
};

// Runs each gate with `sh -c` in workdir, in order, stopping at the first
// failure. Output of gate k goes to log_prefix + "-<k>.log".
GateOutcome run_gates(proc::ProcessRunner& runner, const std::vector<std::string>& gates,
                      const std::filesystem::path& workdir, const std::filesystem::path& log_prefix,
                      std::optional<std::chrono::steady_clock::time_point> deadline,
                      const util::CancelSource& cancel);

} // namespace ralph::loop
