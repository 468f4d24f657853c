#include "core/domain/usage.hpp"

namespace ralph::domain {

std::string_view to_string(CostSource s) {
  switch (s) {
  case CostSource::reported: return "reported";
  case CostSource::computed: return "computed";
  case CostSource::unknown: return "unknown";
  }
  return "unknown";
}

std::optional<CostSource> parse_cost_source(std::string_view s) {
  if (s == "reported") return CostSource::reported;
  if (s == "computed") return CostSource::computed;
  if (s == "unknown") return CostSource::unknown;
  return std::nullopt;
}

CostSource combine(CostSource a, CostSource b) {
  if (a == CostSource::unknown || b == CostSource::unknown) return CostSource::unknown;
  if (a == CostSource::computed || b == CostSource::computed) return CostSource::computed;
  return CostSource::reported;
}

} // namespace ralph::domain
