#pragma once
// ralphd's HTTP endpoints: /healthz, /readyz, /metrics. Loopback by default;
// any other address needs a bearer token. cpp-httplib stays in the .cpp.
#include <functional>
#include <memory>
#include <string>

#include "core/util/expected.hpp"

namespace ralph::daemon {

struct HttpOptions {
  std::string listen = "127.0.0.1:9187"; // host:port; port 0 = any free port
  std::string token;                      // bearer token; required for a non-loopback host
};

struct HttpHandlers {
  std::function<bool()> ready;                   // /readyz: 200 when true, 503 otherwise
  std::function<std::string()> not_ready_reason; // body of the 503
  std::function<std::string()> metrics;          // /metrics body, Prometheus text format
};

class HttpServer {
public:
  HttpServer();
  ~HttpServer(); // stops and joins
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds before returning, so a busy port or a bad address is reported here.
  util::Expected<bool, std::string> start(const HttpOptions& opts, HttpHandlers handlers);
  int port() const;
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

} // namespace ralph::daemon
