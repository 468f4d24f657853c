#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics/registry.hpp"

using ralph::metrics::Registry;

TEST_CASE("concurrent updates lose nothing, even while rendering", "[metrics]") {
  Registry r;
  r.describe_counter("c_total", "c");
  r.describe_histogram("h", "h", {10});
  constexpr int threads = 8;
  constexpr int per_thread = 5000;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done) (void)r.render();
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&r, t] {
      for (int i = 0; i < per_thread; ++i) {
        r.add("c_total", {{"shared", "yes"}});
        r.add("c_total", {{"thread", std::to_string(t)}}, 2);
        r.observe("h", {}, 1);
      }
    });
  for (auto& w : workers) w.join();
  done = true;
  scraper.join();

  auto text = r.render();
  CHECK_THAT(text, Catch::Contains("c_total{shared=\"yes\"} 40000\n"));
  for (int t = 0; t < threads; ++t)
    CHECK_THAT(text, Catch::Contains("c_total{thread=\"" + std::to_string(t) + "\"} 10000\n"));
  CHECK_THAT(text, Catch::Contains("h_count 40000\n"));
  CHECK_THAT(text, Catch::Contains("h_bucket{le=\"10\"} 40000\n"));
}

TEST_CASE("on_scrape callbacks run at every render, before the snapshot", "[metrics]") {
  Registry r;
  r.describe_gauge("tasks", "Tasks by state");
  int calls = 0;
  r.on_scrape([&calls](Registry& reg) {
    ++calls;
    reg.set("tasks", {{"state", "queued"}}, calls * 10);
  });
  r.on_scrape([](Registry& reg) { reg.set("tasks", {{"state", "running"}}, 1); });
  CHECK(r.render() == "# HELP tasks Tasks by state\n# TYPE tasks gauge\n"
                      "tasks{state=\"queued\"} 10\ntasks{state=\"running\"} 1\n");
  CHECK_THAT(r.render(), Catch::Contains("tasks{state=\"queued\"} 20\n"));
  CHECK(calls == 2);
}

TEST_CASE("an on_scrape callback may register another one without deadlock", "[metrics]") {
  Registry r;
  r.describe_gauge("g", "g");
  bool added = false;
  r.on_scrape([&](Registry& reg) {
    if (added) return;
    added = true;
    reg.on_scrape([](Registry& inner) { inner.set("g", {}, 7); });
  });
  (void)r.render();                                // registers the second callback
  CHECK_THAT(r.render(), Catch::EndsWith("g 7\n")); // which runs from then on
}
