#pragma once
// sd_notify(3) for Type=notify: READY, STATUS, RELOADING, STOPPING and the
// watchdog. Every call is a no-op outside systemd.
#include <chrono>
#include <optional>
#include <string_view>

namespace ralph::daemon {

class SystemdNotifier {
public:
  SystemdNotifier();
  bool active() const { return m_active; }
  void ready();
  void status(std::string_view text);
  void reloading();
  void stopping();
  void watchdog();
  // Half of WatchdogSec when the watchdog is on: how often to call watchdog().
  std::optional<std::chrono::milliseconds> watchdog_interval() const { return m_watchdog; }

private:
  void send(std::string_view message);
  bool m_active = false;
  std::optional<std::chrono::milliseconds> m_watchdog;
};

} // namespace ralph::daemon
