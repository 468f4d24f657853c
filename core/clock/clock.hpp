#pragma once
// Time goes through Clock wherever it matters (budgets, timeouts, backoff), so
// unit tests drive a ManualClock and never sleep.
#include <chrono>
#include <cstdint>
#include <memory>

namespace ralph::clock {

class Clock {
public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;        // recorded timestamps
  virtual std::chrono::steady_clock::time_point steady_now() const = 0; // budgets, timeouts
  // Waits up to d; returns early (true) when interrupted through wake().
  virtual bool sleep_for(std::chrono::milliseconds d) = 0;
  virtual void wake() = 0;
};

// The real clock. sleep_for blocks on a condition variable so a cancel can cut it short.
class SystemClock final : public Clock {
public:
  SystemClock();
  ~SystemClock() override;
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  bool sleep_for(std::chrono::milliseconds d) override;
  void wake() override;

private:
  struct State;
  std::unique_ptr<State> m_state; // pimpl keeps <mutex> out of this header
};

std::int64_t to_unix_ms(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms);

} // namespace ralph::clock
