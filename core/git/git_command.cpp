// git through a ProcessRunner, shared by the checkpointer and the workspace.
#include "core/git/git_command.hpp"

#include "core/log/redact.hpp"
#include "core/proc/process.hpp"

namespace ralph::git {

namespace {

// Kept from git's output: enough for a hash or an error, bounded whatever
// a hook prints.
constexpr std::size_t k_keep_bytes = 16 * 1024;
constexpr std::size_t k_tail_bytes = 500;

} // namespace

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string failure_text(std::string_view what, const GitOutput& o) {
  auto s = trimmed(trimmed(o.err).empty() ? o.out : o.err);
  if (s.size() > k_tail_bytes) s = "…" + s.substr(s.size() - k_tail_bytes);
  return std::string(what) + " failed: " + log::redact(s);
}

GitOutput run_git(proc::ProcessRunner& runner, const std::filesystem::path& workdir,
                  const std::vector<std::string>& args, std::chrono::seconds timeout,
                  const util::CancelSource* cancel) {
  proc::ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.workdir = workdir;
  // Never prompt for credentials (a URL without them, an expired token) or an
  // editor in an unattended loop: fail instead.
  spec.env = {"GIT_TERMINAL_PROMPT=0", "GIT_EDITOR=true"};
  spec.deadline = std::chrono::steady_clock::now() + timeout;
  spec.kill_grace = std::chrono::seconds(5);
  GitOutput o;
  proc::OutputHandlers h;
  auto keep = [](std::string& into, std::string_view chunk) {
    if (into.size() < k_keep_bytes) into.append(chunk.substr(0, k_keep_bytes - into.size()));
  };
  h.on_stdout_raw = [&](std::string_view c) { keep(o.out, c); };
  h.on_stderr = [&](std::string_view c) { keep(o.err, c); };
  auto r = runner.run(spec, h, cancel);
  switch (r.ending) {
  case proc::Ending::exited: o.exit_code = r.exit_code; break;
  case proc::Ending::spawn_failed: o.err = r.error; break;
  case proc::Ending::timed_out: o.err = "git timed out; " + o.err; break;
  default: o.err = "git ended (" + std::string(proc::to_string(r.ending)) + "); " + o.err; break;
  }
  return o;
}

} // namespace ralph::git
