#include <catch2/catch.hpp>

#include "core/redis/sha1.hpp"
#include "core/redis/url.hpp"

using namespace ralph::redis;

TEST_CASE("TCP URLs", "[redis]") {
  auto e = parse_url("redis://cache.internal");
  REQUIRE(e);
  CHECK(e->host == "cache.internal");
  CHECK(e->port == 6379);
  CHECK(e->db == 0);
  CHECK(e->password.empty());

  auto full = parse_url("redis://alice:p%40ss@10.0.0.5:6380/4");
  REQUIRE(full);
  CHECK(full->user == "alice");
  CHECK(full->password == "p@ss");
  CHECK(full->host == "10.0.0.5");
  CHECK(full->port == 6380);
  CHECK(full->db == 4);

  auto v6 = parse_url("redis://:pw@[::1]:7000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  CHECK(v6->user.empty());
  CHECK(v6->password == "pw");
  CHECK(describe(*v6) == "[::1]:7000");
}

TEST_CASE("unix socket URLs", "[redis]") {
  auto e = parse_url("unix:///run/redis/redis.sock?db=2");
  REQUIRE(e);
  CHECK(e->socket_path == "/run/redis/redis.sock");
  CHECK(e->db == 2);
  CHECK(describe(*e) == "/run/redis/redis.sock");
  auto auth = parse_url("unix://:secret@/tmp/r.sock");
  REQUIRE(auth);
  CHECK(auth->password == "secret");
  CHECK(auth->socket_path == "/tmp/r.sock");
}

TEST_CASE("malformed URLs are rejected without echoing the password", "[redis]") {
  for (const char* url : {"", "localhost:6379", "rediss://h", "redis://", "redis://:pw-1234567@h:0",
                          "redis://h:99999", "redis://h/x", "unix://", "unix://host/path", "unix:///s?db=x"}) {
    INFO(url);
    auto e = parse_url(url);
    REQUIRE_FALSE(e);
    CHECK(e.error().message.find("pw-1234567") == std::string::npos);
  }
}

TEST_CASE("display_url hides the password", "[redis]") {
  CHECK(display_url("redis://u:hunter2@h:1/0") == "redis://u:***@h:1/0");
  CHECK(display_url("redis://:hunter2@h") == "redis://:***@h");
  CHECK(display_url("redis://hunter2@h") == "redis://***@h");
  CHECK(display_url("unix://:hunter2@/s.sock?db=1") == "unix://:***@/s.sock?db=1");
  CHECK(display_url("unix:///s.sock?password=hunter2&db=1") == "unix:///s.sock?password=***&db=1");
  CHECK(display_url("redis://h:6379") == "redis://h:6379");
}

TEST_CASE("SHA-1 as Redis names scripts", "[redis]") {
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_hex(std::string(1000, 'a')) == "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}
