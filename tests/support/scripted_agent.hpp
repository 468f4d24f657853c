#pragma once
// An in-process Agent driven by a list of steps, for loop-engine tests. Each
// run() plays the next step: live usage updates, then a result; a step may
// instead wait for the cancel, as a hung agent does.
#include <functional>
#include <string>
#include <vector>

#include "agents/agent.hpp"
#include "tests/support/manual_clock.hpp"

namespace ralph::test {

struct AgentStep {
  std::string text;                                   // final text
  agents::FaultKind fault = agents::FaultKind::none;
  domain::Usage usage;
  domain::Cost cost = domain::Cost::reported(0.0);
  bool usage_known = true;
  std::vector<domain::Usage> live;                    // on_usage calls before the end
  std::chrono::milliseconds takes{1000};              // advances the ManualClock
  bool hang_until_cancel = false;                     // returns `cancelled` only once cancelled
  std::optional<std::chrono::milliseconds> retry_after;
  std::function<void(const agents::IterationRequest&)> action; // side effects (write files…)
};

class ScriptedAgent final : public agents::Agent {
public:
  ScriptedAgent(std::vector<AgentStep> steps, ManualClock& clock, bool meters = true)
      : m_steps(std::move(steps)), m_clock(clock), m_meters(meters) {}

  std::string_view name() const override { return "scripted"; }
  bool reports_usage() const override { return m_meters; }

  agents::IterationResult run(const agents::IterationRequest& req, agents::EventSink& sink,
                              const util::CancelSource& cancel) override {
    requests.push_back(req);
    const AgentStep& step = m_steps.at(std::min(m_calls++, m_steps.size() - 1));
    if (step.action) step.action(req);
    agents::IterationResult r;
    for (const auto& u : step.live) {
      auto cost = step.cost.usd ? domain::Cost::reported(*step.cost.usd * static_cast<double>(u.total()) /
                                                         static_cast<double>(std::max<std::int64_t>(1, step.usage.total())))
                                : step.cost;
      sink.on_usage(u, cost);
      if (cancel.cancelled()) {
        r.fault = agents::FaultKind::cancelled;
        r.usage = u;
        r.cost = cost;
        r.usage_known = true;
        return r;
      }
    }
    m_clock.advance(step.takes);
    if (step.hang_until_cancel) {
      r.fault = cancel.cancelled() ? agents::FaultKind::cancelled : agents::FaultKind::timeout;
      r.error = "hung";
      return r;
    }
    r.fault = step.fault;
    r.final_text = step.text;
    r.usage = step.usage;
    r.cost = step.cost;
    r.usage_known = step.usage_known;
    r.exit_code = step.fault == agents::FaultKind::none ? 0 : 1;
    r.retry_after = step.retry_after;
    if (step.fault != agents::FaultKind::none) r.error = "scripted " + std::string(agents::to_string(step.fault));
    return r;
  }

  std::vector<agents::IterationRequest> requests;

private:
  std::vector<AgentStep> m_steps;
  ManualClock& m_clock;
  bool m_meters;
  std::size_t m_calls = 0;
};

} // namespace ralph::test
