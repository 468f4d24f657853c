// The wait before an agent call for the provider's requests/tokens per minute
// (core/ratelimit). It is wall time, so it counts toward max_runtime, but it
// is no failure: nothing went wrong, the fleet is just at its limit.
#include <algorithm>

#include "core/clock/clock.hpp"
#include "core/loop/loop_state.hpp"
#include "core/util/cancel.hpp"

namespace ralph::loop {

namespace {
// Asked again at least this often: the wait is an estimate (other loops take
// from the same bucket), and a budget may run out meanwhile.
constexpr milliseconds k_recheck{2000};
} // namespace

bool LoopEngine::wait_rate_limit(State& st, const util::CancelSource& cancel) {
  if (!m_deps.limiter || !m_deps.rate_limit.any()) return true;
  const auto start = m_deps.clock.steady_now();
  bool waited = false;
  bool granted = false;
  for (;;) {
    auto wait = m_deps.limiter->acquire(m_deps.provider, m_deps.rate_limit);
    if (wait.count() <= 0) {
      granted = true;
      break;
    }
    if (!waited)
      note("rate_limit", "provider '" + m_deps.provider + "' is at its rate limit, waiting " +
                             std::to_string(wait.count()) + "ms");
    waited = true;
    pause(std::min(wait, k_recheck), cancel);
    if (cancel.cancelled() || draining()) break;
    if (domain::check_before_iteration(st.spec.budget, st.spent(m_deps.clock))) break;
  }
  if (waited && m_deps.observer)
    m_deps.observer->on_rate_limit_wait(m_deps.provider, std::chrono::duration_cast<milliseconds>(
                                                              m_deps.clock.steady_now() - start));
  return granted;
}

} // namespace ralph::loop
