#include "daemon/systemd_notify.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace ralph::daemon {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  m_active = socket && *socket;
  // unset_environment=0: sd_notify() reads NOTIFY_SOCKET on every call. The
  // agents inherit it, but NotifyAccess=main makes systemd ignore them.
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    // Half the interval, as sd_watchdog_enabled(3) advises; at least 1 ms.
    auto half = std::max<std::uint64_t>(usec / 2000, 1);
    m_watchdog = std::chrono::milliseconds(static_cast<std::int64_t>(half));
  }
}

void SystemdNotifier::send(const std::string& message) const {
  if (m_active) (void)sd_notify(0, message.c_str()); // best effort: systemd may be gone
}

void SystemdNotifier::ready() { send("READY=1\nMAINPID=" + std::to_string(::getpid())); }

void SystemdNotifier::status(std::string_view text) {
  // A newline would start another assignment (READY=1 smuggled in a status).
  std::string flat(text);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  send("STATUS=" + flat);
}

void SystemdNotifier::reloading() {
  // systemd ≥ 253 (Type=notify-reload) wants CLOCK_MONOTONIC with
  // RELOADING=1; older ones ignore the extra field.
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() { send("STOPPING=1"); }
void SystemdNotifier::watchdog() { send("WATCHDOG=1"); }

} // namespace ralph::daemon
