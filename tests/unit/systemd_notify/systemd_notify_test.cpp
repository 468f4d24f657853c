// sd_notify glue against a real AF_UNIX datagram socket standing in for
// systemd: the exact datagrams, the watchdog interval, and silence outside
// systemd.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/systemd_notify.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using namespace std::chrono_literals;

namespace {

// Sets (or unsets, with nullopt) an environment variable for one scope.
class EnvVar {
public:
  EnvVar(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (m_old) ::setenv(m_name, m_old->c_str(), 1);
    else ::unsetenv(m_name);
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// What systemd's notify socket would be: a bound datagram socket.
class FakeSystemd {
public:
  FakeSystemd() {
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    m_path = (m_box / "notify").string();
    REQUIRE(m_path.size() < sizeof addr.sun_path);
    m_path.copy(addr.sun_path, m_path.size());
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~FakeSystemd() { ::close(m_fd); }
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;
  const std::string& path() const { return m_path; }

  // The next datagram, or nullopt when none arrives within the timeout.
  std::optional<std::string> receive(int timeout_ms = 2000) const {
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    std::string buf(4096, '\0');
    auto n = ::recv(m_fd, buf.data(), buf.size(), 0);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<std::size_t>(n));
    return buf;
  }

private:
  test::Sandbox m_box;
  std::string m_path;
  int m_fd = -1;
};

} // namespace

TEST_CASE("under systemd every notification is one exact datagram", "[systemd]") {
  FakeSystemd systemd;
  EnvVar socket("NOTIFY_SOCKET", systemd.path());
  daemon::SystemdNotifier notifier;
  REQUIRE(notifier.active());

  notifier.ready();
  CHECK(systemd.receive() == "READY=1\nMAINPID=" + std::to_string(::getpid()));
  notifier.status("2 running, 5 queued, 4 slots");
  CHECK(systemd.receive() == "STATUS=2 running, 5 queued, 4 slots");
  notifier.status("one\ntwo\nREADY=1");
  CHECK(systemd.receive() == "STATUS=one two READY=1");
  notifier.stopping();
  CHECK(systemd.receive() == "STOPPING=1");
  notifier.watchdog();
  CHECK(systemd.receive() == "WATCHDOG=1");

  notifier.reloading();
  auto reload = systemd.receive();
  REQUIRE(reload);
  REQUIRE(reload->starts_with("RELOADING=1\nMONOTONIC_USEC="));
  auto usec = std::stoll(reload->substr(reload->find('=', 12) + 1));
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  auto now = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  CHECK(usec <= now);
  CHECK(usec > now - 10'000'000);

  // libsystemd was told to leave the environment alone: later calls still work.
  CHECK(std::getenv("NOTIFY_SOCKET") != nullptr);
  CHECK_FALSE(systemd.receive(50));
}

TEST_CASE("outside systemd the notifier is inactive and silent", "[systemd]") {
  FakeSystemd systemd;
  EnvVar socket("NOTIFY_SOCKET", std::nullopt);
  EnvVar usec("WATCHDOG_USEC", std::nullopt);
  daemon::SystemdNotifier notifier;
  CHECK_FALSE(notifier.active());
  CHECK_FALSE(notifier.watchdog_interval());
  notifier.ready();
  notifier.status("x");
  notifier.reloading();
  notifier.stopping();
  notifier.watchdog();
  CHECK_FALSE(systemd.receive(50));
}

TEST_CASE("the watchdog interval is half of WatchdogSec, for this process only", "[systemd]") {
  FakeSystemd systemd;
  EnvVar socket("NOTIFY_SOCKET", systemd.path());
  EnvVar usec("WATCHDOG_USEC", "2000000");

  SECTION("no WATCHDOG_PID") {
    EnvVar pid("WATCHDOG_PID", std::nullopt);
    CHECK(daemon::SystemdNotifier().watchdog_interval() == 1000ms);
  }
  SECTION("WATCHDOG_PID is ours") {
    EnvVar pid("WATCHDOG_PID", std::to_string(::getpid()));
    CHECK(daemon::SystemdNotifier().watchdog_interval() == 1000ms);
    CHECK(std::getenv("WATCHDOG_USEC") != nullptr);
  }
  SECTION("WATCHDOG_PID names another process (our parent)") {
    EnvVar pid("WATCHDOG_PID", std::to_string(::getppid()));
    CHECK_FALSE(daemon::SystemdNotifier().watchdog_interval());
  }
  SECTION("watchdog off") {
    EnvVar off("WATCHDOG_USEC", std::nullopt);
    CHECK_FALSE(daemon::SystemdNotifier().watchdog_interval());
  }
  SECTION("a tiny interval still gives a positive period") {
    EnvVar tiny("WATCHDOG_USEC", "1000");
    EnvVar pid("WATCHDOG_PID", std::nullopt);
    CHECK(daemon::SystemdNotifier().watchdog_interval() == 1ms);
  }
}
