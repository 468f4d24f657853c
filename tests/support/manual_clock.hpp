#pragma once
// A Clock that moves only when told to; sleep_for advances it instantly.
#include <chrono>

#include "core/clock/clock.hpp"

namespace ralph::test {

class ManualClock final : public clock::Clock {
public:
  std::chrono::system_clock::time_point now() const override { return m_wall; }
  std::chrono::steady_clock::time_point steady_now() const override { return m_steady; }
  bool sleep_for(std::chrono::milliseconds d) override {
    slept += d;
    advance(d);
    return false;
  }
  void wake() override {}
  void advance(std::chrono::milliseconds d) {
    m_wall += d;
    m_steady += d;
  }
  std::chrono::milliseconds slept{0};

private:
  std::chrono::system_clock::time_point m_wall{std::chrono::milliseconds{1'700'000'000'000}};
  std::chrono::steady_clock::time_point m_steady{std::chrono::hours{1}};
};

} // namespace ralph::test
