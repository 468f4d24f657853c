// [budgets.<name>]: parsing, validation, and which tasks a budget covers.
#include <catch2/catch.hpp>

#include "core/app/fleet_budgets.hpp"
#include "core/domain/fleet_budget.hpp"
#include "core/util/error.hpp"
#include "tests/unit/config/config_fixture.hpp"

using namespace ralph;
using Catch::Matchers::Contains;
using test::load_project;

namespace {

std::string budget_error(const test::Sandbox& box, const std::string& toml) {
  try {
    auto cfg = load_project(box, toml);
    app::fleet_budgets(cfg);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("no ConfigError for: " << toml);
  return "";
}

domain::TaskSpec task(std::string queue, std::optional<std::string> project = std::nullopt) {
  domain::TaskSpec s;
  s.queue = std::move(queue);
  if (project) s.labels["project"] = *project;
  s.labels["team"] = "x";
  return s;
}

} // namespace

TEST_CASE("fleet budgets are read from [budgets.<name>] tables", "[budgets]") {
  test::Sandbox box;
  auto cfg = load_project(box, "[budgets.fleet]\ndaily_cost_usd = 50\n"
                               "[budgets.gpu]\ndaily_cost_usd = 1.25\nqueue = \"gpu\"\n"
                               "[budgets.\"web.app\"]\ndaily_cost_usd = 0.1\nproject = \"web\"\nqueue = \"default\"\n");
  auto all = app::fleet_budgets(cfg);
  REQUIRE(all.size() == 3);
  CHECK(all[0].name == "fleet");
  CHECK(all[0].daily_micros == 50'000'000);
  CHECK_FALSE(all[0].queue);
  CHECK_FALSE(all[0].project);
  CHECK(all[1].name == "gpu");
  CHECK(all[1].daily_micros == 1'250'000);
  CHECK(all[1].queue == "gpu");
  CHECK(all[2].name == "web.app");
  CHECK(all[2].daily_micros == 100'000);
  CHECK(all[2].project == "web");
  CHECK(app::fleet_budgets(load_project(box, "")).empty());
}

TEST_CASE("bad fleet budgets are clear configuration errors", "[budgets]") {
  test::Sandbox box;
  CHECK_THAT(budget_error(box, "[budgets.b]\nqueue = \"q\"\n"), Contains("[budgets.b]: daily_cost_usd is required"));
  CHECK_THAT(budget_error(box, "[budgets.b]\ndaily_cost_usd = 0\n"),
             Contains("budgets.b.daily_cost_usd: expected a positive number of USD"));
  CHECK_THAT(budget_error(box, "[budgets.b]\ndaily_cost_usd = -3\n"), Contains("budgets.b.daily_cost_usd: expected a number >= 0"));
  CHECK_THAT(budget_error(box, "[budgets.b]\ndaily_cost_usd = \"lots\"\n"), Contains("budgets.b.daily_cost_usd"));
  CHECK_THAT(budget_error(box, "[budgets.b]\ndaily_cost_usd = 1\nqueue = \"\"\n"),
             Contains("budgets.b.queue: must not be empty"));
  // An unknown key is caught by the loader, with a suggestion.
  CHECK_THAT(budget_error(box, "[budgets.b]\ndaily_cost_usd = 1\nprojet = \"x\"\n"), Contains("project"));
}

TEST_CASE("a fleet budget covers the tasks its filters match", "[budgets]") {
  domain::FleetBudget every{"all", 1, std::nullopt, std::nullopt};
  domain::FleetBudget gpu{"gpu", 1, "gpu", std::nullopt};
  domain::FleetBudget web{"web", 1, std::nullopt, "web"};
  domain::FleetBudget web_gpu{"web-gpu", 1, "gpu", "web"};
  CHECK(domain::covers(every, task("default")));
  CHECK(domain::covers(gpu, task("gpu")));
  CHECK_FALSE(domain::covers(gpu, task("default", "web")));
  CHECK(domain::covers(web, task("default", "web")));
  CHECK_FALSE(domain::covers(web, task("default", "api")));
  CHECK_FALSE(domain::covers(web, task("default")));
  CHECK(domain::covers(web_gpu, task("gpu", "web")));
  CHECK_FALSE(domain::covers(web_gpu, task("default", "web")));
  CHECK(domain::covering_scopes({every, gpu, web, web_gpu}, task("gpu", "web")) ==
        std::vector<std::string>{"all", "gpu", "web", "web-gpu"});
  CHECK(domain::covering_scopes({gpu, web}, task("default")).empty());
}

TEST_CASE("fleet budget days are UTC and amounts whole micro-USD", "[budgets]") {
  CHECK(domain::utc_day(1'700'000'000'000) == "2023-11-14");
  CHECK(domain::utc_day(1'700'006'399'999) == "2023-11-14"); // 23:59:59.999 UTC
  CHECK(domain::utc_day(1'700'006'400'000) == "2023-11-15");
  CHECK(domain::to_micros(0.1) + domain::to_micros(0.2) == domain::to_micros(0.3));
  CHECK(domain::to_micros(1.0000004) == 1'000'000);
  CHECK(domain::format_usd(1'100'000) == "$1.10");
  CHECK(domain::format_usd(123'400) == "$0.1234");
  CHECK(domain::format_usd(0) == "$0.00");
  CHECK(domain::format_usd(-50'000) == "-$0.05");
}
