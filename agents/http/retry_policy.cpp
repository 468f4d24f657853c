#include "agents/http/retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/log/redact.hpp"

namespace ralph::agents::http {

namespace {

bool contains_ci(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

// Monthly caps and exhausted credit: retrying cannot help until a human acts.
bool is_spend_limit(std::string_view body) {
  return contains_ci(body, "enforced_spend_limit_reached") || contains_ci(body, "spend limit") ||
         contains_ci(body, "spend_limit") || contains_ci(body, "credit balance is too low") ||
         contains_ci(body, "insufficient_quota");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

} // namespace

RetryDecision classify(const AttemptFailure& f) {
  const long s = f.status;
  if (s == 0) return {true, FaultKind::infra}; // connection refused/reset, DNS, TLS
  if (s == 429) {
    if (is_spend_limit(f.body)) return {false, FaultKind::limit};
    return {true, FaultKind::limit};
  }
  if (s == 402) return {false, FaultKind::limit};
  if (s == 400 && is_spend_limit(f.body)) return {false, FaultKind::limit};
  if (s == 401 || s == 403) return {false, FaultKind::auth};
  if (s == 408 || s == 409 || s >= 500) return {true, FaultKind::infra};
  if (s >= 400) return {false, FaultKind::config};
  return {false, FaultKind::agent}; // 1xx/3xx: nothing sensible to retry
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view retry_after,
                                                           std::string_view retry_after_ms) {
  auto number = [](std::string_view v) -> std::optional<double> {
    v = trim(v);
    if (v.empty()) return std::nullopt;
    double d = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc{} || p != v.data() + v.size() || !std::isfinite(d) || d < 0) return std::nullopt;
    return d;
  };
  if (auto ms = number(retry_after_ms)) return std::chrono::milliseconds(static_cast<long long>(*ms));
  if (auto sec = number(retry_after)) return std::chrono::milliseconds(static_cast<long long>(*sec * 1000));
  return std::nullopt;
}

std::chrono::milliseconds backoff_for_attempt(int attempt) {
  attempt = std::clamp(attempt, 1, 16);
  long long ms = 500LL << (attempt - 1);
  return std::chrono::milliseconds(std::min(ms, 30'000LL));
}

std::string error_summary(std::string_view body, std::size_t max_len) {
  std::string msg;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    auto e = j.find("error");
    if (e != j.end() && e->is_object()) {
      if (auto m = e->find("message"); m != e->end() && m->is_string()) msg = m->get<std::string>();
      if (auto t = e->find("type"); t != e->end() && t->is_string() && !msg.empty())
        msg = t->get<std::string>() + ": " + msg;
    } else if (e != j.end() && e->is_string()) {
      msg = e->get<std::string>();
    }
  }
  if (msg.empty()) msg = std::string(trim(body));
  for (char& c : msg)
    if (c == '\n' || c == '\r') c = ' ';
  msg = log::redact(msg);
  if (msg.size() > max_len) msg = msg.substr(0, max_len) + "…";
  return msg;
}

} // namespace ralph::agents::http
