#pragma once
// Parses one line as a JSON object without throwing; anything else is ignored.
// Included only by the parsers' .cpp files (nlohmann/json is heavy).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace ralph::agents {

// Token counts above this (about 10^12) are nonsense; clamping keeps any sum
// of them that fits in a line far from int64 overflow (2^23 terms would be
// needed), whatever an agent prints.
inline constexpr std::int64_t k_max_count = std::int64_t{1} << 40;

inline std::optional<nlohmann::json> parse_object(std::string_view line) {
  auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{') return std::nullopt;
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A JSON number as an int64 clamped to [-k_max_count, k_max_count]; floats
// are truncated, NaN is 0 (a plain get<int64_t>() on 1e300 is undefined).
inline std::int64_t clamped_int(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(k_max_count) ? k_max_count : static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) {
    auto i = v.get<std::int64_t>();
    return i > k_max_count ? k_max_count : i < -k_max_count ? -k_max_count : i;
  }
  double d = v.get<double>();
  if (std::isnan(d)) return 0;
  if (d >= static_cast<double>(k_max_count)) return k_max_count;
  if (d <= -static_cast<double>(k_max_count)) return -k_max_count;
  return static_cast<std::int64_t>(d);
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
  } else if constexpr (std::is_same_v<T, double>) {
    return it->is_number() ? it->get<double>() : fallback;
  } else {
    static_assert(std::is_same_v<T, std::int64_t>);
    return it->is_number() ? clamped_int(*it) : fallback;
  }
}

// A token count: missing, negative or non-numeric is 0.
inline std::int64_t count(const nlohmann::json& j, const char* key) {
  auto v = value_or<std::int64_t>(j, key, 0);
  return v < 0 ? 0 : v;
}

// A finite, non-negative USD amount, if the field holds one.
inline std::optional<double> usd(const nlohmann::json& j, const char* key) {
  auto v = value_or<double>(j, key, -1.0);
  if (!std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

} // namespace ralph::agents
