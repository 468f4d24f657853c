// Starting children: spawn failures, workdir, environment, and what a child
// inherits (signal state, descriptors); PATH lookup.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <pthread.h>

#include "tests/support/sandbox.hpp"
#include "tests/unit/proc/proc_helpers.hpp"

using namespace ralph;
using proc::Ending;
using test::bash;
using test::Captured;
using test::run_captured;

TEST_CASE("spawn failures are reported with a clear message", "[proc]") {
  test::Sandbox box;
  Captured c;

  proc::ProcessSpec missing;
  missing.argv = {"ralph-no-such-binary", "--flag"};
  auto r = run_captured(missing, c);
  CHECK(r.ending == Ending::spawn_failed);
  CHECK(r.error == "cannot execute 'ralph-no-such-binary': No such file or directory");

  auto plain = box.write("plain.txt", "not a program");
  proc::ProcessSpec not_exec;
  not_exec.argv = {plain.string()};
  auto r2 = run_captured(not_exec, c);
  CHECK(r2.ending == Ending::spawn_failed);
  CHECK(r2.error == "cannot execute '" + plain.string() + "': Permission denied");

  proc::ProcessSpec no_dir = bash("true");
  no_dir.workdir = box / "nope";
  auto r3 = run_captured(no_dir, c);
  CHECK(r3.ending == Ending::spawn_failed);
  CHECK(r3.error == "cannot enter '" + no_dir.workdir.string() + "': No such file or directory");

  proc::ProcessSpec file_dir = bash("true");
  file_dir.workdir = plain;
  auto r4 = run_captured(file_dir, c);
  CHECK(r4.ending == Ending::spawn_failed);
  CHECK(r4.error == "cannot enter '" + plain.string() + "': Not a directory");

  proc::ProcessSpec empty;
  auto r5 = run_captured(empty, c);
  CHECK(r5.ending == Ending::spawn_failed);
  CHECK(r5.error == "empty command");
  CHECK(c.lines.empty());
  CHECK(proc::to_string(Ending::spawn_failed) == "spawn failed");
}

TEST_CASE("the child runs in the workdir, in its own process group", "[proc]") {
  test::Sandbox box;
  proc::ProcessSpec s = bash("pwd -P; echo $$; ps -o pgid= -p $$");
  s.workdir = box.path();
  Captured c;
  auto r = run_captured(s, c);
  CHECK(r.ending == Ending::exited);
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[0] == std::filesystem::canonical(box.path()).string());
  auto pgid = c.lines[2].substr(c.lines[2].find_first_not_of(' '));
  CHECK(pgid == c.lines[1]); // the child leads its group
  CHECK(std::stol(pgid) != ::getpgrp());
}

TEST_CASE("environment entries are added, override, or replace everything", "[proc]") {
  ::setenv("RALPH_TEST_INHERITED", "parent", 1);
  ::setenv("RALPH_TEST_OVERRIDDEN", "parent", 1);
  proc::ProcessSpec s = bash("echo \"$RALPH_TEST_INHERITED|$RALPH_TEST_OVERRIDDEN|$RALPH_TEST_NEW\"; env | grep -c '^RALPH_TEST_OVERRIDDEN='");
  s.env = {"RALPH_TEST_OVERRIDDEN=first", "RALPH_TEST_NEW=new", "RALPH_TEST_OVERRIDDEN=child"};
  Captured c;
  run_captured(s, c);
  CHECK(c.lines == std::vector<std::string>{"parent|child|new", "1"});

  proc::ProcessSpec only = bash("echo \"${RALPH_TEST_INHERITED:-unset}|${HOME:-unset}|$ONLY\"");
  only.env = {"PATH=/usr/bin:/bin", "ONLY=1"};
  only.env_replace = true;
  Captured c2;
  run_captured(only, c2);
  CHECK(c2.lines == std::vector<std::string>{"unset|unset|1"});
  ::unsetenv("RALPH_TEST_INHERITED");
  ::unsetenv("RALPH_TEST_OVERRIDDEN");
}

TEST_CASE("the child inherits no blocked or ignored signals and no stray descriptors", "[proc]") {
  // A descriptor opened without O_CLOEXEC by other code in the parent.
  int leaky = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaky > 2);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  struct sigaction ignore {}, old_usr1 {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGUSR1, &ignore, &old_usr1);

  // grep reports its own state: a shell would show the signals it blocks
  // and ignores itself.
  proc::ProcessSpec s;
  s.argv = {"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"};
  Captured c;
  run_captured(s, c);
  Captured fds;
  run_captured(bash("test -e /proc/$$/fd/" + std::to_string(leaky) + " && echo leaked || echo clean"), fds);

  ::sigaction(SIGUSR1, &old_usr1, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(leaky);
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0] == "SigBlk:\t0000000000000000");
  // SIGPIPE (which the runner ignores in the parent) and SIGUSR1 are back to
  // default. glibc's posix_spawn leaves its two internal signals (32, 33)
  // ignored; only glibc's own threading uses them, so only 1..31 are checked.
  REQUIRE(c.lines[1].starts_with("SigIgn:\t"));
  auto ignored = std::stoull(c.lines[1].substr(8), nullptr, 16);
  CHECK((ignored & 0x7fffffffULL) == 0);
  CHECK(fds.lines == std::vector<std::string>{"clean"});
}

TEST_CASE("find_executable looks in PATH or checks a path", "[proc]") {
  test::Sandbox box;
  auto sh = proc::find_executable("sh");
  REQUIRE(sh);
  CHECK(sh->filename() == "sh");
  CHECK(proc::find_executable(sh->string()) == sh);
  CHECK_FALSE(proc::find_executable("ralph-no-such-binary"));
  CHECK_FALSE(proc::find_executable(""));
  auto plain = box.write("plain", "#!/bin/sh\n");
  CHECK_FALSE(proc::find_executable(plain.string())); // not executable
  std::filesystem::permissions(plain, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
  CHECK(proc::find_executable(plain.string()) == plain);
  CHECK_FALSE(proc::find_executable(box.path().string())); // a directory
}
