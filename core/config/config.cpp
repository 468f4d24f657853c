// Config values: typed validation of text from any layer, typed reads.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/config/config.hpp"
#include "core/config/values.hpp"
#include "core/domain/duration.hpp"
#include "core/util/error.hpp"
#include "core/util/quote.hpp"

namespace ralph::config {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Exact text of a finite double, always with a '.' or exponent so it reads
// back as a TOML float: 3 -> "3.0", 0.1 -> "0.1", 1e-07 -> "1e-07".
std::string number_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string out(buf, ec == std::errc{} ? end : buf);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

} // namespace

std::string quote(std::string_view s) { return util::quote(s); }

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

std::string expected_words(Type type) {
  switch (type) {
  case Type::string: return "a string";
  case Type::integer: return "an integer";
  case Type::number: return "a number";
  case Type::boolean: return "a boolean (true or false)";
  case Type::duration: return "a duration such as \"90s\", \"30m\" or \"4h\"";
  case Type::string_list: return "a list of strings";
  }
  return "a value";
}

std::string got_text(const KeyInfo& info, std::string_view text) {
  return info.secret ? ", got a hidden value" : ", got " + quote(text);
}

std::optional<std::string> validate(const KeyInfo& info, std::string_view text, Value& out) {
  out.text = std::string(text);
  out.items.clear();
  const std::string type_problem = "expected " + expected_words(info.type);
  switch (info.type) {
  case Type::string: return std::nullopt;
  case Type::integer: {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size()) return type_problem;
    // Every integer key is a count or a limit.
    if (v < 0) return type_problem + " >= 0";
    out.text = std::to_string(v);
    return std::nullopt;
  }
  case Type::number: {
    double v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size() || !std::isfinite(v)) return type_problem;
    if (v < 0) return type_problem + " >= 0";
    out.text = number_text(v == 0 ? 0.0 : v); // no "-0.0"
    return std::nullopt;
  }
  case Type::boolean: {
    auto t = lower(text);
    if (t == "true" || t == "1" || t == "yes" || t == "on") out.text = "true";
    else if (t == "false" || t == "0" || t == "no" || t == "off") out.text = "false";
    else return type_problem;
    return std::nullopt;
  }
  case Type::duration:
    if (!domain::parse_duration(text)) return type_problem;
    return std::nullopt;
  case Type::string_list: {
    auto items = parse_list_text(text);
    if (!items) return type_problem;
    out.items = std::move(*items);
    out.text = list_text(out.items);
    return std::nullopt;
  }
  }
  return type_problem;
}

void Config::set(std::string_view key, std::string_view text, std::string origin) {
  const KeyInfo* info = find_key(key);
  if (!info) throw ConfigError(origin + ": unknown key '" + std::string(key) + "'" + suggestion_for(key));
  Value v;
  if (auto problem = validate(*info, text, v))
    throw ConfigError(origin + ": " + std::string(key) + ": " + *problem + got_text(*info, text));
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
  std::int64_t out = 0;
  std::from_chars(v->text.data(), v->text.data() + v->text.size(), out);
  return out;
}

std::optional<double> Config::get_number(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  double out = 0;
  std::from_chars(v->text.data(), v->text.data() + v->text.size(), out);
  return out;
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
