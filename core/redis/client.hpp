#pragma once
// A small Redis client for the optional fleet accelerator (wakeups, live
// logs). Redis is never the source of truth: every caller treats an Error as
// "Redis is down" and carries on through the store. hiredis stays in the .cpp
// files; this header is all the rest of ralph sees.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/expected.hpp"

namespace ralph::redis {

// Short and secret-free: never carries a password from the URL.
struct Error {
  std::string message;
};
template <typename T> using Result = util::Expected<T, Error>;

struct Reply {
  enum class Type { nil, integer, string, status, array, error };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;             // string, status and error text
  std::vector<Reply> elements; // array
};

// A Lua script, loaded once per connection; eval() runs EVALSHA and falls
// back to SCRIPT LOAD on NOSCRIPT.
struct Script {
  std::string source;
  std::string sha1;
  explicit Script(std::string src);
};

class Client { // NOT thread-safe: one per thread
public:
  virtual ~Client() = default;
  // One command, binary-safe argv. Reconnects (once, with the connect
  // timeout) when the connection broke since the last call; Error when Redis
  // is unreachable. A Redis error reply is a Reply of Type::error.
  virtual Result<Reply> command(const std::vector<std::string>& argv) = 0;
  virtual Result<Reply> eval(const Script& s, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args) = 0;
  // The configured key prefix (redis.prefix, default "ralph:"); every key
  // ralph uses starts with it.
  virtual const std::string& prefix() const = 0;
};

// url: redis://[[user]:password@]host[:port][/db]  or  unix:///path/to/redis.sock[?db=N]
// Error on a malformed URL. Connects lazily: the Client is returned while
// Redis is down and connects on first use.
Result<std::unique_ptr<Client>> connect(std::string_view url, std::string prefix,
                                        std::chrono::milliseconds timeout);

} // namespace ralph::redis
