#pragma once
// The metrics ralphd exports on /metrics, fed by the loops its slots run.
#include <memory>
#include <string>

#include "core/loop/loop_engine.hpp"
#include "core/metrics/registry.hpp"
#include "core/store/store.hpp"

namespace ralph::daemon {

class DaemonMetrics {
public:
  DaemonMetrics(); // declares every family, so a scrape shows them from the start
  metrics::Registry& registry() { return m_registry; }

  // Counts the iterations, tokens, cost and durations of one task's loop.
  std::unique_ptr<loop::Observer> observer_for(const store::Task& task);
  // Counts the limiter's Redis errors at each scrape; it must outlive this.
  void watch_limiter(const ratelimit::Limiter& limiter);
  void task_finished(const store::Task& task, const loop::LoopOutcome& outcome);
  void set_slots(int busy, int idle);
  // Refreshes the task counts from the store, then renders the text format.
  std::string render(store::Store& store);

private:
  metrics::Registry m_registry;
};

} // namespace ralph::daemon
