#pragma once
// Agents that are command-line programs (claude, codex, gemini, command):
// one process per iteration, the prompt on stdin, stdout parsed line by line.
#include <memory>
#include <string>

#include "agents/agent.hpp"

namespace ralph::agents {

// The adapter for a CLI kind; nullptr for any other kind.
std::unique_ptr<Agent> make_cli_agent(const std::string& name, const AgentSettings& settings, AgentContext ctx);

// The program a CLI agent runs: settings.command[0], or the kind's binary.
std::string cli_program(const AgentSettings& settings);

} // namespace ralph::agents
