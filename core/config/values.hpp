#pragma once
// Internal helpers shared by the config implementation files.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"

namespace ralph::config {

std::string quote(std::string_view s);
// A TOML array of strings: ["a", "b"].
std::string list_text(const std::vector<std::string>& items);
// "[\"a\", \"b\"]" (a TOML array of strings) or "a, b" (comma-separated,
// items trimmed, empty items dropped); nothing when the array is malformed.
std::optional<std::vector<std::string>> parse_list_text(std::string_view text);

// What a key's type accepts, as the words after "expected": "an integer".
std::string expected_words(Type type);
// Validates text for the key's type and fills `out` with its canonical form.
// Returns the complaint ("expected an integer >= 0") without the "got" part.
std::optional<std::string> validate(const KeyInfo& info, std::string_view text, Value& out);
// ", got \"abc\"", or ", got a hidden value" for a secret key.
std::string got_text(const KeyInfo& info, std::string_view text);

std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate within a few edits of `word`, or "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'loop.max_cost'?)" or "".
std::string suggestion_for(std::string_view key);

} // namespace ralph::config
