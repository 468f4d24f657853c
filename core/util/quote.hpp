#pragma once
// A double-quoted string literal valid both as JSON and as a TOML basic
// string: quotes, backslashes and control characters escaped.
#include <string>
#include <string_view>

namespace ralph::util {

std::string quote(std::string_view s);

} // namespace ralph::util
