#pragma once
// Shared setup for the config tests: a sandbox with a project directory and
// an XDG config home, and no system files or real environment.
#include <map>
#include <string>

#include "core/config/config.hpp"
#include "tests/support/sandbox.hpp"

namespace ralph::test {

inline config::LoadOptions config_options(const Sandbox& box, std::map<std::string, std::string> env = {}) {
  config::LoadOptions o;
  o.cwd = box / "proj";
  o.read_system_files = false;
  env.emplace("XDG_CONFIG_HOME", (box / "xdg").string());
  o.env = std::move(env);
  std::filesystem::create_directories(o.cwd);
  return o;
}

// Loads with ./ralph.toml holding `toml`.
inline config::Config load_project(const Sandbox& box, const std::string& toml,
                                   std::map<std::string, std::string> env = {}) {
  box.write("proj/ralph.toml", toml);
  return config::load(config_options(box, std::move(env)));
}

} // namespace ralph::test
