#include <algorithm>
#include <cctype>
#include <string>

#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

FaultKind classify_error_text(std::string_view text, int http_status) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  auto has = [&](std::string_view s) { return t.find(s) != std::string::npos; };
  if (http_status == 429 || has("rate limit") || has("rate_limit") || has("usage limit") || has("limit reached") ||
      has("too many requests") || has("quota"))
    return FaultKind::limit;
  if (http_status == 401 || http_status == 403 || has("invalid api key") || has("invalid x-api-key") ||
      has("authentication") || has("unauthorized") || has("permission_error") || has("not logged in") ||
      has("please run /login"))
    return FaultKind::auth;
  if (http_status >= 500 || has("overloaded") || has("api error: 5") || has("internal server error") ||
      has("connection error") || has("connection refused") || has("econnrefused") || has("network") ||
      has("timed out") || has("stream disconnected") || has("service unavailable") || has("bad gateway"))
    return FaultKind::infra;
  if (http_status == 400 || http_status == 404 || has("model not found") || has("not_found_error") ||
      has("invalid model") || has("unknown model"))
    return FaultKind::config;
  return FaultKind::agent;
}

} // namespace ralph::agents
