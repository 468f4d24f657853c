#pragma once
// Shared by the process runner tests: run a spec and capture what it printed.
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>
#include <unistd.h>

#include "core/proc/process.hpp"

namespace ralph::test {

struct Captured {
  std::vector<std::string> lines;
  std::vector<bool> truncated;
  std::string raw, err;
};

inline proc::ProcessResult run_captured(const proc::ProcessSpec& spec, Captured& c,
                                        const util::CancelSource* cancel = nullptr) {
  proc::OutputHandlers h;
  h.on_stdout_line = [&](std::string_view l, bool t) {
    c.lines.emplace_back(l);
    c.truncated.push_back(t);
  };
  h.on_stdout_raw = [&](std::string_view r) { c.raw.append(r); };
  h.on_stderr = [&](std::string_view e) { c.err.append(e); };
  proc::PosixProcessRunner runner;
  return runner.run(spec, h, cancel);
}

inline proc::ProcessSpec bash(const std::string& script) {
  proc::ProcessSpec s;
  s.argv = {"bash", "-c", script};
  return s;
}

// Our resident set size in KiB.
inline long rss_kib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

// Running or sleeping, as opposed to gone or a zombie left for init to reap.
// A process just SIGKILLed may take a moment to go: waits up to a second.
inline bool process_running(pid_t pid) {
  if (pid <= 0) return false;
  for (int i = 0; i < 50; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    auto state = line.substr(line.rfind(')') + 2, 1);
    if (state == "Z" || state == "X") return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

} // namespace ralph::test
