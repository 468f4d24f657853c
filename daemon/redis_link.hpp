#pragma once
// ralphd's side of the optional Redis: the `<prefix>wake` subscription that
// brings `ralph submit|cancel|resume|retry` wakeups from any machine, and the
// Redis health /metrics and /readyz report. Redis only saves a poll: while it
// is away fd() is -1 and the daemon's polling (and PostgreSQL NOTIFY) carry on.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/app/redis.hpp"
#include "core/metrics/registry.hpp"
#include "core/redis/subscriber.hpp"

namespace ralph::daemon {

class RedisLink {
public:
  // nullptr when Redis is not configured; throws ralph::Error on a malformed URL.
  static std::unique_ptr<RedisLink> open(const app::RedisSettings& settings, metrics::Registry& metrics);

  RedisLink(std::unique_ptr<redis::Subscriber> subscriber, metrics::Registry& metrics);
  // Readable when wakeups are pending; -1 while disconnected.
  int fd() { return m_subscriber->fd(); }
  // The pending wakeups ("submit", "cancel <id>"); reconnects (with backoff)
  // when disconnected, reporting a resubscription as both kinds of wakeup.
  std::vector<std::string> drain();
  bool up() const { return m_up.load(); }
  // Another Redis failure seen (the log stream publishers report theirs).
  void count_error();

private:
  void refresh();

  std::unique_ptr<redis::Subscriber> m_subscriber;
  metrics::Registry& m_metrics;
  std::atomic<bool> m_up{false};
  long long m_subscriber_errors = 0;
  bool m_reported = false;
};

} // namespace ralph::daemon
