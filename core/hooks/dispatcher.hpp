#pragma once
// Runs the configured hooks of each event, in the background so a slow hook
// never holds up a loop or a daemon, and records every run as a `hook` event
// in the store. Shared by `ralph run` and ralphd.
#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/hooks/hook_event.hpp"
#include "core/hooks/hook_runner.hpp"
#include "core/hooks/hook_settings.hpp"
#include "core/log/logger.hpp"

namespace ralph::proc { class ProcessRunner; }
namespace ralph::store { class Store; }

namespace ralph::hooks {

class Dispatcher {
public:
  // Where failures and timeouts are reported (the daemon log, the CLI's stderr).
  using LogFn = std::function<void(log::Level, const std::string&)>;

  // `store` may be null (nothing is recorded); it must outlive the dispatcher.
  Dispatcher(HookSettings settings, store::Store* store, LogFn log);
  // Waits for the hooks still running; each is bounded by the timeout.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  const HookSettings& settings() const { return m_settings; }
  bool wants(std::string_view event) const { return m_settings.any(event); }

  // Starts the event's hooks one after another on a background thread.
  // Thread-safe.
  void fire(HookEvent event);
  // Runs the event's hooks now. Returns "hook budget.warn `cmd`: exit code
  // 3" for the first that failed, after running them all.
  std::optional<std::string> fire_and_wait(const HookEvent& event);
  // A loop event: waited for, with its failure returned, under on_error =
  // "fail"; otherwise fired in the background (and nullopt).
  std::optional<std::string> fire_loop_event(HookEvent event);
  // Blocks until no background hook is running.
  void wait_idle();

private:
  struct Job {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::optional<std::string> run_all(const HookEvent& event, bool failure_is_error);
  void reap_done();

  HookSettings m_settings;
  store::Store* m_store;
  LogFn m_log;
  std::unique_ptr<proc::ProcessRunner> m_runner;
  std::mutex m_mutex;
  std::list<Job> m_jobs;
};

} // namespace ralph::hooks
