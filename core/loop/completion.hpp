#pragma once
// Completion promise and loop detection: pure functions over agent output.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace ralph::loop {

// True when `final_text` has a line that is exactly `promise` (surrounding
// whitespace ignored). An echo of the prompt does not count: every copy of
// the prompt text inside the output is removed before the search.
bool promise_found(std::string_view final_text, std::string_view promise, std::string_view prompt);

// Detects the same output K times in a row. Whitespace differences are
// ignored; empty output never counts as a repeat.
class LoopDetector {
public:
  explicit LoopDetector(std::int64_t repeats) : m_repeats(repeats) {}
  // Records one output; returns true when the last `repeats` outputs match.
  bool add(std::string_view output);
  void reset() { m_last_hash = 0; m_count = 0; }

private:
  std::int64_t m_repeats;
  std::uint64_t m_last_hash = 0;
  std::int64_t m_count = 0;
};

} // namespace ralph::loop
