#pragma once
// Which budget warning thresholds a step of spending crossed. Pure: the loop
// compares what was spent at its last check with what is spent now, so each
// threshold of each budget fires once, when it is first reached.
#include <vector>

#include "core/domain/budget.hpp"
#include "core/hooks/hook_event.hpp"

namespace ralph::hooks {

// Every (budget, percent) with before < percent% of the limit <= after, for
// each limited budget: iterations, runtime, tokens, cost. In budget order,
// then ascending percent.
std::vector<Crossing> crossings(const domain::Budget& budget, const domain::Spent& before,
                                const domain::Spent& after, const std::vector<int>& percents);

} // namespace ralph::hooks
