#include <catch2/catch.hpp>

#include <limits>

#include "core/metrics/text_format.hpp"

using namespace ralph::metrics;

TEST_CASE("values print without noise", "[metrics]") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(-0.0) == "0");
  CHECK(format_value(3) == "3");
  CHECK(format_value(-2) == "-2");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(0.0005) == "0.0005");
  CHECK(format_value(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_value(123456789012345) == "123456789012345");
  CHECK(format_value(1e21) == "1e+21");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("label rendering and escaping", "[metrics]") {
  CHECK(render_labels({}).empty());
  CHECK(render_labels({{"a", "x"}, {"b", "y"}}) == "a=\"x\",b=\"y\"");
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escape_help("a\\b\"c\nd") == "a\\\\b\"c\\nd");
}

TEST_CASE("metric and label names are validated", "[metrics]") {
  CHECK(valid_metric_name("ralph_tasks"));
  CHECK(valid_metric_name("ns:sub_total"));
  CHECK_FALSE(valid_metric_name(""));
  CHECK_FALSE(valid_metric_name("1abc"));
  CHECK_FALSE(valid_metric_name("has-dash"));
  CHECK(valid_label_name("state"));
  CHECK_FALSE(valid_label_name("__reserved"));
  CHECK_FALSE(valid_label_name("a:b"));
  CHECK_FALSE(valid_label_name(""));
}
