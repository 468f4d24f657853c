#include "daemon/http_server.hpp"

#include <cerrno>
#include <optional>
#include <cstring>
#include <thread>

#include <httplib.h>

namespace ralph::daemon {

namespace {

// Compares without an early exit, so response timing says nothing about the token.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

struct Address {
  std::string host;
  int port = -1;
};

std::optional<Address> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return std::nullopt;
  Address a;
  a.host = listen.substr(0, colon);
  if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  auto port = listen.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) return std::nullopt;
  a.port = std::stoi(port);
  if (a.port > 65535) return std::nullopt;
  return a;
}

} // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

struct HttpServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

HttpServer::HttpServer() : m_impl(std::make_unique<Impl>()) {}
HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return m_impl->port; }

util::Expected<bool, std::string> HttpServer::start(const HttpOptions& opts, HttpHandlers handlers) {
  auto addr = parse_listen(opts.listen);
  if (!addr) return util::unexpected("daemon.http_listen = \"" + opts.listen + "\" is not host:port (or \"off\")");
  if (!is_loopback_host(addr->host) && opts.token.empty())
    return util::unexpected("daemon.http_listen = " + opts.listen +
                            " is not loopback; set daemon.http_token so the endpoints require a bearer token");
  auto& srv = m_impl->server;
  // httplib's default adds SO_REUSEPORT, which would let a second ralphd
  // share the port silently; SO_REUSEADDR alone still allows a quick restart.
  srv.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  srv.set_keep_alive_max_count(10);
  srv.set_read_timeout(5, 0);
  srv.set_payload_max_length(4096);
  const std::string token = opts.token;
  srv.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    if (token.empty()) return httplib::Server::HandlerResponse::Unhandled;
    auto auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0 && same_secret(auth.substr(7), token))
      return httplib::Server::HandlerResponse::Unhandled;
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer");
    res.set_content("unauthorized\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  srv.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  srv.Get("/readyz", [handlers](const httplib::Request&, httplib::Response& res) {
    if (handlers.ready && handlers.ready()) return res.set_content("ready\n", "text/plain");
    res.status = 503;
    res.set_content((handlers.not_ready_reason ? handlers.not_ready_reason() : std::string("not ready")) + "\n",
                    "text/plain");
  });
  srv.Get("/metrics", [handlers](const httplib::Request&, httplib::Response& res) {
    res.set_content(handlers.metrics ? handlers.metrics() : std::string(), "text/plain; version=0.0.4; charset=utf-8");
  });
  srv.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("internal error\n", "text/plain");
  });
  int bound = addr->port == 0 ? srv.bind_to_any_port(addr->host) : (srv.bind_to_port(addr->host, addr->port) ? addr->port : -1);
  if (bound < 0) {
    int err = errno;
    return util::unexpected("cannot listen on " + opts.listen + ": " +
                            (err == EADDRINUSE ? std::string("address already in use (another ralphd?)")
                                               : std::string(err ? std::strerror(err) : "cannot bind")));
  }
  m_impl->port = bound;
  m_impl->thread = std::thread([&srv] { srv.listen_after_bind(); });
  return true;
}

void HttpServer::stop() {
  if (!m_impl || !m_impl->thread.joinable()) return;
  m_impl->server.stop();
  m_impl->thread.join();
}

} // namespace ralph::daemon
