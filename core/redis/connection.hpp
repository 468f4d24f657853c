#pragma once
// Opening a hiredis connection to an Endpoint (connect, timeouts, AUTH,
// SELECT): shared by the command client and the subscriber. hiredis is
// forward-declared; only core/redis/*.cpp include it.
#include <chrono>
#include <memory>

#include "core/redis/url.hpp"

struct redisContext;

namespace ralph::redis {

struct ContextFree {
  void operator()(redisContext* c) const;
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;

// A ready connection, or an Error without secrets.
Result<ContextPtr> open_connection(const Endpoint& endpoint, std::chrono::milliseconds timeout);

// "redis <where>: <what>: <detail>", redacted.
Error connection_error(const Endpoint& endpoint, std::string_view what, std::string_view detail);

// Makes writes to a closed socket an error instead of a fatal SIGPIPE.
void ignore_sigpipe();

} // namespace ralph::redis
