#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "core/metrics/registry.hpp"

using ralph::metrics::Registry;

TEST_CASE("a small registry renders exactly", "[metrics]") {
  Registry r;
  r.describe_gauge("ralph_worker_slots", "Worker slots, by state");
  r.describe_counter("ralph_iterations_total", "Iterations run");
  r.describe_counter("ralph_empty_total", "Declared, never updated");
  r.add("ralph_iterations_total", {{"agent", "codex"}, {"outcome", "ok"}});
  r.add("ralph_iterations_total", {{"agent", "claude"}, {"outcome", "ok"}}, 2);
  r.add("ralph_iterations_total", {{"agent", "claude"}, {"outcome", "ok"}}, 0.5);
  r.set("ralph_worker_slots", {{"state", "idle"}}, 3);
  r.set("ralph_worker_slots", {{"state", "busy"}}, 1);
  r.set("ralph_worker_slots", {{"state", "busy"}}, 2);

  CHECK(r.render() == "# HELP ralph_empty_total Declared, never updated\n"
                      "# TYPE ralph_empty_total counter\n"
                      "# HELP ralph_iterations_total Iterations run\n"
                      "# TYPE ralph_iterations_total counter\n"
                      "ralph_iterations_total{agent=\"claude\",outcome=\"ok\"} 2.5\n"
                      "ralph_iterations_total{agent=\"codex\",outcome=\"ok\"} 1\n"
                      "# HELP ralph_worker_slots Worker slots, by state\n"
                      "# TYPE ralph_worker_slots gauge\n"
                      "ralph_worker_slots{state=\"busy\"} 2\n"
                      "ralph_worker_slots{state=\"idle\"} 3\n");
  CHECK(r.misuse_count() == 0);
}

TEST_CASE("an empty registry renders nothing; a series without labels has no braces", "[metrics]") {
  Registry r;
  CHECK(r.render().empty());
  r.describe_gauge("up", "Whether ralphd is up");
  r.set("up", {}, 1);
  CHECK(r.render() == "# HELP up Whether ralphd is up\n# TYPE up gauge\nup 1\n");
}

TEST_CASE("labels are printed in the order given", "[metrics]") {
  Registry r;
  r.describe_counter("c_total", "c");
  r.add("c_total", {{"z", "1"}, {"a", "2"}});
  CHECK_THAT(r.render(), Catch::EndsWith("c_total{z=\"1\",a=\"2\"} 1\n"));
}

TEST_CASE("label values and help text are escaped", "[metrics]") {
  Registry r;
  r.describe_gauge("g", "help with \\ and\nnewline and \"quotes\"");
  r.set("g", {{"path", "C:\\dir \"x\"\nnext"}}, 1);
  CHECK(r.render() == "# HELP g help with \\\\ and\\nnewline and \"quotes\"\n"
                      "# TYPE g gauge\n"
                      "g{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

TEST_CASE("describing twice is idempotent: the first declaration wins", "[metrics]") {
  Registry r;
  r.describe_counter("c_total", "first");
  r.add("c_total", {}, 4);
  r.describe_counter("c_total", "second");
  CHECK(r.render() == "# HELP c_total first\n# TYPE c_total counter\nc_total 4\n");
  CHECK(r.misuse_count() == 0);
}

TEST_CASE("series are sorted by label values, not by insertion", "[metrics]") {
  Registry r;
  r.describe_gauge("tasks", "t");
  for (const char* s : {"running", "completed", "queued", "failed"}) r.set("tasks", {{"state", s}}, 0);
  CHECK(r.render() == "# HELP tasks t\n# TYPE tasks gauge\n"
                      "tasks{state=\"completed\"} 0\n"
                      "tasks{state=\"failed\"} 0\n"
                      "tasks{state=\"queued\"} 0\n"
                      "tasks{state=\"running\"} 0\n");
}
