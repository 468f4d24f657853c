// SUBSCRIBE on a dedicated hiredis connection. The daemon's poll() says when
// the socket is readable; drain() then reads what arrived without blocking
// and parses every complete message hiredis has buffered.
#include "core/redis/subscriber.hpp"

#include <hiredis/hiredis.h>

#include <fcntl.h>

#include <algorithm>

#include "core/redis/connection.hpp"
#include "core/redis/reply.hpp"

namespace ralph::redis {

namespace {

using Steady = std::chrono::steady_clock;
constexpr std::chrono::milliseconds k_first_retry{250};
constexpr std::chrono::milliseconds k_max_retry{5000};

class RedisSubscriber final : public Subscriber {
public:
  RedisSubscriber(Endpoint endpoint, std::string channel, std::chrono::milliseconds timeout)
      : m_endpoint(std::move(endpoint)), m_channel(std::move(channel)), m_timeout(timeout) {}

  int fd() override { return m_ctx ? m_ctx->fd : -1; }
  bool connected() const override { return m_ctx != nullptr; }
  long long errors() const override { return m_errors; }

  std::vector<std::string> drain() override {
    if (!m_ctx) return reconnect();
    std::vector<std::string> out;
    // poll() said readable (or this is a timer's call): one read() of what
    // is there; 0 bytes means the server closed the connection.
    if (redisBufferRead(m_ctx.get()) != REDIS_OK) return lose();
    collect(out);
    return out;
  }

private:
  void collect(std::vector<std::string>& out) {
    void* raw = nullptr;
    while (m_ctx && redisGetReplyFromReader(m_ctx.get(), &raw) == REDIS_OK && raw) {
      auto r = take_reply(raw);
      raw = nullptr;
      // ["message", channel, payload]; subscribe confirmations are skipped.
      if (r.type == Reply::Type::array && r.elements.size() == 3 && r.elements[0].str == "message")
        out.push_back(r.elements[2].str);
    }
  }

  std::vector<std::string> lose() {
    m_ctx.reset();
    ++m_errors;
    m_next_attempt = Steady::now() + m_retry;
    return {};
  }

  // Connects and subscribes, no more often than the backoff allows. Whatever
  // was published while away is lost, so a fresh subscription reports both
  // kinds of wakeup: the daemon then checks the store for each.
  std::vector<std::string> reconnect() {
    if (Steady::now() < m_next_attempt) return {};
    auto ctx = open_connection(m_endpoint, m_timeout);
    if (ctx) {
      m_ctx = std::move(*ctx);
      const char* argv[] = {"SUBSCRIBE", m_channel.c_str()};
      std::size_t lens[] = {9, m_channel.size()};
      if (auto* raw = redisCommandArgv(m_ctx.get(), 2, argv, lens)) {
        take_reply(raw);
        // Non-blocking from now on: drain() must never wait on Redis.
        m_ctx->flags &= ~REDIS_BLOCK;
        ::fcntl(m_ctx->fd, F_SETFL, ::fcntl(m_ctx->fd, F_GETFL) | O_NONBLOCK);
        m_retry = k_first_retry;
        std::vector<std::string> out{"submit", "cancel"};
        collect(out);
        return out;
      }
    }
    m_ctx.reset();
    ++m_errors;
    m_next_attempt = Steady::now() + m_retry;
    m_retry = std::min(m_retry * 2, k_max_retry);
    return {};
  }

  Endpoint m_endpoint;
  std::string m_channel;
  std::chrono::milliseconds m_timeout;
  ContextPtr m_ctx;
  std::chrono::milliseconds m_retry = k_first_retry;
  Steady::time_point m_next_attempt{};
  long long m_errors = 0;
};

} // namespace

Result<std::unique_ptr<Subscriber>> subscribe(std::string_view url, std::string channel,
                                              std::chrono::milliseconds timeout) {
  auto endpoint = parse_url(url);
  if (!endpoint) return util::unexpected(endpoint.error());
  return std::unique_ptr<Subscriber>(std::make_unique<RedisSubscriber>(std::move(*endpoint), std::move(channel), timeout));
}

} // namespace ralph::redis
