#pragma once
// Parses one line as a JSON object without throwing; anything else is ignored.
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ralph::agents {

inline std::optional<nlohmann::json> parse_object(std::string_view line) {
  auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{') return std::nullopt;
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// j[key] as T, or fallback when missing or of another type.
template <typename T> T value_or(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    return it->is_string() ? it->get<std::string>() : fallback;
  } else if constexpr (std::is_same_v<T, bool>) {
    return it->is_boolean() ? it->get<bool>() : fallback;
  } else {
    return it->is_number() ? it->get<T>() : fallback;
  }
}

inline std::int64_t count(const nlohmann::json& j, const char* key) {
  auto v = value_or<std::int64_t>(j, key, 0);
  return v < 0 ? 0 : v;
}

} // namespace ralph::agents
