#pragma once
// Turns the effective configuration into a TaskSpec and an Agent.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "agents/agent.hpp"
#include "core/config/config.hpp"
#include "core/domain/task.hpp"
#include "core/pricing/pricing.hpp"

namespace ralph::app {

// The loop.* and git.* keys as a TaskSpec for `workdir` (made absolute).
domain::TaskSpec spec_from_config(const config::Config& cfg, const std::filesystem::path& workdir);

// Settings of agent `name`: built-in defaults for its kind, overridden by
// [agents.<name>]. Throws ConfigError for an unknown agent.
agents::AgentSettings agent_settings(const config::Config& cfg, const std::string& name);

// Every agent the config names, plus the built-in kinds.
std::map<std::string, agents::AgentSettings> all_agent_settings(const config::Config& cfg);

// The built-in price table with [pricing] overrides applied.
pricing::PriceTable price_table(const config::Config& cfg);

// Fails fast, with exit code 2, when the agent cannot run this spec: a CLI
// agent that is not installed, or a token/cost budget it cannot meter.
void check_runnable(const domain::TaskSpec& spec, const agents::AgentSettings& settings, const agents::Agent& agent);

} // namespace ralph::app
