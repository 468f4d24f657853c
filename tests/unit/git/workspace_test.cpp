// Task workspaces against real repositories: a local bare repository is the
// remote, and two work roots stand for two machines.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include "core/git/checkpointer.hpp"
#include "core/git/workspace.hpp"
#include "core/proc/process.hpp"
#include "core/util/cancel.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

namespace {

std::string sh(const std::filesystem::path& dir, const std::string& cmd) {
  std::string full = "cd '" + dir.string() + "' && { " + cmd + "; } 2>&1";
  std::string out;
  if (FILE* p = ::popen(full.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A bare remote with `main` (one commit) and `dev` (one more), isolated
// from the machine's git configuration.
struct Remote {
  test::Sandbox box;
  proc::PosixProcessRunner runner;

  Remote() {
    box.write("gitconfig", "[user]\n\tname = Una User\n\temail = una@example.org\n[init]\n\tdefaultBranch = main\n");
    ::setenv("GIT_CONFIG_GLOBAL", (box / "gitconfig").c_str(), 1);
    ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    sh(box.path(), "git init -q --bare remote.git && git clone -q remote.git seed && cd seed && "
                   "echo base > base.txt && git add . && git commit -qm base && git push -q origin HEAD:main && "
                   "git checkout -qb dev && echo dev > dev.txt && git add . && git commit -qm dev && "
                   "git push -q origin dev");
    std::filesystem::create_directories(box / "a");
    std::filesystem::create_directories(box / "b");
  }
  ~Remote() {
    ::unsetenv("GIT_CONFIG_GLOBAL");
    ::unsetenv("GIT_CONFIG_NOSYSTEM");
  }
  std::string url() const { return (box / "remote.git").string(); }
  // The workspace of task 7 on "machine" a or b.
  git::Workspace machine(const std::string& m, std::string base = "") {
    return git::Workspace(runner, {url(), std::move(base), "ralph/7", box / m / "task-7"});
  }
  std::filesystem::path dir(const std::string& m) const { return box / m / "task-7"; }
  std::string remote_rev(const std::string& ref) const { return sh(box / "remote.git", "git rev-parse -q --verify " + ref); }
  // Appends a line to notes.txt and commits it, as a checkpoint does.
  std::string work(const std::string& m, const std::string& line) {
    sh(dir(m), "echo " + line + " >> notes.txt");
    git::Checkpointer cp(runner);
    auto r = cp.commit_checkpoint(dir(m), "checkpoint " + line);
    REQUIRE(r);
    REQUIRE(*r);
    return **r;
  }
};

} // namespace

TEST_CASE("a new task clones the base branch and pushes its checkpoints to its own branch", "[git][workspace]") {
  Remote r;
  auto ws = r.machine("a", "dev");
  auto p = ws.prepare();
  REQUIRE(p);
  CHECK(p->start == git::WorkspaceStart::cloned);
  CHECK(p->head == r.remote_rev("dev"));
  CHECK(sh(r.dir("a"), "git symbolic-ref --short HEAD") == "ralph/7");
  CHECK(std::filesystem::exists(r.dir("a") / "dev.txt"));
  CHECK(r.remote_rev("ralph/7").empty()); // nothing pushed before the first checkpoint
  CHECK_FALSE(std::filesystem::exists(r.box / "a" / "task-7.clone"));

  auto c1 = r.work("a", "one");
  auto pushed = ws.push();
  REQUIRE(pushed);
  REQUIRE(*pushed);
  CHECK(**pushed == c1);
  CHECK(r.remote_rev("ralph/7") == c1);
  auto again = ws.push(); // nothing new: no network round trip, no error
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(r.remote_rev("dev") != c1); // the base branch is never written
}

TEST_CASE("without a base branch the remote's default is cloned", "[git][workspace]") {
  Remote r;
  auto p = r.machine("a").prepare();
  REQUIRE(p);
  CHECK(p->head == r.remote_rev("main"));
  CHECK_FALSE(std::filesystem::exists(r.dir("a") / "dev.txt"));
}

TEST_CASE("another machine resumes from the pushed task branch", "[git][workspace]") {
  Remote r;
  auto a = r.machine("a", "dev");
  REQUIRE(a.prepare());
  r.work("a", "one");
  auto c2 = r.work("a", "two");
  REQUIRE(a.push());
  r.work("a", "three-unpushed"); // lost with machine a

  auto b = r.machine("b", "dev");
  auto p = b.prepare();
  REQUIRE(p);
  CHECK(p->start == git::WorkspaceStart::resumed);
  CHECK(p->head == c2);
  CHECK(sh(r.dir("b"), "git symbolic-ref --short HEAD") == "ralph/7");
  CHECK(sh(r.dir("b"), "cat notes.txt") == "one\ntwo");
  auto c3 = r.work("b", "three");
  auto pushed = b.push();
  REQUIRE(pushed);
  CHECK(r.remote_rev("ralph/7") == c3);
}

TEST_CASE("a stale owner's push is rejected and the branch never moves backwards", "[git][workspace]") {
  Remote r;
  auto a = r.machine("a");
  REQUIRE(a.prepare());
  r.work("a", "one");
  REQUIRE(a.push());
  auto b = r.machine("b");
  REQUIRE(b.prepare());
  auto newer = r.work("b", "two-by-b");
  REQUIRE(b.push());

  r.work("a", "two-by-zombie");
  auto stale = a.push();
  REQUIRE_FALSE(stale);
  CHECK(stale.error().rejected);
  CHECK_THAT(stale.error().message, Catch::Contains("rejected"));
  CHECK(r.remote_rev("ralph/7") == newer);
}

TEST_CASE("a local copy behind the remote moves to it and keeps its own work on a side branch", "[git][workspace]") {
  Remote r;
  auto a = r.machine("a");
  REQUIRE(a.prepare());
  r.work("a", "one");
  REQUIRE(a.push());
  auto b = r.machine("b");
  REQUIRE(b.prepare());
  auto c2 = r.work("b", "two");
  REQUIRE(b.push());
  sh(r.dir("a"), "echo half-done >> notes.txt"); // an iteration cut short on a

  auto again = r.machine("a");
  auto p = again.prepare();
  REQUIRE(p);
  CHECK(p->start == git::WorkspaceStart::synced);
  CHECK(p->head == c2);
  CHECK(sh(r.dir("a"), "git rev-parse HEAD") == c2);
  CHECK(sh(r.dir("a"), "cat notes.txt") == "one\ntwo");
  CHECK(sh(r.dir("a"), "git status --porcelain").empty());
  // The cut-short edit is not lost: it sits on a local branch, never pushed.
  auto kept = sh(r.dir("a"), "git for-each-ref --format='%(refname:short)' 'refs/heads/ralph/7-local-*'");
  REQUIRE_FALSE(kept.empty());
  CHECK(sh(r.dir("a"), "git show " + kept + ":notes.txt") == "one\nhalf-done");
  CHECK(sh(r.box / "remote.git", "git for-each-ref --format='%(refname)' refs/heads/ralph").find("local") ==
        std::string::npos);
}

TEST_CASE("a local copy at or ahead of the remote is kept, and its checkpoints go out with the next push",
          "[git][workspace]") {
  Remote r;
  auto a = r.machine("a");
  REQUIRE(a.prepare());
  auto c1 = r.work("a", "one");
  REQUIRE(a.push());
  auto c2 = r.work("a", "two"); // its push failed, then the daemon restarted

  auto again = r.machine("a");
  auto p = again.prepare();
  REQUIRE(p);
  CHECK(p->start == git::WorkspaceStart::kept);
  CHECK(p->head == c2);
  CHECK(r.remote_rev("ralph/7") == c1);
  auto pushed = again.push();
  REQUIRE(pushed);
  CHECK(r.remote_rev("ralph/7") == c2);
}

TEST_CASE("an unknown branch or an unreachable repository is a clear error without credentials", "[git][workspace]") {
  Remote r;
  auto unknown = r.machine("a", "no-such-branch").prepare();
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message, Catch::Contains("no-such-branch"));
  CHECK_FALSE(std::filesystem::exists(r.dir("a")));

  // Port 1 on loopback refuses at once.
  git::Workspace bad(r.runner, {"http://ralph:s3cret-token-value@127.0.0.1:1/repo.git", "", "ralph/7", r.dir("b")});
  auto unreachable = bad.prepare();
  REQUIRE_FALSE(unreachable);
  CHECK_THAT(unreachable.error().message, Catch::Contains("cannot reach repository http://[REDACTED]@127.0.0.1:1/repo.git"));
  CHECK(unreachable.error().message.find("s3cret") == std::string::npos);
}

TEST_CASE("a cancelled preparation leaves no half-made workspace", "[git][workspace]") {
  Remote r;
  util::CancelSource cancel;
  cancel.cancel("shutdown");
  git::Workspace ws(r.runner, {r.url(), "", "ralph/7", r.dir("a")}, &cancel);
  auto p = ws.prepare();
  REQUIRE_FALSE(p);
  CHECK_FALSE(std::filesystem::exists(r.dir("a")));
  CHECK_FALSE(std::filesystem::exists(r.box / "a" / "task-7.clone"));
}

TEST_CASE("display_url hides the user information of a URL", "[git][workspace]") {
  CHECK(git::display_url("https://user:tok@example.org/r.git") == "https://[REDACTED]@example.org/r.git");
  CHECK(git::display_url("https://ghp_abcdef@example.org/r.git") == "https://[REDACTED]@example.org/r.git");
  CHECK(git::display_url("https://example.org/a@b.git") == "https://example.org/a@b.git");
  CHECK(git::display_url("git@example.org:r.git") == "git@example.org:r.git");
  CHECK(git::display_url("/srv/git/r.git") == "/srv/git/r.git");
}
