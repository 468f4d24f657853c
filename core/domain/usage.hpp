#pragma once
// Token usage and cost of one iteration, or of a whole task.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ralph::domain {

// Anthropic semantics: the four counts are disjoint. Adapters for providers
// whose cached tokens are a subset of input (OpenAI, Gemini) subtract them.
struct Usage {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;

  std::int64_t total() const { return input + output + cache_read + cache_write; }
  Usage& operator+=(const Usage& o) {
    input += o.input; output += o.output; cache_read += o.cache_read; cache_write += o.cache_write;
    return *this;
  }
  friend Usage operator+(Usage a, const Usage& b) { return a += b; }
  bool operator==(const Usage&) const = default;
};

// Where a cost figure came from. Unknown cost is never shown as $0.
enum class CostSource { reported, computed, unknown };

std::string_view to_string(CostSource s);
std::optional<CostSource> parse_cost_source(std::string_view s);

struct Cost {
  std::optional<double> usd; // empty exactly when source == unknown
  CostSource source = CostSource::unknown;

  static Cost unknown() { return {}; }
  static Cost reported(double usd) { return {usd, CostSource::reported}; }
  static Cost computed(double usd) { return {usd, CostSource::computed}; }
};

// The cost source of a sum: unknown if any part is unknown, computed if any
// part is computed, reported only when every part was reported.
CostSource combine(CostSource a, CostSource b);

} // namespace ralph::domain
