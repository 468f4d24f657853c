#include "core/log/redact.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

namespace ralph::log {

namespace {
std::mutex g_mutex;
std::vector<std::string>& secrets() {
  static std::vector<std::string> s;
  return s;
}

constexpr std::string_view k_mask = "[REDACTED]";

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

void replace_all(std::string& text, std::string_view needle) {
  if (needle.empty()) return;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + k_mask.size()))
    text.replace(pos, needle.size(), k_mask);
}

// Masks the token that follows each occurrence of `prefix` (case-insensitive).
void mask_after(std::string& text, std::string_view prefix, bool include_prefix) {
  auto lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::size_t pos = 0;
  std::string out;
  std::size_t copied = 0;
  while ((pos = lower.find(prefix, pos)) != std::string::npos) {
    auto start = include_prefix ? pos : pos + prefix.size();
    auto end = pos + prefix.size();
    while (end < text.size() && is_key_char(text[end])) ++end;
    if (end - (pos + prefix.size()) >= 8) {
      out.append(text, copied, start - copied);
      out.append(k_mask);
      copied = end;
    }
    pos = end;
  }
  out.append(text, copied, std::string::npos);
  text = std::move(out);
}
// "scheme://user:password@host" -> "scheme://user:[REDACTED]@host": store
// and Redis URLs carry their password inline, and a driver error may quote one.
void mask_url_passwords(std::string& text) {
  for (auto scheme = text.find("://"); scheme != std::string::npos; scheme = text.find("://", scheme + 3)) {
    auto authority_end = text.find_first_of("/?# \t\n\"'", scheme + 3);
    auto at = text.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end - 1);
    if (at == std::string::npos || at < scheme + 3) continue;
    auto colon = text.find(':', scheme + 3);
    if (colon == std::string::npos || colon >= at || colon + 1 == at) continue;
    text.replace(colon + 1, at - colon - 1, k_mask);
  }
}

// libpq keyword strings: "host=db password=hunter2 dbname=ralph".
void mask_keyword_passwords(std::string& text) {
  constexpr std::string_view key = "password=";
  auto lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto pos = lower.find(key); pos != std::string::npos; pos = lower.find(key, pos + key.size())) {
    auto start = pos + key.size();
    auto end = std::min(text.find_first_of(" \t\n'\";,&", start), text.size());
    if (end == start) continue;
    text.replace(start, end - start, k_mask);
    lower.replace(start, end - start, k_mask); // keeps the two aligned
  }
}
} // namespace

void register_secret(std::string_view secret) {
  if (secret.size() < 8) return;
  std::lock_guard lock(g_mutex);
  if (std::find(secrets().begin(), secrets().end(), secret) == secrets().end())
    secrets().emplace_back(secret);
}

void register_environment_secrets(char** env) {
  static constexpr std::string_view suffixes[] = {"_API_KEY", "_AUTH_TOKEN", "_TOKEN", "_SECRET", "_PASSWORD"};
  for (char** e = env; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    auto name = kv.substr(0, eq);
    for (auto suffix : suffixes)
      if (name.ends_with(suffix)) register_secret(kv.substr(eq + 1));
  }
}

std::string redact(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard lock(g_mutex);
    for (const auto& s : secrets()) replace_all(out, s);
  }
  mask_url_passwords(out);
  mask_keyword_passwords(out);
  mask_after(out, "sk-", true);
  mask_after(out, "bearer ", false);
  mask_after(out, "x-api-key: ", false);
  mask_after(out, "x-goog-api-key: ", false);
  return out;
}

} // namespace ralph::log
