#include "core/ratelimit/redis/redis_limiter.hpp"

#include <cstdio>
#include <mutex>

#include "core/redis/client.hpp"

namespace ralph::ratelimit {

namespace {

using std::chrono::milliseconds;

std::string figure(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

class RedisLimiter final : public SharedLimiter {
public:
  explicit RedisLimiter(std::unique_ptr<redis::Client> client)
      : m_client(std::move(client)), m_script(bucket_script_source()) {}

  util::Expected<milliseconds, std::string> acquire(const std::string& provider, const RateLimit& limit) override {
    auto wait = run(provider, limit, "acquire", 0);
    if (!wait) return util::unexpected(wait.error());
    return milliseconds{*wait};
  }

  util::Expected<void, std::string> charge(const std::string& provider, const RateLimit& limit,
                                           std::int64_t tokens) override {
    auto r = run(provider, limit, "charge", tokens);
    if (!r) return util::unexpected(r.error());
    return {};
  }

private:
  util::Expected<long long, std::string> run(const std::string& provider, const RateLimit& limit, const char* op,
                                             std::int64_t tokens) {
    const std::string base = m_client->prefix() + "rl:" + provider + ":";
    std::vector<std::string> args{op,
                                  figure(limit.requests_per_minute),
                                  figure(limit.effective_request_burst()),
                                  figure(limit.tokens_per_minute),
                                  figure(limit.effective_token_burst()),
                                  std::to_string(tokens)};
    std::lock_guard lock(m_mutex); // a Client is one connection, not thread-safe
    auto reply = m_client->eval(m_script, {base + "req", base + "tok"}, args);
    if (!reply) return util::unexpected("redis: " + reply.error().message);
    if (reply->type == redis::Reply::Type::error) return util::unexpected("redis: " + reply->str);
    if (reply->type != redis::Reply::Type::integer) return util::unexpected(std::string("redis: unexpected reply"));
    return reply->integer;
  }

  std::mutex m_mutex;
  std::unique_ptr<redis::Client> m_client;
  redis::Script m_script;
};

} // namespace

std::unique_ptr<SharedLimiter> make_redis_limiter(std::unique_ptr<redis::Client> client) {
  return std::make_unique<RedisLimiter>(std::move(client));
}

} // namespace ralph::ratelimit
