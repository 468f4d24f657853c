// Git checkpoints against real repositories: commits, never destroys.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include "core/git/checkpointer.hpp"
#include "core/log/redact.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

namespace {

// Output (stdout and stderr) of a shell command run in dir.
std::string sh(const std::filesystem::path& dir, const std::string& cmd) {
  std::string full = "cd '" + dir.string() + "' && { " + cmd + "; } 2>&1";
  std::string out;
  if (FILE* p = ::popen(full.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

// A fresh repository, isolated from the machine's git configuration (a
// global hooksPath or gpgsign must not change what is tested) and from
// identity variables in the environment.
struct Repo {
  test::Sandbox box;
  proc::PosixProcessRunner runner;
  git::Checkpointer git{runner};

  explicit Repo(bool with_identity = true) {
    ::setenv("GIT_CONFIG_GLOBAL", (box / ".no-global-config").c_str(), 1);
    ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    for (auto var : {"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"})
      ::unsetenv(var);
    sh(path(), "git init -q work");
    // Without this, git may invent an identity from the host name.
    sh(path(), "git config user.useConfigOnly true");
    if (with_identity) sh(path(), "git config user.name 'Una User' && git config user.email una@example.org");
  }
  ~Repo() {
    ::unsetenv("GIT_CONFIG_GLOBAL");
    ::unsetenv("GIT_CONFIG_NOSYSTEM");
  }
  std::filesystem::path path() const { return std::filesystem::exists(box / "work") ? box / "work" : box.path(); }
  void write(const std::string& rel, const std::string& content) const { box.write("work/" + rel, content); }
  std::string run(const std::string& cmd) const { return sh(path(), cmd); }
};

} // namespace

TEST_CASE("a checkpoint commits every change and returns the commit id", "[git]") {
  Repo repo;
  REQUIRE(repo.git.is_repository(repo.path()));
  repo.write("a.txt", "one");
  repo.write("dir/b.txt", "two");

  auto first = repo.git.commit_checkpoint(repo.path(), "ralph: task 1 iteration 1");
  REQUIRE(first);
  REQUIRE(*first);
  CHECK((*first)->size() == 40);
  CHECK(repo.run("git rev-parse HEAD") == **first + "\n");
  CHECK(repo.run("git log --format=%s") == "ralph: task 1 iteration 1\n");
  CHECK(repo.run("git log --format='%an <%ae>'") == "Una User <una@example.org>\n"); // the user's identity
  CHECK(repo.run("git ls-files") == "a.txt\ndir/b.txt\n");
  CHECK(repo.run("git status --porcelain").empty());
}

TEST_CASE("a checkpoint without changes commits nothing", "[git]") {
  Repo repo;
  auto empty = repo.git.commit_checkpoint(repo.path(), "nothing yet");
  REQUIRE(empty);
  CHECK_FALSE(*empty); // an unborn branch with nothing to add
  repo.write("a.txt", "one");
  REQUIRE(repo.git.commit_checkpoint(repo.path(), "first"));
  auto again = repo.git.commit_checkpoint(repo.path(), "second");
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(repo.run("git rev-list --count HEAD") == "1\n");
}

TEST_CASE("the user's uncommitted edits are committed, never discarded", "[git]") {
  Repo repo;
  repo.write("keep.txt", "v1");
  repo.write("gone.txt", "bye");
  REQUIRE(repo.git.commit_checkpoint(repo.path(), "base"));

  // Edited, partly staged, deleted, untracked and ignored files.
  repo.write("keep.txt", "v2 staged");
  repo.run("git add keep.txt");
  repo.write("keep.txt", "v3 in the work tree");
  std::filesystem::remove(repo.path() / "gone.txt");
  repo.write("new.txt", "untracked");
  repo.write(".gitignore", "*.log\n");
  repo.write("build.log", "ignored");

  auto r = repo.git.commit_checkpoint(repo.path(), "ralph: task 1 iteration 2");
  REQUIRE(r);
  REQUIRE(*r);
  CHECK(test::read_file(repo.path() / "keep.txt") == "v3 in the work tree");
  CHECK(test::read_file(repo.path() / "new.txt") == "untracked");
  CHECK(test::read_file(repo.path() / "build.log") == "ignored"); // ignored files stay, uncommitted
  CHECK(repo.run("git show HEAD:keep.txt") == "v3 in the work tree");
  CHECK(repo.run("git ls-files") == ".gitignore\nkeep.txt\nnew.txt\n");
  CHECK(repo.run("git status --porcelain").empty());
  CHECK(repo.run("git rev-list --count HEAD") == "2\n");
}

TEST_CASE("an identity is supplied only where the repository has none", "[git]") {
  Repo none(false);
  none.write("x", "1");
  auto r = none.git.commit_checkpoint(none.path(), "ralph: task 2 iteration 1");
  REQUIRE(r);
  CHECK(none.run("git log --format='%an <%ae> / %cn <%ce>'") == "ralph <ralph@localhost> / ralph <ralph@localhost>\n");

  Repo half(false);
  half.run("git config user.name 'Only Name'");
  half.write("x", "1");
  REQUIRE(half.git.commit_checkpoint(half.path(), "half"));
  CHECK(half.run("git log --format='%an <%ae>'") == "Only Name <ralph@localhost>\n");
  CHECK(half.run("git config user.email").empty()); // the fallback is not written to the config
}

TEST_CASE("the user's hooks run, and their failure is reported, redacted", "[git]") {
  Repo repo;
  repo.write(".git/hooks/pre-commit",
             "#!/bin/sh\necho 'refusing: lint failed (token sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789)' >&2\nexit 1\n");
  std::filesystem::permissions(repo.path() / ".git/hooks/pre-commit", std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  repo.write("a.txt", "work in progress");
  auto r = repo.git.commit_checkpoint(repo.path(), "blocked");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.starts_with("git commit failed: refusing: lint failed"));
  CHECK(r.error().message.find("sk-ant-api03") == std::string::npos);
  CHECK(r.error().message.find("[REDACTED]") != std::string::npos);
  // Nothing was lost: the change is still there, staged.
  CHECK(test::read_file(repo.path() / "a.txt") == "work in progress");
  CHECK(repo.run("git status --porcelain") == "A  a.txt\n");
}

TEST_CASE("outside a repository there is nothing to checkpoint", "[git]") {
  test::Sandbox box;
  ::setenv("GIT_CEILING_DIRECTORIES", box.path().parent_path().c_str(), 1);
  proc::PosixProcessRunner runner;
  git::Checkpointer git(runner);
  CHECK_FALSE(git.is_repository(box.path()));
  CHECK_FALSE(git.is_repository(box / "missing"));
  auto r = git.commit_checkpoint(box.path(), "x");
  ::unsetenv("GIT_CEILING_DIRECTORIES");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.starts_with("git add failed: fatal: not a git repository"));
}

TEST_CASE("a missing workdir is an error, not a crash", "[git]") {
  test::Sandbox box;
  proc::PosixProcessRunner runner;
  git::Checkpointer git(runner);
  auto r = git.commit_checkpoint(box / "missing", "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "git add failed: cannot enter '" + (box / "missing").string() +
                                 "': No such file or directory");
}
