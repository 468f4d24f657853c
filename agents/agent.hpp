#pragma once
// One iteration of one agent. Adapters turn each agent's output into an
// IterationResult; agent-side failures are reported in the result, never thrown.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/usage.hpp"
#include "core/util/cancel.hpp"

namespace ralph::pricing { class PriceTable; }
namespace ralph::proc { class ProcessRunner; }

namespace ralph::agents {

// Only `agent` failures spend the consecutive-failure budget.
enum class FaultKind {
  none,     // the iteration ran and succeeded
  agent,    // the agent ran and failed
  limit,    // usage or rate limit: wait until the reset
  infra,    // network, 5xx, overload: retry with backoff
  auth,     // credentials missing or rejected: fail fast
  config,   // misconfiguration (bad model, missing binary): fail fast
  timeout,  // the deadline or the inactivity timeout ended it
  cancelled // stopped by cancel (user, budget, lease)
};
std::string_view to_string(FaultKind k);

struct IterationRequest {
  std::string prompt;
  std::filesystem::path workdir;
  std::string model;                                      // empty: the agent's default
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::optional<std::chrono::milliseconds> inactivity_timeout;
  std::chrono::milliseconds kill_grace{5000};
  std::vector<std::string> env;                           // extra "K=V" for the agent
  std::string resume_session;                             // empty: fresh session
  std::filesystem::path log_path;                         // per-iteration output log
  std::string task_id;
  std::int64_t iteration = 0;
};

// Receives what the agent streams, while it streams.
class EventSink {
public:
  virtual ~EventSink() = default;
  // Human-readable text the agent produced (assistant text, tool summaries).
  virtual void on_text(std::string_view text) = 0;
  // Usage and cost so far in this iteration (cumulative within the iteration).
  virtual void on_usage(const domain::Usage& usage, const domain::Cost& cost) = 0;
};

struct IterationResult {
  FaultKind fault = FaultKind::none;
  std::string error;                  // short, loggable, secret-free
  int exit_code = -1;
  std::string final_text;             // what the completion check reads
  domain::Usage usage;
  domain::Cost cost;                  // never a silent $0
  bool usage_known = false;           // false: the agent reported no usage at all
  std::string model;                  // as reported, if any
  std::string session_id;
  std::int64_t num_turns = 0;
  std::optional<std::chrono::milliseconds> retry_after; // limit/infra hint
  std::size_t output_bytes = 0;
};

class Agent {
public:
  virtual ~Agent() = default;
  virtual std::string_view name() const = 0;
  // Whether this agent can report token usage (and so enforce token/cost budgets).
  virtual bool reports_usage() const = 0;
  virtual IterationResult run(const IterationRequest& req, EventSink& sink,
                              const util::CancelSource& cancel) = 0;
};

// Per-agent settings from the [agents.<name>] config tables.
struct AgentSettings {
  std::string kind;                        // claude | codex | gemini | command | anthropic | openai
  std::vector<std::string> command;        // argv prefix for CLI agents
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> env;  // extra environment
  std::string base_url;                    // HTTP agents
  std::string api_key;                     // secret; never logged
  std::string api_key_env;                 // env var to read the key from
  std::int64_t max_output_tokens = 8192;   // HTTP agents
  std::int64_t max_retries = 3;            // HTTP agents: 429/5xx retries within one iteration
  bool reports_usage = false;              // command agent: prints a usage JSON line
  std::string permission_mode;             // claude
  std::string provider;                    // whose [rate_limits] apply (never empty once resolved)
};

struct AgentContext {
  proc::ProcessRunner& runner;
  const pricing::PriceTable& prices;
};

// Creates the adapter for settings.kind; nullptr for an unknown kind.
std::unique_ptr<Agent> make_agent(const std::string& name, const AgentSettings& settings,
                                  AgentContext ctx);

struct AgentInfo {
  std::string name;
  std::string kind;
  bool installed = false;
  std::string version; // empty when unknown
  std::string path;
};
// Whether this machine can run an agent so configured: its CLI is on PATH
// (or its command exists), or for the HTTP kinds, the libcurl plugin is
// installed. Cheap: nothing is run. (A daemon offers these to the fleet.)
bool runnable_here(const AgentSettings& settings);

// Which agents are installed, with versions (runs `<cli> --version`).
std::vector<AgentInfo> detect_agents(const std::map<std::string, AgentSettings>& configured,
                                     proc::ProcessRunner& runner);

} // namespace ralph::agents
