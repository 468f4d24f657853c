#include "core/app/task_setup.hpp"

#include <algorithm>
#include <array>

#include "core/log/redact.hpp"
#include "core/loop/loop_engine.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"

namespace ralph::app {

namespace {

constexpr std::array<std::string_view, 6> k_kinds{"claude", "codex", "gemini", "command", "anthropic", "openai"};

bool is_kind(std::string_view k) { return std::find(k_kinds.begin(), k_kinds.end(), k) != k_kinds.end(); }

bool is_cli_kind(std::string_view k) { return k == "claude" || k == "codex" || k == "gemini" || k == "command"; }

std::optional<std::int64_t> positive(std::optional<std::int64_t> v) {
  return v && *v > 0 ? v : std::nullopt;
}

// Agents of one provider share its rate limits. An HTTP agent pointed at an
// endpoint of its own (a local model) is its own provider.
std::string default_provider(const std::string& name, const agents::AgentSettings& a) {
  if (a.kind == "claude" || (a.kind == "anthropic" && a.base_url.empty())) return "anthropic";
  if (a.kind == "codex" || (a.kind == "openai" && a.base_url.empty())) return "openai";
  if (a.kind == "gemini") return "google";
  return name;
}

} // namespace

domain::TaskSpec spec_from_config(const config::Config& cfg, const std::filesystem::path& workdir) {
  domain::TaskSpec s;
  s.workdir = std::filesystem::absolute(workdir).lexically_normal().string();
  s.prompt_file = cfg.get_string("loop.prompt_file");
  s.prompt_text = cfg.get_string("loop.prompt");
  s.agent = cfg.get_string("loop.agent");
  s.model = cfg.get_string("loop.model");
  if (s.model.empty()) s.model = cfg.get_string("agents." + s.agent + ".model");
  s.budget.max_iterations = positive(cfg.get_int("loop.max_iterations"));
  if (auto d = cfg.get_duration("loop.max_runtime"); d && d->count() > 0) s.budget.max_runtime = *d;
  s.budget.max_tokens = positive(cfg.get_int("loop.max_tokens"));
  if (auto c = cfg.get_number("loop.max_cost"); c && *c > 0) s.budget.max_cost_usd = *c;
  if (auto d = cfg.get_duration("loop.iteration_timeout"); d && d->count() > 0) s.iteration_timeout = *d;
  if (auto d = cfg.get_duration("loop.inactivity_timeout"); d && d->count() > 0) s.inactivity_timeout = *d;
  s.kill_grace = cfg.get_duration("loop.kill_grace").value_or(s.kill_grace);
  s.completion_promise = cfg.get_string("loop.completion_promise");
  s.gates = cfg.get_list("loop.gates");
  s.checkpoint_interval = cfg.get_int("git.checkpoint_interval").value_or(1);
  s.git = cfg.get_bool("git.enabled");
  s.max_consecutive_failures = cfg.get_int("loop.max_consecutive_failures").value_or(5);
  s.loop_detect_repeats = cfg.get_int("loop.loop_detect_repeats").value_or(3);
  s.cooldown = cfg.get_duration("loop.cooldown").value_or(s.cooldown);
  s.backoff_base = cfg.get_duration("loop.backoff_base").value_or(s.backoff_base);
  s.backoff_max = cfg.get_duration("loop.backoff_max").value_or(s.backoff_max);
  s.limit_wait_max = cfg.get_duration("loop.limit_wait_max").value_or(s.limit_wait_max);
  s.infra_retries = cfg.get_int("loop.infra_retries").value_or(s.infra_retries);
  s.allow_unmetered = cfg.get_bool("loop.allow_unmetered");
  if (s.completion_promise.find_first_not_of(" \t") == std::string::npos)
    throw ConfigError("loop.completion_promise must not be empty");
  return s;
}

agents::AgentSettings agent_settings(const config::Config& cfg, const std::string& name) {
  const std::string p = "agents." + name + ".";
  agents::AgentSettings a;
  a.kind = cfg.get_string(p + "kind");
  bool configured = false;
  for (const auto& n : cfg.table_names("agents")) configured = configured || n == name;
  if (a.kind.empty()) {
    if (!is_kind(name)) {
      std::string kinds;
      for (auto k : k_kinds) kinds += (kinds.empty() ? "" : ", ") + std::string(k);
      throw ConfigError(configured ? "agent '" + name + "' has no kind: set agents." + name + ".kind to one of " + kinds
                                   : "unknown agent '" + name + "': not a built-in kind (" + kinds +
                                         ") and no [agents." + name + "] table in the configuration");
    }
    a.kind = name;
  }
  if (!is_kind(a.kind)) throw ConfigError("agents." + name + ".kind: unknown kind '" + a.kind + "'");
  a.command = cfg.get_list(p + "command");
  a.extra_args = cfg.get_list(p + "args");
  for (const auto& kv : cfg.get_list(p + "env")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(p + "env: expected NAME=value, got '" + kv + "'");
    a.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  a.base_url = cfg.get_string(p + "base_url");
  a.api_key = cfg.get_string(p + "api_key");
  a.api_key_env = cfg.get_string(p + "api_key_env");
  if (!a.api_key.empty()) log::register_secret(a.api_key);
  a.max_output_tokens = cfg.get_int(p + "max_output_tokens").value_or(a.max_output_tokens);
  a.max_retries = cfg.get_int(p + "max_retries").value_or(a.max_retries);
  a.reports_usage = cfg.get_bool(p + "reports_usage");
  a.permission_mode = cfg.get_string(p + "permission_mode");
  a.provider = cfg.get_string(p + "provider");
  if (a.provider.empty()) a.provider = default_provider(name, a);
  return a;
}

std::map<std::string, agents::AgentSettings> all_agent_settings(const config::Config& cfg) {
  std::map<std::string, agents::AgentSettings> out;
  for (auto k : k_kinds) out.emplace(std::string(k), agent_settings(cfg, std::string(k)));
  for (const auto& name : cfg.table_names("agents")) out[name] = agent_settings(cfg, name);
  return out;
}

pricing::PriceTable price_table(const config::Config& cfg) {
  auto table = pricing::PriceTable::builtin();
  for (const auto& model : cfg.table_names("pricing.models")) {
    const std::string p = "pricing.models." + model + ".";
    auto base = table.find(model).value_or(pricing::ModelPrice{});
    base.input = cfg.get_number(p + "input").value_or(base.input);
    base.output = cfg.get_number(p + "output").value_or(base.output);
    base.cache_write = cfg.get_number(p + "cache_write").value_or(base.cache_write);
    base.cache_read = cfg.get_number(p + "cache_read").value_or(base.cache_read);
    table.set(model, base);
  }
  if (auto v = cfg.get_string("pricing.version"); !v.empty()) table.set_version(v);
  else if (!cfg.table_names("pricing.models").empty()) table.set_version(table.version() + "+config");
  return table;
}

void check_runnable(const domain::TaskSpec& spec, const agents::AgentSettings& settings, const agents::Agent& agent) {
  if (is_cli_kind(settings.kind)) {
    if (settings.kind == "command" && settings.command.empty())
      throw ConfigError("agent '" + spec.agent + "' has kind 'command' but no command: set agents." + spec.agent +
                        ".command = [\"/path/to/agent\", …]");
    std::string exe = settings.command.empty() ? settings.kind : settings.command.front();
    std::filesystem::path candidate = exe;
    if (candidate.is_relative() && exe.find('/') != std::string::npos) candidate = std::filesystem::path(spec.workdir) / exe;
    if (!proc::find_executable(candidate.string()))
      throw ConfigError("agent '" + spec.agent + "' is not installed: '" + exe + "' was not found" +
                        (exe.find('/') == std::string::npos ? " in PATH" : "") +
                        (settings.kind == "claude" ? " (npm install -g @anthropic-ai/claude-code, or set agents." +
                                                         spec.agent + ".command)"
                                                   : ""));
  }
  if (auto problem = loop::check_metering(spec, agent)) throw ConfigError(*problem);
}

} // namespace ralph::app
