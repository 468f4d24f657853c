#pragma once
// How each CLI agent kind is launched: argv and environment additions.
// Secrets travel only in the environment, never on argv.
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.hpp"

namespace ralph::agents {

// True for claude, codex, gemini and command.
bool is_cli_kind(std::string_view kind);

// The program a CLI agent runs: settings.command[0], or the kind's binary
// (empty for a command agent without a command).
std::string cli_program(const AgentSettings& settings);

// Where to get the kind's CLI, for "not installed" messages ("" if none).
std::string_view install_hint(std::string_view kind);

// The full argv for one iteration (settings.kind must be a CLI kind).
std::vector<std::string> cli_argv(const AgentSettings& settings, const IterationRequest& req);

// "K=V" entries added to ralph's environment: the kind's fixed settings, the
// API key (registered as a secret), settings.env, then req.env.
std::vector<std::string> cli_env(const AgentSettings& settings, const IterationRequest& req);

} // namespace ralph::agents
