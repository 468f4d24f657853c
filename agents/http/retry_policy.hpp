#pragma once
// What one failed HTTP attempt means: retry it, or end the iteration with
// which fault. Pure, so the status table is tested without a server.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "agents/agent.hpp"

namespace ralph::agents::http {

struct AttemptFailure {
  long status = 0;                  // HTTP status; 0 for a transport failure
  std::string body;                 // error body (may be truncated)
  std::optional<std::chrono::milliseconds> retry_after; // from retry-after(-ms)
};

struct RetryDecision {
  bool retry = false;   // worth another attempt within the iteration
  FaultKind fault = FaultKind::infra; // the fault if no attempt is left
};

RetryDecision classify(const AttemptFailure& f);

// Parses retry-after-ms (milliseconds) or retry-after (seconds; an HTTP
// date is ignored). Header names are matched case-insensitively by the caller.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view retry_after,
                                                           std::string_view retry_after_ms);

// Exponential backoff for attempt n (1-based): 500 ms · 2^(n-1), capped at 30 s.
std::chrono::milliseconds backoff_for_attempt(int attempt);

// The error's own message from an API error body ({"error":{"message":…}}),
// or a prefix of the body; secrets redacted, at most max_len bytes.
std::string error_summary(std::string_view body, std::size_t max_len = 300);

} // namespace ralph::agents::http
