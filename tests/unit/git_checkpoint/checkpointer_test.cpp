// Git checkpoints against real repositories: commits, never destroys.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/git/checkpointer.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

namespace {
std::string sh(const std::filesystem::path& dir, const std::string& cmd) {
  std::string full = "cd '" + dir.string() + "' && " + cmd + " 2>&1";
  std::string out;
  if (FILE* p = ::popen(full.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}
} // namespace

TEST_CASE("checkpoints commit every change and name the iteration", "[git]") {
  test::Sandbox box;
  sh(box.path(), "git init -q && git config user.name u && git config user.email u@x");
  proc::PosixProcessRunner runner;
  git::Checkpointer git(runner);
  REQUIRE(git.is_repository(box.path()));

  box.write("a.txt", "one");
  auto first = git.commit_checkpoint(box.path(), "ralph: task 1 iteration 1");
  REQUIRE(first);
  REQUIRE(*first);
  CHECK(sh(box.path(), "git log --format=%s") == "ralph: task 1 iteration 1\n");
  CHECK(sh(box.path(), "git rev-parse --short HEAD") == **first + "\n");

  auto nothing = git.commit_checkpoint(box.path(), "ralph: task 1 iteration 2");
  REQUIRE(nothing);
  CHECK_FALSE(*nothing);

  // Deletions and the user's uncommitted edits are committed, never discarded.
  box.write("a.txt", "edited by the user");
  box.write("b.txt", "new");
  sh(box.path(), "git rm -q --cached a.txt && git add a.txt");
  auto second = git.commit_checkpoint(box.path(), "ralph: task 1 iteration 3");
  REQUIRE(second);
  CHECK(test::read_file(box / "a.txt") == "edited by the user");
  CHECK(sh(box.path(), "git status --porcelain").empty());
  CHECK(sh(box.path(), "git log --format=%s | wc -l") == "2\n");
}

TEST_CASE("a repository with no identity still gets checkpoints", "[git]") {
  test::Sandbox box;
  sh(box.path(), "git init -q");
  setenv("GIT_CONFIG_GLOBAL", (box / "no-global").c_str(), 1);
  proc::PosixProcessRunner runner;
  git::Checkpointer git(runner);
  box.write("x", "1");
  auto r = git.commit_checkpoint(box.path(), "ralph: task 2 iteration 1");
  unsetenv("GIT_CONFIG_GLOBAL");
  REQUIRE(r);
  CHECK(sh(box.path(), "git log --format=%an") == "ralph\n");
}

TEST_CASE("outside a repository there is nothing to checkpoint", "[git]") {
  test::Sandbox box;
  proc::PosixProcessRunner runner;
  git::Checkpointer git(runner);
  CHECK_FALSE(git.is_repository(box.path()));
  auto r = git.commit_checkpoint(box.path(), "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("git add failed") == 0);
}
