#include "daemon/redis_link.hpp"

#include "core/log/logger.hpp"
#include "core/util/error.hpp"

namespace ralph::daemon {

namespace {
log::Logger& logger() { return log::daemon_logger(); }
} // namespace

std::unique_ptr<RedisLink> RedisLink::open(const app::RedisSettings& settings, metrics::Registry& metrics) {
  if (!settings.enabled()) return nullptr;
  auto sub = redis::subscribe(settings.url, app::wake_channel(settings), settings.timeout);
  if (!sub) throw Error("redis.url: " + sub.error().message);
  return std::make_unique<RedisLink>(std::move(*sub), metrics);
}

RedisLink::RedisLink(std::unique_ptr<redis::Subscriber> subscriber, metrics::Registry& metrics)
    : m_subscriber(std::move(subscriber)), m_metrics(metrics) {
  m_metrics.set("ralph_redis_up", {}, 0);
  m_metrics.add("ralph_redis_errors_total", {}, 0);
}

std::vector<std::string> RedisLink::drain() {
  auto messages = m_subscriber->drain();
  refresh();
  return messages;
}

void RedisLink::count_error() { m_metrics.add("ralph_redis_errors_total", {}, 1); }

// Logs the transitions only: a Redis that stays down is one warning, not one
// per retry.
void RedisLink::refresh() {
  bool now_up = m_subscriber->connected();
  if (auto errors = m_subscriber->errors(); errors > m_subscriber_errors) {
    m_metrics.add("ralph_redis_errors_total", {}, static_cast<double>(errors - m_subscriber_errors));
    m_subscriber_errors = errors;
  }
  bool was_up = m_up.exchange(now_up);
  if (!m_reported || now_up != was_up) {
    m_reported = true;
    if (now_up) logger().info("redis: connected; wakeups arrive through pub/sub");
    else logger().warn("redis: unreachable; carrying on with polling until it is back");
  }
  m_metrics.set("ralph_redis_up", {}, now_up ? 1 : 0);
}

} // namespace ralph::daemon
