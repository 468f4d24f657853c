#include "core/hooks/thresholds.hpp"

namespace ralph::hooks {

namespace {

// Compares used*100 with limit*percent, so integer budgets need no rounding.
void check(std::vector<Crossing>& out, const char* name, double limit, double before, double after,
           const std::vector<int>& percents) {
  if (limit <= 0) return;
  for (int p : percents) {
    double mark = limit * p;
    if (before * 100 < mark && after * 100 >= mark) out.push_back({name, p, after, limit});
  }
}

} // namespace

std::vector<Crossing> crossings(const domain::Budget& b, const domain::Spent& before, const domain::Spent& after,
                                const std::vector<int>& percents) {
  std::vector<Crossing> out;
  if (b.max_iterations)
    check(out, "iterations", static_cast<double>(*b.max_iterations), static_cast<double>(before.iterations),
          static_cast<double>(after.iterations), percents);
  if (b.max_runtime)
    check(out, "runtime", static_cast<double>(b.max_runtime->count()), static_cast<double>(before.runtime.count()),
          static_cast<double>(after.runtime.count()), percents);
  if (b.max_tokens)
    check(out, "tokens", static_cast<double>(*b.max_tokens), static_cast<double>(before.usage.total()),
          static_cast<double>(after.usage.total()), percents);
  if (b.max_cost_usd) check(out, "cost", *b.max_cost_usd, before.cost_usd, after.cost_usd, percents);
  return out;
}

} // namespace ralph::hooks
