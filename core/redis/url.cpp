#include "core/redis/url.hpp"

#include <charconv>

namespace ralph::redis {

namespace {

Error bad(std::string_view url, std::string_view why) {
  return Error{"invalid Redis URL " + display_url(url) + ": " + std::string(why)};
}

bool parse_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && out >= 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// "[user]:password@" in front of the host, if any.
void split_userinfo(std::string_view& authority, Endpoint& e) {
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return;
  auto info = authority.substr(0, at);
  authority.remove_prefix(at + 1);
  auto colon = info.find(':');
  if (colon == std::string_view::npos) {
    e.password = percent_decode(info); // redis://password@host, as some clients write it
    return;
  }
  e.user = percent_decode(info.substr(0, colon));
  e.password = percent_decode(info.substr(colon + 1));
}

Result<Endpoint> parse_tcp(std::string_view url, std::string_view rest) {
  Endpoint e;
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  split_userinfo(authority, e);
  std::string_view host = authority;
  if (authority.starts_with('[')) { // [::1]:6379
    auto close = authority.find(']');
    if (close == std::string_view::npos) return util::unexpected(bad(url, "unterminated [IPv6] host"));
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && !authority.starts_with(':')) return util::unexpected(bad(url, "junk after ]"));
    if (!authority.empty() && !parse_int(authority.substr(1), e.port))
      return util::unexpected(bad(url, "bad port"));
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!parse_int(authority.substr(colon + 1), e.port) || e.port == 0 || e.port > 65535)
      return util::unexpected(bad(url, "bad port"));
  }
  if (host.empty()) return util::unexpected(bad(url, "no host"));
  e.host = std::string(host);
  if (slash != std::string_view::npos) {
    auto db = rest.substr(slash + 1);
    if (!db.empty() && !parse_int(db, e.db)) return util::unexpected(bad(url, "the database must be a number"));
  }
  return e;
}

Result<Endpoint> parse_unix(std::string_view url, std::string_view rest) {
  Endpoint e;
  auto query = rest.find('?');
  auto authority_and_path = rest.substr(0, query);
  // unix://[[user]:password@]/path: the userinfo, if any, sits before the path.
  auto path_start = authority_and_path.find('/');
  if (path_start == std::string_view::npos) return util::unexpected(bad(url, "the socket path must be absolute"));
  auto authority = authority_and_path.substr(0, path_start);
  split_userinfo(authority, e);
  if (!authority.empty()) return util::unexpected(bad(url, "unix:// takes a path, not a host (unix:///path)"));
  e.socket_path = std::string(authority_and_path.substr(path_start));
  if (query == std::string_view::npos) return e;
  auto params = rest.substr(query + 1);
  while (!params.empty()) {
    auto amp = params.find('&');
    auto param = params.substr(0, amp);
    params = amp == std::string_view::npos ? std::string_view{} : params.substr(amp + 1);
    if (param.starts_with("db=")) {
      if (!parse_int(param.substr(3), e.db)) return util::unexpected(bad(url, "db must be a number"));
    } else if (param.starts_with("password=")) {
      e.password = percent_decode(param.substr(9));
    } else {
      return util::unexpected(bad(url, "unknown parameter (db= and password= are known)"));
    }
  }
  return e;
}

} // namespace

Result<Endpoint> parse_url(std::string_view url) {
  if (url.starts_with("redis://")) return parse_tcp(url, url.substr(8));
  if (url.starts_with("unix://")) return parse_unix(url, url.substr(7));
  if (url.starts_with("rediss://")) return util::unexpected(bad(url, "TLS (rediss://) is not supported"));
  return util::unexpected(bad(url, "expected redis://host[:port][/db] or unix:///path/to/redis.sock"));
}

std::string display_url(std::string_view url) {
  std::string out(url);
  auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  auto end = out.find_first_of("/?#", scheme + 3);
  auto at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at != std::string::npos && at > scheme + 3 && (end == std::string::npos || at < end)) {
    auto colon = out.find(':', scheme + 3);
    auto secret_start = (colon != std::string::npos && colon < at) ? colon + 1 : scheme + 3;
    out.replace(secret_start, at - secret_start, "***");
  }
  if (auto pw = out.find("password="); pw != std::string::npos) {
    auto stop = out.find('&', pw);
    out.replace(pw + 9, (stop == std::string::npos ? out.size() : stop) - pw - 9, "***");
  }
  return out;
}

std::string describe(const Endpoint& e) {
  if (!e.socket_path.empty()) return e.socket_path;
  auto host = e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
  return host + ":" + std::to_string(e.port);
}

} // namespace ralph::redis
