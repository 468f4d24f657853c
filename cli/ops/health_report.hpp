#pragma once
// `ralph health --json`: health-check.sh prints one line per check,
// "ok   CHECK: detail" or "FAIL CHECK: why"; this turns them into JSON.
#include <string>
#include <string_view>
#include <vector>

namespace ralph::cli {

struct HealthCheck {
  std::string check;  // "store", "daemon /healthz", ...
  bool ok = false;
  std::string detail;
};

// Lines in neither form are skipped.
std::vector<HealthCheck> parse_health_output(std::string_view text);
// {"ok": ..., "checks": [{"check", "ok", "detail"}, ...]}, pretty-printed.
std::string health_json(const std::vector<HealthCheck>& checks, bool ok);

} // namespace ralph::cli
