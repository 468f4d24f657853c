#pragma once
// Fleet budgets ([budgets.<name>]): a daily cost cap shared by every task of a
// queue and/or a project, whoever runs it. The store keeps the exactly-once
// ledger; this is the pure part: what a budget covers, days and micro-USD.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/task.hpp"

namespace ralph::domain {

struct FleetBudget {
  std::string name;                   // the table name; also its ledger scope
  std::int64_t daily_micros = 0;      // the cap, in micro-USD per UTC day
  std::optional<std::string> queue;   // covers only this queue
  std::optional<std::string> project; // covers only tasks labelled project=<p>
};

// A budget covers a task when every filter it has matches; one with no
// filter covers every task.
bool covers(const FleetBudget& b, const TaskSpec& spec);

// The names (scopes) of the budgets covering `spec`, in configuration order.
std::vector<std::string> covering_scopes(const std::vector<FleetBudget>& budgets, const TaskSpec& spec);

// Whole micro-USD, rounded to nearest: the ledger counts integers so that
// sums never drift.
std::int64_t to_micros(double usd);
double from_micros(std::int64_t micros);
// "$1.234567" style text for messages, trailing zeros trimmed to cents.
std::string format_usd(std::int64_t micros);

// The UTC calendar day of a Unix time in ms, "YYYY-MM-DD".
std::string utc_day(std::int64_t unix_ms);

} // namespace ralph::domain
