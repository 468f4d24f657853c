#include "core/hooks/dispatcher.hpp"

#include <atomic>

#include "core/proc/process.hpp"
#include "core/store/store.hpp"

namespace ralph::hooks {

Dispatcher::Dispatcher(HookSettings settings, store::Store* store, LogFn log)
    : m_settings(std::move(settings)), m_store(store), m_log(std::move(log)),
      m_runner(std::make_unique<proc::PosixProcessRunner>()) {}

Dispatcher::~Dispatcher() { wait_idle(); }

std::optional<std::string> Dispatcher::run_all(const HookEvent& event, bool failure_is_error) {
  auto it = m_settings.commands.find(event.name);
  if (it == m_settings.commands.end()) return std::nullopt;
  std::optional<std::string> first_failure;
  for (const auto& command : it->second) {
    auto run = run_hook(*m_runner, command, event, m_settings);
    if (m_store) (void)m_store->append_event(event.task, "hook", run.json());
    if (run.ok) continue;
    auto what = "hook " + event.name + " `" + run.command + "`: " + run.outcome();
    if (m_log) m_log(failure_is_error ? log::Level::error : log::Level::warn, what);
    if (!first_failure) first_failure = what;
  }
  return first_failure;
}

void Dispatcher::reap_done() {
  for (auto it = m_jobs.begin(); it != m_jobs.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = m_jobs.erase(it);
    } else {
      ++it;
    }
  }
}

void Dispatcher::fire(HookEvent event) {
  if (!wants(event.name)) return;
  std::lock_guard lock(m_mutex);
  reap_done();
  auto done = std::make_shared<std::atomic<bool>>(false);
  m_jobs.push_back({std::thread([this, done, event = std::move(event)] {
                      (void)run_all(event, m_settings.fail_on_error);
                      done->store(true);
                    }),
                    done});
}

std::optional<std::string> Dispatcher::fire_and_wait(const HookEvent& event) {
  if (!wants(event.name)) return std::nullopt;
  return run_all(event, true);
}

std::optional<std::string> Dispatcher::fire_loop_event(HookEvent event) {
  if (m_settings.fail_on_error) return fire_and_wait(event);
  fire(std::move(event));
  return std::nullopt;
}

void Dispatcher::wait_idle() {
  std::list<Job> jobs;
  {
    std::lock_guard lock(m_mutex);
    jobs.swap(m_jobs);
  }
  for (auto& j : jobs) j.thread.join();
}

} // namespace ralph::hooks
