#include <catch2/catch.hpp>

#include "core/metrics/registry.hpp"

using ralph::metrics::Registry;

TEST_CASE("histogram buckets are cumulative, with +Inf, _sum and _count", "[metrics]") {
  Registry r;
  r.describe_histogram("op_seconds", "Time of one op", {1, 0.25, 5});  // unsorted on purpose
  for (double v : {0.1, 0.25, 0.3, 2.0, 7.5}) r.observe("op_seconds", {{"op", "claim"}}, v);

  CHECK(r.render() == "# HELP op_seconds Time of one op\n"
                      "# TYPE op_seconds histogram\n"
                      "op_seconds_bucket{op=\"claim\",le=\"0.25\"} 2\n"
                      "op_seconds_bucket{op=\"claim\",le=\"1\"} 3\n"
                      "op_seconds_bucket{op=\"claim\",le=\"5\"} 4\n"
                      "op_seconds_bucket{op=\"claim\",le=\"+Inf\"} 5\n"
                      "op_seconds_sum{op=\"claim\"} 10.15\n"
                      "op_seconds_count{op=\"claim\"} 5\n");
}

TEST_CASE("a histogram without labels, and an explicit +Inf bound, print once", "[metrics]") {
  Registry r;
  r.describe_histogram("h", "h", {1, 1, std::numeric_limits<double>::infinity()});
  r.observe("h", {}, 1);
  r.observe("h", {}, 3);
  CHECK(r.render() == "# HELP h h\n# TYPE h histogram\n"
                      "h_bucket{le=\"1\"} 1\n"
                      "h_bucket{le=\"+Inf\"} 2\n"
                      "h_sum 4\n"
                      "h_count 2\n");
}

TEST_CASE("a declared histogram without observations prints HELP and TYPE only", "[metrics]") {
  Registry r;
  r.describe_histogram("h", "h", {1});
  CHECK(r.render() == "# HELP h h\n# TYPE h histogram\n");
}
