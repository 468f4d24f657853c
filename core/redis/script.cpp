#include "core/redis/client.hpp"
#include "core/redis/sha1.hpp"

namespace ralph::redis {

Script::Script(std::string src) : source(std::move(src)), sha1(sha1_hex(source)) {}

} // namespace ralph::redis
