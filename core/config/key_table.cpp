// The one table of configuration keys: types, defaults, legacy environment
// names, secrecy and docs. config.toml.example and config.toml(5) follow it
// (tests/unit/config checks both).
#include <algorithm>
#include <cctype>

#include "core/config/config.hpp"
#include "core/config/values.hpp"

namespace ralph::config {

const std::vector<KeyInfo>& key_table() {
  using T = Type;
  static const std::vector<KeyInfo> table = {
      {"loop.agent", T::string, "\"claude\"", "RALPH_AGENT", false,
       "agent: claude, codex, gemini, command, anthropic, openai, or a table under [agents]"},
      {"loop.model", T::string, "\"\"", "", false, "model id passed to the agent; empty = the agent's default"},
      {"loop.prompt_file", T::string, "\"PROMPT.md\"", "", false,
       "prompt file, re-read every iteration (relative to the workdir)"},
      {"loop.prompt", T::string, "\"\"", "", false, "prompt text used instead of prompt_file"},
      {"loop.max_iterations", T::integer, "100", "RALPH_MAX_ITERATIONS", false, "stop after N iterations (0 = unlimited)"},
      {"loop.max_runtime", T::duration, "\"4h\"", "RALPH_MAX_RUNTIME", false, "stop after this long (0 = unlimited)"},
      {"loop.max_tokens", T::integer, "0", "RALPH_MAX_TOKENS", false,
       "stop when this many tokens are used, checked while the agent streams (0 = unlimited)"},
      {"loop.max_cost", T::number, "0.0", "RALPH_MAX_COST", false,
       "stop when this much USD is spent, checked while the agent streams (0 = unlimited)"},
      {"loop.iteration_timeout", T::duration, "\"30m\"", "", false, "hard deadline of one iteration (0 = none)"},
      {"loop.inactivity_timeout", T::duration, "\"10m\"", "", false,
       "stop an agent that prints nothing for this long (0 = never)"},
      {"loop.kill_grace", T::duration, "\"5s\"", "", false, "time between SIGTERM and SIGKILL for the agent's process group"},
      {"loop.completion_promise", T::string, "\"LOOP_COMPLETE\"", "", false,
       "text the agent prints on a line of its own when the work is done"},
      {"loop.gates", T::string_list, "[]", "", false, "shell commands that must all pass before completion is accepted"},
      {"loop.max_consecutive_failures", T::integer, "5", "", false, "stop after N agent failures in a row"},
      {"loop.loop_detect_repeats", T::integer, "3", "", false, "stop when the same output repeats N times in a row (0 = off)"},
      {"loop.cooldown", T::duration, "\"0s\"", "", false, "pause between iterations"},
      {"loop.backoff_base", T::duration, "\"2s\"", "", false, "first wait after a failure; doubles each time"},
      {"loop.backoff_max", T::duration, "\"5m\"", "", false, "longest wait after a failure"},
      {"loop.limit_wait_max", T::duration, "\"1h\"", "", false, "longest wait for a usage or rate limit to reset"},
      {"loop.infra_retries", T::integer, "5", "", false, "infrastructure faults (network, 5xx) in a row before the loop errors out"},
      {"loop.allow_unmetered", T::boolean, "false", "", false,
       "allow max_tokens/max_cost on an agent that cannot report usage (they cannot fire)"},
      {"git.enabled", T::boolean, "true", "", false, "commit checkpoints when the workdir is a git repository"},
      {"git.checkpoint_interval", T::integer, "1", "", false, "commit every N iterations (0 = only at the end)"},
      {"store.url", T::string, "\"\"", "", false, "store URL; empty = sqlite:///<state_dir>/ralph.db"},
      {"redis.url", T::string, "\"\"", "", false,
       "optional Redis for fast wakeups and live logs, redis://[[user]:password@]host[:port][/db] or "
       "unix:///path/redis.sock[?db=N]; empty = none (REDIS_URL when set)"},
      {"redis.prefix", T::string, "\"ralph:\"", "", false, "prefix of every Redis key and channel ralph uses"},
      {"redis.timeout", T::duration, "\"500ms\"", "", false,
       "connect and reply timeout of Redis commands; Redis slower than this counts as down"},
      {"paths.state_dir", T::string, "\"\"", "", false,
       "state directory; empty = $XDG_STATE_HOME/ralph (/var/lib/ralph with RALPH_SYSTEM=1)"},
      {"daemon.max_concurrent", T::integer, "4", "", false, "worker slots: tasks ralphd runs at once"},
      {"daemon.claim_batch", T::integer, "8", "", false,
       "most queued tasks one claim transaction takes for free slots (1: one transaction per task)"},
      {"daemon.queues", T::string_list, "[\"default\"]", "", false, "queues ralphd takes tasks from"},
      {"daemon.labels", T::string_list, "[]", "", false,
       "this daemon's labels, [\"gpu=true\"]: only tasks whose `--require`s it has all of are claimed here"},
      {"daemon.agents", T::string_list, "[]", "", false,
       "agents this daemon offers; empty = every configured or built-in agent whose program is installed here"},
      {"daemon.drain_timeout", T::duration, "\"90s\"", "", false,
       "on SIGTERM, how long running iterations may finish before their agents are stopped"},
      {"daemon.http_listen", T::string, "\"127.0.0.1:9187\"", "", false,
       "address of /healthz, /readyz and /metrics; \"off\" disables; non-loopback needs http_token"},
      {"daemon.http_token", T::string, "\"\"", "", true, "bearer token the HTTP endpoints require when set"},
      {"daemon.socket", T::string, "\"\"", "", false,
       "wakeup socket the CLI pokes on submit and cancel; empty = <state_dir>/ralphd.sock"},
      {"daemon.work_root", T::string, "\"\"", "", false,
       "where ralphd clones the workspaces of --repo tasks (private, 0700); empty = <state_dir>/work"},
      {"daemon.poll_interval", T::duration, "\"1s\"", "", false,
       "fallback check for queued tasks and cancel requests when no wakeup arrives"},
      {"daemon.heartbeat_interval", T::duration, "\"1s\"", "", false,
       "how often ralphd reports itself alive and looks for dead peers"},
      {"daemon.instance_ttl", T::duration, "\"10s\"", "", false,
       "an instance silent for this long is considered dead (hung) and its tasks are taken over"},
      {"ops.backup_dir", T::string, "\"\"", "", false,
       "where `ralph backup` writes backups; empty = <state_dir>/backups (another disk is better)"},
      {"ops.retention", T::duration, "\"30d\"", "", false,
       "`ralph maintenance` deletes tasks that finished longer ago than this, with their logs"},
      {"ops.audit_retention", T::duration, "\"365d\"", "", false,
       "`ralph maintenance` deletes audit records (`ralph audit`) older than this"},
      {"failover.promote_command", T::string, "\"\"", "", false,
       "`ralph failover --promote` runs this with sh -c to promote the standby store (e.g. pg_ctl promote)"},
      {"log.level", T::string, "\"info\"", "", false, "log level: trace, debug, info, warn, error"},
      {"hooks.task_completed", T::string_list, "[]", "", false, "shell commands run when a task completes"},
      {"hooks.task_failed", T::string_list, "[]", "", false,
       "shell commands run when a task fails (error, consecutive failures, loop detected)"},
      {"hooks.budget_warn", T::string_list, "[]", "", false,
       "shell commands run when a task first crosses a budget_warn_percent of one of its budgets"},
      {"hooks.budget_exhausted", T::string_list, "[]", "", false, "shell commands run when a budget stops a task"},
      {"hooks.limit_wait", T::string_list, "[]", "", false, "shell commands run when a loop waits on a usage or rate limit"},
      {"hooks.instance_lost", T::string_list, "[]", "", false,
       "shell commands run by the daemon that finds another instance dead and takes its tasks"},
      {"hooks.failover", T::string_list, "[]", "", false, "shell commands run when tasks are moved off an instance"},
      {"hooks.timeout", T::duration, "\"30s\"", "", false, "a hook still running after this long is killed with its process group"},
      {"hooks.output_cap", T::integer, "65536", "", false, "bytes of a hook's stdout and stderr kept in its `hook` event"},
      {"hooks.on_error", T::string, "\"warn\"", "", false,
       "warn: a failing hook is logged; fail: loop events wait for their hooks and a failing one fails the task"},
      {"hooks.budget_warn_percent", T::string, "\"50,75,90\"", "", false,
       "comma-separated percentages of each budget at which budget_warn hooks run"},
      {"agents.*.kind", T::string, "\"\"", "", false,
       "claude, codex, gemini, command, anthropic or openai (default: the table name, when it names a kind)"},
      {"agents.*.command", T::string_list, "[]", "", false, "program and leading arguments, e.g. [\"./agent.sh\"]"},
      {"agents.*.args", T::string_list, "[]", "", false, "extra arguments"},
      {"agents.*.env", T::string_list, "[]", "", false, "extra environment, as \"NAME=value\""},
      {"agents.*.model", T::string, "\"\"", "", false, "default model for this agent"},
      {"agents.*.base_url", T::string, "\"\"", "", false, "API endpoint of an HTTP agent"},
      {"agents.*.api_key", T::string, "\"\"", "", true, "API key; prefer api_key_env"},
      {"agents.*.api_key_env", T::string, "\"\"", "", false, "environment variable that holds the API key"},
      {"agents.*.max_output_tokens", T::integer, "8192", "", false, "HTTP agents: max_tokens per request"},
      {"agents.*.max_retries", T::integer, "3", "", false, "HTTP agents: 429/5xx retries within an iteration"},
      {"agents.*.reports_usage", T::boolean, "false", "", false, "command agent: prints {\"type\":\"usage\",...} lines"},
      {"agents.*.permission_mode", T::string, "\"\"", "", false, "claude --permission-mode; empty = acceptEdits"},
      {"agents.*.provider", T::string, "\"\"", "", false,
       "whose [rate_limits] apply; empty = by kind: claude/anthropic: anthropic, codex/openai: openai, gemini: google, "
       "command: the agent's name"},
      {"rate_limits.*.requests_per_minute", T::number, "0.0", "", false,
       "agent calls per minute to this provider, across the fleet with Redis (0 = unlimited)"},
      {"rate_limits.*.tokens_per_minute", T::number, "0.0", "", false,
       "tokens per minute, charged after each call with the tokens it reported (0 = unlimited)"},
      {"rate_limits.*.request_burst", T::number, "0.0", "", false,
       "calls that may start at once after a quiet spell (0 = requests_per_minute)"},
      {"rate_limits.*.token_burst", T::number, "0.0", "", false,
       "tokens that may be spent at once after a quiet spell (0 = tokens_per_minute)"},
      {"pricing.version", T::string, "\"\"", "", false, "label recorded for overridden prices"},
      {"pricing.models.*.input", T::number, "", "", false, "USD per million uncached input tokens"},
      {"pricing.models.*.output", T::number, "", "", false, "USD per million output tokens"},
      {"pricing.models.*.cache_write", T::number, "", "", false, "USD per million cache-write tokens"},
      {"pricing.models.*.cache_read", T::number, "", "", false, "USD per million cache-read tokens"},
      {"budgets.*.daily_cost_usd", T::number, "", "", false,
       "fleet budget: USD per UTC day for all the tasks it covers, across every ralph and ralphd on the store"},
      {"budgets.*.queue", T::string, "", "", false, "fleet budget: covers only this queue's tasks"},
      {"budgets.*.project", T::string, "", "", false, "fleet budget: covers only tasks labelled project=<this>"},
  };
  return table;
}

namespace {

// "agents.*.kind" matches "agents.my.bot.kind": a table name may contain dots
// (TOML quoted keys), so '*' stands for everything between prefix and suffix.
bool matches(std::string_view pattern, std::string_view key) {
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == key;
  auto prefix = pattern.substr(0, star);
  auto suffix = pattern.substr(star + 1);
  return key.size() > prefix.size() + suffix.size() && key.starts_with(prefix) && key.ends_with(suffix);
}

} // namespace

const KeyInfo* find_key(std::string_view key) {
  for (const auto& k : key_table())
    if (matches(k.key, key)) return &k;
  return nullptr;
}

bool is_dynamic(const KeyInfo& info) { return info.key.find('*') != std::string_view::npos; }

std::string env_name(std::string_view key) {
  if (key.find('*') != std::string_view::npos) return "";
  std::string name = "RALPH_";
  for (char c : key) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of neighbours ("max_cots" is one edit from "max_cost").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  // Only close misspellings: a suggestion far from what was typed misleads
  // ("agents.x.kind" is not a typo of "agents.x.env").
  std::size_t best_distance = std::min<std::size_t>(3, word.size() / 3 + 1);
  std::string best;
  for (const auto& c : candidates) {
    auto d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string suggestion_for(std::string_view key) {
  std::vector<std::string> candidates;
  for (const auto& k : key_table()) {
    std::string candidate(k.key);
    if (auto star = candidate.find('*'); star != std::string::npos) {
      // Compare with the user's table name filled in: "agents.mine.comand"
      // is one edit from "agents.mine.command".
      auto prefix = candidate.substr(0, star);
      auto last = key.rfind('.');
      if (!key.starts_with(prefix) || last == std::string_view::npos || last <= prefix.size()) continue;
      candidate = std::string(key.substr(0, last)) + candidate.substr(star + 1);
    }
    if (candidate != key) candidates.push_back(std::move(candidate));
  }
  auto best = closest(key, candidates);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

} // namespace ralph::config
