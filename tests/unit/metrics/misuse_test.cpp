// Misuse of the registry is a programming error: debug builds abort (so
// tests catch it), release builds ignore the update and count it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <functional>

#include "core/metrics/registry.hpp"

using ralph::metrics::Registry;

namespace {

// Runs `fn` in a child process; true when the child died of SIGABRT.
bool aborts(const std::function<void(Registry&)>& fn) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::signal(SIGABRT, SIG_DFL); // not Catch's handler: this child reports through its exit status
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO); // the assertion message is expected
    Registry r;
    r.describe_counter("c_total", "c");
    r.describe_histogram("h", "h", {1});
    fn(r);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

#ifdef NDEBUG
constexpr bool debug_build = false;
#else
constexpr bool debug_build = true;
#endif

} // namespace

TEST_CASE("misuse asserts in debug builds", "[metrics]") {
  CHECK(aborts([](Registry& r) { r.add("undeclared_total", {}); }) == debug_build);
  CHECK(aborts([](Registry& r) { r.set("c_total", {}, 1); }) == debug_build);        // counter used as gauge
  CHECK(aborts([](Registry& r) { r.observe("c_total", {}, 1); }) == debug_build);    // counter as histogram
  CHECK(aborts([](Registry& r) { r.add("c_total", {}, -1); }) == debug_build);       // counters only go up
  CHECK(aborts([](Registry& r) { r.add("c_total", {{"bad-name", "x"}}); }) == debug_build);
  CHECK(aborts([](Registry& r) { r.describe_gauge("c_total", "again, as a gauge"); }) == debug_build);
  CHECK(aborts([](Registry& r) { r.describe_histogram("h", "h", {2}); }) == debug_build); // other bounds
  CHECK(aborts([](Registry& r) { r.describe_gauge("no spaces", "x"); }) == debug_build);
  CHECK_FALSE(aborts([](Registry& r) { r.add("c_total", {}); }));                     // control
}

#ifdef NDEBUG
TEST_CASE("misuse is ignored and counted in release builds", "[metrics]") {
  Registry r;
  r.describe_counter("c_total", "c");
  r.add("undeclared_total", {});
  r.set("c_total", {}, 5);
  r.add("c_total", {}, -1);
  CHECK(r.misuse_count() == 3);
  CHECK(r.render() == "# HELP c_total c\n# TYPE c_total counter\n");
}
#endif
