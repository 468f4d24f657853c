#include "cli/signals.hpp"

#include <atomic>
#include <csignal>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace ralph::cli {

struct SignalWatcher::Impl {
  util::CancelSource& cancel;
  sigset_t set{};
  std::atomic<bool> interrupted{false};
  std::atomic<bool> stopping{false};
  std::thread thread;

  explicit Impl(util::CancelSource& c) : cancel(c) {}

  void run() {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (stopping.load()) return;
      if (interrupted.exchange(true)) _exit(130); // second signal: stop now
      cancel.cancel("interrupted");
    }
  }
};

SignalWatcher::SignalWatcher(util::CancelSource& cancel) : m_impl(std::make_unique<Impl>(cancel)) {
  sigemptyset(&m_impl->set);
  sigaddset(&m_impl->set, SIGINT);
  sigaddset(&m_impl->set, SIGTERM);
  sigaddset(&m_impl->set, SIGHUP);
  sigaddset(&m_impl->set, SIGUSR1); // used to wake the thread on shutdown
  // Blocked in this thread before any other starts, so every thread inherits it.
  pthread_sigmask(SIG_BLOCK, &m_impl->set, nullptr);
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

SignalWatcher::~SignalWatcher() {
  m_impl->stopping.store(true);
  pthread_kill(m_impl->thread.native_handle(), SIGUSR1);
  m_impl->thread.join();
  pthread_sigmask(SIG_UNBLOCK, &m_impl->set, nullptr);
}

bool SignalWatcher::interrupted() const { return m_impl->interrupted.load(); }

} // namespace ralph::cli
