// Type validation and the errors a user sees: file:line:column, suggestions,
// environment and flag values.
#include <catch2/catch.hpp>

#include "core/config/config.hpp"
#include "core/util/error.hpp"
#include "tests/unit/config/config_fixture.hpp"

using namespace ralph;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using test::config_options;
using test::load_project;

namespace {
// The message load() throws for ./ralph.toml holding `toml`, without the path.
std::string file_error(const test::Sandbox& box, const std::string& toml) {
  try {
    load_project(box, toml);
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    std::string path = (box / "proj/ralph.toml").string();
    REQUIRE(msg.starts_with(path + ":"));
    return msg.substr(path.size());
  }
  FAIL("no ConfigError for: " << toml);
  return "";
}

std::string env_error(const test::Sandbox& box, const std::string& name, const std::string& value) {
  std::filesystem::remove(box / "proj/ralph.toml");
  try {
    config::load(config_options(box, {{name, value}}));
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("no ConfigError for " << name << "=" << value);
  return "";
}
} // namespace

TEST_CASE("a malformed file names file:line:column", "[config]") {
  test::Sandbox box;
  CHECK_THAT(file_error(box, "[loop\nmax_cost = 1\n"), Contains(":1:"));
  CHECK_THAT(file_error(box, "[loop]\nmax_cost = 1\nmax_cost = 2\n"), Contains(":3:"));
  auto msg = file_error(box, "[loop]\nagent = \"unterminated\n");
  CHECK(msg.starts_with(":2:"));
  CHECK(msg.size() > 8); // toml++'s description follows
}

TEST_CASE("an unknown key in a file is an error with a suggestion", "[config]") {
  test::Sandbox box;
  CHECK(file_error(box, "[loop]\nmax_cots = 1\n") ==
        ":2:1: unknown key 'loop.max_cots' (did you mean 'loop.max_cost'?)");
  CHECK(file_error(box, "[git]\n  enable = true\n") == ":2:3: unknown key 'git.enable' (did you mean 'git.enabled'?)");
  CHECK(file_error(box, "[agents.mine]\ncomand = [\"x\"]\n") ==
        ":2:1: unknown key 'agents.mine.comand' (did you mean 'agents.mine.command'?)");
  // Nothing close: no suggestion.
  CHECK(file_error(box, "[loop]\nzzzzzzzzzzzz = 1\n") == ":2:1: unknown key 'loop.zzzzzzzzzzzz'");
  CHECK_THAT(file_error(box, "[lop]\nmax_cost = 1\n"), Contains("'lop.max_cost' (did you mean 'loop.max_cost'?)"));
  CHECK(file_error(box, "[nothing]\n") == ":1:2: unknown table 'nothing'");
  CHECK(file_error(box, "[gti]\n") == ":1:2: unknown table 'gti' (did you mean 'git'?)");
  CHECK(file_error(box, "[pricing.model]\n") == ":1:10: unknown table 'pricing.model' (did you mean 'pricing.models'?)");
  // A table name is one segment: [agents.mine.sub] is not agents.*.
  CHECK(file_error(box, "[agents.mine.sub]\nkind = \"command\"\n") == ":2:1: unknown key 'agents.mine.sub.kind'");
  CHECK_THAT(file_error(box, "max_cost = 1\n"), Contains("unknown key 'max_cost'"));
}

TEST_CASE("a value of the wrong type in a file names the key and what it got", "[config]") {
  test::Sandbox box;
  CHECK(file_error(box, "[loop]\nmax_iterations = \"ten\"\n") ==
        ":2:18: loop.max_iterations: expected an integer, got string \"ten\"");
  CHECK(file_error(box, "[loop]\nmax_iterations = -1\n") ==
        ":2:18: loop.max_iterations: expected an integer >= 0, got integer -1");
  CHECK(file_error(box, "[loop]\nmax_iterations = 1.5\n") ==
        ":2:18: loop.max_iterations: expected an integer, got float 1.5");
  CHECK(file_error(box, "[loop]\nmax_cost = -1.0\n") == ":2:12: loop.max_cost: expected a number >= 0, got float -1");
  CHECK(file_error(box, "[loop]\nmax_cost = \"5\"\n") == ":2:12: loop.max_cost: expected a number, got string \"5\"");
  CHECK_THAT(file_error(box, "[loop]\nmax_cost = nan\n"), Contains("loop.max_cost: expected a number"));
  CHECK_THAT(file_error(box, "[loop]\nmax_cost = inf\n"), Contains("loop.max_cost: expected a number"));
  CHECK(file_error(box, "[git]\nenabled = \"yes\"\n") ==
        ":2:11: git.enabled: expected a boolean (true or false), got string \"yes\"");
  CHECK(file_error(box, "[loop]\nagent = 5\n") == ":2:9: loop.agent: expected a string, got integer 5");
  CHECK(file_error(box, "[loop]\ngates = \"make test\"\n") ==
        ":2:9: loop.gates: expected a list of strings, got string \"make test\"");
  CHECK(file_error(box, "[loop]\ngates = [\"a\", 1]\n") ==
        ":2:9: loop.gates: expected a list of strings, got an array holding integer 1");
  CHECK_THAT(file_error(box, "[loop]\nmax_cost = { a = 1 }\n"), Contains("loop.max_cost: expected a number, got a table"));
  CHECK_THAT(file_error(box, "[loop.model]\nx = 1\n"), Contains("loop.model: expected a string, got a table"));
  CHECK_THAT(file_error(box, "[loop]\nagent = 1979-05-27\n"), Contains("got a date or time"));
}

TEST_CASE("durations: strings with units, TOML integers are seconds", "[config]") {
  test::Sandbox box;
  auto cfg = load_project(box, "[loop]\nmax_runtime = 90\niteration_timeout = \"1h30m\"\ncooldown = \"250ms\"\n"
                               "kill_grace = 0\n");
  CHECK(cfg.get_duration("loop.max_runtime") == std::chrono::seconds(90));
  CHECK(cfg.get_string("loop.max_runtime") == "90s");
  CHECK(cfg.get_duration("loop.iteration_timeout") == std::chrono::minutes(90));
  CHECK(cfg.get_duration("loop.cooldown") == std::chrono::milliseconds(250));
  CHECK(cfg.get_duration("loop.kill_grace") == std::chrono::milliseconds(0));

  CHECK(file_error(box, "[loop]\nmax_runtime = \"forever\"\n") ==
        ":2:15: loop.max_runtime: expected a duration such as \"90s\", \"30m\" or \"4h\", got string \"forever\"");
  CHECK_THAT(file_error(box, "[loop]\nmax_runtime = -5\n"), EndsWith("got integer -5"));
  CHECK_THAT(file_error(box, "[loop]\nmax_runtime = 1.5\n"), EndsWith("got float 1.5"));
  CHECK(env_error(box, "RALPH_LOOP_COOLDOWN", "1 hour") ==
        "environment RALPH_LOOP_COOLDOWN: expected a duration such as \"90s\", \"30m\" or \"4h\", got \"1 hour\"");
}

TEST_CASE("numbers keep their exact value and read back as TOML floats", "[config]") {
  test::Sandbox box;
  auto cfg = load_project(box, "[loop]\nmax_cost = 5\n[pricing.models.m]\ninput = 0.0000001\noutput = 1e3\n");
  CHECK(cfg.get_number("loop.max_cost") == 5.0);
  CHECK(cfg.get_string("loop.max_cost") == "5.0");
  CHECK(cfg.get_number("pricing.models.m.input") == 0.0000001);
  CHECK(cfg.get_number("pricing.models.m.output") == 1000.0);
  cfg.set("loop.max_cost", "0.1", "flag --max-cost");
  CHECK(cfg.get_number("loop.max_cost") == 0.1);
  CHECK(cfg.get_string("loop.max_cost") == "0.1");
  cfg.set("loop.max_cost", "-0", "flag --max-cost");
  CHECK(cfg.get_string("loop.max_cost") == "0.0");
}

TEST_CASE("a bad environment value names the variable", "[config]") {
  test::Sandbox box;
  CHECK(env_error(box, "RALPH_MAX_COST", "abc") == "environment RALPH_MAX_COST: expected a number, got \"abc\"");
  CHECK(env_error(box, "RALPH_MAX_COST", "-2") == "environment RALPH_MAX_COST: expected a number >= 0, got \"-2\"");
  CHECK(env_error(box, "RALPH_LOOP_MAX_ITERATIONS", "ten") ==
        "environment RALPH_LOOP_MAX_ITERATIONS: expected an integer, got \"ten\"");
  CHECK(env_error(box, "RALPH_MAX_TOKENS", "1e6") == "environment RALPH_MAX_TOKENS: expected an integer, got \"1e6\"");
  CHECK(env_error(box, "RALPH_GIT_ENABLED", "maybe") ==
        "environment RALPH_GIT_ENABLED: expected a boolean (true or false), got \"maybe\"");
  CHECK(env_error(box, "RALPH_MAX_COST", "") == "environment RALPH_MAX_COST: expected a number, got \"\"");
}

TEST_CASE("booleans and lists from text", "[config]") {
  test::Sandbox box;
  auto cfg = config::load(config_options(box, {{"RALPH_LOOP_GATES", "make test, make lint,,"},
                                               {"RALPH_GIT_ENABLED", "OFF"}}));
  CHECK(cfg.get_list("loop.gates") == std::vector<std::string>{"make test", "make lint"});
  CHECK(cfg.get_string("loop.gates") == "[\"make test\", \"make lint\"]");
  CHECK_FALSE(cfg.get_bool("git.enabled"));
  cfg.set("loop.gates", "[\"a, b\", \"c \\\"q\\\"\"]", "flag --gate");
  CHECK(cfg.get_list("loop.gates") == std::vector<std::string>{"a, b", "c \"q\""});
  cfg.set("loop.gates", "", "flag --gate");
  CHECK(cfg.get_list("loop.gates").empty());
  CHECK_THROWS_WITH(cfg.set("loop.gates", "[\"a\", 1]", "flag --gate"),
                    "flag --gate: loop.gates: expected a list of strings, got \"[\\\"a\\\", 1]\"");
  CHECK_THROWS_AS(cfg.set("loop.gates", "[\"a\"", "flag --gate"), ConfigError);
  cfg.set("git.enabled", "1", "flag --git");
  CHECK(cfg.get_bool("git.enabled"));
}

TEST_CASE("flags: unknown keys and bad values name the flag and the key", "[config]") {
  config::Config cfg;
  CHECK_THROWS_WITH(cfg.set("loop.max_iteration", "3", "flag --set"),
                    "flag --set: unknown key 'loop.max_iteration' (did you mean 'loop.max_iterations'?)");
  CHECK_THROWS_WITH(cfg.set("loop.max_iterations", "x", "flag --max-iterations"),
                    "flag --max-iterations: loop.max_iterations: expected an integer, got \"x\"");
  cfg.set("loop.max_iterations", "007", "flag --max-iterations");
  CHECK(cfg.get_string("loop.max_iterations") == "7");
  CHECK_FALSE(cfg.has("loop.agent"));
  cfg.set("loop.agent", "codex", "flag --agent");
  CHECK(cfg.has("loop.agent"));
  cfg.unset("loop.agent");
  CHECK_FALSE(cfg.has("loop.agent"));
  CHECK(cfg.get_string("loop.agent").empty());
  CHECK_FALSE(cfg.get_int("loop.max_tokens").has_value());
}

TEST_CASE("dynamic tables: agents and model prices, quoted names with dots", "[config]") {
  test::Sandbox box;
  auto cfg = load_project(box, "[agents.mine]\nkind = \"command\"\ncommand = [\"./a.sh\", \"--x\"]\n"
                               "reports_usage = true\nmax_output_tokens = 100\n"
                               "[agents.claude]\npermission_mode = \"plan\"\n"
                               "[pricing.models.\"gpt-5.1\"]\ninput = 1.25\noutput = 10\n"
                               "[pricing.models.\"gpt-x\"]\ncache_read = 0.5\n");
  CHECK(cfg.get_string("agents.mine.kind") == "command");
  CHECK(cfg.get_list("agents.mine.command") == std::vector<std::string>{"./a.sh", "--x"});
  CHECK(cfg.get_bool("agents.mine.reports_usage"));
  CHECK(cfg.get_int("agents.mine.max_output_tokens") == 100);
  CHECK_FALSE(cfg.get_int("agents.mine.max_retries").has_value()); // the agent applies its default
  CHECK(cfg.table_names("agents") == std::vector<std::string>{"claude", "mine"});
  CHECK(cfg.table_names("pricing.models") == std::vector<std::string>{"gpt-5.1", "gpt-x"});
  CHECK(cfg.table_names("loop").empty());
  CHECK(cfg.get_number("pricing.models.gpt-5.1.output") == 10.0);
  CHECK(cfg.get_number("pricing.models.gpt-x.cache_read") == 0.5);
  CHECK(cfg.find("pricing.models.gpt-x.cache_read")->origin == (box / "proj/ralph.toml").string() + ":12:14");

  // Inline tables and dotted keys are the same tables.
  cfg = load_project(box, "agents.mine.command = [\"x\"]\npricing = { models = { m = { input = 1 } } }\n");
  CHECK(cfg.get_list("agents.mine.command") == std::vector<std::string>{"x"});
  CHECK(cfg.get_number("pricing.models.m.input") == 1.0);

  // Flags can set a dynamic key too.
  cfg.set("agents.other.model", "m1", "flag --set");
  CHECK(cfg.table_names("agents") == std::vector<std::string>{"mine", "other"});
}

TEST_CASE("find_key matches '*' segments only where the table allows", "[config]") {
  REQUIRE(config::find_key("loop.max_cost") != nullptr);
  CHECK(config::find_key("loop.max_cost")->type == config::Type::number);
  REQUIRE(config::find_key("agents.my.bot.kind") != nullptr);
  CHECK(config::find_key("agents.my.bot.kind")->key == "agents.*.kind");
  CHECK(config::find_key("agents..kind") == nullptr);
  CHECK(config::find_key("agents.kind") == nullptr);
  CHECK(config::find_key("pricing.models.m.inputs") == nullptr);
  CHECK(config::find_key("loop") == nullptr);
  CHECK(config::is_dynamic(*config::find_key("pricing.models.m.input")));
  CHECK_FALSE(config::is_dynamic(*config::find_key("pricing.version")));
}
