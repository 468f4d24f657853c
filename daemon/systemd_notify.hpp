#pragma once
// sd_notify(3) for Type=notify: READY, STATUS, RELOADING, STOPPING and the
// watchdog. Every call is a no-op outside systemd. libsystemd stays out of
// this header so its users need not see <systemd/sd-daemon.h>.
#include <chrono>
#include <optional>
#include <string_view>

namespace ralph::daemon {

class SystemdNotifier {
public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC/WATCHDOG_PID through libsystemd,
  // leaving the environment as it is.
  SystemdNotifier();
  bool active() const { return m_active; }   // NOTIFY_SOCKET is set
  void ready();                              // READY=1, MAINPID=<pid>
  void status(std::string_view text);        // STATUS=<text>, newlines flattened
  void reloading();                          // RELOADING=1, MONOTONIC_USEC=<now>
  void stopping();                           // STOPPING=1
  void watchdog();                           // WATCHDOG=1
  // Half of WatchdogSec when the watchdog is on (for this process): how
  // often to call watchdog(). nullopt when it is off.
  std::optional<std::chrono::milliseconds> watchdog_interval() const { return m_watchdog; }

private:
  void send(const std::string& message) const;
  bool m_active = false;
  std::optional<std::chrono::milliseconds> m_watchdog;
};

} // namespace ralph::daemon
