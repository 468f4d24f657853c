// [hooks] configuration and the budget thresholds.
#include <catch2/catch.hpp>

#include "core/config/config.hpp"
#include "core/hooks/hook_settings.hpp"
#include "core/hooks/thresholds.hpp"
#include "core/util/error.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

namespace {
config::Config load(const std::string& toml) {
  test::Sandbox box;
  config::LoadOptions o;
  o.read_system_files = false;
  o.cwd = box.path();
  o.config_file = box.write("config.toml", toml);
  return config::load(o);
}

domain::Spent iterations(std::int64_t n) {
  domain::Spent s;
  s.iterations = n;
  return s;
}
} // namespace

TEST_CASE("hooks are read from [hooks], one list per event", "[hooks][config]") {
  auto s = hooks::hook_settings(load("[hooks]\n"
                                     "task_completed = [\"echo a\", \"echo b\"]\n"
                                     "instance_lost = [\"page-me\"]\n"
                                     "timeout = \"5s\"\noutput_cap = 10\non_error = \"fail\"\n"
                                     "budget_warn_percent = \"90, 50\"\n"));
  CHECK(s.commands.at("task.completed") == std::vector<std::string>{"echo a", "echo b"});
  CHECK(s.commands.at("instance.lost") == std::vector<std::string>{"page-me"});
  CHECK_FALSE(s.any("task.failed"));
  CHECK(s.timeout == std::chrono::seconds(5));
  CHECK(s.output_cap == 10);
  CHECK(s.fail_on_error);
  CHECK(s.warn_percents == std::vector<int>{50, 90});
}

TEST_CASE("hooks defaults, and bad values are configuration errors", "[hooks][config]") {
  auto s = hooks::hook_settings(load(""));
  CHECK(s.commands.empty());
  CHECK(s.timeout == std::chrono::seconds(30));
  CHECK(s.output_cap == 65536);
  CHECK_FALSE(s.fail_on_error);
  CHECK(s.warn_percents == std::vector<int>{50, 75, 90});
  CHECK_THROWS_AS(hooks::hook_settings(load("[hooks]\non_error = \"explode\"\n")), ConfigError);
  CHECK_THROWS_AS(hooks::hook_settings(load("[hooks]\nbudget_warn_percent = \"50,150\"\n")), ConfigError);
  CHECK_THROWS_AS(hooks::hook_settings(load("[hooks]\nbudget_warn_percent = \"half\"\n")), ConfigError);
  CHECK(hooks::config_key("budget.exhausted") == "hooks.budget_exhausted");
}

TEST_CASE("each threshold of each budget is crossed once", "[hooks]") {
  domain::Budget b;
  b.max_iterations = 4;
  std::vector<int> pct{50, 75, 90};
  CHECK(hooks::crossings(b, iterations(0), iterations(1), pct).empty());
  auto two = hooks::crossings(b, iterations(1), iterations(2), pct);
  REQUIRE(two.size() == 1);
  CHECK(two[0].budget == "iterations");
  CHECK(two[0].percent == 50);
  CHECK(hooks::crossings(b, iterations(2), iterations(2), pct).empty()); // no step, no repeat
  CHECK(hooks::crossings(b, iterations(2), iterations(3), pct).size() == 1);
  auto four = hooks::crossings(b, iterations(3), iterations(4), pct);
  REQUIRE(four.size() == 1);
  CHECK(four[0].percent == 90);
  // A big step crosses several at once; several budgets cross independently.
  b.max_cost_usd = 1.0;
  domain::Spent after = iterations(4);
  after.cost_usd = 0.8;
  auto many = hooks::crossings(b, iterations(0), after, pct);
  REQUIRE(many.size() == 5);
  CHECK(many[3].budget == "cost");
  CHECK(many[4].percent == 75);
  // Unlimited budgets never warn.
  CHECK(hooks::crossings(domain::Budget{}, iterations(0), iterations(100), pct).empty());
}
