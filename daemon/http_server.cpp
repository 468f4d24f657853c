#include "daemon/http_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <optional>
#include <string_view>
#include <thread>

#include <httplib.h>

#include "core/log/logger.hpp"

namespace ralph::daemon {

namespace {

using util::unexpected;

// Scrapes are rare and tiny: a few workers so a slow /metrics (it asks the
// store) does not hold up /healthz probes; short timeouts so an idle
// keep-alive client or a slow sender cannot delay stop() for long.
constexpr std::size_t worker_threads = 4;
constexpr std::size_t max_request_body = 4096;
constexpr std::size_t keep_alive_max_requests = 100;
constexpr time_t keep_alive_seconds = 1;
constexpr time_t read_timeout_seconds = 2;
constexpr time_t write_timeout_seconds = 5;
constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

std::string bad_listen(const std::string& listen, std::string_view why) {
  return "daemon.http_listen = \"" + listen + "\" " + std::string(why) +
         " (expected host:port such as 127.0.0.1:9187 or [::1]:9187, or \"off\")";
}

// No early exit, so the response time says nothing about how much of the
// token matched. `expected` is never empty here.
bool same_secret(std::string_view given, std::string_view expected) {
  std::size_t diff = given.size() ^ expected.size();
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<std::size_t>(static_cast<unsigned char>(given[i]) ^
                                     static_cast<unsigned char>(expected[i % expected.size()]));
  return diff == 0;
}

bool authorized(const httplib::Request& req, const std::string& token) {
  const std::string header = req.get_header_value("Authorization"); // a copy: it returns by value
  std::string_view auth = header;
  constexpr std::string_view scheme = "bearer ";
  if (auth.size() < scheme.size() || strncasecmp(auth.data(), scheme.data(), scheme.size()) != 0) return false;
  auth.remove_prefix(scheme.size());
  while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
  return same_secret(auth, token);
}

void text(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "text/plain; charset=utf-8");
}

std::string with_newline(std::string s) {
  if (s.empty() || s.back() != '\n') s += '\n';
  return s;
}

void add_routes(httplib::Server& srv, const std::string& token, const HttpHandlers& handlers) {
  srv.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    if (token.empty() || authorized(req, token)) return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("WWW-Authenticate", "Bearer");
    text(res, 401, "unauthorized\n"); // never echo what was sent
    return httplib::Server::HandlerResponse::Handled;
  });
  srv.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { text(res, 200, "ok\n"); });
  srv.Get("/readyz", [handlers](const httplib::Request&, httplib::Response& res) {
    if (handlers.ready && handlers.ready())
      return text(res, 200, "ready\n" + (handlers.ready_detail ? with_newline(handlers.ready_detail()) : ""));
    text(res, 503, with_newline(handlers.not_ready_reason ? handlers.not_ready_reason() : "not ready"));
  });
  srv.Get("/metrics", [handlers](const httplib::Request&, httplib::Response& res) {
    res.set_content(handlers.metrics ? handlers.metrics() : std::string(), metrics_content_type);
  });
}

std::string reason_phrase(int status) {
  switch (status) {
  case 400: return "bad request";
  case 404: return "not found";
  case 405: return "method not allowed";
  case 413: return "payload too large";
  case 414: return "uri too long";
  default: return "error " + std::to_string(status);
  }
}

void add_error_handling(httplib::Server& srv) {
  srv.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::daemon_logger().error("http: " + req.method + " " + req.path + " failed: " + what);
    res.headers.clear();
    text(res, 500, "internal error\n"); // details go to the log, not to the client
  });
  // Bodies for errors httplib produces itself (404, 400, 413...); ours already have one.
  srv.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(reason_phrase(res.status) + "\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }));
}

void add_limits(httplib::Server& srv) {
  // httplib's default adds SO_REUSEPORT, which would let a second ralphd
  // share the port silently; SO_REUSEADDR alone still allows a quick restart.
  srv.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  srv.new_task_queue = [] { return new httplib::ThreadPool(worker_threads); }; // httplib owns it
  srv.set_payload_max_length(max_request_body);
  srv.set_keep_alive_max_count(keep_alive_max_requests);
  srv.set_keep_alive_timeout(keep_alive_seconds);
  srv.set_read_timeout(read_timeout_seconds, 0);
  srv.set_write_timeout(write_timeout_seconds, 0);
}

// A readable reason when the host does not resolve, before httplib tries (it
// reports nothing beyond "failed").
std::optional<std::string> resolve_error(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (found) ::freeaddrinfo(found);
  if (rc == 0) return std::nullopt;
  return std::string(rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc));
}

} // namespace

util::Expected<ListenAddress, std::string> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return unexpected(bad_listen(listen, "has no port"));
  ListenAddress a{listen.substr(0, colon), 0};
  if (a.host.size() >= 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  else if (a.host.find_first_of("[]:") != std::string::npos)
    return unexpected(bad_listen(listen, "is not host:port (an IPv6 host goes in brackets)"));
  if (a.host.empty()) return unexpected(bad_listen(listen, "has no host"));
  auto port = std::string_view(listen).substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
    return unexpected(bad_listen(listen, "has no valid port"));
  a.port = std::stoi(std::string(port));
  if (a.port > 65535) return unexpected(bad_listen(listen, "has a port above 65535"));
  return a;
}

bool is_loopback_host(const std::string& host_in) {
  std::string host = host_in;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (strcasecmp(host.c_str(), "localhost") == 0) return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

struct HttpServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> exited{false};
  bool started = false;
  int port = 0;

  util::Expected<void, std::string> bind(const std::string& listen, const ListenAddress& addr) {
    if (auto why = resolve_error(addr.host)) return unexpected("cannot listen on " + listen + ": " + *why);
    errno = 0;
    int bound = addr.port == 0 ? server.bind_to_any_port(addr.host)
                               : (server.bind_to_port(addr.host, addr.port) ? addr.port : -1);
    if (bound > 0) {
      port = bound;
      return {};
    }
    int err = errno;
    std::string why = err == EADDRINUSE ? "address already in use (another ralphd?)"
                      : err != 0        ? std::strerror(err)
                                        : "cannot bind";
    return unexpected("cannot listen on " + listen + ": " + why);
  }

  void run() {
    thread = std::thread([this] {
      server.listen_after_bind();
      exited = true;
    });
    // httplib's stop() does nothing until its accept loop runs, so wait for
    // that here: a stop() right after start() must not hang.
    while (!server.is_running() && !exited) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

HttpServer::HttpServer() : m_impl(std::make_unique<Impl>()) {}
HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return m_impl->port; }

util::Expected<void, std::string> HttpServer::start(const HttpOptions& opts, HttpHandlers handlers) {
  if (m_impl->started) return unexpected(std::string("the HTTP server is already started"));
  if (opts.listen.empty() || opts.listen == "off") return {};
  auto addr = parse_listen(opts.listen);
  if (!addr) return unexpected(addr.error());
  if (!is_loopback_host(addr->host) && opts.token.empty())
    return unexpected("daemon.http_listen = " + opts.listen + " is not loopback; set daemon.http_token");
  m_impl->started = true;
  add_limits(m_impl->server);
  add_routes(m_impl->server, opts.token, handlers);
  add_error_handling(m_impl->server);
  if (auto bound = m_impl->bind(opts.listen, *addr); !bound) return bound;
  m_impl->run();
  return {};
}

void HttpServer::stop() {
  if (!m_impl || !m_impl->thread.joinable()) return;
  m_impl->server.stop();
  m_impl->thread.join();
  m_impl->port = 0;
}

} // namespace ralph::daemon
