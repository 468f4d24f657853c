#pragma once
// ralphd's HTTP endpoints: /healthz (liveness), /readyz (readiness) and
// /metrics (Prometheus). Loopback by default; any other address needs a
// bearer token, and with a token every endpoint requires it.
// cpp-httplib stays in the .cpp (it is a heavy header).
#include <functional>
#include <memory>
#include <string>

#include "core/util/expected.hpp"

namespace ralph::daemon {

struct HttpOptions {
  std::string listen = "127.0.0.1:9187"; // host:port ([::1]:port for IPv6); port 0 = any free port; "" or "off" = disabled
  std::string token;                      // bearer token; required for a non-loopback host
};

// Called on the server's threads; each may throw (the request gets a 500).
struct HttpHandlers {
  std::function<bool()> ready;                   // /readyz: 200 "ready\n" when true, 503 otherwise
  std::function<std::string()> not_ready_reason; // body of the 503, e.g. "draining"
  std::function<std::string()> ready_detail;     // optional line after "ready", e.g. "redis: down"
  std::function<std::string()> metrics;          // /metrics body, Prometheus text format 0.0.4
};

class HttpServer {
public:
  HttpServer();
  ~HttpServer(); // stops and joins
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds before returning, so a bad address, a missing token or a busy port
  // is reported here (as a message naming daemon.http_listen), not later in a
  // thread. Disabled ("" or "off"): succeeds, serves nothing, port() == 0.
  // One start per server.
  util::Expected<void, std::string> start(const HttpOptions& opts, HttpHandlers handlers);
  int port() const; // the bound port (useful with port 0); 0 when not listening
  void stop();      // idempotent; returns within about a second even with idle keep-alive clients

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

struct ListenAddress {
  std::string host; // without IPv6 brackets
  int port = 0;
};
// "host:port" or "[v6]:port"; the error names daemon.http_listen.
util::Expected<ListenAddress, std::string> parse_listen(const std::string& listen);

// Whether `host` is a loopback address: 127.0.0.0/8, ::1 (also in
// brackets, or as ::ffff:127.x.y.z) or "localhost". Names other than
// localhost are not resolved, so they count as non-loopback.
bool is_loopback_host(const std::string& host);

} // namespace ralph::daemon
