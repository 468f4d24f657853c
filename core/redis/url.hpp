#pragma once
// Parsing and displaying Redis URLs (the password never leaves this struct).
#include <string>
#include <string_view>

#include "core/redis/client.hpp"

namespace ralph::redis {

struct Endpoint {
  std::string host;        // TCP; empty for a unix socket
  int port = 6379;
  std::string socket_path; // unix socket; empty for TCP
  std::string user;        // Redis 6 ACL user; empty = "default"
  std::string password;    // empty = no AUTH
  int db = 0;
};

// redis://[[user]:password@]host[:port][/db]  or  unix:///path/to/redis.sock[?db=N]
// User and password may be percent-encoded.
Result<Endpoint> parse_url(std::string_view url);

// The URL with its password replaced by "***", for messages and logs.
std::string display_url(std::string_view url);

// "host:port" or the socket path: where a connection goes, for messages.
std::string describe(const Endpoint& e);

} // namespace ralph::redis
