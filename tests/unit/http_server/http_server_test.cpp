#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include <httplib.h>

#include "daemon/http_server.hpp"

using namespace ralph::daemon;

namespace {

HttpHandlers handlers(bool ready = true) {
  HttpHandlers h;
  h.ready = [ready] { return ready; };
  h.not_ready_reason = [] { return std::string("draining"); };
  h.metrics = [] { return std::string("# TYPE up gauge\nup 1\n"); };
  return h;
}

// A started server on a free loopback port.
struct Running {
  HttpServer server;
  explicit Running(HttpHandlers h = handlers(), std::string token = {}) {
    auto started = server.start({"127.0.0.1:0", std::move(token)}, std::move(h));
    REQUIRE(started.has_value());
    REQUIRE(server.port() > 0);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(2, 0);
    return c;
  }
};



} // namespace

TEST_CASE("/healthz answers ok", "[http]") {
  Running r;
  auto res = r.client().Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "ok\n");
}

TEST_CASE("/readyz follows the ready handler", "[http]") {
  SECTION("ready") {
    Running r(handlers(true));
    auto res = r.client().Get("/readyz");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ready\n");
  }
  SECTION("not ready: 503 with the reason") {
    Running r(handlers(false));
    auto res = r.client().Get("/readyz");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->body == "draining\n");
  }
}

TEST_CASE("/metrics serves the Prometheus text format", "[http]") {
  Running r;
  auto res = r.client().Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "# TYPE up gauge\nup 1\n");
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("unknown paths are 404", "[http]") {
  Running r;
  auto c = r.client();
  for (const char* path : {"/", "/nope", "/metrics/x", "/healthz?x"}) {
    auto res = c.Get(path);
    REQUIRE(res);
    CHECK(res->status == (std::string(path) == "/healthz?x" ? 200 : 404));
  }
  auto post = c.Post("/healthz", "x", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 404);
}

TEST_CASE("a handler that throws becomes a 500 and the server keeps serving", "[http]") {
  HttpHandlers h = handlers();
  h.metrics = []() -> std::string { throw std::runtime_error("store exploded: password=hunter2"); };
  h.ready = []() -> bool { throw 42; };
  Running r(h);
  auto c = r.client();
  auto res = c.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(res->body == "internal error\n");
  CHECK_FALSE(res->has_header("EXCEPTION_WHAT"));
  auto ready = c.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 500);
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("with a token every endpoint requires it", "[http]") {
  const std::string token = "s3cret-token-0123456789";
  Running r(handlers(), token);
  auto c = r.client();
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/nope"}) {
    INFO(path);
    auto none = c.Get(path);
    REQUIRE(none);
    CHECK(none->status == 401);
    CHECK(none->get_header_value("WWW-Authenticate") == "Bearer");

    auto wrong = c.Get(path, {{"Authorization", "Bearer " + token + "x"}});
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    CHECK(wrong->body.find(token) == std::string::npos);
    auto prefix = c.Get(path, {{"Authorization", "Bearer " + token.substr(0, 5)}});
    REQUIRE(prefix);
    CHECK(prefix->status == 401);
    auto basic = c.Get(path, {{"Authorization", "Basic " + token}});
    REQUIRE(basic);
    CHECK(basic->status == 401);
  }
  auto ok = c.Get("/healthz", {{"Authorization", "Bearer " + token}});
  REQUIRE(ok);
  CHECK(ok->status == 200);
  c.set_bearer_token_auth(token.c_str());
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  auto missing = c.Get("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}
