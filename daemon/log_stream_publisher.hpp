#pragma once
// Live logs through Redis Streams: each task's agent text goes, line by line,
// to the stream <prefix>log:<task id> (capped near 10000 entries), with
// markers where iterations start and end and where the task ends, so
// `ralph logs -f` can follow a task from any machine. Best effort: the log
// files stay the record. A publisher that meets an error stops trying for a
// few seconds, so a Redis that is away never slows the loop by more than one
// timeout now and then.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/app/redis.hpp"
#include "core/loop/loop_engine.hpp"
#include "core/redis/client.hpp"

namespace ralph::daemon {

// Appends entries {kind, seq, text} to one task's stream on its own
// connection (one publisher per running task: the slot's thread owns it).
class LogStream {
public:
  LogStream(std::unique_ptr<redis::Client> client, std::int64_t task_id, std::function<void()> on_error);
  // kind: "line", "iteration_start", "iteration_end" or "task_end".
  void append(std::string_view kind, std::int64_t seq, std::string_view text);

private:
  std::unique_ptr<redis::Client> m_client;
  std::string m_key;
  std::function<void()> m_on_error;
  std::chrono::steady_clock::time_point m_retry_at{};
};

// Makes the per-task observers that feed the streams; shared by the slots.
class LogStreams {
public:
  // Inactive (make_observer returns `inner`) when Redis is not configured.
  LogStreams(app::RedisSettings settings, std::function<void()> on_error);
  bool active() const { return m_settings.enabled(); }
  // Wraps the task's other observer (metrics) with one that also publishes.
  std::unique_ptr<loop::Observer> make_observer(std::int64_t task_id, std::unique_ptr<loop::Observer> inner) const;
  // The task-end marker, once the task has finished (not when it was only
  // handed back: another daemon carries on with the same stream).
  void task_ended(std::int64_t task_id, std::string_view reason) const;

private:
  std::unique_ptr<LogStream> open_stream(std::int64_t task_id) const;

  app::RedisSettings m_settings;
  std::function<void()> m_on_error;
};

} // namespace ralph::daemon
