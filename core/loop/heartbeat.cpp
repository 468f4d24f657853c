#include "core/loop/heartbeat.hpp"

namespace ralph::loop {

Heartbeat::Heartbeat(store::Store& store, store::Lease lease, std::chrono::milliseconds ttl,
                     util::CancelSource& cancel)
    : m_store(store), m_lease(std::move(lease)), m_ttl(ttl), m_cancel(cancel) {
  m_thread = std::thread([this] { loop(); });
}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

void Heartbeat::beat() {
  auto r = m_store.renew(m_lease, m_ttl);
  if (!r) {
    // An unreachable store is retried on the next beat; the lease outlives a
    // few missed beats. A fence is final.
    if (r.error().failure == store::Failure::fenced) m_cancel.cancel("lost_lease");
    return;
  }
  if (*r) m_cancel.cancel("cancel_requested");
}

void Heartbeat::loop() {
  // Three beats per lease period: one lost beat never loses the lease.
  const auto period = m_ttl / 3;
  std::unique_lock lock(m_mutex);
  while (!m_cv.wait_for(lock, period, [this] { return m_stop; })) {
    lock.unlock();
    beat();
    lock.lock();
  }
}

} // namespace ralph::loop
