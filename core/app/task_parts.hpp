#pragma once
// One task's agent and checkpointer, built from the effective configuration.
// `ralph run` and ralphd's worker slots build them the same way.
#include <memory>

#include "agents/agent.hpp"
#include "core/config/config.hpp"
#include "core/domain/task.hpp"
#include "core/loop/loop_engine.hpp"
#include "core/pricing/pricing.hpp"

namespace ralph::proc { class ProcessRunner; }

namespace ralph::app {

class TaskParts {
public:
  // Throws ConfigError when the agent is unknown, not installed, or cannot
  // meter the spec's token/cost budgets.
  TaskParts(const config::Config& cfg, const domain::TaskSpec& spec, proc::ProcessRunner& runner);
  TaskParts(const TaskParts&) = delete; // the agent points into m_prices
  TaskParts& operator=(const TaskParts&) = delete;

  agents::Agent& agent() { return *m_agent; }
  // Empty when checkpoints are off or the workdir is not a git repository.
  const loop::CheckpointFn& checkpoint() const { return m_checkpoint; }
  // The agent's provider and its [rate_limits], for LoopDeps.
  const std::string& provider() const { return m_provider; }
  const ratelimit::RateLimit& rate_limit() const { return m_rate_limit; }
  // Sets deps' limiter (may be null: no limits), provider and limits.
  void limit_rate(loop::LoopDeps& deps, ratelimit::Limiter* limiter) const;

private:
  pricing::PriceTable m_prices; // the agent holds a reference to it
  std::unique_ptr<agents::Agent> m_agent;
  loop::CheckpointFn m_checkpoint;
  std::string m_provider;
  ratelimit::RateLimit m_rate_limit;
};

} // namespace ralph::app
