// Git checkpoints: add -A, commit when the index differs from HEAD.
#include "core/git/checkpointer.hpp"

#include "core/log/redact.hpp"

namespace ralph::git {

namespace {

// Kept from git's output: enough for a hash or an error, bounded whatever
// a hook prints.
constexpr std::size_t k_keep_bytes = 16 * 1024;
constexpr std::size_t k_tail_bytes = 500;
// A commit with hooks on a big tree can be slow; a hung one must not stall
// the loop forever.
constexpr auto k_git_timeout = std::chrono::minutes(5);

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string tail_of(std::string s) {
  s = trimmed(std::move(s));
  if (s.size() > k_tail_bytes) s = "…" + s.substr(s.size() - k_tail_bytes);
  return log::redact(s);
}

CheckpointError failure(std::string_view what, const std::string& out, const std::string& err) {
  const auto& detail = trimmed(err).empty() ? out : err;
  return {std::string(what) + " failed: " + tail_of(detail)};
}

} // namespace

Checkpointer::Output Checkpointer::git(const std::filesystem::path& workdir, const std::vector<std::string>& args) {
  proc::ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.workdir = workdir;
  // Never prompt for credentials or an editor in an unattended loop.
  spec.env = {"GIT_TERMINAL_PROMPT=0", "GIT_EDITOR=true"};
  spec.deadline = std::chrono::steady_clock::now() + k_git_timeout;
  spec.kill_grace = std::chrono::seconds(5);
  Output o;
  proc::OutputHandlers h;
  auto keep = [](std::string& into, std::string_view chunk) {
    if (into.size() < k_keep_bytes) into.append(chunk.substr(0, k_keep_bytes - into.size()));
  };
  h.on_stdout_raw = [&](std::string_view c) { keep(o.out, c); };
  h.on_stderr = [&](std::string_view c) { keep(o.err, c); };
  auto r = m_runner.run(spec, h, nullptr);
  switch (r.ending) {
  case proc::Ending::exited: o.exit_code = r.exit_code; break;
  case proc::Ending::spawn_failed: o.err = r.error; break;
  case proc::Ending::timed_out: o.err = "git timed out; " + o.err; break;
  default: o.err = "git ended (" + std::string(proc::to_string(r.ending)) + "); " + o.err; break;
  }
  return o;
}

bool Checkpointer::is_repository(const std::filesystem::path& workdir) {
  auto o = git(workdir, {"rev-parse", "--is-inside-work-tree"});
  return o.exit_code == 0 && o.out.starts_with("true");
}

// `git var` applies the same strict rules as `git commit` (config, GIT_*
// environment, auto-detection), so it says exactly when commit would refuse.
std::vector<std::string> Checkpointer::identity_fallback(const std::filesystem::path& workdir) {
  if (git(workdir, {"var", "GIT_AUTHOR_IDENT"}).exit_code == 0 &&
      git(workdir, {"var", "GIT_COMMITTER_IDENT"}).exit_code == 0)
    return {};
  // Fill in only what is missing; a configured name or email is kept.
  std::vector<std::string> args;
  if (trimmed(git(workdir, {"config", "user.name"}).out).empty()) args.insert(args.end(), {"-c", "user.name=ralph"});
  if (trimmed(git(workdir, {"config", "user.email"}).out).empty())
    args.insert(args.end(), {"-c", "user.email=ralph@localhost"});
  return args;
}

Result<std::optional<std::string>> Checkpointer::commit_checkpoint(const std::filesystem::path& workdir,
                                                                   const std::string& message) {
  auto add = git(workdir, {"add", "-A"});
  if (add.exit_code != 0) return util::unexpected(failure("git add", add.out, add.err));

  // Exit 0: the index equals HEAD (or an unborn HEAD's empty tree); 1: changes.
  auto diff = git(workdir, {"diff", "--cached", "--quiet"});
  if (diff.exit_code == 0) return std::optional<std::string>{};
  if (diff.exit_code != 1) return util::unexpected(failure("git diff", diff.out, diff.err));

  auto args = identity_fallback(workdir);
  args.insert(args.end(), {"commit", "-q", "-m", message});
  auto commit = git(workdir, args);
  if (commit.exit_code != 0) return util::unexpected(failure("git commit", commit.out, commit.err));

  auto head = git(workdir, {"rev-parse", "--verify", "HEAD"});
  if (head.exit_code != 0) return util::unexpected(failure("git rev-parse", head.out, head.err));
  return std::optional<std::string>(trimmed(head.out));
}

} // namespace ralph::git
