#include "cli/output.hpp"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/git/workspace.hpp"

namespace ralph::cli {

using nlohmann::json;

namespace {

json time_or_null(std::int64_t ms) {
  if (ms <= 0) return nullptr;
  std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool cost_known(const store::Totals& t) { return t.iterations == 0 || t.unpriced_iterations < t.iterations; }

std::string model_of(const store::Task& t) { return t.model.empty() ? t.spec.model : t.model; }

json to_json(const store::Task& t) {
  const auto& u = t.totals.usage;
  json j = {
      {"id", t.id},
      {"state", domain::to_string(t.state)},
      {"reason", t.reason ? json(domain::to_string(*t.reason)) : json(nullptr)},
      {"error", t.error.empty() ? json(nullptr) : json(t.error)},
      {"iterations", t.totals.iterations},
      {"tokens", {{"input", u.input}, {"output", u.output}, {"cache_read", u.cache_read}, {"cache_write", u.cache_write}}},
      {"cost_usd", cost_known(t.totals) ? json(t.totals.cost_usd) : json(nullptr)},
      {"cost_source", t.totals.iterations == 0 ? "none" : domain::to_string(t.totals.cost_source)},
      {"unpriced_iterations", t.totals.unpriced_iterations},
      {"runtime_s", static_cast<double>(t.totals.runtime_ms) / 1000.0},
      {"agent", t.spec.agent},
      {"model", model_of(t)},
      {"queue", t.spec.queue},
      {"priority", t.spec.priority},
      {"workdir", t.spec.workdir},
      {"cancel_requested", t.cancel_requested},
      {"created_at", time_or_null(t.created_at_ms)},
      {"started_at", time_or_null(t.started_at_ms)},
      {"finished_at", time_or_null(t.finished_at_ms)},
  };
  if (!t.spec.repo.empty()) { // a repo task; the keys are absent otherwise
    j["repo"] = git::display_url(t.spec.repo);
    j["branch"] = t.spec.branch;
    j["task_branch"] = "ralph/" + std::to_string(t.id);
  }
  return j;
}

json to_json(const store::IterationRecord& r) {
  return {
      {"seq", r.seq},
      {"outcome", r.outcome},
      {"exit_code", r.exit_code},
      {"tokens", {{"input", r.usage.input}, {"output", r.usage.output}, {"cache_read", r.usage.cache_read},
                  {"cache_write", r.usage.cache_write}}},
      {"cost_usd", r.cost.usd ? json(*r.cost.usd) : json(nullptr)},
      {"cost_source", domain::to_string(r.cost.source)},
      {"model", r.model},
      {"session_id", r.session_id},
      {"num_turns", r.num_turns},
      {"promise_found", r.promise_found},
      {"duration_s", static_cast<double>(r.finished_at_ms - r.started_at_ms) / 1000.0},
      {"started_at", time_or_null(r.started_at_ms)},
      {"log", r.log_path},
      {"prompt", r.prompt_path},
  };
}

} // namespace

std::string task_json(const store::Task& task, bool pretty) { return to_json(task).dump(pretty ? 2 : -1); }

std::string tasks_json(const std::vector<store::Task>& tasks) {
  json arr = json::array();
  for (const auto& t : tasks) arr.push_back(to_json(t));
  return arr.dump(2);
}

std::string task_with_iterations_json(const store::Task& task, const std::vector<store::IterationRecord>& its) {
  json j = to_json(task);
  j["iteration_records"] = json::array();
  for (const auto& r : its) j["iteration_records"].push_back(to_json(r));
  return j.dump(2);
}

std::string format_count(std::int64_t n) {
  char buf[32];
  if (n < 1000) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  else if (n < 1'000'000) std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
  else std::snprintf(buf, sizeof buf, "%.2fM", static_cast<double>(n) / 1e6);
  return buf;
}

std::string format_seconds(double s) {
  char buf[32];
  auto total = static_cast<long long>(s);
  if (s < 60) std::snprintf(buf, sizeof buf, "%.1fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", total / 60, total % 60);
  else std::snprintf(buf, sizeof buf, "%lldh%02lldm", total / 3600, (total % 3600) / 60);
  return buf;
}

std::string format_cost(const store::Totals& t) {
  char buf[96];
  if (!cost_known(t)) return "unknown";
  if (t.unpriced_iterations > 0) {
    std::snprintf(buf, sizeof buf, "≥ $%.4f (%lld of %lld iterations unpriced)", t.cost_usd,
                  static_cast<long long>(t.unpriced_iterations), static_cast<long long>(t.iterations));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "$%.4f", t.cost_usd);
  return buf;
}

std::string task_text(const store::Task& t) {
  const auto& u = t.totals.usage;
  std::string out;
  out += "task " + std::to_string(t.id) + ": " + std::string(domain::to_string(t.state));
  if (t.reason) out += " (" + std::string(domain::to_string(*t.reason)) + ")";
  out += "\n";
  if (!t.error.empty()) out += "  error:      " + t.error + "\n";
  out += "  agent:      " + t.spec.agent + (model_of(t).empty() ? "" : " (" + model_of(t) + ")") + "\n";
  if (t.spec.repo.empty())
    out += "  workdir:    " + t.spec.workdir + "\n";
  else
    out += "  repo:       " + git::display_url(t.spec.repo) + (t.spec.branch.empty() ? "" : " (" + t.spec.branch + ")") +
           ", checkpoints on ralph/" + std::to_string(t.id) + "\n";
  out += "  iterations: " + std::to_string(t.totals.iterations);
  if (t.spec.budget.max_iterations) out += " / " + std::to_string(*t.spec.budget.max_iterations);
  out += "\n  tokens:     " + format_count(u.total()) + " (in " + format_count(u.input) + ", out " +
         format_count(u.output) + ", cache read " + format_count(u.cache_read) + ", cache write " +
         format_count(u.cache_write) + ")\n";
  out += "  cost:       " + format_cost(t.totals);
  if (t.totals.iterations > 0) out += " [" + std::string(domain::to_string(t.totals.cost_source)) + "]";
  out += "\n  runtime:    " + format_seconds(static_cast<double>(t.totals.runtime_ms) / 1000.0) + "\n";
  if (t.cancel_requested && !domain::is_finished(t.state)) out += "  cancel requested\n";
  return out;
}

std::string iterations_text(const std::vector<store::IterationRecord>& its) {
  std::string out = "  seq  outcome    tokens     cost          duration  promise\n";
  for (const auto& r : its) {
    char buf[256];
    std::string cost = r.cost.usd ? "$" + std::to_string(*r.cost.usd).substr(0, 8) : "unknown";
    std::snprintf(buf, sizeof buf, "  %-4lld %-10s %-10s %-13s %-9s %s\n", static_cast<long long>(r.seq),
                  r.outcome.c_str(), format_count(r.usage.total()).c_str(), cost.c_str(),
                  format_seconds(static_cast<double>(r.finished_at_ms - r.started_at_ms) / 1000.0).c_str(),
                  r.promise_found ? "yes" : "");
    out += buf;
  }
  return out;
}

std::string tasks_table(const std::vector<store::Task>& tasks) {
  std::string out = "ID     STATE      REASON                ITER  TOKENS   COST        AGENT\n";
  for (const auto& t : tasks) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-6lld %-10s %-21s %-5lld %-8s %-11s %s\n", static_cast<long long>(t.id),
                  std::string(domain::to_string(t.state)).c_str(),
                  t.reason ? std::string(domain::to_string(*t.reason)).c_str() : "-",
                  static_cast<long long>(t.totals.iterations), format_count(t.totals.usage.total()).c_str(),
                  format_cost(t.totals).substr(0, 11).c_str(), t.spec.agent.c_str());
    out += buf;
  }
  return out;
}

} // namespace ralph::cli
