#pragma once
// hiredis replies -> Reply. Include only from core/redis/*.cpp (it names
// hiredis' reply type).
#include "core/redis/client.hpp"

namespace ralph::redis {

// Converts and frees a reply hiredis handed over (void*: as hiredis returns it).
Reply take_reply(void* raw);

} // namespace ralph::redis
