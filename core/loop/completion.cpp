#include "core/loop/completion.hpp"

#include <cctype>
#include <functional>
#include <vector>

namespace ralph::loop {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string remove_all(std::string_view text, std::string_view needle) {
  std::string out;
  if (needle.empty()) return std::string(text);
  std::size_t pos = 0;
  for (auto hit = text.find(needle); hit != std::string_view::npos; hit = text.find(needle, pos)) {
    out.append(text.substr(pos, hit - pos));
    pos = hit + needle.size();
  }
  out.append(text.substr(pos));
  return out;
}

} // namespace

bool promise_found(std::string_view final_text, std::string_view promise, std::string_view prompt) {
  promise = trim(promise);
  if (promise.empty()) return false;
  // A prompt that asks for the promise usually contains it; an agent that
  // echoes its input must not complete the loop by doing so.
  std::string text = remove_all(final_text, trim(prompt));
  for (auto line : lines_of(text))
    if (trim(line) == promise) return true;
  return false;
}

bool LoopDetector::add(std::string_view output) {
  if (m_repeats <= 1) return false;
  std::string normalized;
  normalized.reserve(output.size());
  for (char c : output)
    if (!std::isspace(static_cast<unsigned char>(c))) normalized.push_back(c);
  if (normalized.empty()) {
    reset();
    return false;
  }
  auto hash = std::hash<std::string>{}(normalized);
  if (m_count > 0 && hash == m_last_hash) {
    ++m_count;
  } else {
    m_last_hash = hash;
    m_count = 1;
  }
  return m_count >= m_repeats;
}

} // namespace ralph::loop
