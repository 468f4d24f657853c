#pragma once
// SHA-1 as lowercase hex: the name Redis gives a Lua script (EVALSHA).
// Not for anything security-related.
#include <string>
#include <string_view>

namespace ralph::redis {

std::string sha1_hex(std::string_view data);

} // namespace ralph::redis
