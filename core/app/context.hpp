#pragma once
// The effective configuration of one ralph or ralphd process: the layered
// config files, --set values and flags, the state directory and the store.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/store/store.hpp"

namespace ralph::clock { class Clock; }

namespace ralph::app {

// What the command line may override, for both front-ends.
struct Overrides {
  std::string config_file;          // --config
  std::string state_dir;            // --state-dir
  std::vector<std::string> sets;    // --set key=value
};

// A flag that overrides a config key, e.g. {"loop.max_cost", "5", "--max-cost"}.
struct FlagValue {
  std::string key;
  std::string text;
  std::string flag;
};

struct Context {
  config::Config config;
  std::filesystem::path state_dir;
  std::string store_url;
};

// Loads the configuration layers, then --set values and flags on top.
// `cwd` is where ./ralph.toml is looked for. Throws ConfigError/UsageError.
Context load_context(const Overrides& opts, const std::vector<FlagValue>& flags,
                     const std::filesystem::path& cwd = std::filesystem::current_path());

// SQLite belongs to one machine and one ralph, so it is brought up to date
// whenever it is opened. A shared PostgreSQL is migrated only by ralphd at
// start and by `ralph migrate`: a newer CLI on a laptop must not change the
// schema under a fleet of older daemons, so other commands only check it.
enum class SchemaPolicy { migrate, require_current };

// Opens (creating if needed) the store and applies `policy`. Throws
// ralph::Error with a clear message when it cannot.
std::unique_ptr<store::Store> open_store(const Context& ctx, const clock::Clock& clock,
                                         SchemaPolicy policy = SchemaPolicy::require_current);

} // namespace ralph::app
