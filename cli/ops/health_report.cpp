#include "cli/ops/health_report.hpp"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

namespace ralph::cli {

namespace {

std::optional<HealthCheck> parse_line(std::string_view line) {
  HealthCheck c;
  if (line.starts_with("ok ")) c.ok = true;
  else if (line.starts_with("FAIL ")) c.ok = false;
  else return std::nullopt;
  line.remove_prefix(line.find(' '));
  line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
  // The check name may hold spaces ("daemon /healthz"); the first ": " ends it.
  auto colon = line.find(": ");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  c.check = std::string(line.substr(0, colon));
  c.detail = std::string(line.substr(colon + 2));
  return c;
}

} // namespace

std::vector<HealthCheck> parse_health_output(std::string_view text) {
  std::vector<HealthCheck> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (auto c = parse_line(line)) out.push_back(std::move(*c));
  }
  return out;
}

std::string health_json(const std::vector<HealthCheck>& checks, bool ok) {
  auto arr = nlohmann::json::array();
  for (const auto& c : checks) arr.push_back({{"check", c.check}, {"ok", c.ok}, {"detail", c.detail}});
  return nlohmann::json{{"ok", ok}, {"checks", arr}}.dump(2);
}

} // namespace ralph::cli
