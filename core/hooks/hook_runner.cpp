#include "core/hooks/hook_runner.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/log/redact.hpp"
#include "core/proc/process.hpp"

extern char** environ;

namespace ralph::hooks {

namespace {

constexpr std::chrono::milliseconds k_kill_grace{1000};

bool passes(std::string_view name) {
  static constexpr std::string_view allowed[] = {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TMPDIR"};
  for (auto a : allowed)
    if (name == a) return true;
  return name.starts_with("LC_");
}

// Keeps the first `cap` bytes: the start of a hook's output says what went
// wrong more often than its end.
class Capture {
public:
  explicit Capture(std::size_t cap) : m_cap(cap) {}
  void add(std::string_view chunk) {
    auto room = m_cap - m_text.size();
    if (chunk.size() > room) m_truncated = true;
    m_text.append(chunk.substr(0, std::min(room, chunk.size())));
  }
  std::string text() const { return m_text; }
  bool truncated() const { return m_truncated; }

private:
  std::size_t m_cap;
  std::string m_text;
  bool m_truncated = false;
};

} // namespace

std::string HookRun::outcome() const {
  if (ok) return "ok";
  if (timed_out) return "timed out after " + std::to_string(duration_ms) + " ms";
  if (exit_code >= 0) return "exit code " + std::to_string(exit_code);
  return output.empty() ? "failed" : output;
}

std::string HookRun::json() const {
  nlohmann::json j = {{"event", event},   {"command", command},         {"ok", ok},
                      {"exit_code", exit_code}, {"timed_out", timed_out}, {"duration_ms", duration_ms},
                      {"output", output}, {"truncated", truncated}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> hook_environment(const HookEvent& event, char** parent_env) {
  std::vector<std::string> env;
  for (char** e = parent_env; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && passes(kv.substr(0, eq))) env.emplace_back(kv);
  }
  for (const auto& [k, v] : event.env) env.push_back(k + "=" + v);
  return env;
}

HookRun run_hook(proc::ProcessRunner& runner, const std::string& command, const HookEvent& event,
                 const HookSettings& settings) {
  HookRun run;
  run.event = event.name;
  run.command = log::redact(command);
  proc::ProcessSpec spec;
  spec.argv = {"sh", "-c", command};
  spec.env = hook_environment(event, environ);
  spec.env_replace = true;
  spec.stdin_data = event.json + "\n";
  const auto start = std::chrono::steady_clock::now();
  spec.deadline = start + settings.timeout;
  spec.kill_grace = k_kill_grace;
  Capture capture(settings.output_cap);
  proc::OutputHandlers out;
  out.on_stdout_raw = [&](std::string_view chunk) { capture.add(chunk); };
  out.on_stderr = [&](std::string_view chunk) { capture.add(chunk); };
  auto result = runner.run(spec, out, nullptr);
  run.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  run.output = log::redact(capture.text());
  run.truncated = capture.truncated();
  run.timed_out = result.ending == proc::Ending::timed_out;
  if (result.ending == proc::Ending::exited) run.exit_code = result.exit_code;
  if (result.ending == proc::Ending::spawn_failed) run.output = log::redact(result.error);
  run.ok = result.ending == proc::Ending::exited && result.exit_code == 0;
  return run;
}

} // namespace ralph::hooks
