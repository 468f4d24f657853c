#include <catch2/catch.hpp>

#include "core/domain/budget.hpp"
#include "core/domain/duration.hpp"
#include "core/domain/stop_reason.hpp"
#include "core/domain/task_json.hpp"
#include "core/loop/backoff.hpp"
#include "core/loop/completion.hpp"
#include "core/pricing/pricing.hpp"

using namespace ralph;
using std::chrono::milliseconds;

TEST_CASE("durations parse and format", "[domain]") {
  CHECK(domain::parse_duration("90s") == milliseconds(90'000));
  CHECK(domain::parse_duration("4h") == milliseconds(4 * 3'600'000));
  CHECK(domain::parse_duration("1h30m") == milliseconds(5'400'000));
  CHECK(domain::parse_duration("250ms") == milliseconds(250));
  CHECK(domain::parse_duration("90") == milliseconds(90'000));
  CHECK(domain::parse_duration("0") == milliseconds(0));
  for (auto bad : {"", "s", "-5s", "5x", "1.5h", "1h30", "h1", "99999999999999999999s"})
    CHECK_FALSE(domain::parse_duration(bad).has_value());
  CHECK(domain::format_duration(milliseconds(5'400'000)) == "1h30m");
  CHECK(domain::format_duration(milliseconds(0)) == "0s");
  CHECK(domain::format_duration(milliseconds(1500)) == "1s500ms");
}

TEST_CASE("budget decisions", "[domain][budget]") {
  domain::Budget b;
  domain::Spent s;
  CHECK_FALSE(domain::check_before_iteration(b, s)); // no limits, no stop
  b.max_iterations = 3;
  s.iterations = 3;
  CHECK(domain::check_before_iteration(b, s) == domain::StopReason::max_iterations);
  s.iterations = 2;
  b.max_runtime = milliseconds(1000);
  s.runtime = milliseconds(1000);
  CHECK(domain::check_before_iteration(b, s) == domain::StopReason::max_runtime);
  CHECK(domain::remaining_runtime(b, s) == milliseconds(0));
  s.runtime = milliseconds(400);
  CHECK(domain::remaining_runtime(b, s) == milliseconds(600));
  b.max_tokens = 100;
  s.usage.input = 60;
  s.usage.cache_read = 40;
  CHECK(domain::check_while_streaming(b, s) == domain::StopReason::max_tokens);
  s.usage = {};
  b.max_cost_usd = 1.0;
  s.cost_usd = 0.99;
  CHECK_FALSE(domain::check_while_streaming(b, s));
  s.cost_usd = 1.0;
  CHECK(domain::check_while_streaming(b, s) == domain::StopReason::max_cost);
}

TEST_CASE("stop reasons map to documented exit codes", "[domain]") {
  using domain::StopReason;
  CHECK(domain::exit_code_for(StopReason::completed) == 0);
  for (auto r : {StopReason::max_iterations, StopReason::max_runtime, StopReason::max_tokens, StopReason::max_cost})
    CHECK(domain::exit_code_for(r) == 3);
  CHECK(domain::exit_code_for(StopReason::consecutive_failures) == 4);
  CHECK(domain::exit_code_for(StopReason::loop_detected) == 4);
  CHECK(domain::exit_code_for(StopReason::cancelled) == 5);
  CHECK(domain::exit_code_for(StopReason::error) == 1);
  for (auto name : {"completed", "max_iterations", "max_runtime", "max_tokens", "max_cost", "fleet_budget",
                    "consecutive_failures", "loop_detected", "cancelled", "lost_lease", "error"}) {
    auto r = domain::parse_stop_reason(name);
    REQUIRE(r);
    CHECK(domain::to_string(*r) == name);
  }
  CHECK_FALSE(domain::parse_stop_reason("done"));
}

TEST_CASE("cost sources combine towards the least certain", "[domain]") {
  using domain::CostSource;
  CHECK(domain::combine(CostSource::reported, CostSource::reported) == CostSource::reported);
  CHECK(domain::combine(CostSource::reported, CostSource::computed) == CostSource::computed);
  CHECK(domain::combine(CostSource::computed, CostSource::unknown) == CostSource::unknown);
}

TEST_CASE("prices: built-in table, normalisation, overrides", "[pricing]") {
  auto t = pricing::PriceTable::builtin();
  CHECK(t.version() == pricing::k_builtin_version);
  domain::Usage u;
  u.input = 1'000'000;
  u.output = 1'000'000;
  u.cache_write = 1'000'000;
  u.cache_read = 1'000'000;
  auto c = t.compute("claude-sonnet-4-5-20250929", u);
  CHECK(c.source == domain::CostSource::computed);
  CHECK(*c.usd == Approx(3 + 15 + 3.75 + 0.30));
  CHECK(*t.compute("anthropic/claude-opus-4-6", u).usd == Approx(5 + 25 + 6.25 + 0.5));
  CHECK(*t.compute("gpt-5.1-codex", u).usd == Approx(1.25 + 10 + 0 + 0.125));
  CHECK(*t.compute("gemini-2.5-pro", u).usd == Approx(1.25 + 10 + 0.125));
  CHECK(*t.compute("gpt-5-2025-08-07", u).usd == Approx(1.25 + 10 + 0.125));
  auto unknown = t.compute("my-local-model", u);
  CHECK(unknown.source == domain::CostSource::unknown);
  CHECK_FALSE(unknown.usd);
  t.set("my-local-model", {1, 2, 0, 0});
  CHECK(*t.compute("my-local-model", u).usd == Approx(3));
  CHECK(pricing::normalize_model_id("claude-haiku-4-5-20251001") == "claude-haiku-4-5");
  CHECK(pricing::normalize_model_id("gemini-2.5-flash-latest") == "gemini-2.5-flash");
}

TEST_CASE("completion promise rules", "[completion]") {
  using loop::promise_found;
  CHECK(promise_found("done\nLOOP_COMPLETE\n", "LOOP_COMPLETE", "p"));
  CHECK(promise_found("  LOOP_COMPLETE  ", "LOOP_COMPLETE", "p"));
  CHECK_FALSE(promise_found("I will say LOOP_COMPLETE later", "LOOP_COMPLETE", "p"));
  CHECK_FALSE(promise_found("LOOP_COMPLETE!", "LOOP_COMPLETE", "p"));
  CHECK_FALSE(promise_found("", "LOOP_COMPLETE", "p"));
  const std::string prompt = "Build it.\nThen print\nLOOP_COMPLETE\n";
  CHECK_FALSE(promise_found("You said: " + prompt + "ok", "LOOP_COMPLETE", prompt));
  CHECK(promise_found("You said: " + prompt + "done\nLOOP_COMPLETE", "LOOP_COMPLETE", prompt));
  CHECK(promise_found("x\nDONE", " DONE ", "p"));
}

TEST_CASE("loop detector and backoff", "[loop]") {
  loop::LoopDetector d(3);
  CHECK_FALSE(d.add("a"));
  CHECK_FALSE(d.add("a"));
  CHECK(d.add(" a\n"));
  CHECK_FALSE(d.add("b"));
  loop::LoopDetector off(0);
  CHECK_FALSE(off.add("a"));
  CHECK_FALSE(off.add("a"));
  CHECK_FALSE(off.add("a"));
  loop::LoopDetector empty(2);
  CHECK_FALSE(empty.add(""));
  CHECK_FALSE(empty.add(""));
  using loop::backoff_delay;
  CHECK(backoff_delay(milliseconds(100), milliseconds(1000), 1) == milliseconds(100));
  CHECK(backoff_delay(milliseconds(100), milliseconds(1000), 3) == milliseconds(400));
  CHECK(backoff_delay(milliseconds(100), milliseconds(1000), 30) == milliseconds(1000));
}

TEST_CASE("a repo task's repository and branch survive the stored JSON; older specs have none", "[domain]") {
  domain::TaskSpec s;
  s.repo = "https://user:token@example.org/r.git";
  s.branch = "feature/x";
  auto back = domain::task_spec_from_json(domain::to_json(s));
  REQUIRE(back);
  CHECK(back->repo == s.repo);
  CHECK(back->branch == s.branch);
  auto old = domain::task_spec_from_json(R"({"workdir":"/srv/w","agent":"claude"})");
  REQUIRE(old);
  CHECK(old->repo.empty());
  CHECK(old->branch.empty());
  CHECK(old->workdir == "/srv/w");
}
