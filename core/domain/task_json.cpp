#include "core/domain/task_json.hpp"

#include <nlohmann/json.hpp>

namespace ralph::domain {

using nlohmann::json;

namespace {

template <typename T> void put_opt(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
void put_ms(json& j, const char* key, const std::optional<std::chrono::milliseconds>& v) {
  if (v) j[key] = v->count();
}

template <typename T> void get(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}
template <typename T> void get_opt(const json& j, const char* key, std::optional<T>& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}
void get_ms(const json& j, const char* key, std::chrono::milliseconds& out) {
  if (auto it = j.find(key); it != j.end() && it->is_number_integer()) out = std::chrono::milliseconds(it->get<std::int64_t>());
}
void get_opt_ms(const json& j, const char* key, std::optional<std::chrono::milliseconds>& out) {
  if (auto it = j.find(key); it != j.end() && it->is_number_integer()) out = std::chrono::milliseconds(it->get<std::int64_t>());
}

} // namespace

std::string to_json(const TaskSpec& s) {
  json j = {
      {"prompt_file", s.prompt_file},
      {"prompt_text", s.prompt_text},
      {"agent", s.agent},
      {"model", s.model},
      {"workdir", s.workdir},
      {"repo", s.repo},
      {"branch", s.branch},
      {"completion_promise", s.completion_promise},
      {"gates", s.gates},
      {"checkpoint_interval", s.checkpoint_interval},
      {"git", s.git},
      {"max_consecutive_failures", s.max_consecutive_failures},
      {"loop_detect_repeats", s.loop_detect_repeats},
      {"kill_grace_ms", s.kill_grace.count()},
      {"cooldown_ms", s.cooldown.count()},
      {"backoff_base_ms", s.backoff_base.count()},
      {"backoff_max_ms", s.backoff_max.count()},
      {"limit_wait_max_ms", s.limit_wait_max.count()},
      {"infra_retries", s.infra_retries},
      {"allow_unmetered", s.allow_unmetered},
      {"queue", s.queue},
      {"priority", s.priority},
      {"labels", s.labels},
      {"requires", s.required_labels},
  };
  json budget = json::object();
  put_opt(budget, "max_iterations", s.budget.max_iterations);
  put_ms(budget, "max_runtime_ms", s.budget.max_runtime);
  put_opt(budget, "max_tokens", s.budget.max_tokens);
  put_opt(budget, "max_cost_usd", s.budget.max_cost_usd);
  j["budget"] = budget;
  put_ms(j, "iteration_timeout_ms", s.iteration_timeout);
  put_ms(j, "inactivity_timeout_ms", s.inactivity_timeout);
  return j.dump();
}

util::Expected<TaskSpec, std::string> task_spec_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return util::unexpected(std::string("task spec is not a JSON object"));
  TaskSpec s;
  try {
    get(j, "prompt_file", s.prompt_file);
    get(j, "prompt_text", s.prompt_text);
    get(j, "agent", s.agent);
    get(j, "model", s.model);
    get(j, "workdir", s.workdir);
    get(j, "repo", s.repo);
    get(j, "branch", s.branch);
    get(j, "completion_promise", s.completion_promise);
    get(j, "gates", s.gates);
    get(j, "checkpoint_interval", s.checkpoint_interval);
    get(j, "git", s.git);
    get(j, "max_consecutive_failures", s.max_consecutive_failures);
    get(j, "loop_detect_repeats", s.loop_detect_repeats);
    get_ms(j, "kill_grace_ms", s.kill_grace);
    get_ms(j, "cooldown_ms", s.cooldown);
    get_ms(j, "backoff_base_ms", s.backoff_base);
    get_ms(j, "backoff_max_ms", s.backoff_max);
    get_ms(j, "limit_wait_max_ms", s.limit_wait_max);
    get(j, "infra_retries", s.infra_retries);
    get(j, "allow_unmetered", s.allow_unmetered);
    get(j, "queue", s.queue);
    get(j, "priority", s.priority);
    get(j, "labels", s.labels);
    get(j, "requires", s.required_labels);
    get_opt_ms(j, "iteration_timeout_ms", s.iteration_timeout);
    get_opt_ms(j, "inactivity_timeout_ms", s.inactivity_timeout);
    if (auto b = j.find("budget"); b != j.end() && b->is_object()) {
      get_opt(*b, "max_iterations", s.budget.max_iterations);
      get_opt_ms(*b, "max_runtime_ms", s.budget.max_runtime);
      get_opt(*b, "max_tokens", s.budget.max_tokens);
      get_opt(*b, "max_cost_usd", s.budget.max_cost_usd);
    }
  } catch (const json::exception& e) {
    return util::unexpected(std::string("task spec has a field of the wrong type: ") + e.what());
  }
  return s;
}

} // namespace ralph::domain
