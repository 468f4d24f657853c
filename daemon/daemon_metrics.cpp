#include "daemon/daemon_metrics.hpp"

#include <atomic>

#include "core/domain/budget.hpp"

namespace ralph::daemon {

namespace {

class LoopMetrics final : public loop::Observer {
public:
  LoopMetrics(metrics::Registry& r, std::string agent, std::string model)
      : m_registry(r), m_agent(std::move(agent)), m_model(std::move(model)) {}

  void on_iteration_end(const store::IterationRecord& rec, const store::Totals&) override {
    const std::string model = rec.model.empty() ? m_model : rec.model;
    m_registry.add("ralph_iterations_total", {{"agent", m_agent}, {"outcome", rec.outcome}});
    auto tokens = [&](const char* kind, std::int64_t n) {
      if (n > 0)
        m_registry.add("ralph_tokens_total", {{"agent", m_agent}, {"model", model}, {"kind", kind}},
                       static_cast<double>(n));
    };
    tokens("input", rec.usage.input);
    tokens("output", rec.usage.output);
    tokens("cache_read", rec.usage.cache_read);
    tokens("cache_write", rec.usage.cache_write);
    if (rec.cost.usd) m_registry.add("ralph_cost_usd_total", {{"agent", m_agent}, {"model", model}}, *rec.cost.usd);
    else m_registry.add("ralph_unpriced_iterations_total", {{"agent", m_agent}, {"model", model}});
    m_registry.observe("ralph_iteration_duration_seconds", {{"agent", m_agent}},
                       static_cast<double>(rec.finished_at_ms - rec.started_at_ms) / 1000.0);
  }

  void on_rate_limit_wait(std::string_view provider, std::chrono::milliseconds waited) override {
    const metrics::Labels labels{{"provider", std::string(provider)}};
    m_registry.add("ralph_rate_limit_waits_total", labels);
    m_registry.add("ralph_rate_limit_wait_seconds_total", labels, static_cast<double>(waited.count()) / 1000.0);
  }

private:
  metrics::Registry& m_registry;
  std::string m_agent;
  std::string m_model;
};

bool is_budget(domain::StopReason r) {
  using R = domain::StopReason;
  return r == R::max_iterations || r == R::max_runtime || r == R::max_tokens || r == R::max_cost ||
         r == R::fleet_budget;
}

} // namespace

DaemonMetrics::DaemonMetrics() {
  m_registry.describe_gauge("ralph_tasks", "Tasks in the store, by state");
  m_registry.describe_counter("ralph_iterations_total", "Iterations run by this daemon, by agent and outcome");
  m_registry.describe_counter("ralph_tokens_total", "Tokens used, by agent, model and kind");
  m_registry.describe_counter("ralph_cost_usd_total", "Known cost in USD, by agent and model");
  m_registry.describe_counter("ralph_unpriced_iterations_total", "Iterations whose cost is unknown");
  m_registry.describe_histogram("ralph_iteration_duration_seconds", "Wall time of one iteration",
                                {1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600});
  m_registry.describe_counter("ralph_budget_exhausted_total", "Tasks stopped by a budget, by reason");
  m_registry.describe_counter("ralph_tasks_finished_total", "Tasks that left a slot, by outcome");
  m_registry.describe_gauge("ralph_worker_slots", "Worker slots, by state");
  m_registry.describe_histogram("ralph_store_operation_duration_seconds", "Time of one store call, by operation",
                                {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5});
  m_registry.describe_gauge("ralph_redis_up", "1 while this daemon's Redis subscription is connected (redis.url set)");
  m_registry.describe_counter("ralph_redis_errors_total", "Failed Redis connects, lost connections and failed commands");
  m_registry.describe_counter("ralph_rate_limit_waits_total", "Agent calls that waited for a provider's rate limit");
  m_registry.describe_counter("ralph_rate_limit_wait_seconds_total",
                              "Time loops waited for a provider's rate limit before an agent call");
  m_registry.describe_counter("ralph_rate_limit_errors_total",
                              "Rate-limit calls to Redis that failed (the limits then hold per daemon)");
}

void DaemonMetrics::watch_limiter(const ratelimit::Limiter& limiter) {
  // The limiter counts; each scrape adds what it counted since the last one.
  auto seen = std::make_shared<std::atomic<std::uint64_t>>(0);
  m_registry.on_scrape([&limiter, seen](metrics::Registry& r) {
    auto now = limiter.errors();
    auto before = seen->exchange(now);
    r.add("ralph_rate_limit_errors_total", {}, static_cast<double>(now > before ? now - before : 0));
  });
}

std::unique_ptr<loop::Observer> DaemonMetrics::observer_for(const store::Task& task) {
  return std::make_unique<LoopMetrics>(m_registry, task.spec.agent, task.spec.model);
}

void DaemonMetrics::task_finished(const store::Task&, const loop::LoopOutcome& outcome) {
  std::string what = outcome.released ? "released" : std::string(domain::to_string(outcome.reason));
  m_registry.add("ralph_tasks_finished_total", {{"outcome", what}});
  if (!outcome.released && is_budget(outcome.reason))
    m_registry.add("ralph_budget_exhausted_total", {{"reason", std::string(domain::to_string(outcome.reason))}});
}

void DaemonMetrics::set_slots(int busy, int idle) {
  m_registry.set("ralph_worker_slots", {{"state", "busy"}}, busy);
  m_registry.set("ralph_worker_slots", {{"state", "idle"}}, idle);
}

std::string DaemonMetrics::render(store::Store& store) {
  if (auto counts = store.count_tasks()) {
    for (auto s : {domain::TaskState::queued, domain::TaskState::running, domain::TaskState::completed,
                   domain::TaskState::stopped, domain::TaskState::failed, domain::TaskState::cancelled}) {
      double n = 0;
      for (const auto& [state, count] : *counts)
        if (state == s) n = static_cast<double>(count);
      m_registry.set("ralph_tasks", {{"state", std::string(domain::to_string(s))}}, n);
    }
  }
  return m_registry.render();
}

} // namespace ralph::daemon
