#pragma once
// A cancellation flag that blocking code can also poll() on: cancel() makes
// fd() readable, so a process runner's poll loop wakes at once.
#include <atomic>
#include <mutex>
#include <string>

namespace ralph::util {

class CancelSource {
public:
  CancelSource();
  ~CancelSource();
  CancelSource(const CancelSource&) = delete;
  CancelSource& operator=(const CancelSource&) = delete;

  // Thread- and async-signal-safe apart from the reason, which is set only
  // by the first caller that is not a signal handler.
  void cancel(std::string reason = {});
  void cancel_from_signal(); // async-signal-safe
  bool cancelled() const { return m_cancelled.load(std::memory_order_acquire); }
  std::string reason() const;
  int fd() const { return m_pipe[0]; }

private:
  std::atomic<bool> m_cancelled{false};
  int m_pipe[2]{-1, -1};
  mutable std::mutex m_mutex;
  std::string m_reason;
};

} // namespace ralph::util
