#pragma once
// Internal helpers shared by the config implementation files.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"

namespace ralph::config {

std::string quote(std::string_view s);
std::string list_text(const std::vector<std::string>& items);
// "[\"a\", \"b\"]" (a TOML array of strings) or "a,b" (comma-separated).
std::optional<std::vector<std::string>> parse_list_text(std::string_view text);
// Validates text for the key's type and fills out; returns the problem.
std::optional<std::string> validate(const KeyInfo& info, std::string_view text, Value& out);
// " (did you mean 'loop.max_cost'?)" or "".
std::string suggestion_for(std::string_view key);

} // namespace ralph::config
