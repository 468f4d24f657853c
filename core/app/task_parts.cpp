#include "core/app/task_parts.hpp"

#include "core/app/rate_limits.hpp"
#include "core/app/task_setup.hpp"
#include "core/git/checkpointer.hpp"
#include "core/proc/process.hpp"
#include "core/util/error.hpp"

namespace ralph::app {

namespace {

loop::CheckpointFn make_checkpoint(const domain::TaskSpec& spec, proc::ProcessRunner& runner) {
  if (!spec.git) return {};
  git::Checkpointer git(runner);
  if (!git.is_repository(spec.workdir)) return {};
  return [&runner, workdir = spec.workdir](const std::string& message) -> util::Expected<std::optional<std::string>, std::string> {
    git::Checkpointer g(runner);
    auto r = g.commit_checkpoint(workdir, message);
    if (!r) return util::unexpected(r.error().message);
    return *r;
  };
}

} // namespace

TaskParts::TaskParts(const config::Config& cfg, const domain::TaskSpec& spec, proc::ProcessRunner& runner)
    : m_prices(price_table(cfg)) {
  auto settings = agent_settings(cfg, spec.agent);
  m_agent = agents::make_agent(spec.agent, settings, agents::AgentContext{runner, m_prices});
  if (!m_agent) throw ConfigError("agent '" + spec.agent + "' has an unsupported kind '" + settings.kind + "'");
  check_runnable(spec, settings, *m_agent);
  m_checkpoint = make_checkpoint(spec, runner);
  m_provider = settings.provider;
  m_rate_limit = app::rate_limit(cfg, m_provider);
}

void TaskParts::limit_rate(loop::LoopDeps& deps, ratelimit::Limiter* limiter) const {
  deps.limiter = limiter;
  deps.provider = m_provider;
  deps.rate_limit = m_rate_limit;
}

} // namespace ralph::app
