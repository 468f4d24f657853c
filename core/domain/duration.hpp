#pragma once
// Human durations for config and flags: "90s", "4h", "1h30m", "250ms", or bare seconds.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ralph::domain {

using Millis = std::chrono::milliseconds;

// Returns nothing when the text is not a valid, non-negative duration.
std::optional<Millis> parse_duration(std::string_view text);
// Shortest exact form, e.g. 5400000ms -> "1h30m"; 0 -> "0s".
std::string format_duration(Millis d);

} // namespace ralph::domain
