#pragma once
// Layered configuration. Precedence, lowest first:
//   1. built-in defaults (the key table)
//   2. /etc/ralph/config.toml
//   3. $XDG_CONFIG_HOME/ralph/config.toml (~/.config/ralph/config.toml)
//   4. ./ralph.toml
//   5. --config FILE or $RALPH_CONFIG
//   6. RALPH_<SECTION>_<KEY> environment, and the legacy names RALPH_AGENT,
//      RALPH_MAX_ITERATIONS, RALPH_MAX_RUNTIME, RALPH_MAX_TOKENS, RALPH_MAX_COST
//   7. command-line flags and --set key=value
// Every effective value remembers where it came from (`ralph config show --origin`).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ralph::config {

enum class Type { string, integer, number, boolean, duration, string_list };

// One row of the key table; the table generates config.toml.example and is
// checked against it and against config.toml(5) by a test.
struct KeyInfo {
  std::string_view key;          // "loop.max_cost"; a '*' segment matches any name
  Type type;
  std::string_view default_text; // TOML literal, "" = unset
  std::string_view env;          // extra legacy env name, or ""
  bool secret;                   // masked in `config show` and errors
  std::string_view doc;          // one line
};
const std::vector<KeyInfo>& key_table();
const KeyInfo* find_key(std::string_view key); // matches '*' segments
bool is_dynamic(const KeyInfo& info);           // a key under a named table (agents.*.kind)
// "RALPH_LOOP_MAX_COST" for "loop.max_cost"; "" for a dynamic key (files only).
std::string env_name(std::string_view key);

// Where a value came from: "default", "/etc/ralph/config.toml:12:1",
// "environment RALPH_MAX_COST", "flag --max-cost".
struct Value {
  std::string text;   // canonical text form (strings unquoted; lists as TOML array)
  std::string origin;
  std::vector<std::string> items; // string_list values
};

class Config {
public:
  // Sets a value from text, validating it against the key's type.
  // Throws ConfigError naming `origin` and the key on a bad value or unknown key.
  void set(std::string_view key, std::string_view text, std::string origin);
  void unset(std::string_view key);

  bool has(std::string_view key) const;
  const Value* find(std::string_view key) const;
  std::string get_string(std::string_view key) const;            // "" when unset
  std::optional<std::int64_t> get_int(std::string_view key) const;
  std::optional<double> get_number(std::string_view key) const;
  bool get_bool(std::string_view key) const;                     // false when unset
  std::optional<std::chrono::milliseconds> get_duration(std::string_view key) const;
  std::vector<std::string> get_list(std::string_view key) const;

  // Names of dynamic tables, e.g. table_names("agents") -> {"claude", "mine"}.
  std::vector<std::string> table_names(std::string_view prefix) const;
  const std::map<std::string, Value, std::less<>>& values() const { return m_values; }

  // Warnings collected while loading (unknown keys in files, …).
  std::vector<std::string> warnings;

private:
  std::map<std::string, Value, std::less<>> m_values;
};

struct LoadOptions {
  std::optional<std::filesystem::path> config_file; // --config
  std::filesystem::path cwd = ".";                  // where ./ralph.toml is looked for
  bool read_system_files = true;                    // /etc/ralph/config.toml (off in tests)
  // The environment to read: layer 6, RALPH_CONFIG, and XDG_CONFIG_HOME/HOME
  // for the user's file (tests point XDG_CONFIG_HOME into a sandbox).
  std::map<std::string, std::string> env;
};

// Loads layers 1-6. Throws ConfigError with file:line:column on a malformed
// file, an unknown key (with a suggestion) or a value of the wrong type, and
// "environment NAME: …" on a bad environment value. Unknown RALPH_LOOP_* etc.
// variables only add to Config::warnings.
Config load(const LoadOptions& options);

// Reads the process environment into a map (for LoadOptions::env).
std::map<std::string, std::string> process_environment();

// Renders `ralph config show`: one "key = <TOML literal>" line per effective
// value, sorted; table names that are not bare keys quoted
// (pricing.models."gpt-5.1".input); secrets masked. With origins:
// "loop.max_cost = 5.0    # environment RALPH_MAX_COST".
std::string render(const Config& config, bool with_origin);

// The example configuration generated from the key table (config.toml.example).
std::string render_example();

// Masks a secret for display: "****", or "****abcd" (the last 4) when the
// secret has at least 16 characters; "" stays "" (nothing is set).
std::string mask_secret(std::string_view secret);

// The default state directory: $XDG_STATE_HOME/ralph or ~/.local/state/ralph,
// /var/lib/ralph for uid 0 running as a system service ($RALPH_SYSTEM=1).
std::filesystem::path default_state_dir(const std::map<std::string, std::string>& env);

} // namespace ralph::config
