// Config precedence, origins, validation, secrets and the generated example.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "core/config/config.hpp"
#include "core/util/error.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using Catch::Matchers::Contains;

namespace {
config::LoadOptions options(const test::Sandbox& box, std::map<std::string, std::string> env = {}) {
  config::LoadOptions o;
  o.cwd = box / "proj";
  o.read_system_files = false;
  env["XDG_CONFIG_HOME"] = (box / "xdg").string();
  o.env = std::move(env);
  std::filesystem::create_directories(o.cwd);
  return o;
}
} // namespace

TEST_CASE("defaults come from the key table", "[config]") {
  test::Sandbox box;
  auto cfg = config::load(options(box));
  CHECK(cfg.get_string("loop.agent") == "claude");
  CHECK(cfg.get_int("loop.max_iterations") == 100);
  CHECK(cfg.get_duration("loop.max_runtime") == std::chrono::hours(4));
  CHECK(cfg.get_number("loop.max_cost") == 0.0);
  CHECK(cfg.get_bool("git.enabled"));
  CHECK(cfg.get_list("loop.gates").empty());
  CHECK(cfg.find("loop.agent")->origin == "default");
}

TEST_CASE("each layer overrides the one below and says so", "[config]") {
  test::Sandbox box;
  box.write("xdg/ralph/config.toml", "[loop]\nmax_iterations = 7\nmax_cost = 2.5\nmodel = \"m-xdg\"\n");
  box.write("proj/ralph.toml", "[loop]\nmax_iterations = 8\nmodel = \"m-proj\"\n");
  auto extra = box.write("extra.toml", "[loop]\nmodel = \"m-extra\"\n");
  auto o = options(box, {{"RALPH_MAX_COST", "3"}});
  o.config_file = extra;
  auto cfg = config::load(o);
  CHECK(cfg.get_int("loop.max_iterations") == 8);
  CHECK(cfg.find("loop.max_iterations")->origin == (box / "proj/ralph.toml").string() + ":2:18");
  CHECK(cfg.get_string("loop.model") == "m-extra");
  CHECK(cfg.get_number("loop.max_cost") == 3.0);
  CHECK(cfg.find("loop.max_cost")->origin == "environment RALPH_MAX_COST");
  cfg.set("loop.max_cost", "4", "flag --max-cost");
  CHECK(cfg.get_number("loop.max_cost") == 4.0);
  CHECK(cfg.find("loop.max_cost")->origin == "flag --max-cost");
}

TEST_CASE("RALPH_CONFIG names a file; the precise env name beats the legacy one", "[config]") {
  test::Sandbox box;
  auto f = box.write("c.toml", "[loop]\nagent = \"codex\"\n");
  auto cfg = config::load(options(box, {{"RALPH_CONFIG", f.string()},
                                        {"RALPH_MAX_ITERATIONS", "5"},
                                        {"RALPH_LOOP_MAX_ITERATIONS", "6"},
                                        {"RALPH_AGENT", "gemini"},
                                        {"RALPH_MAX_RUNTIME", "90s"},
                                        {"RALPH_MAX_TOKENS", "1000"}}));
  CHECK(cfg.get_string("loop.agent") == "gemini");
  CHECK(cfg.get_int("loop.max_iterations") == 6);
  CHECK(cfg.get_duration("loop.max_runtime") == std::chrono::seconds(90));
  CHECK(cfg.get_int("loop.max_tokens") == 1000);
}

TEST_CASE("malformed files, unknown keys and bad values say where", "[config]") {
  test::Sandbox box;
  SECTION("malformed TOML") {
    box.write("proj/ralph.toml", "[loop\nmax_cost = 1\n");
    CHECK_THROWS_WITH(config::load(options(box)), Contains((box / "proj/ralph.toml").string() + ":1:"));
  }
  SECTION("unknown key with a suggestion") {
    box.write("proj/ralph.toml", "[loop]\nmax_cots = 1\n");
    CHECK_THROWS_WITH(config::load(options(box)),
                      Contains("ralph.toml:2:1: unknown key 'loop.max_cots' (did you mean 'loop.max_cost'?)"));
  }
  SECTION("wrong type") {
    box.write("proj/ralph.toml", "[loop]\nmax_iterations = \"ten\"\n");
    CHECK_THROWS_WITH(config::load(options(box)),
                      Contains("ralph.toml:2:18: loop.max_iterations: expected a non-negative integer, got \"ten\""));
  }
  SECTION("bad duration") {
    box.write("proj/ralph.toml", "[loop]\nmax_runtime = \"forever\"\n");
    CHECK_THROWS_WITH(config::load(options(box)), Contains("expected a duration"));
  }
  SECTION("negative budget") {
    box.write("proj/ralph.toml", "[loop]\nmax_cost = -1.0\n");
    CHECK_THROWS_AS(config::load(options(box)), ConfigError);
  }
  SECTION("bad env value") {
    CHECK_THROWS_WITH(config::load(options(box, {{"RALPH_MAX_COST", "abc"}})),
                      Contains("environment RALPH_MAX_COST: loop.max_cost: expected a non-negative number, got \"abc\""));
  }
  SECTION("explicit file missing") {
    auto o = options(box);
    o.config_file = box / "nope.toml";
    CHECK_THROWS_WITH(config::load(o), Contains("nope.toml: configuration file not found"));
  }
  SECTION("unknown key on the command line") {
    auto cfg = config::load(options(box));
    CHECK_THROWS_WITH(cfg.set("loop.max_iteration", "3", "flag --set"),
                      Contains("unknown key 'loop.max_iteration' (did you mean 'loop.max_iterations'?)"));
  }
  SECTION("unknown RALPH_LOOP_ env is warned about") {
    auto cfg = config::load(options(box, {{"RALPH_LOOP_MAX_COTS", "1"}}));
    REQUIRE(cfg.warnings.size() == 1);
    CHECK_THAT(cfg.warnings[0], Contains("RALPH_LOOP_MAX_COTS"));
  }
}

TEST_CASE("dynamic tables: agents and model prices, names with dots", "[config]") {
  test::Sandbox box;
  box.write("proj/ralph.toml", "[agents.mine]\nkind = \"command\"\ncommand = [\"./a.sh\", \"--x\"]\n"
                               "reports_usage = true\n[pricing.models.\"gpt-5.1\"]\ninput = 1.25\noutput = 10\n");
  auto cfg = config::load(options(box));
  CHECK(cfg.get_list("agents.mine.command") == std::vector<std::string>{"./a.sh", "--x"});
  CHECK(cfg.get_bool("agents.mine.reports_usage"));
  CHECK(cfg.table_names("agents") == std::vector<std::string>{"mine"});
  CHECK(cfg.table_names("pricing.models") == std::vector<std::string>{"gpt-5.1"});
  CHECK(cfg.get_number("pricing.models.gpt-5.1.output") == 10.0);
}

TEST_CASE("lists from flags and env", "[config]") {
  test::Sandbox box;
  auto cfg = config::load(options(box, {{"RALPH_LOOP_GATES", "make test,make lint"}}));
  CHECK(cfg.get_list("loop.gates") == std::vector<std::string>{"make test", "make lint"});
  cfg.set("loop.gates", "[\"a, b\", \"c\"]", "flag --gate");
  CHECK(cfg.get_list("loop.gates") == std::vector<std::string>{"a, b", "c"});
}

TEST_CASE("secrets are masked in config show", "[config][secrets]") {
  test::Sandbox box;
  box.write("proj/ralph.toml", "[agents.claude]\napi_key = \"sk-ant-api03-SECRETSECRETSECRET-wxyz\"\n");
  auto cfg = config::load(options(box));
  auto shown = config::render(cfg, true);
  CHECK_THAT(shown, !Contains("SECRETSECRET"));
  CHECK_THAT(shown, Contains("agents.claude.api_key = \"****wxyz\""));
  CHECK(config::mask_secret("short") == "\"****\"");
}

TEST_CASE("config.toml.example is generated from the key table", "[config][docs]") {
  auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  auto example = root / "config.toml.example";
  auto generated = config::render_example();
  if (std::getenv("RALPH_TEST_ACCEPT")) std::ofstream(example) << generated;
  INFO("regenerate with RALPH_TEST_ACCEPT=1 " << example);
  CHECK(test::read_file(example) == generated);

  // The example is itself a valid configuration.
  config::LoadOptions o;
  o.read_system_files = false;
  o.cwd = root / "tests";
  o.config_file = example;
  CHECK_NOTHROW(config::load(o));

  auto man = test::read_file(root / "man/config.toml.5.scd");
  for (const auto& k : config::key_table()) {
    std::string key(k.key);
    auto name = key.substr(key.rfind('.') + 1);
    INFO("config.toml(5) must document " << key);
    CHECK(man.find("*" + name + "*") != std::string::npos);
  }
}

TEST_CASE("state directory defaults", "[config]") {
  CHECK(config::default_state_dir({{"XDG_STATE_HOME", "/x"}}) == "/x/ralph");
  CHECK(config::default_state_dir({{"HOME", "/home/u"}}) == "/home/u/.local/state/ralph");
  CHECK(config::default_state_dir({{"RALPH_SYSTEM", "1"}, {"HOME", "/h"}}) == "/var/lib/ralph");
}
