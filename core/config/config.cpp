// Config values: typed validation of text from any layer, typed reads.
#include <cerrno>
#include <charconv>
#include <algorithm>
#include <cstdlib>

#include "core/config/config.hpp"
#include "core/config/values.hpp"
#include "core/domain/duration.hpp"
#include "core/util/error.hpp"
#include "core/util/quote.hpp"

namespace ralph::config {

namespace {

std::string type_name(Type t) {
  switch (t) {
  case Type::string: return "a string";
  case Type::integer: return "a non-negative integer";
  case Type::number: return "a non-negative number";
  case Type::boolean: return "true or false";
  case Type::duration: return "a duration such as 90s, 30m or 4h";
  case Type::string_list: return "a list of strings";
  }
  return "a value";
}

} // namespace

std::string quote(std::string_view s) { return util::quote(s); }

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

std::optional<std::string> validate(const KeyInfo& info, std::string_view text, Value& out) {
  out.text = std::string(text);
  out.items.clear();
  switch (info.type) {
  case Type::string: return std::nullopt;
  case Type::integer: {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size() || v < 0) break;
    return std::nullopt;
  }
  case Type::number: {
    std::string s(text);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno != 0 || !(v >= 0)) break;
    return std::nullopt;
  }
  case Type::boolean:
    if (text == "true" || text == "1" || text == "yes") { out.text = "true"; return std::nullopt; }
    if (text == "false" || text == "0" || text == "no") { out.text = "false"; return std::nullopt; }
    break;
  case Type::duration:
    if (domain::parse_duration(text)) return std::nullopt;
    break;
  case Type::string_list: {
    auto items = parse_list_text(text);
    if (!items) break;
    out.items = std::move(*items);
    out.text = list_text(out.items);
    return std::nullopt;
  }
  }
  return "expected " + type_name(info.type) + ", got " + quote(text);
}

void Config::set(std::string_view key, std::string_view text, std::string origin) {
  const KeyInfo* info = find_key(key);
  if (!info) throw ConfigError(origin + ": unknown key '" + std::string(key) + "'" + suggestion_for(key));
  Value v;
  if (auto problem = validate(*info, text, v)) throw ConfigError(origin + ": " + std::string(key) + ": " + *problem);
  v.origin = std::move(origin);
  m_values[std::string(key)] = std::move(v);
}

void Config::unset(std::string_view key) {
  if (auto it = m_values.find(key); it != m_values.end()) m_values.erase(it);
}

bool Config::has(std::string_view key) const { return m_values.find(key) != m_values.end(); }

const Value* Config::find(std::string_view key) const {
  auto it = m_values.find(key);
  return it == m_values.end() ? nullptr : &it->second;
}

std::string Config::get_string(std::string_view key) const {
  auto* v = find(key);
  return v ? v->text : std::string();
}

std::optional<std::int64_t> Config::get_int(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  return std::strtoll(v->text.c_str(), nullptr, 10);
}

std::optional<double> Config::get_number(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  return std::strtod(v->text.c_str(), nullptr);
}

bool Config::get_bool(std::string_view key) const {
  auto* v = find(key);
  return v && v->text == "true";
}

std::optional<std::chrono::milliseconds> Config::get_duration(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  return domain::parse_duration(v->text);
}

std::vector<std::string> Config::get_list(std::string_view key) const {
  auto* v = find(key);
  return v ? v->items : std::vector<std::string>{};
}

std::vector<std::string> Config::table_names(std::string_view prefix) const {
  std::vector<std::string> names;
  const std::string p = std::string(prefix) + ".";
  for (const auto& k : key_table()) {
    std::string_view pattern = k.key;
    auto star = pattern.find('*');
    if (star == std::string_view::npos || pattern.substr(0, star) != p) continue;
    auto suffix = pattern.substr(star + 1);
    for (const auto& [key, _] : m_values) {
      if (key.size() <= p.size() + suffix.size() || !key.starts_with(p) || !std::string_view(key).ends_with(suffix))
        continue;
      auto name = key.substr(p.size(), key.size() - p.size() - suffix.size());
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace ralph::config
