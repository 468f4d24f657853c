// Config precedence across all layers, and the origin each value remembers.
#include <catch2/catch.hpp>

#include "core/config/config.hpp"
#include "core/util/error.hpp"
#include "tests/unit/config/config_fixture.hpp"

using namespace ralph;
using Catch::Matchers::Contains;
using test::config_options;

TEST_CASE("defaults come from the key table", "[config]") {
  test::Sandbox box;
  auto cfg = config::load(config_options(box));
  CHECK(cfg.get_string("loop.agent") == "claude");
  CHECK(cfg.get_string("loop.prompt_file") == "PROMPT.md");
  CHECK(cfg.get_int("loop.max_iterations") == 100);
  CHECK(cfg.get_duration("loop.max_runtime") == std::chrono::hours(4));
  CHECK(cfg.get_duration("loop.kill_grace") == std::chrono::seconds(5));
  CHECK(cfg.get_number("loop.max_cost") == 0.0);
  CHECK(cfg.get_bool("git.enabled"));
  CHECK_FALSE(cfg.get_bool("loop.allow_unmetered"));
  CHECK(cfg.get_list("loop.gates").empty());
  CHECK(cfg.get_string("log.level") == "info");
  CHECK(cfg.find("loop.agent")->origin == "default");
  CHECK(cfg.warnings.empty());
  // Dynamic tables have no values until a file names one.
  CHECK(cfg.table_names("agents").empty());
  CHECK_FALSE(cfg.has("agents.claude.max_output_tokens"));
}

TEST_CASE("every default in the table is valid for its type", "[config]") {
  for (const auto& k : config::key_table()) {
    if (k.default_text.empty()) continue;
    std::string text(k.default_text);
    if (k.type == config::Type::string || k.type == config::Type::duration) {
      REQUIRE(text.size() >= 2);
      text = text.substr(1, text.size() - 2);
    }
    config::Config cfg;
    std::string key(k.key);
    if (auto star = key.find('*'); star != std::string::npos) key.replace(star, 1, "x");
    INFO(key << " = " << k.default_text);
    CHECK_NOTHROW(cfg.set(key, text, "default"));
  }
}

TEST_CASE("each layer overrides the one below, key by key, and says so", "[config]") {
  test::Sandbox box;
  box.write("xdg/ralph/config.toml", "[loop]\nmax_iterations = 7\nmax_cost = 2.5\nmodel = \"m-xdg\"\n"
                                     "cooldown = \"1s\"\n");
  box.write("proj/ralph.toml", "[loop]\nmax_iterations = 8\nmodel = \"m-proj\"\n");
  auto extra = box.write("extra.toml", "[loop]\nmodel = \"m-extra\"\nmax_tokens = 50\n");
  auto o = config_options(box, {{"RALPH_MAX_COST", "3"}, {"RALPH_LOOP_MAX_TOKENS", "60"}});
  o.config_file = extra;
  auto cfg = config::load(o);

  CHECK(cfg.get_duration("loop.cooldown") == std::chrono::seconds(1)); // xdg only
  CHECK(cfg.find("loop.cooldown")->origin == (box / "xdg/ralph/config.toml").string() + ":5:12");
  CHECK(cfg.get_int("loop.max_iterations") == 8); // proj beats xdg
  CHECK(cfg.find("loop.max_iterations")->origin == (box / "proj/ralph.toml").string() + ":2:18");
  CHECK(cfg.get_string("loop.model") == "m-extra"); // --config beats proj
  CHECK(cfg.find("loop.model")->origin == extra.string() + ":2:9");
  CHECK(cfg.get_int("loop.max_tokens") == 60); // env beats --config
  CHECK(cfg.find("loop.max_tokens")->origin == "environment RALPH_LOOP_MAX_TOKENS");
  CHECK(cfg.get_number("loop.max_cost") == 3.0); // legacy env beats xdg
  CHECK(cfg.find("loop.max_cost")->origin == "environment RALPH_MAX_COST");
  CHECK(cfg.get_string("loop.agent") == "claude");
  CHECK(cfg.find("loop.agent")->origin == "default");

  // Layer 7: the CLI applies flags on top.
  cfg.set("loop.max_cost", "4", "flag --max-cost");
  CHECK(cfg.get_number("loop.max_cost") == 4.0);
  CHECK(cfg.find("loop.max_cost")->origin == "flag --max-cost");
}

TEST_CASE("the system file is read only when asked", "[config]") {
  test::Sandbox box;
  auto o = config_options(box);
  REQUIRE_FALSE(o.read_system_files);
  // Whatever /etc/ralph/config.toml holds on this machine, it is not read.
  auto cfg = config::load(o);
  for (const auto& [key, value] : cfg.values()) CHECK(value.origin.find("/etc/ralph") == std::string::npos);
}

TEST_CASE("the user's file falls back to ~/.config without XDG_CONFIG_HOME", "[config]") {
  test::Sandbox box;
  box.write("home/.config/ralph/config.toml", "[git]\nenabled = false\n");
  config::LoadOptions o;
  o.read_system_files = false;
  o.cwd = box / "proj";
  o.env = {{"HOME", (box / "home").string()}};
  auto cfg = config::load(o);
  CHECK_FALSE(cfg.get_bool("git.enabled"));
  CHECK(cfg.find("git.enabled")->origin == (box / "home/.config/ralph/config.toml").string() + ":2:11");

  // XDG_CONFIG_HOME, when set, replaces ~/.config.
  o.env["XDG_CONFIG_HOME"] = (box / "xdg").string();
  CHECK(config::load(o).get_bool("git.enabled"));
}

TEST_CASE("RALPH_CONFIG names a file; --config wins over it", "[config]") {
  test::Sandbox box;
  auto from_env = box.write("env.toml", "[loop]\nagent = \"codex\"\nmodel = \"env-model\"\n");
  auto from_flag = box.write("flag.toml", "[loop]\nagent = \"gemini\"\n");
  box.write("proj/ralph.toml", "[loop]\nagent = \"command\"\n");
  auto o = config_options(box, {{"RALPH_CONFIG", from_env.string()}});
  auto cfg = config::load(o);
  CHECK(cfg.get_string("loop.agent") == "codex");
  CHECK(cfg.get_string("loop.model") == "env-model");

  o.config_file = from_flag;
  cfg = config::load(o);
  CHECK(cfg.get_string("loop.agent") == "gemini");
  CHECK(cfg.get_string("loop.model").empty()); // RALPH_CONFIG was not read
}

TEST_CASE("a missing file is skipped unless it was named", "[config]") {
  test::Sandbox box;
  auto o = config_options(box); // no xdg file, no ralph.toml
  CHECK_NOTHROW(config::load(o));

  o.config_file = box / "nope.toml";
  CHECK_THROWS_WITH(config::load(o), (box / "nope.toml").string() + ": configuration file not found");

  auto by_env = config_options(box, {{"RALPH_CONFIG", (box / "gone.toml").string()}});
  CHECK_THROWS_AS(config::load(by_env), ConfigError);

  std::filesystem::create_directories(box / "dir.toml");
  o.config_file = box / "dir.toml";
  CHECK_THROWS_WITH(config::load(o), Contains("dir.toml: is a directory"));
}

TEST_CASE("legacy environment names; the precise name beats the legacy one", "[config]") {
  test::Sandbox box;
  auto cfg = config::load(config_options(box, {{"RALPH_AGENT", "gemini"},
                                               {"RALPH_MAX_ITERATIONS", "5"},
                                               {"RALPH_LOOP_MAX_ITERATIONS", "6"},
                                               {"RALPH_MAX_RUNTIME", "90s"},
                                               {"RALPH_MAX_TOKENS", "1000"},
                                               {"RALPH_MAX_COST", "2.5"}}));
  CHECK(cfg.get_string("loop.agent") == "gemini");
  CHECK(cfg.find("loop.agent")->origin == "environment RALPH_AGENT");
  CHECK(cfg.get_int("loop.max_iterations") == 6);
  CHECK(cfg.find("loop.max_iterations")->origin == "environment RALPH_LOOP_MAX_ITERATIONS");
  CHECK(cfg.get_duration("loop.max_runtime") == std::chrono::seconds(90));
  CHECK(cfg.get_int("loop.max_tokens") == 1000);
  CHECK(cfg.get_number("loop.max_cost") == 2.5);
  CHECK(cfg.warnings.empty());
}

TEST_CASE("every non-dynamic key has an environment name", "[config]") {
  test::Sandbox box;
  CHECK(config::env_name("loop.max_cost") == "RALPH_LOOP_MAX_COST");
  CHECK(config::env_name("agents.*.kind").empty());
  auto cfg = config::load(config_options(box, {{"RALPH_GIT_ENABLED", "false"},
                                               {"RALPH_GIT_CHECKPOINT_INTERVAL", "0"},
                                               {"RALPH_STORE_URL", "sqlite:///tmp/x.db"},
                                               {"RALPH_PATHS_STATE_DIR", "/srv/ralph"},
                                               {"RALPH_LOG_LEVEL", "debug"},
                                               {"RALPH_PRICING_VERSION", "mine"},
                                               {"RALPH_LOOP_ALLOW_UNMETERED", "yes"}}));
  CHECK_FALSE(cfg.get_bool("git.enabled"));
  CHECK(cfg.get_int("git.checkpoint_interval") == 0);
  CHECK(cfg.get_string("store.url") == "sqlite:///tmp/x.db");
  CHECK(cfg.get_string("paths.state_dir") == "/srv/ralph");
  CHECK(cfg.get_string("log.level") == "debug");
  CHECK(cfg.get_string("pricing.version") == "mine");
  CHECK(cfg.get_bool("loop.allow_unmetered"));
}

TEST_CASE("unknown RALPH_ names that look like ours are warned about", "[config]") {
  test::Sandbox box;
  auto cfg = config::load(config_options(box, {{"RALPH_LOOP_MAX_COTS", "1"},
                                               {"RALPH_AGENTS_MINE_KIND", "command"},
                                               {"RALPH_MAX_ITERATION", "3"},
                                               {"RALPH_SOURCE_DIR", "/src"},
                                               {"RALPH_WHATEVER", "x"}}));
  REQUIRE(cfg.warnings.size() == 3);
  // The map is sorted: AGENTS, LOOP, MAX.
  CHECK_THAT(cfg.warnings[0], Contains("RALPH_AGENTS_MINE_KIND") && Contains("files only"));
  CHECK_THAT(cfg.warnings[1], Contains("RALPH_LOOP_MAX_COTS") && Contains("did you mean RALPH_LOOP_MAX_COST?"));
  CHECK_THAT(cfg.warnings[2], Contains("RALPH_MAX_ITERATION ") && Contains("did you mean RALPH_MAX_ITERATIONS?"));
  CHECK(cfg.get_int("loop.max_iterations") == 100);
}

TEST_CASE("state directory defaults", "[config]") {
  CHECK(config::default_state_dir({{"XDG_STATE_HOME", "/x"}, {"HOME", "/home/u"}}) == "/x/ralph");
  CHECK(config::default_state_dir({{"HOME", "/home/u"}}) == "/home/u/.local/state/ralph");
  CHECK(config::default_state_dir({{"RALPH_SYSTEM", "1"}, {"HOME", "/h"}, {"XDG_STATE_HOME", "/x"}}) ==
        "/var/lib/ralph");
  CHECK(config::default_state_dir({{"RALPH_SYSTEM", "0"}, {"HOME", "/h"}}) == "/h/.local/state/ralph");
}

TEST_CASE("process_environment reads the real environment", "[config]") {
  ::setenv("RALPH_UNIT_CONFIG_PROBE", "a=b", 1);
  auto env = config::process_environment();
  ::unsetenv("RALPH_UNIT_CONFIG_PROBE");
  CHECK(env["RALPH_UNIT_CONFIG_PROBE"] == "a=b");
}
