// The Redis client against real servers: the shared one from
// scripts/with-test-services.sh (RALPH_TEST_REDIS_URL, a unix:// URL) and
// private ones this file starts, kills and restarts.
#include <catch2/catch.hpp>

#include <poll.h>

#include <cstdlib>
#include <thread>

#include "core/redis/client.hpp"
#include "core/redis/subscriber.hpp"
#include "tests/integration/redis_server.hpp"

using namespace ralph;
using namespace std::chrono_literals;
using Type = redis::Reply::Type;

namespace {

std::string shared_url() {
  const char* url = std::getenv("RALPH_TEST_REDIS_URL");
  if (!url || !*url) FAIL("RALPH_TEST_REDIS_URL is not set: run this through scripts/with-test-services.sh");
  return url;
}

std::unique_ptr<redis::Client> client_for(const std::string& url, std::chrono::milliseconds timeout = 2000ms) {
  auto c = redis::connect(url, "ralph-test:", timeout);
  if (!c) FAIL(c.error().message);
  return std::move(*c);
}

redis::Reply ok(redis::Result<redis::Reply> r) {
  if (!r) FAIL(r.error().message);
  return std::move(*r);
}

} // namespace

TEST_CASE("commands and replies over the unix socket", "[redis]") {
  auto c = client_for(shared_url());
  CHECK(c->prefix() == "ralph-test:");
  auto pong = ok(c->command({"PING"}));
  CHECK(pong.type == Type::status);
  CHECK(pong.str == "PONG");

  std::string binary("a\0b\r\n", 5);
  CHECK(ok(c->command({"SET", "ralph-test:bin", binary})).type == Type::status);
  auto got = ok(c->command({"GET", "ralph-test:bin"}));
  CHECK(got.type == Type::string);
  CHECK(got.str == binary);
  CHECK(ok(c->command({"GET", "ralph-test:missing"})).type == Type::nil);

  ok(c->command({"DEL", "ralph-test:list"}));
  auto pushed = ok(c->command({"RPUSH", "ralph-test:list", "x", "y"}));
  CHECK(pushed.type == Type::integer);
  CHECK(pushed.integer == 2);
  auto range = ok(c->command({"LRANGE", "ralph-test:list", "0", "-1"}));
  REQUIRE(range.type == Type::array);
  REQUIRE(range.elements.size() == 2);
  CHECK(range.elements[1].str == "y");
}

TEST_CASE("an error reply is a Reply, and the connection stays usable", "[redis]") {
  auto c = client_for(shared_url());
  ok(c->command({"SET", "ralph-test:text", "not a number"}));
  auto err = ok(c->command({"INCR", "ralph-test:text"}));
  CHECK(err.type == Type::error);
  CHECK_THAT(err.str, Catch::Contains("not an integer"));
  CHECK(ok(c->command({"NOSUCHCOMMAND"})).type == Type::error);
  CHECK(ok(c->command({"PING"})).str == "PONG");
}

TEST_CASE("eval runs EVALSHA and loads the script again after SCRIPT FLUSH", "[redis]") {
  auto c = client_for(shared_url());
  redis::Script script("return {KEYS[1], ARGV[1]}");
  auto loaded = ok(c->command({"SCRIPT", "LOAD", script.source}));
  CHECK(loaded.str == script.sha1); // our SHA-1 is the name Redis gives it

  ok(c->command({"SCRIPT", "FLUSH"}));
  auto r = ok(c->eval(script, {"ralph-test:k"}, {"v"}));
  REQUIRE(r.type == Type::array);
  REQUIRE(r.elements.size() == 2);
  CHECK(r.elements[0].str == "ralph-test:k");
  CHECK(r.elements[1].str == "v");

  ok(c->command({"SCRIPT", "FLUSH"}));
  CHECK(ok(c->eval(script, {"ralph-test:k"}, {"w"})).elements.at(1).str == "w");

  redis::Script broken("this is not lua");
  CHECK(ok(c->eval(broken, {}, {})).type == Type::error);
}

TEST_CASE("TCP with a password and a database number", "[redis]") {
  test::RedisServer server("hunter2-redis-secret");
  auto base = "127.0.0.1:" + std::to_string(server.port());
  auto c = client_for("redis://:hunter2-redis-secret@" + base + "/3");
  ok(c->command({"SET", "ralph-test:db", "three"}));
  auto db0 = client_for("redis://default:hunter2-redis-secret@" + base);
  CHECK(ok(db0->command({"GET", "ralph-test:db"})).type == Type::nil);
  CHECK(ok(c->command({"GET", "ralph-test:db"})).str == "three");

  auto unix_db = client_for("unix://:hunter2-redis-secret@" + server.socket_path() + "?db=3");
  CHECK(ok(unix_db->command({"GET", "ralph-test:db"})).str == "three");
}

TEST_CASE("a wrong password or a server that is down: an Error without the password", "[redis]") {
  test::RedisServer server("right-password-123");
  auto wrong = client_for("redis://:wrong-password-456@127.0.0.1:" + std::to_string(server.port()));
  auto r = wrong->command({"PING"});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("authentication"));
  CHECK_THAT(r.error().message, !Catch::Contains("wrong-password-456"));

  auto port = server.port();
  server.kill_now();
  auto down = client_for("redis://user:down-password-789@127.0.0.1:" + std::to_string(port), 300ms);
  auto start = std::chrono::steady_clock::now();
  auto d = down->command({"PING"});
  REQUIRE_FALSE(d);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK_THAT(d.error().message, !Catch::Contains("down-password-789"));
  CHECK_THAT(d.error().message, Catch::Contains("127.0.0.1"));
}

TEST_CASE("a malformed URL is an Error that hides the password", "[redis]") {
  for (const char* url : {"http://x", "redis://:pw-secret-1@host:notaport", "redis://:pw-secret-1@/0",
                          "unix://relative.sock", "redis://h/notadb", "unix:///s.sock?bogus=1"}) {
    auto c = redis::connect(url, "p:", 100ms);
    INFO(url);
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message, !Catch::Contains("pw-secret-1"));
  }
}

TEST_CASE("the client reconnects after the server restarts", "[redis]") {
  test::RedisServer server;
  auto c = client_for("unix://" + server.socket_path(), 500ms);
  ok(c->command({"SET", "ralph-test:before", "1"}));

  SECTION("the first command after a restart succeeds") {
    server.kill_now();
    server.start();
    CHECK(ok(c->command({"PING"})).str == "PONG");
  }
  SECTION("commands fail while it is down, and work once it is back") {
    server.kill_now();
    CHECK_FALSE(c->command({"PING"}));
    CHECK_FALSE(c->command({"PING"}));
    server.start();
    CHECK(ok(c->command({"PING"})).str == "PONG");
    CHECK(ok(c->command({"GET", "ralph-test:before"})).type == Type::nil); // a new server, no data
  }
}

TEST_CASE("the client reconnects over TCP after the server restarts", "[redis]") {
  test::RedisServer server;
  auto c = client_for("redis://127.0.0.1:" + std::to_string(server.port()), 500ms);
  CHECK(ok(c->command({"PING"})).str == "PONG");
  server.kill_now();
  server.start();
  CHECK(ok(c->command({"PING"})).str == "PONG");
}

namespace {

// Polls the subscriber's descriptor until `want` messages arrived or 5 s passed.
std::vector<std::string> receive(redis::Subscriber& sub, std::size_t want) {
  std::vector<std::string> got;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
    pollfd p{sub.fd(), POLLIN, 0};
    if (p.fd >= 0) ::poll(&p, 1, 100);
    else std::this_thread::sleep_for(50ms);
    for (auto& m : sub.drain()) got.push_back(std::move(m));
  }
  return got;
}

} // namespace

TEST_CASE("a subscriber receives what is published, and resubscribes after a restart", "[redis]") {
  test::RedisServer server;
  auto url = "unix://" + server.socket_path();
  auto sub = redis::subscribe(url, "ralph-test:wake", 500ms);
  REQUIRE(sub);
  auto& s = **sub;
  CHECK(s.fd() == -1); // lazily: the first drain() subscribes
  auto first = s.drain();
  REQUIRE(s.connected());
  CHECK(first == std::vector<std::string>{"submit", "cancel"}); // anything may have been missed before
  CHECK(s.drain().empty()); // nothing pending: returns at once

  auto pub = client_for(url);
  CHECK(ok(pub->command({"PUBLISH", "ralph-test:wake", "cancel 42"})).integer == 1);
  ok(pub->command({"PUBLISH", "ralph-test:other", "not for us"}));
  ok(pub->command({"PUBLISH", "ralph-test:wake", "submit"}));
  CHECK(receive(s, 2) == std::vector<std::string>{"cancel 42", "submit"});

  server.kill_now();
  receive(s, 1); // notices the lost connection
  CHECK_FALSE(s.connected());
  CHECK(s.fd() == -1);
  CHECK(s.errors() >= 1);
  server.start();
  auto again = receive(s, 2); // resubscribes after its backoff
  CHECK(s.connected());
  CHECK(again == std::vector<std::string>{"submit", "cancel"});
  ok(pub->command({"PUBLISH", "ralph-test:wake", "cancel 7"}));
  CHECK(receive(s, 1) == std::vector<std::string>{"cancel 7"});
}
