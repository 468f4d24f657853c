// The hook dispatcher against real processes: sh -c, JSON on stdin, a
// scrubbed environment, the timeout killing the whole group, the output cap,
// and the `hook` events it records in a real SQLite store.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/hooks/dispatcher.hpp"
#include "core/proc/process.hpp"
#include "core/store/store.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using std::chrono::milliseconds;

namespace {

hooks::HookEvent sample_event() {
  domain::TaskSpec spec;
  spec.queue = "nightly";
  spec.agent = "command";
  spec.model = "m1";
  spec.workdir = "/tmp/w";
  spec.budget.max_iterations = 4;
  hooks::TaskFacts f;
  f.id = 7;
  f.spec = &spec;
  f.totals.iterations = 2;
  f.instance = "host:1:abc";
  return hooks::task_event("task.completed", f, domain::StopReason::completed);
}

hooks::HookRun run(const std::string& command, hooks::HookSettings s = {}) {
  proc::PosixProcessRunner runner;
  return hooks::run_hook(runner, command, sample_event(), s);
}

// Running, as opposed to gone or a zombie its new parent has yet to reap.
bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return false;
  char state = text[close + 2];
  return state != 'Z' && state != 'X';
}

} // namespace

TEST_CASE("a hook gets the event as JSON on stdin and its key fields in the environment", "[hooks]") {
  auto r = run("cat; printf '%s|%s|%s|%s\\n' \"$RALPH_EVENT\" \"$RALPH_TASK_ID\" \"$RALPH_STOP_REASON\" "
               "\"$RALPH_INSTANCE_ID\"");
  REQUIRE(r.ok);
  auto nl = r.output.find('\n');
  REQUIRE(nl != std::string::npos);
  auto j = nlohmann::json::parse(r.output.substr(0, nl));
  CHECK(j["event"] == "task.completed");
  CHECK(j["task_id"] == 7);
  CHECK(sample_event().task == 7); // its `hook` events go to the task
  CHECK(j["queue"] == "nightly");
  CHECK(j["agent"] == "command");
  CHECK(j["model"] == "m1");
  CHECK(j["stop_reason"] == "completed");
  CHECK(j["budget"]["max_iterations"] == 4);
  CHECK(j["usage"]["iterations"] == 2);
  CHECK(j["instance_id"] == "host:1:abc");
  CHECK(r.output.substr(nl + 1) == "task.completed|7|completed|host:1:abc\n");
}

TEST_CASE("a hook's environment carries no secret of ralph's", "[hooks]") {
  ::setenv("ANTHROPIC_API_KEY", "sk-ant-secret-value-1234567890", 1);
  ::setenv("RALPH_DAEMON_HTTP_TOKEN", "token-value-0987654321", 1);
  ::setenv("DATABASE_URL", "postgresql://u:pw@h/db", 1);
  ::setenv("LC_ALL", "C", 1);
  auto r = run("env");
  ::unsetenv("ANTHROPIC_API_KEY");
  ::unsetenv("RALPH_DAEMON_HTTP_TOKEN");
  ::unsetenv("DATABASE_URL");
  REQUIRE(r.ok);
  CHECK(r.output.find("ANTHROPIC_API_KEY") == std::string::npos);
  CHECK(r.output.find("sk-ant-secret") == std::string::npos);
  CHECK(r.output.find("HTTP_TOKEN") == std::string::npos);
  CHECK(r.output.find("DATABASE_URL") == std::string::npos);
  CHECK(r.output.find("PATH=") != std::string::npos); // the harmless ones pass
  CHECK(r.output.find("LC_ALL=C") != std::string::npos);
  CHECK(r.output.find("RALPH_EVENT=task.completed") != std::string::npos);
}

TEST_CASE("a hook past its timeout is killed with its whole process group", "[hooks]") {
  test::Sandbox box;
  auto pidfile = box / "child.pid";
  hooks::HookSettings s;
  s.timeout = milliseconds(500);
  auto start = std::chrono::steady_clock::now();
  // The grandchild ignores SIGTERM: only the group's SIGKILL ends it.
  auto r = run("sh -c 'trap \"\" TERM; echo $$ > " + pidfile.string() + "; exec sleep 30' & wait", s);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(r.ok);
  CHECK(r.timed_out);
  CHECK(r.outcome().find("timed out") == 0);
  CHECK(took < std::chrono::seconds(5));
  std::ifstream in(pidfile);
  pid_t child = 0;
  REQUIRE(in >> child);
  CHECK_FALSE(process_alive(child));
}

TEST_CASE("a hook's output is kept up to the cap", "[hooks]") {
  hooks::HookSettings s;
  s.output_cap = 100;
  auto r = run("head -c 5000 /dev/zero | tr '\\0' x; echo err >&2", s);
  CHECK(r.ok);
  CHECK(r.output.size() == 100);
  CHECK(r.truncated);
  auto small = run("echo hi", s);
  CHECK(small.output == "hi\n");
  CHECK_FALSE(small.truncated);
}

TEST_CASE("a failing hook reports its exit code; secrets in its output are redacted", "[hooks]") {
  auto r = run("echo 'key sk-ant-abcdefghijklmnop'; exit 3");
  CHECK_FALSE(r.ok);
  CHECK(r.exit_code == 3);
  CHECK(r.outcome() == "exit code 3");
  CHECK(r.output.find("abcdefghijklmnop") == std::string::npos);
  auto j = nlohmann::json::parse(r.json());
  CHECK(j["exit_code"] == 3);
  CHECK(j["ok"] == false);
}

TEST_CASE("the dispatcher runs hooks in the background and records each run", "[hooks]") {
  test::Sandbox box;
  test::ManualClock clock;
  auto opened = store::open_store("sqlite://" + (box / "ralph.db").string(), clock);
  REQUIRE(opened);
  auto& store = **opened;
  REQUIRE(store.migrate());
  domain::TaskSpec spec;
  spec.workdir = box.path().string();
  auto id = store.submit(spec);
  REQUIRE(id);

  hooks::HookSettings s;
  s.commands["task.completed"] = {"sleep 1; echo done", "exit 4"};
  std::vector<std::string> logged;
  std::mutex m;
  hooks::Dispatcher d(s, &store, [&](log::Level, const std::string& msg) {
    std::lock_guard lock(m);
    logged.push_back(msg);
  });
  auto e = sample_event();
  e.task = *id;
  auto start = std::chrono::steady_clock::now();
  d.fire(e);
  d.fire(hooks::task_event("budget.warn", {})); // nobody listens: nothing runs
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(500)); // did not wait for `sleep 1`
  d.wait_idle();

  auto events = store.events(*id);
  REQUIRE(events);
  std::vector<nlohmann::json> runs;
  for (const auto& ev : *events)
    if (ev.type == "hook") runs.push_back(nlohmann::json::parse(ev.data));
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["command"] == "sleep 1; echo done");
  CHECK(runs[0]["ok"] == true);
  CHECK(runs[0]["output"] == "done\n");
  CHECK(runs[0]["duration_ms"].get<int>() >= 1000);
  CHECK(runs[1]["exit_code"] == 4);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == "hook task.completed `exit 4`: exit code 4");
}

TEST_CASE("under on_error = fail a loop event is waited for and its failure returned", "[hooks]") {
  hooks::HookSettings s;
  s.commands["limit.wait"] = {"exit 2"};
  s.fail_on_error = true;
  hooks::Dispatcher d(s, nullptr, {});
  auto failed = d.fire_loop_event(hooks::task_event("limit.wait", {}));
  REQUIRE(failed);
  CHECK(*failed == "hook limit.wait `exit 2`: exit code 2");
  s.fail_on_error = false;
  hooks::Dispatcher warn_only(s, nullptr, {});
  CHECK_FALSE(warn_only.fire_loop_event(hooks::task_event("limit.wait", {})));
}
