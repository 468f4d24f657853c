// `ralph config show`: every effective value, origins, masked secrets, and
// output that reads back as the same configuration.
#include <catch2/catch.hpp>

#include "core/config/config.hpp"
#include "core/util/error.hpp"
#include "tests/unit/config/config_fixture.hpp"

using namespace ralph;
using Catch::Matchers::Contains;
using test::config_options;
using test::load_project;

namespace {
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start = nl + 1))
    out.push_back(text.substr(start, nl - start));
  return out;
}
} // namespace

TEST_CASE("mask_secret shows at most the last four characters of a long secret", "[config][secrets]") {
  CHECK(config::mask_secret("") == "");
  CHECK(config::mask_secret("short") == "****");
  CHECK(config::mask_secret("fifteen-chars-x") == "****");
  CHECK(config::mask_secret("sixteen-chars-xy") == "****s-xy");
  CHECK(config::mask_secret("sk-ant-api03-SECRETSECRETSECRET-wxyz") == "****wxyz");
}

TEST_CASE("secrets are masked in config show and in errors", "[config][secrets]") {
  test::Sandbox box;
  const std::string secret = "sk-ant-api03-SECRETSECRETSECRET-wxyz";
  auto cfg = load_project(box, "[agents.claude]\napi_key = \"" + secret + "\"\n[agents.short]\napi_key = \"abc\"\n");
  CHECK(cfg.get_string("agents.claude.api_key") == secret); // the agent still gets it
  for (bool with_origin : {false, true}) {
    auto shown = config::render(cfg, with_origin);
    CHECK_THAT(shown, !Contains("SECRETSECRET"));
    CHECK_THAT(shown, Contains("agents.claude.api_key = \"****wxyz\""));
    CHECK_THAT(shown, Contains("agents.short.api_key = \"****\""));
  }
  // A secret of the wrong type is not echoed either.
  try {
    load_project(box, "[agents.claude]\napi_key = [\"" + secret + "\"]\n");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), !Contains("SECRET"));
  }
}

TEST_CASE("render prints every effective value once, with its origin", "[config]") {
  test::Sandbox box;
  auto cfg = load_project(box, "[loop]\nmax_iterations = 9\ngates = [\"make test\"]\n", {{"RALPH_MAX_COST", "2"}});
  auto plain = lines(config::render(cfg, false));
  // Every non-dynamic key has a default, so each appears exactly once.
  std::size_t fixed = 0;
  for (const auto& k : config::key_table()) fixed += config::is_dynamic(k) ? 0 : 1;
  CHECK(plain.size() == fixed);
  CHECK(std::is_sorted(plain.begin(), plain.end()));
  CHECK_THAT(config::render(cfg, false), Contains("loop.max_iterations = 9\n"));
  CHECK_THAT(config::render(cfg, false), Contains("loop.max_cost = 2.0\n"));
  CHECK_THAT(config::render(cfg, false), Contains("loop.max_runtime = \"4h\"\n"));
  CHECK_THAT(config::render(cfg, false), Contains("loop.gates = [\"make test\"]\n"));
  CHECK_THAT(config::render(cfg, false), Contains("git.enabled = true\n"));
  CHECK_THAT(config::render(cfg, false), !Contains("#"));

  auto shown = config::render(cfg, true);
  CHECK_THAT(shown, Contains("# environment RALPH_MAX_COST\n"));
  CHECK_THAT(shown, Contains("# " + (box / "proj/ralph.toml").string() + ":2:18\n"));
  CHECK_THAT(shown, Contains("# default\n"));
  for (const auto& line : lines(shown)) CHECK(line.find("  # ") != std::string::npos);
}

TEST_CASE("render output reads back as the same configuration", "[config]") {
  test::Sandbox box;
  auto cfg = load_project(box, "[loop]\nmax_cost = 0.1\nprompt = \"say \\\"hi\\\"\\nthen stop\"\n"
                               "gates = [\"a, b\", \"c\"]\nmax_runtime = 90\n"
                               "[agents.\"my.bot\"]\ncommand = [\"./bot\"]\n"
                               "[pricing.models.\"gpt-5.1\"]\ninput = 1.25\n");
  auto shown = config::render(cfg, false);
  CHECK_THAT(shown, Contains("agents.\"my.bot\".command = [\"./bot\"]\n"));
  CHECK_THAT(shown, Contains("pricing.models.\"gpt-5.1\".input = 1.25\n"));

  box.write("again/ralph.toml", shown);
  config::LoadOptions o;
  o.read_system_files = false;
  o.cwd = box / "again";
  auto again = config::load(o);
  REQUIRE(again.values().size() == cfg.values().size());
  for (const auto& [key, value] : cfg.values()) {
    INFO(key);
    REQUIRE(again.has(key));
    CHECK(again.find(key)->text == value.text);
    CHECK(again.find(key)->items == value.items);
  }
  CHECK(again.get_string("loop.prompt") == "say \"hi\"\nthen stop");
}
