// The JSON that scripts parse is a contract: pinned by a golden file,
// regenerated on purpose with RALPH_TEST_ACCEPT=1.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "cli/output.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

namespace {
store::Task sample_task() {
  store::Task t;
  t.id = 42;
  t.state = domain::TaskState::stopped;
  t.reason = domain::StopReason::max_cost;
  t.spec.agent = "claude";
  t.spec.model = "claude-sonnet-4-5";
  t.spec.workdir = "/srv/work";
  t.spec.budget.max_cost_usd = 5;
  t.totals.iterations = 3;
  t.totals.usage = {1200, 340, 5000, 800};
  t.totals.cost_usd = 5.0123;
  t.totals.cost_source = domain::CostSource::reported;
  t.totals.runtime_ms = 41234;
  t.created_at_ms = 1'700'000'000'000;
  t.started_at_ms = 1'700'000'001'000;
  t.finished_at_ms = 1'700'000'042'000;
  return t;
}

std::filesystem::path golden(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data" / name;
}

void check_golden(const std::string& name, const std::string& actual) {
  if (std::getenv("RALPH_TEST_ACCEPT")) std::ofstream(golden(name)) << actual;
  INFO("golden file " << golden(name) << " (regenerate with RALPH_TEST_ACCEPT=1)");
  CHECK(test::read_file(golden(name)) == actual);
}
} // namespace

TEST_CASE("status --json shape is pinned", "[cli][golden]") {
  check_golden("status.json", cli::task_json(sample_task(), true) + "\n");
}

TEST_CASE("unknown cost is never shown as $0", "[cli]") {
  auto t = sample_task();
  t.totals.unpriced_iterations = 3;
  t.totals.cost_usd = 0;
  t.totals.cost_source = domain::CostSource::unknown;
  CHECK(cli::format_cost(t.totals) == "unknown");
  CHECK(cli::task_json(t, false).find("\"cost_usd\":null") != std::string::npos);
  t.totals.unpriced_iterations = 1;
  t.totals.cost_usd = 0.25;
  CHECK(cli::format_cost(t.totals) == "≥ $0.2500 (1 of 3 iterations unpriced)");
  CHECK(cli::task_json(t, false).find("\"cost_source\":\"unknown\"") != std::string::npos);
}

TEST_CASE("human formats", "[cli]") {
  CHECK(cli::format_count(999) == "999");
  CHECK(cli::format_count(12345) == "12.3k");
  CHECK(cli::format_count(2'500'000) == "2.50M");
  CHECK(cli::format_seconds(5.31) == "5.3s");
  CHECK(cli::format_seconds(125) == "2m05s");
  CHECK(cli::format_seconds(7300) == "2h01m");
}
