#include "core/domain/fleet_budget.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace ralph::domain {

bool covers(const FleetBudget& b, const TaskSpec& spec) {
  if (b.queue && spec.queue != *b.queue) return false;
  if (b.project) {
    auto it = spec.labels.find("project");
    if (it == spec.labels.end() || it->second != *b.project) return false;
  }
  return true;
}

std::vector<std::string> covering_scopes(const std::vector<FleetBudget>& budgets, const TaskSpec& spec) {
  std::vector<std::string> out;
  for (const auto& b : budgets)
    if (covers(b, spec)) out.push_back(b.name);
  return out;
}

std::int64_t to_micros(double usd) { return static_cast<std::int64_t>(std::llround(usd * 1e6)); }

double from_micros(std::int64_t micros) { return static_cast<double>(micros) / 1e6; }

std::string format_usd(std::int64_t micros) {
  const char* sign = micros < 0 ? "-" : "";
  auto abs = micros < 0 ? -micros : micros;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s$%lld.%06lld", sign, static_cast<long long>(abs / 1'000'000),
                static_cast<long long>(abs % 1'000'000));
  std::string s = buf;
  // Keep cents; drop the zeros after them ($1.10, $0.123).
  auto dot = s.find('.');
  while (s.size() > dot + 3 && s.back() == '0') s.pop_back();
  return s;
}

std::string utc_day(std::int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

} // namespace ralph::domain
