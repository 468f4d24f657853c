// ralphd: the supervisor daemon. Thin: options and the one catch; the work
// is in daemon/supervisor.cpp.
#include <cstdio>
#include <malloc.h>

#include <CLI/CLI.hpp>

#include "core/log/redact.hpp"
#include "core/util/error.hpp"
#include "daemon/supervisor.hpp"

extern char** environ;

namespace {

constexpr const char* k_footer = R"(
Signals:
  SIGTERM, SIGINT  drain: take no new tasks, let running iterations finish
                   (up to daemon.drain_timeout), hand the tasks back to the queue
  second signal    stop the agents now; their tasks go back to the queue
  SIGHUP           reload the configuration
Operator requests (ralph instances drain|activate ID), seen on the next heartbeat:
  drain            like SIGTERM's drain, but ralphd stays up, idle, until activate
Exit codes:
  0  stopped cleanly
  1  could not start (store locked or unreachable, port in use) or a fatal error
  2  usage or configuration error
  3  evicted: the store marks this daemon dead (ralph instances evict), its
     tasks were taken over; its agents were stopped
See ralphd(8), config.toml(5).)";

} // namespace

int main(int argc, char** argv) {
  using namespace ralph;
  // Every task allocates and frees output buffers; without this glibc hands
  // the heap top back to the kernel after each one and grows it again
  // (measured: 14% of the daemon's CPU in brk at 200 tasks/s).
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 8 << 20);
  log::register_environment_secrets(environ);
  CLI::App app{"ralphd: runs queued ralph tasks in worker slots until each completes or a budget runs out"};
  app.footer(k_footer);
  app.set_version_flag("-V,--version", std::string("ralphd ") + RALPH_VERSION);
  app::Overrides overrides;
  bool foreground = true;
  app.add_option("-c,--config", overrides.config_file, "configuration file, on top of the standard ones")
      ->type_name("FILE")
      ->envname("RALPH_CONFIG");
  app.add_option("--state-dir", overrides.state_dir, "state directory (store, logs, wakeup socket)")->type_name("DIR");
  app.add_option("--set", overrides.sets, "override a config key: --set daemon.max_concurrent=8 (repeatable)")
      ->type_name("KEY=VALUE");
  app.add_flag("--foreground", foreground,
               "run in the foreground (the only mode: systemd, or your terminal, supervises ralphd)");

  try {
    app.parse(argc, argv);
    daemon::Supervisor supervisor(overrides);
    return supervisor.run();
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : daemon::daemon_exit::config;
  } catch (const Error& e) {
    std::fprintf(stderr, "ralphd: %s\n", log::redact(e.what()).c_str());
    return e.exit_code() == 2 ? daemon::daemon_exit::config : daemon::daemon_exit::failure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ralphd: internal error: %s\n", log::redact(e.what()).c_str());
    return daemon::daemon_exit::failure;
  }
}
