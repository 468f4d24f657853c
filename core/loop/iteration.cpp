// One iteration of the loop: prompt, agent, record, completion, gates,
// checkpoint, and the fault policy that decides whether the loop goes on.
#include <cstdio>

#include "core/clock/clock.hpp"
#include "core/log/redact.hpp"
#include "core/loop/backoff.hpp"
#include "core/loop/gates.hpp"
#include "core/loop/loop_state.hpp"
#include "core/loop/prompt.hpp"
#include "core/util/cancel.hpp"

namespace ralph::loop {

using agents::FaultKind;
using domain::StopReason;

namespace {

constexpr std::size_t k_excerpt_bytes = 2000;

std::string tail(std::string_view s, std::size_t n) {
  return std::string(s.size() > n ? s.substr(s.size() - n) : s);
}

std::string seq_name(std::string_view prefix, std::int64_t seq, std::string_view ext) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(seq));
  return std::string(prefix) + buf + std::string(ext);
}

// Forwards streamed output to the observer and stops the agent the moment a
// token or cost budget is crossed, instead of a whole iteration later.
class LiveSink final : public agents::EventSink {
public:
  LiveSink(const domain::TaskSpec& spec, const store::Totals& totals, const domain::Spent& before,
           std::int64_t seq, Observer* observer, util::CancelSource& cancel,
           std::optional<StopReason>& budget_stop)
      : m_spec(spec), m_totals(totals), m_before(before), m_seq(seq), m_observer(observer), m_cancel(cancel),
        m_budget_stop(budget_stop) {}

  void on_text(std::string_view text) override {
    if (m_observer) m_observer->on_text(text);
  }

  void on_usage(const domain::Usage& usage, const domain::Cost& cost) override {
    domain::Spent now = m_before;
    now.usage = m_totals.usage + usage;
    now.cost_usd = m_totals.cost_usd + cost.usd.value_or(0.0);
    if (m_observer) m_observer->on_live(m_seq, now.usage, now.cost_usd);
    if (m_budget_stop) return;
    if (auto reason = domain::check_while_streaming(m_spec.budget, now)) {
      m_budget_stop = reason;
      m_cancel.cancel("budget");
    }
  }

private:
  const domain::TaskSpec& m_spec;
  const store::Totals& m_totals;
  domain::Spent m_before;
  std::int64_t m_seq;
  Observer* m_observer;
  util::CancelSource& m_cancel;
  std::optional<StopReason>& m_budget_stop;
};


store::IterationRecord make_record(std::int64_t seq, const agents::IterationResult& r, std::int64_t started_ms,
                                   std::int64_t finished_ms, const std::filesystem::path& log_path,
                                   const std::filesystem::path& prompt_path) {
  store::IterationRecord rec;
  rec.seq = seq;
  rec.started_at_ms = started_ms;
  rec.finished_at_ms = finished_ms;
  rec.outcome = r.fault == FaultKind::none ? "ok" : std::string(agents::to_string(r.fault));
  rec.exit_code = r.exit_code;
  rec.usage = r.usage;
  rec.cost = r.cost;
  rec.model = r.model;
  rec.session_id = r.session_id;
  rec.num_turns = r.num_turns;
  rec.excerpt = log::redact(tail(r.final_text.empty() ? r.error : r.final_text, k_excerpt_bytes));
  rec.log_path = log_path.string();
  rec.prompt_path = prompt_path.string();
  return rec;
}

} // namespace

std::optional<LoopOutcome> LoopEngine::run_one(State& st, util::CancelSource& cancel) {
  const std::int64_t seq = st.next_seq;
  auto prompt = build_prompt(st.spec, st.gate_feedback);
  if (!prompt) return LoopOutcome{StopReason::error, prompt.error()};
  auto prompt_path = m_task_dir / seq_name("prompt-", seq, ".md");
  archive_prompt(prompt_path, *prompt);
  if (m_deps.observer) m_deps.observer->on_iteration_start(seq);

  // The deadline is the smaller of the iteration timeout and the runtime left.
  const auto before = st.spent(m_deps.clock);
  const auto start = m_deps.clock.steady_now();
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool runtime_bound = false;
  if (st.spec.iteration_timeout) deadline = start + *st.spec.iteration_timeout;
  if (auto left = domain::remaining_runtime(st.spec.budget, before)) {
    if (!deadline || start + *left < *deadline) {
      deadline = start + *left;
      runtime_bound = true;
    }
  }

  agents::IterationRequest req;
  req.prompt = *prompt;
  req.workdir = st.spec.workdir;
  req.model = st.spec.model;
  req.deadline = deadline;
  req.inactivity_timeout = st.spec.inactivity_timeout;
  req.kill_grace = st.spec.kill_grace;
  req.log_path = m_task_dir / seq_name("iter-", seq, ".log");
  req.task_id = std::to_string(m_lease.task);
  req.iteration = seq;

  LiveSink sink(st.spec, st.totals, before, seq, m_deps.observer, cancel, st.budget_stop);
  const auto started_ms = clock::to_unix_ms(m_deps.clock.now());
  auto result = m_deps.agent.run(req, sink, cancel);
  // Tokens are known only now; a debt makes the provider's next calls wait.
  if (m_deps.limiter && result.usage.total() > 0)
    m_deps.limiter->charge(m_deps.provider, m_deps.rate_limit, result.usage.total());
  auto rec = make_record(seq, result, started_ms, clock::to_unix_ms(m_deps.clock.now()), req.log_path, prompt_path);
  const bool ok = result.fault == FaultKind::none;
  rec.promise_found = ok && promise_found(result.final_text, st.spec.completion_promise, *prompt);
  rec.budget_scopes = st.fleet_scopes;

  // Record the spend before anything else can fail: money spent is never lost.
  auto recorded = patiently([&] { return m_deps.store.record_iteration(m_lease, rec); });
  if (!recorded && recorded.error().failure == store::Failure::fenced)
    return LoopOutcome{StopReason::lost_lease, "task was taken over by another owner"};
  if (!recorded) return LoopOutcome{StopReason::error, "cannot record iteration: " + recorded.error().message};
  if (m_deps.budgets && !rec.budget_scopes.empty()) m_deps.budgets->charged(m_lease.task, rec);
  st.next_seq = seq + 1;
  st.totals.iterations += 1;
  st.totals.usage += rec.usage;
  if (rec.cost.usd) st.totals.cost_usd += *rec.cost.usd;
  else st.totals.unpriced_iterations += 1;
  st.totals.cost_source = domain::combine(st.totals.iterations == 1 ? rec.cost.source : st.totals.cost_source,
                                          rec.cost.source);
  st.totals.runtime_ms += rec.finished_at_ms - rec.started_at_ms;
  if (m_deps.observer) m_deps.observer->on_iteration_end(rec, st.totals);
  if (auto stop = warn_budgets(st)) return stop;
  ++st.since_checkpoint;
  if (st.spec.checkpoint_interval > 0 && st.since_checkpoint >= st.spec.checkpoint_interval)
    checkpoint(st, "");

  if (st.budget_stop) return LoopOutcome{*st.budget_stop, {}};
  if (result.fault == FaultKind::cancelled || cancel.cancelled()) return std::nullopt; // run_loop reports why

  // Budgets that cannot be enforced stop the loop instead of silently passing.
  if (!st.spec.allow_unmetered) {
    if ((st.spec.budget.max_tokens || st.spec.budget.max_cost_usd) && !result.usage_known && ok)
      return LoopOutcome{StopReason::error, "iteration " + std::to_string(seq) +
                                                " reported no token usage, so the token/cost budget cannot be "
                                                "enforced (pass --allow-unmetered to accept this)"};
    if (st.spec.budget.max_cost_usd && !rec.cost.usd && result.usage_known)
      return LoopOutcome{StopReason::error,
                         "cost of iteration " + std::to_string(seq) + " is unknown: no price for model '" +
                             (rec.model.empty() ? st.spec.model : rec.model) +
                             "'; add [pricing.models.\"<model>\"] prices or pass --allow-unmetered"};
  }

  switch (result.fault) {
  case FaultKind::none: {
    st.consecutive_failures = 0;
    st.infra_streak = 0;
    st.limit_streak = 0;
    if (rec.promise_found) {
      // Gates get a fresh iteration timeout, bounded by the runtime left.
      std::optional<std::chrono::steady_clock::time_point> gate_deadline;
      auto now = m_deps.clock.steady_now();
      if (st.spec.iteration_timeout) gate_deadline = now + *st.spec.iteration_timeout;
      if (auto left = domain::remaining_runtime(st.spec.budget, st.spent(m_deps.clock)))
        if (!gate_deadline || now + *left < *gate_deadline) gate_deadline = now + *left;
      auto gates = run_gates(m_deps.runner, st.spec.gates, st.spec.workdir,
                             m_task_dir / seq_name("gate-", seq, ""), gate_deadline, cancel);
      if (gates.passed) return LoopOutcome{StopReason::completed, {}};
      st.gate_feedback = gates.feedback;
      note("gate_failed", "iteration " + std::to_string(seq) + ": gate failed: " + gates.failed_command);
      st.detector.reset();
      return std::nullopt;
    }
    if (st.detector.add(result.final_text))
      return LoopOutcome{StopReason::loop_detected, "the agent produced the same output " +
                                                        std::to_string(st.spec.loop_detect_repeats) +
                                                        " times in a row"};
    return std::nullopt;
  }
  case FaultKind::auth:
  case FaultKind::config: return LoopOutcome{StopReason::error, result.error};
  case FaultKind::limit: {
    ++st.limit_streak;
    auto wait = result.retry_after.value_or(backoff_delay(st.spec.backoff_base, st.spec.limit_wait_max, st.limit_streak));
    if (wait > st.spec.limit_wait_max) wait = st.spec.limit_wait_max;
    auto message = "usage limit: waiting " + std::to_string(wait.count() / 1000) + "s: " + result.error;
    note("limit_wait", message);
    if (auto stop = loop_hook(st, "limit.wait", message)) return stop;
    pause(wait, cancel);
    return std::nullopt;
  }
  case FaultKind::infra: {
    if (++st.infra_streak > st.spec.infra_retries)
      return LoopOutcome{StopReason::error, "agent infrastructure kept failing: " + result.error};
    auto wait = backoff_delay(st.spec.backoff_base, st.spec.backoff_max, st.infra_streak);
    note("backoff", "infrastructure fault, retrying in " + std::to_string(wait.count()) + "ms: " + result.error);
    pause(wait, cancel);
    return std::nullopt;
  }
  case FaultKind::timeout:
    if (runtime_bound) return LoopOutcome{StopReason::max_runtime, {}};
    [[fallthrough]];
  case FaultKind::agent: {
    if (++st.consecutive_failures >= st.spec.max_consecutive_failures)
      return LoopOutcome{StopReason::consecutive_failures, result.error};
    auto wait = backoff_delay(st.spec.backoff_base, st.spec.backoff_max, st.consecutive_failures);
    note("backoff", "agent failure " + std::to_string(st.consecutive_failures) + ", retrying in " +
                        std::to_string(wait.count()) + "ms: " + result.error);
    pause(wait, cancel);
    return std::nullopt;
  }
  case FaultKind::cancelled: return std::nullopt;
  }
  return std::nullopt;
}

} // namespace ralph::loop
