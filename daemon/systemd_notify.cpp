#include "daemon/systemd_notify.hpp"

#include <cstdlib>
#include <string>
#include <systemd/sd-daemon.h>
#include <time.h>

namespace ralph::daemon {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  m_active = socket && *socket;
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    m_watchdog = std::chrono::milliseconds(static_cast<std::int64_t>(usec / 2000));
}

void SystemdNotifier::send(std::string_view message) {
  if (m_active) sd_notify(0, std::string(message).c_str());
}

void SystemdNotifier::ready() { send("READY=1\nSTATUS=ready"); }
void SystemdNotifier::status(std::string_view text) { send("STATUS=" + std::string(text)); }

void SystemdNotifier::reloading() {
  // systemd ≥ 253 wants the monotonic time with RELOADING=1; older ones ignore it.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() { send("STOPPING=1"); }
void SystemdNotifier::watchdog() { send("WATCHDOG=1"); }

} // namespace ralph::daemon
