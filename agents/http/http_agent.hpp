#pragma once
// Agents that talk to a model's HTTP API directly, one streamed request per
// iteration: kind "anthropic" (Messages API) and kind "openai" (Chat
// Completions, which Ollama, vLLM and llama.cpp also speak).
#include <memory>
#include <string>

#include "agents/agent.hpp"

namespace ralph::agents {

// The adapter for settings.kind "anthropic" or "openai"; nullptr for any other kind.
std::unique_ptr<Agent> make_http_agent(const std::string& name, const AgentSettings& settings,
                                       AgentContext ctx);

} // namespace ralph::agents
