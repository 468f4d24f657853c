#pragma once
// Renews a lease in the background while a loop runs, so an hours-long
// iteration keeps its task. A fenced renewal or a cancel request seen on
// renewal cancels the loop ("lost_lease" / "cancel_requested").
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/store/store.hpp"
#include "core/util/cancel.hpp"

namespace ralph::loop {

class Heartbeat {
public:
  Heartbeat(store::Store& store, store::Lease lease, std::chrono::milliseconds ttl, util::CancelSource& cancel);
  ~Heartbeat(); // stops and joins
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // Renews now, on the caller's thread; same effects as a background beat.
  void beat();

private:
  void loop();

  store::Store& m_store;
  store::Lease m_lease;
  std::chrono::milliseconds m_ttl;
  util::CancelSource& m_cancel;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::thread m_thread;
};

} // namespace ralph::loop
