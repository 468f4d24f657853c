#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/plugin/plugin.hpp"

namespace fs = std::filesystem;
using namespace ralph;

TEST_CASE("the build's plugins are found next to the executable and load", "[plugin]") {
  for (const char* file : {"libralph-pg.so", "libralph-curl.so"}) {
    INFO(file);
    CHECK_FALSE(plugin::find(file).empty());
    auto abi = plugin::symbol(file, "ralph_plugin_abi");
    REQUIRE(abi);
    CHECK(std::string(reinterpret_cast<const char* (*)()>(*abi)()) == RALPH_PLUGIN_ABI);
  }
  auto open = plugin::symbol("libralph-pg.so", "ralph_pg_open");
  CHECK(open);
  auto missing = plugin::symbol("libralph-pg.so", "no_such_entry");
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == "libralph-pg.so lacks no_such_entry");
}

TEST_CASE("a missing or broken plugin is a clear error, every time it is asked for", "[plugin]") {
  auto dir = fs::temp_directory_path() / ("ralph-plugin-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "libralph-broken.so") << "not an ELF file\n";
  ::setenv("RALPH_PLUGIN_DIR", dir.c_str(), 1);

  auto absent = plugin::symbol("libralph-absent.so", "ralph_plugin_abi");
  REQUIRE_FALSE(absent);
  CHECK_THAT(absent.error(), Catch::StartsWith("libralph-absent.so is not installed (looked in " + dir.string()));
  CHECK_THAT(absent.error(), Catch::Contains("RALPH_PLUGIN_DIR overrides"));
  CHECK(plugin::find("libralph-absent.so").empty());

  auto broken = plugin::symbol("libralph-broken.so", "ralph_plugin_abi");
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error(), Catch::Contains((dir / "libralph-broken.so").string()));
  auto again = plugin::symbol("libralph-broken.so", "ralph_plugin_abi");
  REQUIRE_FALSE(again);
  CHECK(again.error() == broken.error());

  // A real shared library that is not a ralph plugin.
  auto foreign_source = plugin::find("libralph-curl.so"); // any ELF .so will do; use a system one if present
  for (const char* lib : {"/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1"})
    if (fs::exists(lib)) foreign_source = lib;
  if (foreign_source.find("libz") != std::string::npos) {
    fs::copy_file(foreign_source, dir / "libralph-foreign.so");
    auto foreign = plugin::symbol("libralph-foreign.so", "ralph_plugin_abi");
    REQUIRE_FALSE(foreign);
    CHECK(foreign.error() == (dir / "libralph-foreign.so").string() + " is not a ralph plugin");
  } else {
    WARN("no libz.so.1 to stand in for a foreign library; that check did not run");
  }

  ::unsetenv("RALPH_PLUGIN_DIR");
  fs::remove_all(dir);
}
