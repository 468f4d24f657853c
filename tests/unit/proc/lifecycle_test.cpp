// How children end: deadline, inactivity and cancel end the whole process
// group (SIGTERM, SIGKILL after the grace); no member and no zombie remains.
#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <thread>

#include "tests/support/sandbox.hpp"
#include "tests/unit/proc/proc_helpers.hpp"

using namespace ralph;
using namespace std::chrono;
using proc::Ending;
using test::bash;
using test::Captured;
using test::elapsed_since;
using test::run_captured;

namespace {

// Nothing of ours is left to reap: -1/ECHILD (no children at all) or 0
// (only children still running, which none of these tests leave).
bool no_zombie_left() {
  int status = 0;
  pid_t w = ::waitpid(-1, &status, WNOHANG);
  return w == 0 || (w == -1 && errno == ECHILD);
}

pid_t first_line_pid(const Captured& c) {
  REQUIRE_FALSE(c.lines.empty());
  return static_cast<pid_t>(std::stol(c.lines.front()));
}

} // namespace

TEST_CASE("the deadline ends a sleeping child with SIGTERM", "[proc]") {
  proc::ProcessSpec s = bash("sleep 1000");
  s.deadline = steady_clock::now() + milliseconds(200);
  s.kill_grace = milliseconds(2000);
  Captured c;
  auto start = steady_clock::now();
  auto r = run_captured(s, c);
  CHECK(r.ending == Ending::timed_out);
  CHECK(r.signal == SIGTERM);
  CHECK(elapsed_since(start) >= milliseconds(200));
  CHECK(elapsed_since(start) < milliseconds(1200)); // well within the grace
  CHECK(no_zombie_left());
}

TEST_CASE("a child that ignores SIGTERM is SIGKILLed after the grace, with its group", "[proc]") {
  // The grandchild ignores SIGTERM too (inherited), so only the group
  // SIGKILL can end it.
  proc::ProcessSpec s = bash("trap '' TERM; sleep 1000 & echo $!; sleep 1000");
  s.deadline = steady_clock::now() + milliseconds(200);
  s.kill_grace = milliseconds(400);
  Captured c;
  auto start = steady_clock::now();
  auto r = run_captured(s, c);
  auto took = elapsed_since(start);
  CHECK(r.ending == Ending::timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK(took >= milliseconds(600)); // the grace was granted
  CHECK(took < milliseconds(1600));
  pid_t grandchild = first_line_pid(c);
  CHECK_FALSE(test::process_running(grandchild));
  CHECK(no_zombie_left());
}

TEST_CASE("a stopped child is continued so that it sees SIGTERM", "[proc]") {
  proc::ProcessSpec s = bash("kill -STOP $$; sleep 1000");
  s.deadline = steady_clock::now() + milliseconds(200);
  s.kill_grace = milliseconds(5000);
  Captured c;
  auto start = steady_clock::now();
  auto r = run_captured(s, c);
  CHECK(r.ending == Ending::timed_out);
  CHECK(r.signal == SIGTERM); // not SIGKILL after the 5 s grace
  CHECK(elapsed_since(start) < milliseconds(1500));
}

TEST_CASE("stray grandchildren die when their leader exits", "[proc]") {
  // The grandchild keeps stdout open; the run must not wait for it.
  Captured c;
  auto start = steady_clock::now();
  auto r = run_captured(bash("sleep 1000 & echo $!; echo leader done"), c);
  CHECK(r.ending == Ending::exited);
  CHECK(r.exit_code == 0);
  CHECK(elapsed_since(start) < milliseconds(1500));
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[1] == "leader done");
  CHECK_FALSE(test::process_running(first_line_pid(c)));
  CHECK(no_zombie_left());
}

TEST_CASE("a process that left the group cannot hold the run open through our pipes", "[proc]") {
  // setsid puts the sleeper out of reach of the group kill; it still holds
  // stdout and stderr. The run stops reading them once the group is gone.
  Captured c;
  auto start = steady_clock::now();
  auto r = run_captured(bash("setsid sleep 30 & echo $!; echo bye"), c);
  auto took = elapsed_since(start);
  pid_t escaped = first_line_pid(c);
  ::kill(escaped, SIGKILL); // not ours to supervise, but do not leave it behind
  CHECK(r.ending == Ending::exited);
  CHECK(took < milliseconds(3000));
  CHECK(c.lines.back() == "bye");
}

TEST_CASE("the inactivity timeout fires on a silent child only", "[proc]") {
  proc::ProcessSpec quiet = bash("echo started; sleep 1000");
  quiet.inactivity_timeout = milliseconds(300);
  Captured c1;
  auto start = steady_clock::now();
  auto r1 = run_captured(quiet, c1);
  CHECK(r1.ending == Ending::inactive);
  CHECK(r1.signal == SIGTERM);
  CHECK(elapsed_since(start) >= milliseconds(300));
  CHECK(elapsed_since(start) < milliseconds(1300));
  CHECK(c1.lines == std::vector<std::string>{"started"});

  // Output on stderr counts as activity too.
  proc::ProcessSpec chatty = bash("for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; echo e >&2; sleep 0.1; done");
  chatty.inactivity_timeout = milliseconds(500);
  Captured c2;
  auto r2 = run_captured(chatty, c2);
  CHECK(r2.ending == Ending::exited);
  CHECK(r2.exit_code == 0);
  CHECK(c2.lines.size() == 10);
}

TEST_CASE("cancel from another thread ends the child at once", "[proc]") {
  util::CancelSource cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel.cancel("test");
  });
  Captured c;
  auto start = steady_clock::now();
  auto r = run_captured(bash("sleep 1000 & sleep 1000"), c, &cancel);
  canceller.join();
  CHECK(r.ending == Ending::cancelled);
  CHECK(r.signal == SIGTERM);
  CHECK(elapsed_since(start) < milliseconds(1200));
  CHECK(no_zombie_left());
}

TEST_CASE("an already cancelled run starts nothing", "[proc]") {
  test::Sandbox box;
  util::CancelSource cancel;
  cancel.cancel("before");
  Captured c;
  auto r = run_captured(bash("touch '" + (box / "ran").string() + "'"), c, &cancel);
  CHECK(r.ending == Ending::cancelled);
  CHECK_FALSE(std::filesystem::exists(box / "ran"));
}

TEST_CASE("runners in several threads keep their children apart", "[proc]") {
  constexpr int k_threads = 4;
  std::vector<std::vector<std::string>> seen(k_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t)
    threads.emplace_back([t, &seen] {
      for (int i = 0; i < 5; ++i) {
        Captured c;
        auto r = run_captured(bash("echo " + std::to_string(t) + "-" + std::to_string(i) + "; exit " +
                                   std::to_string(t)),
                              c);
        if (r.ending == Ending::exited && r.exit_code == t) seen[t].insert(seen[t].end(), c.lines.begin(), c.lines.end());
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < k_threads; ++t) {
    std::vector<std::string> want;
    for (int i = 0; i < 5; ++i) want.push_back(std::to_string(t) + "-" + std::to_string(i));
    CHECK(seen[t] == want);
  }
  CHECK(no_zombie_left());
}
