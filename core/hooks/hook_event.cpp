#include "core/hooks/hook_event.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/log/redact.hpp"

namespace ralph::hooks {

using nlohmann::json;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json budget_json(const domain::Budget& b) {
  json j = json::object();
  j["max_iterations"] = b.max_iterations ? json(*b.max_iterations) : json(nullptr);
  j["max_runtime_ms"] = b.max_runtime ? json(b.max_runtime->count()) : json(nullptr);
  j["max_tokens"] = b.max_tokens ? json(*b.max_tokens) : json(nullptr);
  j["max_cost_usd"] = b.max_cost_usd ? json(*b.max_cost_usd) : json(nullptr);
  return j;
}

json usage_json(const TaskFacts& f) {
  const auto& u = f.totals.usage;
  return {{"iterations", f.totals.iterations},
          {"runtime_ms", f.runtime_ms},
          {"tokens", u.total()},
          {"input_tokens", u.input},
          {"output_tokens", u.output},
          {"cost_usd", f.totals.cost_usd}};
}

HookEvent finish(std::string name, json j, std::map<std::string, std::string> env) {
  HookEvent e;
  e.name = std::move(name);
  j["event"] = e.name;
  j["time_ms"] = now_ms();
  env["RALPH_EVENT"] = e.name;
  e.json = log::redact(j.dump());
  for (auto& [k, v] : env) v = log::redact(v);
  e.env = std::move(env);
  return e;
}

} // namespace

HookEvent task_event(std::string name, const TaskFacts& f, std::optional<domain::StopReason> reason,
                     const std::string& message, const std::optional<Crossing>& crossing) {
  json j;
  std::map<std::string, std::string> env;
  j["task_id"] = f.id;
  env["RALPH_TASK_ID"] = std::to_string(f.id);
  if (f.spec) {
    const auto model = f.model.empty() ? f.spec->model : f.model;
    j["queue"] = f.spec->queue;
    j["agent"] = f.spec->agent;
    j["model"] = model;
    j["workdir"] = f.spec->workdir;
    j["budget"] = budget_json(f.spec->budget);
    env["RALPH_QUEUE"] = f.spec->queue;
    env["RALPH_AGENT"] = f.spec->agent;
    env["RALPH_MODEL"] = model;
    env["RALPH_WORKDIR"] = f.spec->workdir;
  }
  j["usage"] = usage_json(f);
  env["RALPH_ITERATIONS"] = std::to_string(f.totals.iterations);
  env["RALPH_COST_USD"] = json(f.totals.cost_usd).dump();
  j["instance_id"] = f.instance;
  env["RALPH_INSTANCE_ID"] = f.instance;
  if (reason) {
    j["stop_reason"] = std::string(domain::to_string(*reason));
    env["RALPH_STOP_REASON"] = j["stop_reason"];
    env["RALPH_EXIT_CODE"] = std::to_string(domain::exit_code_for(*reason));
  }
  if (!message.empty()) {
    j["message"] = message;
    env["RALPH_MESSAGE"] = message;
  }
  if (crossing) {
    j["budget_name"] = crossing->budget;
    j["percent"] = crossing->percent;
    j["used"] = crossing->used;
    j["limit"] = crossing->limit;
    env["RALPH_BUDGET"] = crossing->budget;
    env["RALPH_PERCENT"] = std::to_string(crossing->percent);
  }
  auto e = finish(std::move(name), std::move(j), std::move(env));
  e.task = f.id;
  return e;
}

HookEvent instance_event(std::string name, const std::string& lost_instance, const std::string& by_instance,
                         const std::vector<store::TaskId>& tasks, const std::string& why) {
  std::string ids;
  for (auto id : tasks) ids += (ids.empty() ? "" : " ") + std::to_string(id);
  json j = {{"instance_id", lost_instance}, {"by_instance_id", by_instance}, {"tasks", tasks}, {"reason", why}};
  std::map<std::string, std::string> env = {{"RALPH_INSTANCE_ID", lost_instance},
                                            {"RALPH_BY_INSTANCE_ID", by_instance},
                                            {"RALPH_TASK_IDS", ids},
                                            {"RALPH_MESSAGE", why}};
  auto e = finish(std::move(name), std::move(j), std::move(env));
  e.task = tasks.empty() ? 0 : tasks.front();
  return e;
}

std::optional<std::string> event_for(domain::StopReason reason) {
  using R = domain::StopReason;
  switch (reason) {
  case R::completed: return "task.completed";
  case R::max_iterations:
  case R::max_runtime:
  case R::max_tokens:
  case R::max_cost:
  case R::fleet_budget: return "budget.exhausted";
  case R::consecutive_failures:
  case R::loop_detected:
  case R::error: return "task.failed";
  case R::cancelled:
  case R::lost_lease: return std::nullopt;
  }
  return std::nullopt;
}

} // namespace ralph::hooks
