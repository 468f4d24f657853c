#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <httplib.h>

#include "daemon/http_server.hpp"

using namespace ralph::daemon;

namespace {

std::string start_error(const HttpOptions& opts) {
  HttpServer server;
  auto started = server.start(opts, {});
  return started ? "started" : started.error();
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

TEST_CASE("a non-loopback address needs a token", "[http]") {
  CHECK(start_error({"0.0.0.0:9187", ""}) == "daemon.http_listen = 0.0.0.0:9187 is not loopback; set daemon.http_token");
  CHECK_THAT(start_error({"[::]:0", ""}), Catch::Contains("is not loopback"));
  CHECK_THAT(start_error({"example.com:0", ""}), Catch::Contains("is not loopback"));
  CHECK(start_error({"0.0.0.0:0", "tok"}) == "started");
}

TEST_CASE("bad listen addresses are refused with a clear message", "[http]") {
  for (const char* listen : {"127.0.0.1", "127.0.0.1:", ":9187", "127.0.0.1:99999", "127.0.0.1:http", "::1:9187",
                             "127.0.0.1:-1"}) {
    INFO(listen);
    auto error = start_error({listen, ""});
    CHECK_THAT(error, Catch::StartsWith("daemon.http_listen = \"" + std::string(listen) + "\""));
  }
  CHECK_THAT(start_error({"no-such-host.invalid:0", "tok"}), Catch::StartsWith("cannot listen on no-such-host.invalid:0: "));
}

TEST_CASE("listen addresses parse", "[http]") {
  auto v4 = parse_listen("127.0.0.1:9187");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 9187);
  auto v6 = parse_listen("[::1]:0");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
}

TEST_CASE("loopback hosts", "[http]") {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"})
    CHECK(is_loopback_host(host));
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "127.evil.example", "localhost.example", ""})
    CHECK_FALSE(is_loopback_host(host));
}

TEST_CASE("\"off\" and \"\" disable the server", "[http]") {
  for (const char* listen : {"off", ""}) {
    HttpServer server;
    REQUIRE(server.start({listen, ""}, {}).has_value());
    CHECK(server.port() == 0);
    server.stop();
  }
}

TEST_CASE("a second server on the same port is refused", "[http]") {
  HttpServer first;
  REQUIRE(first.start({"127.0.0.1:0", ""}, {}).has_value());
  const std::string listen = "127.0.0.1:" + std::to_string(first.port());
  CHECK(start_error({listen, ""}) == "cannot listen on " + listen + ": address already in use (another ralphd?)");
}

TEST_CASE("a server starts once", "[http]") {
  HttpServer server;
  REQUIRE(server.start({"127.0.0.1:0", ""}, {}).has_value());
  auto again = server.start({"127.0.0.1:0", ""}, {});
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error() == "the HTTP server is already started");
}

TEST_CASE("stop() is prompt and frees the port", "[http]") {
  SECTION("right after start, many times") {
    for (int i = 0; i < 20; ++i) {
      HttpServer server;
      REQUIRE(server.start({"127.0.0.1:0", ""}, {}).has_value());
      auto t = std::chrono::steady_clock::now();
      server.stop();
      CHECK(seconds_since(t) < 0.5);
      server.stop(); // idempotent
    }
  }
  SECTION("with an idle keep-alive client") {
    HttpServer server;
    REQUIRE(server.start({"127.0.0.1:0", ""}, {}).has_value());
    const int port = server.port();
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    auto res = client.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    auto t = std::chrono::steady_clock::now();
    server.stop();
    CHECK(seconds_since(t) < 2.0);
    CHECK(server.port() == 0);
    HttpServer again; // the port is free again
    CHECK(again.start({"127.0.0.1:" + std::to_string(port), ""}, {}).has_value());
  }
}
