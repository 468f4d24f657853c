#include "core/git/checkpointer.hpp"

namespace ralph::git {

namespace {
constexpr std::size_t k_keep = 4096;

std::string trimmed_tail(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.size() > 500 ? "…" + s.substr(s.size() - 500) : s;
}
} // namespace

Checkpointer::Output Checkpointer::git(const std::filesystem::path& workdir, std::vector<std::string> args) {
  proc::ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.workdir = workdir;
  // Never prompt for credentials or an editor in an unattended loop.
  spec.env = {"GIT_TERMINAL_PROMPT=0", "GIT_EDITOR=true"};
  spec.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  Output o;
  proc::OutputHandlers h;
  h.on_stdout_raw = [&](std::string_view c) { if (o.out.size() < k_keep) o.out.append(c); };
  h.on_stderr = [&](std::string_view c) { if (o.err.size() < k_keep) o.err.append(c); };
  auto r = m_runner.run(spec, h, nullptr);
  o.exit_code = r.ending == proc::Ending::exited ? r.exit_code : -1;
  if (r.ending == proc::Ending::spawn_failed) o.err = r.error;
  return o;
}

bool Checkpointer::is_repository(const std::filesystem::path& workdir) {
  auto o = git(workdir, {"rev-parse", "--is-inside-work-tree"});
  return o.exit_code == 0 && o.out.starts_with("true");
}

util::Expected<std::optional<std::string>, CheckpointError>
Checkpointer::commit_checkpoint(const std::filesystem::path& workdir, const std::string& message) {
  auto add = git(workdir, {"add", "-A"});
  if (add.exit_code != 0) return util::unexpected(CheckpointError{"git add failed: " + trimmed_tail(add.err)});
  auto diff = git(workdir, {"diff", "--cached", "--quiet"});
  if (diff.exit_code == 0) return std::optional<std::string>{};

  std::vector<std::string> commit;
  if (git(workdir, {"config", "user.email"}).exit_code != 0)
    commit = {"-c", "user.name=ralph", "-c", "user.email=ralph@localhost"};
  for (auto a : {"commit", "-q", "-m"}) commit.emplace_back(a);
  commit.push_back(message);
  auto c = git(workdir, commit);
  if (c.exit_code != 0)
    return util::unexpected(CheckpointError{"git commit failed: " + trimmed_tail(c.err.empty() ? c.out : c.err)});
  auto head = git(workdir, {"rev-parse", "--short", "HEAD"});
  return std::optional<std::string>(trimmed_tail(head.out));
}

} // namespace ralph::git
