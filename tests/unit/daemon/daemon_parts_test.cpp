// The daemon's small parts: the single-daemon lock, the wakeup socket, the
// settings' validation, and the owner tags that let a successor find the
// agents a killed daemon left behind.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/app/wakeup.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"
#include "daemon/orphans.hpp"
#include "daemon/settings.hpp"
#include "daemon/store_lock.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

TEST_CASE("one daemon per store: the lock refuses a second holder and names the first", "[daemon]") {
  test::Sandbox box;
  auto db = box / "ralph.db";
  auto first = daemon::StoreLock::acquire(db);
  REQUIRE(first);
  auto second = daemon::StoreLock::acquire(db);
  REQUIRE_FALSE(second);
  CHECK_THAT(second.error(), Catch::Contains("another ralphd (pid " + std::to_string(::getpid()) + ")"));
  CHECK_THAT(second.error(), Catch::Contains(db.string()));
  struct stat st {};
  REQUIRE(::stat((db.string() + ".lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  { auto released = std::move(*first); }
  CHECK(daemon::StoreLock::acquire(db));
}

TEST_CASE("wakeup socket: pokes arrive in order, the socket is private, a stale one is replaced", "[daemon]") {
  test::Sandbox box;
  auto path = box / "ralphd.sock";
  CHECK_FALSE(app::poke(path, "submit")); // nobody listens yet
  box.write("ralphd.sock", "stale file from a crash");
  app::WakeupListener listener;
  auto bound = listener.bind(path);
  REQUIRE(bound);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(listener.drain().empty());
  CHECK(app::poke(path, "submit"));
  CHECK(app::poke(path, "cancel 7"));
  CHECK(listener.drain() == std::vector<std::string>{"submit", "cancel 7"});
  app::WakeupListener too_long;
  auto refused = too_long.bind(box / std::string(120, 'x'));
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error(), Catch::Contains("too long"));
  CHECK(app::wakeup_socket_path("", "/var/lib/ralph") == "/var/lib/ralph/ralphd.sock");
  CHECK(app::wakeup_socket_path("/run/r.sock", "/var/lib/ralph") == "/run/r.sock");
}

namespace {
app::Context context_with(std::initializer_list<std::pair<const char*, const char*>> values) {
  app::Context ctx;
  config::LoadOptions o;
  o.read_system_files = false;
  test::Sandbox box;
  o.cwd = box.path();
  ctx.config = config::load(o);
  ctx.state_dir = "/var/lib/ralph";
  for (const auto& [k, v] : values) ctx.config.set(k, v, "test");
  return ctx;
}
} // namespace

TEST_CASE("daemon settings: defaults and every refused value names its key", "[daemon]") {
  auto s = daemon::daemon_settings(context_with({}));
  CHECK(s.slots == 4);
  CHECK(s.queues == std::vector<std::string>{"default"});
  CHECK(s.http_listen == "127.0.0.1:9187");
  CHECK(s.socket == "/var/lib/ralph/ralphd.sock");
  CHECK(s.heartbeat_interval == std::chrono::seconds(1));

  auto refused = [](std::initializer_list<std::pair<const char*, const char*>> v) {
    try {
      daemon::daemon_settings(context_with(v));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused({{"daemon.max_concurrent", "0"}}), Catch::Contains("daemon.max_concurrent"));
  CHECK_THAT(refused({{"daemon.queues", "[]"}}), Catch::Contains("daemon.queues"));
  CHECK_THAT(refused({{"daemon.http_listen", "0.0.0.0:9187"}}), Catch::Contains("daemon.http_token"));
  CHECK(refused({{"daemon.http_listen", "0.0.0.0:9187"}, {"daemon.http_token", "0123456789abcdef"}}) == "accepted");
  CHECK(refused({{"daemon.http_listen", "[::1]:9187"}}) == "accepted");
  CHECK_THAT(refused({{"daemon.heartbeat_interval", "20s"}}), Catch::Contains("daemon.instance_ttl"));
  CHECK_THAT(refused({{"daemon.instance_ttl", "1500ms"}}), Catch::Contains("daemon.instance_ttl"));
  CHECK_THAT(refused({{"daemon.poll_interval", "0s"}}), Catch::Contains("daemon.poll_interval"));
}

TEST_CASE("agents carry their owner's tags, and only the dead owner's agents are killed", "[daemon]") {
  proc::PosixProcessRunner posix;
  daemon::TaggingRunner tagged(posix, "host:1:abc", 42);
  proc::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo \"$RALPH_OWNER $RALPH_TASK_ID\""};
  std::string out;
  proc::OutputHandlers h;
  h.on_stdout_line = [&](std::string_view line, bool) { out += std::string(line); };
  auto r = tagged.run(spec, h, nullptr);
  CHECK(r.ending == proc::Ending::exited);
  CHECK(out == "host:1:abc 42");

  // Two sleepers in their own groups: one of the dead owner, one of another
  // whose id merely starts the same way.
  auto spawn = [](const char* owner) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      std::string tag = std::string("RALPH_OWNER=") + owner;
      char* envp[] = {tag.data(), nullptr};
      char* argv[] = {const_cast<char*>("/bin/sleep"), const_cast<char*>("30"), nullptr};
      ::execve("/bin/sleep", argv, envp);
      ::_exit(127);
    }
    return pid;
  };
  pid_t dead_owners = spawn("dead:1:x");
  pid_t other = spawn("dead:1:xy");
  std::this_thread::sleep_for(std::chrono::milliseconds(100)); // let exec finish
  CHECK(daemon::kill_orphaned_agents("dead:1:x") == 1);
  int status = 0;
  REQUIRE(::waitpid(dead_owners, &status, 0) == dead_owners);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(::waitpid(other, &status, WNOHANG) == 0); // still running
  ::kill(other, SIGKILL);
  ::waitpid(other, &status, 0);
}
