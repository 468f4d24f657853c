#include "core/clock/clock.hpp"

#include <condition_variable>
#include <mutex>

namespace ralph::clock {

struct SystemClock::State {
  std::mutex mutex;
  std::condition_variable cv;
  bool woken = false;
};

SystemClock::SystemClock() : m_state(std::make_unique<State>()) {}
SystemClock::~SystemClock() = default;

std::chrono::system_clock::time_point SystemClock::now() const { return std::chrono::system_clock::now(); }

std::chrono::steady_clock::time_point SystemClock::steady_now() const {
  return std::chrono::steady_clock::now();
}

bool SystemClock::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(m_state->mutex);
  bool woken = m_state->cv.wait_for(lock, d, [&] { return m_state->woken; });
  m_state->woken = false;
  return woken;
}

void SystemClock::wake() {
  {
    std::lock_guard lock(m_state->mutex);
    m_state->woken = true;
  }
  m_state->cv.notify_all();
}

std::int64_t to_unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

} // namespace ralph::clock
