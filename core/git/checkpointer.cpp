// Git checkpoints: add -A, commit when the index differs from HEAD.
#include "core/git/checkpointer.hpp"

#include "core/git/git_command.hpp"

namespace ralph::git {

namespace {

// A commit with hooks on a big tree can be slow; a hung one must not stall
// the loop forever.
constexpr auto k_git_timeout = std::chrono::minutes(5);

CheckpointError failure(std::string_view what, const GitOutput& o) { return {failure_text(what, o)}; }

} // namespace

GitOutput Checkpointer::git(const std::filesystem::path& workdir, const std::vector<std::string>& args) {
  return run_git(m_runner, workdir, args, k_git_timeout);
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
  if (add.exit_code != 0) return util::unexpected(failure("git add", add));

  // Exit 0: the index equals HEAD (or an unborn HEAD's empty tree); 1: changes.
  auto diff = git(workdir, {"diff", "--cached", "--quiet"});
  if (diff.exit_code == 0) return std::optional<std::string>{};
  if (diff.exit_code != 1) return util::unexpected(failure("git diff", diff));

  auto args = identity_fallback(workdir);
  args.insert(args.end(), {"commit", "-q", "-m", message});
  auto commit = git(workdir, args);
  if (commit.exit_code != 0) return util::unexpected(failure("git commit", commit));

  auto head = git(workdir, {"rev-parse", "--verify", "HEAD"});
  if (head.exit_code != 0) return util::unexpected(failure("git rev-parse", head));
  return std::optional<std::string>(trimmed(head.out));
}

} // namespace ralph::git
