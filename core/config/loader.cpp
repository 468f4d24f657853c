// Reading the TOML layers (toml++: this is the only file that includes it,
// because it costs seconds per translation unit) and stacking all layers.
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/config/config.hpp"
#include "core/config/values.hpp"
#include "core/util/error.hpp"

namespace ralph::config {

// Defined in environment.cpp: layer 6.
void load_environment(Config& cfg, const std::map<std::string, std::string>& env);

namespace {

std::string position(const std::string& file, const toml::source_region& src) {
  return file + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

std::string join(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : ".") + s;
  return out;
}

std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    auto dot = pattern.find('.', start);
    out.push_back(pattern.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool segments_match(const std::vector<std::string_view>& pattern, const std::vector<std::string>& path) {
  for (std::size_t i = 0; i < path.size(); ++i)
    if (pattern[i] != "*" && pattern[i] != path[i]) return false;
  return true;
}

// The key whose pattern has exactly these segments ('*' = any one segment).
// Segment-wise, so [agents.mine.sub] with kind = … is not agents.*.kind.
const KeyInfo* find_key_segments(const std::vector<std::string>& path) {
  for (const auto& k : key_table()) {
    auto pattern = pattern_segments(k.key);
    if (pattern.size() == path.size() && segments_match(pattern, path)) return &k;
  }
  return nullptr;
}

// True when some key lies below this table path.
bool is_table_prefix(const std::vector<std::string>& path) {
  for (const auto& k : key_table()) {
    auto pattern = pattern_segments(k.key);
    if (pattern.size() > path.size() && segments_match(pattern, path)) return true;
  }
  return false;
}

// " (did you mean 'loop'?)" among the tables that are not dynamic.
std::string table_suggestion(const std::string& table) {
  std::vector<std::string> tables;
  for (const auto& k : key_table()) {
    std::string_view key = k.key;
    for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.', dot + 1)) {
      std::string prefix(key.substr(0, dot));
      if (prefix.find('*') != std::string::npos) break;
      if (std::find(tables.begin(), tables.end(), prefix) == tables.end()) tables.push_back(prefix);
    }
  }
  auto best = closest(table, tables);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// Shortest text that reads back as the same double.
std::string float_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : "nan";
}

// How a value of the wrong type is described: `string "ten"`, `integer -1`.
std::string describe(const toml::node& node, const KeyInfo& info) {
  if (auto s = node.as_string()) return info.secret ? "a hidden string" : "string " + quote(s->get());
  if (auto i = node.as_integer()) return "integer " + std::to_string(i->get());
  if (auto f = node.as_floating_point()) return "float " + float_text(f->get());
  if (auto b = node.as_boolean()) return std::string("boolean ") + (b->get() ? "true" : "false");
  if (auto a = node.as_array()) {
    for (const auto& el : *a)
      if (!el.is_string()) return "an array holding " + describe(el, info);
    return "an array";
  }
  if (node.is_table()) return "a table";
  return "a date or time";
}

// The text Config::set validates, when the TOML type fits the key's type.
std::optional<std::string> leaf_text(const toml::node& node, const KeyInfo& info) {
  switch (info.type) {
  case Type::string:
    if (auto s = node.as_string()) return s->get();
    break;
  case Type::integer:
    if (auto i = node.as_integer()) return std::to_string(i->get());
    break;
  case Type::number:
    if (auto i = node.as_integer()) return std::to_string(i->get());
    if (auto f = node.as_floating_point()) return float_text(f->get());
    break;
  case Type::boolean:
    if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
    break;
  case Type::duration:
    if (auto s = node.as_string()) return s->get();
    // A TOML integer is a number of seconds; a negative one fails validation.
    if (auto i = node.as_integer()) return i->get() < 0 ? std::to_string(i->get()) : std::to_string(i->get()) + "s";
    break;
  case Type::string_list:
    if (auto a = node.as_array()) {
      std::vector<std::string> items;
      for (const auto& el : *a) {
        auto s = el.as_string();
        if (!s) return std::nullopt;
        items.push_back(s->get());
      }
      return list_text(items);
    }
    break;
  }
  return std::nullopt;
}

void apply_table(Config& cfg, const toml::table& table, std::vector<std::string>& path, const std::string& file) {
  for (const auto& [k, node] : table) {
    path.emplace_back(k.str());
    const std::string key = join(path);
    const KeyInfo* info = find_key_segments(path);
    if (auto sub = node.as_table(); sub && !info) {
      // An unknown table with keys in it fails on its first key, where the
      // suggestion names a whole key ('lop.max_cost' -> 'loop.max_cost').
      if (sub->empty() && !is_table_prefix(path))
        throw ConfigError(position(file, k.source()) + ": unknown table '" + key + "'" + table_suggestion(key));
      apply_table(cfg, *sub, path, file);
      path.pop_back();
      continue;
    }
    if (!info) throw ConfigError(position(file, k.source()) + ": unknown key '" + key + "'" + suggestion_for(key));
    const std::string where = position(file, node.source());
    auto text = leaf_text(node, *info);
    if (!text)
      throw ConfigError(where + ": " + key + ": expected " + expected_words(info->type) + ", got " +
                        describe(node, *info));
    Value probe;
    if (auto problem = validate(*info, *text, probe))
      throw ConfigError(where + ": " + key + ": " + *problem + ", got " + describe(node, *info));
    cfg.set(key, *text, where);
    path.pop_back();
  }
}

void load_file(Config& cfg, const std::filesystem::path& path, bool must_exist) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (must_exist) throw ConfigError(name + ": configuration file not found");
    return;
  }
  if (std::filesystem::is_directory(path, ec)) throw ConfigError(name + ": is a directory, not a configuration file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(name + ": cannot read: " + std::strerror(errno));
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw ConfigError(name + ": cannot read: " + std::strerror(errno));
  toml::table parsed;
  try {
    parsed = toml::parse(content, name);
  } catch (const toml::parse_error& err) {
    throw ConfigError(position(name, err.source()) + ": " + std::string(err.description()));
  }
  std::vector<std::string> segments;
  apply_table(cfg, parsed, segments, name);
}

} // namespace

std::optional<std::vector<std::string>> parse_list_text(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos || text[first] != '[') {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto comma = std::min(text.find(',', start), text.size());
      auto item = text.substr(start, comma - start);
      auto b = item.find_first_not_of(" \t");
      auto e = item.find_last_not_of(" \t");
      if (b != std::string_view::npos) items.emplace_back(item.substr(b, e - b + 1));
      start = comma + 1;
    }
    return items;
  }
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + std::string(text));
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  auto arr = parsed["v"].as_array();
  if (!arr || parsed.size() != 1) return std::nullopt;
  std::vector<std::string> items;
  for (const auto& el : *arr) {
    auto s = el.as_string();
    if (!s) return std::nullopt;
    items.push_back(s->get());
  }
  return items;
}

Config load(const LoadOptions& options) {
  Config cfg;
  // 1. Built-in defaults; dynamic tables have none until a file names them.
  for (const auto& k : key_table()) {
    if (is_dynamic(k) || k.default_text.empty()) continue;
    std::string text(k.default_text);
    if (k.type == Type::string || k.type == Type::duration) text = text.substr(1, text.size() - 2);
    cfg.set(k.key, text, "default");
  }
  auto env = [&](const char* name) -> std::string {
    auto it = options.env.find(name);
    return it == options.env.end() ? "" : it->second;
  };
  // 2. The system file.
  if (options.read_system_files) load_file(cfg, "/etc/ralph/config.toml", false);
  // 3. The user's file, found through the given environment (tests point it into a sandbox).
  std::filesystem::path xdg = env("XDG_CONFIG_HOME");
  if (xdg.empty() && !env("HOME").empty()) xdg = std::filesystem::path(env("HOME")) / ".config";
  if (!xdg.empty()) load_file(cfg, xdg / "ralph/config.toml", false);
  // 4. The project's file.
  load_file(cfg, options.cwd / "ralph.toml", false);
  // 5. The file named explicitly: it must exist.
  if (options.config_file) load_file(cfg, *options.config_file, true);
  else if (!env("RALPH_CONFIG").empty()) load_file(cfg, env("RALPH_CONFIG"), true);
  // 6. The environment. Layer 7, flags, is applied by the CLI through Config::set.
  load_environment(cfg, options.env);
  return cfg;
}

} // namespace ralph::config
