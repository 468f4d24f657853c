#pragma once
#include <chrono>
#include <cstdint>

namespace ralph::loop {

// Exponential backoff: base * 2^(attempt-1), capped at max. attempt >= 1.
inline std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base, std::chrono::milliseconds max,
                                               std::int64_t attempt) {
  auto d = base;
  for (std::int64_t i = 1; i < attempt && d < max; ++i) d *= 2;
  return d < max ? d : max;
}

} // namespace ralph::loop
