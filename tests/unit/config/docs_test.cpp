// config.toml.example and config.toml(5) follow the key table. Regenerate the
// example with RALPH_TEST_ACCEPT=1 after changing the table.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "core/config/config.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

namespace {
// The source tree: $RALPH_SOURCE_DIR, else four levels above this file
// (tests/unit/config/docs_test.cpp).
std::filesystem::path source_dir() {
  if (const char* dir = std::getenv("RALPH_SOURCE_DIR"); dir && *dir) return dir;
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

// "agents.*.kind" as the man page writes it: "agents.NAME.kind".
std::string documented_name(const config::KeyInfo& k) {
  std::string key(k.key);
  if (auto star = key.find('*'); star != std::string::npos)
    key.replace(star, 1, key.starts_with("pricing.") ? "MODEL" : key.starts_with("rate_limits.") ? "PROVIDER" : "NAME");
  return key;
}
} // namespace

TEST_CASE("config.toml.example is generated from the key table", "[config][docs]") {
  auto example = source_dir() / "config.toml.example";
  auto generated = config::render_example();
  if (const char* accept = std::getenv("RALPH_TEST_ACCEPT"); accept && std::string(accept) == "1") {
    std::ofstream(example, std::ios::binary | std::ios::trunc) << generated;
    WARN("wrote " << example);
  }
  REQUIRE(std::filesystem::exists(example));
  INFO("regenerate with RALPH_TEST_ACCEPT=1 ./unit_config \"[docs]\"; file: " << example);
  CHECK(test::read_file(example) == generated);
}

TEST_CASE("the example lists every key with its default and doc line", "[config][docs]") {
  auto generated = config::render_example();
  for (const auto& k : config::key_table()) {
    std::string key(k.key);
    std::string name = key.substr(key.rfind('.') + 1);
    std::string value = k.default_text.empty() ? "…" : std::string(k.default_text);
    INFO(key);
    CHECK(generated.find(name + " = " + value + "    # " + std::string(k.doc)) != std::string::npos);
  }
}

TEST_CASE("the example is itself a valid configuration with the default values", "[config][docs]") {
  test::Sandbox box;
  config::LoadOptions o;
  o.read_system_files = false;
  o.cwd = box.path();
  auto defaults = config::load(o);
  o.config_file = source_dir() / "config.toml.example";
  auto cfg = config::load(o);
  REQUIRE(cfg.values().size() == defaults.values().size());
  for (const auto& [key, value] : cfg.values()) {
    INFO(key);
    CHECK(value.text == defaults.find(key)->text);
    CHECK(value.origin != "default"); // the example sets every non-dynamic key
  }
}

TEST_CASE("config.toml(5) documents every key and its environment names", "[config][docs]") {
  auto man = test::read_file(source_dir() / "man/config.toml.5.scd");
  for (const auto& k : config::key_table()) {
    INFO("config.toml(5) must document " << documented_name(k));
    CHECK(man.find("*" + documented_name(k) + "*") != std::string::npos);
    if (!config::is_dynamic(k)) CHECK(man.find(config::env_name(k.key)) != std::string::npos);
    if (!k.env.empty()) CHECK(man.find(std::string(k.env)) != std::string::npos);
  }
}

TEST_CASE("config.toml(5) is valid scdoc", "[config][docs]") {
  if (std::system("command -v scdoc >/dev/null 2>&1") != 0) {
    WARN("skipped: scdoc is not installed, so the man page syntax cannot be checked");
    return;
  }
  auto page = source_dir() / "man/config.toml.5.scd";
  std::string cmd = "scdoc < '" + page.string() + "' > /dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
}
