// The Client over hiredis: one blocking connection, connected lazily and
// reconnected after it breaks, with the same timeout for connect and reply.
#include <hiredis/hiredis.h>

#include <cerrno>

#include "core/redis/client.hpp"
#include "core/redis/connection.hpp"
#include "core/redis/reply.hpp"

namespace ralph::redis {

namespace {

// A peer that went away (server restart) rather than one that is slow: the
// command never reached a live server, so sending it again on a new
// connection is safe.
bool connection_lost(const redisContext& c, int saved_errno) {
  if (c.err == REDIS_ERR_EOF) return true;
  return c.err == REDIS_ERR_IO && (saved_errno == EPIPE || saved_errno == ECONNRESET);
}

std::vector<std::string> script_argv(const std::string& sha, const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVALSHA", sha, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

class HiredisClient final : public Client {
public:
  HiredisClient(Endpoint endpoint, std::string prefix, std::chrono::milliseconds timeout)
      : m_endpoint(std::move(endpoint)), m_prefix(std::move(prefix)), m_timeout(timeout) {}

  Result<Reply> command(const std::vector<std::string>& argv) override {
    bool reused = m_ctx != nullptr;
    if (!m_ctx)
      if (auto opened = open(); !opened) return util::unexpected(opened.error());
    auto reply = send(argv);
    // Only a connection that was fine before and found dead now (a server
    // restart) earns one retry; a fresh one that fails means Redis is down.
    if (reply || !reused || !m_lost) return reply;
    if (auto opened = open(); !opened) return util::unexpected(opened.error());
    return send(argv);
  }

  Result<Reply> eval(const Script& s, const std::vector<std::string>& keys,
                     const std::vector<std::string>& args) override {
    auto reply = command(script_argv(s.sha1, keys, args));
    if (!reply || reply->type != Reply::Type::error || !reply->str.starts_with("NOSCRIPT")) return reply;
    auto loaded = command({"SCRIPT", "LOAD", s.source});
    if (!loaded || loaded->type == Reply::Type::error) return loaded; // down, or a syntax error in the script
    return command(script_argv(s.sha1, keys, args));
  }

  const std::string& prefix() const override { return m_prefix; }

private:
  Result<void> open() {
    m_ctx.reset();
    m_lost = false;
    auto ctx = open_connection(m_endpoint, m_timeout);
    if (!ctx) return util::unexpected(ctx.error());
    m_ctx = std::move(*ctx);
    return {};
  }

  Result<Reply> send(const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<std::size_t> lens;
    for (const auto& a : argv) args.push_back(a.data()), lens.push_back(a.size());
    errno = 0;
    auto* raw = redisCommandArgv(m_ctx.get(), static_cast<int>(args.size()), args.data(), lens.data());
    int saved_errno = errno;
    if (raw) return take_reply(raw);
    // hiredis leaves a context unusable after any I/O error: drop it, so the
    // next call reconnects.
    m_lost = connection_lost(*m_ctx, saved_errno);
    bool timed_out = m_ctx->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK);
    auto err = connection_error(m_endpoint, timed_out ? "timed out" : "connection failed", m_ctx->errstr);
    m_ctx.reset();
    return util::unexpected(std::move(err));
  }

  Endpoint m_endpoint;
  std::string m_prefix;
  std::chrono::milliseconds m_timeout;
  ContextPtr m_ctx;
  bool m_lost = false;
};

} // namespace

Result<std::unique_ptr<Client>> connect(std::string_view url, std::string prefix, std::chrono::milliseconds timeout) {
  ignore_sigpipe();
  auto endpoint = parse_url(url);
  if (!endpoint) return util::unexpected(endpoint.error());
  if (timeout.count() <= 0) return util::unexpected(Error{"the Redis timeout must be positive"});
  return std::unique_ptr<Client>(std::make_unique<HiredisClient>(std::move(*endpoint), std::move(prefix), timeout));
}

} // namespace ralph::redis
