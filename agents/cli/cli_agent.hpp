#pragma once
// Agents that are command-line programs (claude, codex, gemini, command):
// one process per iteration through AgentContext::runner, the prompt on
// stdin, stdout parsed line by line and kept in req.log_path.
#include <memory>
#include <string>

#include "agents/agent.hpp"

namespace ralph::agents {

// The adapter for a CLI kind; nullptr for any other kind.
std::unique_ptr<Agent> make_cli_agent(const std::string& name, const AgentSettings& settings, AgentContext ctx);

} // namespace ralph::agents
