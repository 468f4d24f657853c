#include "core/loop/gates.hpp"

#include <fstream>

#include "core/log/redact.hpp"

namespace ralph::loop {

namespace {
constexpr std::size_t k_feedback_bytes = 8 * 1024;

// Keeps the last `limit` bytes of everything appended.
class Tail {
public:
  explicit Tail(std::size_t limit) : m_limit(limit) {}
  void append(std::string_view s) {
    m_text.append(s);
    if (m_text.size() > 2 * m_limit) m_text.erase(0, m_text.size() - m_limit);
  }
  std::string str() const {
    return m_text.size() > m_limit ? "…" + m_text.substr(m_text.size() - m_limit) : m_text;
  }

private:
  std::size_t m_limit;
  std::string m_text;
};
} // namespace

GateOutcome run_gates(proc::ProcessRunner& runner, const std::vector<std::string>& gates,
                      const std::filesystem::path& workdir, const std::filesystem::path& log_prefix,
                      std::optional<std::chrono::steady_clock::time_point> deadline,
                      const util::CancelSource& cancel) {
  for (std::size_t i = 0; i < gates.size(); ++i) {
    proc::ProcessSpec spec;
    spec.argv = {"sh", "-c", gates[i]};
    spec.workdir = workdir;
    spec.deadline = deadline;
    std::ofstream log(log_prefix.string() + "-" + std::to_string(i + 1) + ".log", std::ios::binary);
    Tail tail(k_feedback_bytes);
    auto sink = [&](std::string_view chunk) {
      log.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      tail.append(chunk);
    };
    proc::OutputHandlers out;
    out.on_stdout_raw = sink;
    out.on_stderr = sink;
    auto result = runner.run(spec, out, &cancel);
    bool ok = result.ending == proc::Ending::exited && result.exit_code == 0;
    if (ok) continue;
    std::string how = result.ending == proc::Ending::exited
                          ? "exit code " + std::to_string(result.exit_code)
                          : std::string(proc::to_string(result.ending));
    return {false, gates[i], log::redact("$ " + gates[i] + "\n" + tail.str() + "\n(" + how + ")")};
  }
  return {};
}

} // namespace ralph::loop
