// Fault kinds and retry hints from the free-form error texts agents print.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "agents/parsers/stream_parser.hpp"

namespace ralph::agents {

namespace {

std::string lower(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// The status code as a whole number in the text ("error 429:", "(429)").
bool has_status(const std::string& t, std::string_view code) {
  for (auto at = t.find(code); at != std::string::npos; at = t.find(code, at + 1)) {
    bool left = at == 0 || !std::isdigit(static_cast<unsigned char>(t[at - 1]));
    auto after = at + code.size();
    bool right = after >= t.size() || !std::isdigit(static_cast<unsigned char>(t[after]));
    if (left && right) return true;
  }
  return false;
}

} // namespace

FaultKind classify_error_text(std::string_view text, int http_status) {
  std::string t = lower(text);
  auto has = [&](std::string_view s) { return t.find(s) != std::string::npos; };
  // Order matters: a rate-limit text often also mentions the network or a
  // retry. Bare 401/403 are not matched (stderr logs carry line numbers, and
  // auth faults stop the loop); 429/5xx only as whole numbers.
  if (http_status == 429 || has("rate limit") || has("rate_limit") || has("usage limit") || has("limit reached") ||
      has("too many requests") || has("quota") || has_status(t, "429"))
    return FaultKind::limit;
  if (http_status == 401 || http_status == 403 || has("invalid api key") || has("invalid x-api-key") ||
      has("authentication") || has("unauthorized") || has("permission_error") || has("not logged in") ||
      has("please run /login") || has("forbidden") || has("api error: 401") || has("api error: 403") ||
      has("status 401") || has("status 403"))
    return FaultKind::auth;
  if (http_status >= 500 || has("overloaded") || has_status(t, "529") || has_status(t, "503") ||
      has_status(t, "502") || has("api error: 5") || has("internal server error") ||
      has("connection error") || has("connection refused") || has("connection reset") || has("econnrefused") ||
      has("econnreset") || has("network") || has("timed out") || has("stream disconnected") ||
      has("service unavailable") || has("bad gateway") || has("gateway timeout"))
    return FaultKind::infra;
  if (http_status == 400 || http_status == 404 || has("model not found") || has("not_found_error") ||
      has("invalid model") || has("unknown model"))
    return FaultKind::config;
  return FaultKind::agent;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view text) {
  std::string t = lower(text);
  for (std::string_view marker : {"try again in ", "retry after ", "retry-after: ", "retry in "}) {
    auto at = t.find(marker);
    if (at == std::string::npos) continue;
    const char* begin = t.c_str() + at + marker.size();
    char* end = nullptr;
    double n = std::strtod(begin, &end);
    if (end == begin || !(n >= 0) || n > 7 * 24 * 3600) continue;
    std::string_view unit(end, static_cast<std::size_t>(t.c_str() + t.size() - end));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    double ms = n * 1000;
    if (unit.rfind("ms", 0) == 0 || unit.rfind("millisecond", 0) == 0) ms = n;
    else if (unit.rfind("h", 0) == 0) ms = n * 3600'000;
    else if (unit.rfind("m", 0) == 0) ms = n * 60'000; // "m", "min", "minutes"
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
  }
  return std::nullopt;
}

} // namespace ralph::agents
