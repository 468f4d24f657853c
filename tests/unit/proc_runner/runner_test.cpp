// The process runner against real processes: groups, deadlines, floods.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/proc/process.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using namespace std::chrono;
using proc::Ending;

namespace {

struct Captured {
  std::vector<std::string> lines;
  std::vector<bool> truncated;
  std::string raw, err;
};

proc::ProcessResult run(proc::ProcessSpec spec, Captured& c, const util::CancelSource* cancel = nullptr) {
  proc::OutputHandlers h;
  h.on_stdout_line = [&](std::string_view l, bool t) { c.lines.emplace_back(l); c.truncated.push_back(t); };
  h.on_stdout_raw = [&](std::string_view r) { if (c.raw.size() < (1 << 20)) c.raw.append(r); };
  h.on_stderr = [&](std::string_view e) { c.err.append(e); };
  proc::PosixProcessRunner runner;
  return runner.run(spec, h, cancel);
}

proc::ProcessSpec sh(const std::string& script) {
  proc::ProcessSpec s;
  s.argv = {"bash", "-c", script};
  return s;
}

long rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Running, as opposed to gone or a zombie waiting for init to reap it. Waits
// up to a second for a killed process to disappear.
bool alive(pid_t pid) {
  for (int i = 0; i < 50; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (pid <= 0 || !std::getline(stat, line)) return false;
    auto state = line.substr(line.rfind(')') + 2, 1);
    if (state == "Z" || state == "X") return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

} // namespace

TEST_CASE("exit codes, signals, lines and stderr", "[proc]") {
  Captured c;
  auto r = run(sh("echo one; echo two >&2; printf 'three'; exit 3"), c);
  CHECK(r.ending == Ending::exited);
  CHECK(r.exit_code == 3);
  CHECK(c.lines == std::vector<std::string>{"one", "three"});
  CHECK(c.err == "two\n");
  CHECK(r.stdout_bytes == 9); // "one\nthree"

  Captured k;
  auto killed = run(sh("kill -SEGV $$"), k);
  CHECK(killed.ending == Ending::signaled);
  CHECK(killed.signal == SIGSEGV);
}

TEST_CASE("a large prompt goes through stdin without deadlock", "[proc]") {
  proc::ProcessSpec s;
  s.argv = {"cat"};
  s.stdin_data.assign(4 << 20, 'x');
  for (std::size_t i = 1000; i < s.stdin_data.size(); i += 1000) s.stdin_data[i] = '\n';
  Captured c;
  auto r = run(s, c);
  CHECK(r.ending == Ending::exited);
  CHECK(r.stdout_bytes == s.stdin_data.size());
}

TEST_CASE("a child that ignores its stdin does not break the runner", "[proc]") {
  proc::ProcessSpec s = sh("exec 0<&-; echo done");
  s.stdin_data.assign(8 << 20, 'y');
  Captured c;
  auto r = run(s, c);
  CHECK(r.ending == Ending::exited);
  CHECK(c.lines == std::vector<std::string>{"done"});
}

TEST_CASE("huge lines are cut to the limit and counted", "[proc]") {
  proc::ProcessSpec s = sh("head -c 5000000 /dev/zero | tr '\\0' a; echo; echo after");
  s.max_line_bytes = 1 << 20;
  Captured c;
  auto r = run(s, c);
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0].size() == (1u << 20));
  CHECK(c.truncated[0]);
  CHECK(c.lines[1] == "after");
  CHECK(r.lines_truncated == 1);
  CHECK(r.stdout_bytes == 5000000 + 1 + 6);
}

TEST_CASE("a flood of output is drained with bounded memory", "[proc]") {
  auto before = rss_kb();
  proc::ProcessSpec s = sh("yes 'flooding the output with the same line again and again' | head -c 200000000");
  proc::OutputHandlers h;
  std::size_t lines = 0;
  h.on_stdout_line = [&](std::string_view, bool) { ++lines; };
  proc::PosixProcessRunner runner;
  auto r = runner.run(s, h, nullptr);
  CHECK(r.ending == Ending::exited);
  CHECK(r.stdout_bytes == 200000000u);
  CHECK(lines > 3'000'000);
  CHECK(rss_kb() - before < 32 * 1024);
}

TEST_CASE("the deadline ends the whole group, SIGKILL after the grace", "[proc]") {
  ralph::test::Sandbox box;
  auto pidfile = box / "pids";
  proc::ProcessSpec s = sh("trap '' TERM; sleep 1000 & echo $! > " + pidfile.string() + "; sleep 1000");
  s.deadline = steady_clock::now() + milliseconds(300);
  s.kill_grace = milliseconds(300);
  Captured c;
  auto start = steady_clock::now();
  auto r = run(s, c);
  auto took = steady_clock::now() - start;
  CHECK(r.ending == Ending::timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK(took < milliseconds(2000));
  pid_t grandchild = std::stoi(ralph::test::read_file(pidfile));
  CHECK_FALSE(alive(grandchild));
  int st;
  CHECK(::waitpid(-1, &st, WNOHANG) <= 0); // no zombie of ours left
}

TEST_CASE("stray grandchildren die with their leader", "[proc]") {
  ralph::test::Sandbox box;
  auto pidfile = box / "pid";
  Captured c;
  auto r = run(sh("sleep 1000 & echo $! > " + pidfile.string() + "; echo leader done"), c);
  CHECK(r.ending == Ending::exited);
  CHECK(c.lines == std::vector<std::string>{"leader done"});
  CHECK_FALSE(alive(std::stoi(ralph::test::read_file(pidfile))));
}

TEST_CASE("inactivity timeout fires on silence, not on a chatty child", "[proc]") {
  proc::ProcessSpec quiet = sh("sleep 1000");
  quiet.inactivity_timeout = milliseconds(300);
  Captured c1;
  CHECK(run(quiet, c1).ending == Ending::inactive);

  proc::ProcessSpec chatty = sh("for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; sleep 0.1; done");
  chatty.inactivity_timeout = milliseconds(500);
  Captured c2;
  auto r = run(chatty, c2);
  CHECK(r.ending == Ending::exited);
  CHECK(c2.lines.size() == 10);
}

TEST_CASE("cancel from another thread stops the child at once", "[proc]") {
  util::CancelSource cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel.cancel("test");
  });
  Captured c;
  auto start = steady_clock::now();
  auto r = run(sh("sleep 1000"), c, &cancel);
  t.join();
  CHECK(r.ending == Ending::cancelled);
  CHECK(steady_clock::now() - start < milliseconds(1500));
}

TEST_CASE("spawn failures are reported clearly", "[proc]") {
  ralph::test::Sandbox box;
  Captured c;
  proc::ProcessSpec missing;
  missing.argv = {"ralph-no-such-binary"};
  auto r = run(missing, c);
  CHECK(r.ending == Ending::spawn_failed);
  CHECK(r.error == "cannot execute 'ralph-no-such-binary': No such file or directory");

  auto plain = box.write("plain.txt", "not a program");
  proc::ProcessSpec not_exec;
  not_exec.argv = {plain.string()};
  auto r2 = run(not_exec, c);
  CHECK(r2.ending == Ending::spawn_failed);
  CHECK(r2.error.find("Permission denied") != std::string::npos);

  proc::ProcessSpec bad_dir = sh("true");
  bad_dir.workdir = box / "nope";
  auto r3 = run(bad_dir, c);
  CHECK(r3.ending == Ending::spawn_failed);
  CHECK(r3.error.find("cannot enter") != std::string::npos);

  CHECK(proc::find_executable("sh"));
  CHECK_FALSE(proc::find_executable("ralph-no-such-binary"));
  CHECK_FALSE(proc::find_executable(plain.string()));
}

TEST_CASE("environment: added, replaced, and a blocked parent mask not inherited", "[proc]") {
  proc::ProcessSpec s = sh("echo \"$RALPH_T1\"; echo \"${HOME:-nohome}\"; grep SigBlk /proc/self/status");
  s.env = {"RALPH_T1=hello"};
  Captured c;
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  run(s, c);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[0] == "hello");
  CHECK(c.lines[2].find("0000000000000000") != std::string::npos);

  proc::ProcessSpec only = sh("echo \"${HOME:-nohome}\"");
  only.env = {"PATH=/usr/bin:/bin"};
  only.env_replace = true;
  Captured c2;
  run(only, c2);
  CHECK(c2.lines == std::vector<std::string>{"nohome"});
}
