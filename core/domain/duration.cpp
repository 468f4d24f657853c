#include "core/domain/duration.hpp"

#include <cctype>
#include <cstdint>
#include <limits>

namespace ralph::domain {

namespace {
std::optional<std::int64_t> unit_millis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s" || unit.empty()) return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  if (unit == "d") return 86'400'000;
  return std::nullopt;
}
} // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  bool bare_number_seen = false;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    std::int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > (std::numeric_limits<std::int64_t>::max() / 10) - 10) return std::nullopt;
      n = n * 10 + (text[i++] - '0');
    }
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    auto unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      // A bare number means seconds, and only on its own ("90", not "1h30").
      if (bare_number_seen || unit_start != text.size() || total != 0) return std::nullopt;
      bare_number_seen = true;
    }
    auto mult = unit_millis(unit);
    if (!mult) return std::nullopt;
    if (n > std::numeric_limits<std::int64_t>::max() / *mult / 2) return std::nullopt;
    total += n * *mult;
  }
  return Millis{total};
}

std::string format_duration(Millis d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) { out = "-"; ms = -ms; }
  const std::pair<std::int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out;
}

} // namespace ralph::domain
