// ralph budgets: each configured fleet budget ([budgets.<name>]), what it
// covers, and today's spend against its cap, from the store's ledger.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/app/fleet_budgets.hpp"
#include "core/clock/clock.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct BudgetsOptions {
  bool json = false;
};

std::string covered(const domain::FleetBudget& b) {
  if (!b.queue && !b.project) return "every task";
  std::string out;
  if (b.queue) out += "queue=" + *b.queue;
  if (b.project) out += std::string(out.empty() ? "" : " ") + "project=" + *b.project;
  return out;
}

double percent(std::int64_t spent, std::int64_t cap) {
  return cap > 0 ? 100.0 * static_cast<double>(spent) / static_cast<double>(cap) : 0.0;
}

int show_budgets(const GlobalOptions& global, const BudgetsOptions& opts) {
  auto ctx = load_context(global, {});
  auto budgets = app::fleet_budgets(ctx.config);
  clock::SystemClock clock;
  auto day = domain::utc_day(clock::to_unix_ms(clock.now()));
  std::vector<store::BudgetSpend> spent;
  if (!budgets.empty()) {
    auto store = open_store(ctx, clock);
    std::vector<std::string> scopes;
    for (const auto& b : budgets) scopes.push_back(b.name);
    auto read = store->budget_spent(scopes, day);
    if (!read) throw Error("cannot read the store: " + read.error().message);
    spent = std::move(*read);
  }
  if (opts.json) {
    auto arr = nlohmann::json::array();
    for (std::size_t i = 0; i < budgets.size(); ++i) {
      const auto& b = budgets[i];
      auto s = spent[i].spent_micros;
      arr.push_back({{"name", b.name},
                     {"day", day},
                     {"queue", b.queue ? nlohmann::json(*b.queue) : nlohmann::json(nullptr)},
                     {"project", b.project ? nlohmann::json(*b.project) : nlohmann::json(nullptr)},
                     {"daily_cost_usd", domain::from_micros(b.daily_micros)},
                     {"spent_usd", domain::from_micros(s)},
                     {"spent_micros", s},
                     {"cap_micros", b.daily_micros},
                     {"percent", percent(s, b.daily_micros)},
                     {"exhausted", s >= b.daily_micros}});
    }
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  if (budgets.empty()) {
    std::fprintf(stderr, "ralph: no fleet budget is configured (see [budgets.<name>] in config.toml(5))\n");
    return 0;
  }
  std::printf("%-20s %-28s %12s %12s %7s  %s\n", "BUDGET", "COVERS", "SPENT", "CAP", "USED", "DAY (UTC)");
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    const auto& b = budgets[i];
    auto s = spent[i].spent_micros;
    char used[16];
    std::snprintf(used, sizeof used, "%.0f%%", percent(s, b.daily_micros));
    std::printf("%-20s %-28s %12s %12s %7s  %s%s\n", b.name.c_str(), covered(b).c_str(),
                domain::format_usd(s).c_str(), domain::format_usd(b.daily_micros).c_str(), used, day.c_str(),
                s >= b.daily_micros ? "  exhausted" : "");
  }
  return 0;
}

} // namespace

void add_budgets_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<BudgetsOptions>();
  auto* cmd = app.add_subcommand("budgets", "Show each fleet budget ([budgets.NAME]): today's spend, cap and percent");
  cmd->add_flag("--json", opts->json, "print JSON");
  cmd->callback([&global, &exit_code, opts] { exit_code = show_budgets(global, *opts); });
}

} // namespace ralph::cli
