// Reading the layers: TOML files (toml++, the only file that includes it) and
// the environment.
#include <toml++/toml.h>

#include <algorithm>
#include <unistd.h>

#include "core/config/config.hpp"
#include "core/config/values.hpp"
#include "core/util/error.hpp"

extern char** environ;

namespace ralph::config {

namespace {

std::string position(const std::string& file, const toml::source_region& src) {
  return file + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

// The text form Config::set validates, from a TOML leaf.
std::optional<std::string> leaf_text(const toml::node& node, const KeyInfo& info) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto f = node.as_floating_point()) {
    std::string t = std::to_string(f->get());
    return t;
  }
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto a = node.as_array()) {
    if (info.type != Type::string_list) return std::nullopt;
    std::vector<std::string> items;
    for (const auto& el : *a) {
      auto s = el.as_string();
      if (!s) return std::nullopt;
      items.push_back(s->get());
    }
    return list_text(items);
  }
  return std::nullopt;
}

std::string describe(const toml::node& node) {
  if (node.is_string()) return "string " + quote(node.as_string()->get());
  if (node.is_integer()) return "integer " + std::to_string(node.as_integer()->get());
  if (node.is_floating_point()) return "number";
  if (node.is_boolean()) return "boolean";
  if (node.is_array()) return "array";
  return "value";
}

void apply_table(Config& cfg, const toml::table& table, const std::string& prefix, const std::string& file) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (auto sub = node.as_table()) {
      apply_table(cfg, *sub, key, file);
      continue;
    }
    const KeyInfo* info = find_key(key);
    if (!info) throw ConfigError(position(file, k.source()) + ": unknown key '" + key + "'" + suggestion_for(key));
    std::string where = position(file, node.source());
    // TOML integers are seconds for durations; whole numbers are fine for numbers.
    auto text = leaf_text(node, *info);
    bool type_ok = text.has_value();
    if (type_ok && info->type == Type::string && !node.is_string()) type_ok = false;
    if (type_ok && info->type == Type::duration && !(node.is_string() || node.is_integer())) type_ok = false;
    if (!type_ok) {
      Value probe;
      auto problem = validate(*info, "\x01", probe).value_or("bad value");
      throw ConfigError(where + ": " + key + ": " + problem.substr(0, problem.find(", got")) + ", got " + describe(node));
    }
    cfg.set(key, *text, where);
  }
}

void load_file(Config& cfg, const std::filesystem::path& path, bool must_exist) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (must_exist) throw ConfigError(path.string() + ": configuration file not found");
    return;
  }
  toml::table parsed;
  try {
    parsed = toml::parse_file(path.string());
  } catch (const toml::parse_error& err) {
    throw ConfigError(position(path.string(), err.source()) + ": " + std::string(err.description()));
  }
  apply_table(cfg, parsed, "", path.string());
}

std::string env_name(std::string_view key) {
  std::string name = "RALPH_";
  for (char c : key) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

void load_environment(Config& cfg, const std::map<std::string, std::string>& env) {
  for (const auto& k : key_table()) {
    if (std::string_view(k.key).find('*') != std::string_view::npos) continue;
    // The legacy name first, so the precise RALPH_<SECTION>_<KEY> wins.
    for (std::string name : {std::string(k.env), env_name(k.key)}) {
      if (name.empty()) continue;
      if (auto it = env.find(name); it != env.end()) cfg.set(k.key, it->second, "environment " + name);
    }
  }
  static constexpr std::string_view sections[] = {"RALPH_LOOP_", "RALPH_GIT_", "RALPH_STORE_", "RALPH_PATHS_",
                                                   "RALPH_LOG_", "RALPH_PRICING_"};
  for (const auto& entry : env) {
    const std::string& name = entry.first; // a plain name: lambdas below capture it
    bool ours = std::any_of(std::begin(sections), std::end(sections), [&](auto s) { return name.starts_with(s); });
    if (!ours) continue;
    bool known = std::any_of(key_table().begin(), key_table().end(), [&](const KeyInfo& k) {
      return std::string_view(k.key).find('*') == std::string_view::npos && env_name(k.key) == name;
    });
    if (!known) cfg.warnings.push_back("environment " + name + " does not name a configuration key; ignored");
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t prev = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

} // namespace

std::optional<std::vector<std::string>> parse_list_text(std::string_view text) {
  auto t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  if (!t.starts_with("[")) {
    std::vector<std::string> items;
    std::string cur;
    for (char c : text) {
      if (c == ',') { if (!cur.empty()) items.push_back(cur); cur.clear(); }
      else cur += c;
    }
    if (!cur.empty()) items.push_back(cur);
    return items;
  }
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + std::string(text));
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  auto arr = parsed["v"].as_array();
  if (!arr) return std::nullopt;
  std::vector<std::string> items;
  for (const auto& el : *arr) {
    auto s = el.as_string();
    if (!s) return std::nullopt;
    items.push_back(s->get());
  }
  return items;
}

std::string suggestion_for(std::string_view key) {
  std::string best;
  std::size_t best_d = 4; // only close misspellings
  for (const auto& k : key_table()) {
    std::string candidate(k.key);
    if (auto star = candidate.find('*'); star != std::string::npos) {
      // Compare with the same table name filled in.
      auto prefix = candidate.substr(0, star);
      auto suffix = candidate.substr(star + 1);
      if (!key.starts_with(prefix)) continue;
      auto last = key.rfind('.');
      if (last == std::string_view::npos || last < prefix.size()) continue;
      candidate = std::string(key.substr(0, last)) + suffix;
    }
    auto d = edit_distance(key, candidate);
    if (d < best_d) { best_d = d; best = candidate; }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

Config load(const LoadOptions& options) {
  Config cfg;
  for (const auto& k : key_table()) {
    if (std::string_view(k.key).find('*') != std::string_view::npos || k.default_text.empty()) continue;
    std::string text(k.default_text);
    if (k.type == Type::string || k.type == Type::duration) text = text.substr(1, text.size() - 2);
    cfg.set(k.key, text, "default");
  }
  auto env = [&](const char* name) -> std::string {
    auto it = options.env.find(name);
    return it == options.env.end() ? "" : it->second;
  };
  if (options.read_system_files) load_file(cfg, "/etc/ralph/config.toml", false);
  std::filesystem::path xdg = env("XDG_CONFIG_HOME");
  if (xdg.empty() && !env("HOME").empty()) xdg = std::filesystem::path(env("HOME")) / ".config";
  if (!xdg.empty()) load_file(cfg, xdg / "ralph/config.toml", false);
  load_file(cfg, options.cwd / "ralph.toml", false);
  if (options.config_file) load_file(cfg, *options.config_file, true);
  else if (!env("RALPH_CONFIG").empty()) load_file(cfg, env("RALPH_CONFIG"), true);
  load_environment(cfg, options.env);
  return cfg;
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
  auto get = [&](const char* n) { auto it = env.find(n); return it == env.end() ? std::string() : it->second; };
  if (get("RALPH_SYSTEM") == "1") return "/var/lib/ralph";
  if (!get("XDG_STATE_HOME").empty()) return std::filesystem::path(get("XDG_STATE_HOME")) / "ralph";
  if (!get("HOME").empty()) return std::filesystem::path(get("HOME")) / ".local/state/ralph";
  return std::filesystem::temp_directory_path() / ("ralph-" + std::to_string(::getuid()));
}

} // namespace ralph::config
