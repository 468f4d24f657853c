#include "core/redis/connection.hpp"

#include <hiredis/hiredis.h>

#include <csignal>
#include <mutex>
#include <string>
#include <vector>

#include "core/log/redact.hpp"

namespace ralph::redis {

void ContextFree::operator()(redisContext* c) const { redisFree(c); }

namespace {

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// One handshake command; its error reply names no secret.
Result<void> run(redisContext* c, const Endpoint& e, std::string_view what, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) args.push_back(a.data()), lens.push_back(a.size());
  std::unique_ptr<redisReply, ReplyFree> reply(
      static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lens.data())));
  if (!reply) return util::unexpected(connection_error(e, "connection failed", c->errstr));
  if (reply->type == REDIS_REPLY_ERROR)
    return util::unexpected(connection_error(e, what, std::string_view(reply->str, reply->len)));
  return {};
}

} // namespace

Error connection_error(const Endpoint& endpoint, std::string_view what, std::string_view detail) {
  return Error{log::redact("redis " + describe(endpoint) + ": " + std::string(what) + ": " + std::string(detail))};
}

void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

Result<ContextPtr> open_connection(const Endpoint& e, std::chrono::milliseconds timeout) {
  ignore_sigpipe();
  auto tv = to_timeval(timeout);
  ContextPtr ctx(e.socket_path.empty() ? redisConnectWithTimeout(e.host.c_str(), e.port, tv)
                                       : redisConnectUnixWithTimeout(e.socket_path.c_str(), tv));
  if (!ctx) return util::unexpected(connection_error(e, "cannot connect", "out of memory"));
  if (ctx->err) return util::unexpected(connection_error(e, "cannot connect", ctx->errstr));
  if (redisSetTimeout(ctx.get(), tv) != REDIS_OK)
    return util::unexpected(connection_error(e, "cannot connect", ctx->errstr));
  if (!e.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!e.user.empty()) auth.push_back(e.user);
    auth.push_back(e.password);
    if (auto r = run(ctx.get(), e, "authentication failed", auth); !r) return util::unexpected(r.error());
  }
  if (e.db != 0)
    if (auto r = run(ctx.get(), e, "cannot select the database", {"SELECT", std::to_string(e.db)}); !r)
      return util::unexpected(r.error());
  return ctx;
}

} // namespace ralph::redis
