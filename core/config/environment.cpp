// Layer 6, the environment: RALPH_<SECTION>_<KEY> and the legacy names;
// plus the process environment and the default state directory.
#include <algorithm>
#include <unistd.h>

#include "core/config/config.hpp"
#include "core/config/values.hpp"
#include "core/util/error.hpp"

extern char** environ;

namespace ralph::config {

namespace {

// Names that look like configuration but match no key are probably typos:
// warn, rather than silently run with the default.
constexpr std::string_view k_our_prefixes[] = {"RALPH_LOOP_", "RALPH_GIT_",    "RALPH_STORE_",   "RALPH_PATHS_",
                                               "RALPH_LOG_",  "RALPH_AGENTS_", "RALPH_PRICING_", "RALPH_MAX_"};

void set_from_env(Config& cfg, const KeyInfo& info, const std::string& name, const std::string& text) {
  Value probe;
  // The variable names the key already, so the message does not repeat it.
  if (auto problem = validate(info, text, probe))
    throw ConfigError("environment " + name + ": " + *problem + got_text(info, text));
  cfg.set(info.key, text, "environment " + name);
}

} // namespace

void load_environment(Config& cfg, const std::map<std::string, std::string>& env) {
  std::vector<std::string> known;
  for (const auto& k : key_table()) {
    if (is_dynamic(k)) continue;
    // The legacy name first, so the precise RALPH_<SECTION>_<KEY> wins.
    for (const std::string& name : {std::string(k.env), env_name(k.key)}) {
      if (name.empty()) continue;
      known.push_back(name);
      if (auto it = env.find(name); it != env.end()) set_from_env(cfg, k, name, it->second);
    }
  }
  for (const auto& entry : env) {
    const std::string& name = entry.first;
    bool ours = std::any_of(std::begin(k_our_prefixes), std::end(k_our_prefixes),
                            [&name](std::string_view p) { return name.starts_with(p); });
    if (!ours || std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string warning = "environment " + name + " names no configuration key";
    if (name.starts_with("RALPH_AGENTS_") || name.starts_with("RALPH_PRICING_MODELS_"))
      warning += " ([agents] and [pricing.models] tables are set in files only)";
    else if (auto best = closest(name, known); !best.empty())
      warning += " (did you mean " + best + "?)";
    cfg.warnings.push_back(warning + "; ignored");
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

std::filesystem::path default_state_dir(const std::map<std::string, std::string>& env) {
  auto get = [&env](const char* n) {
    auto it = env.find(n);
    return it == env.end() ? std::string() : it->second;
  };
  if (get("RALPH_SYSTEM") == "1") return "/var/lib/ralph";
  if (!get("XDG_STATE_HOME").empty()) return std::filesystem::path(get("XDG_STATE_HOME")) / "ralph";
  if (!get("HOME").empty()) return std::filesystem::path(get("HOME")) / ".local/state/ralph";
  // No HOME (a bare service environment): a private per-user directory.
  return std::filesystem::temp_directory_path() / ("ralph-" + std::to_string(::getuid()));
}

} // namespace ralph::config
