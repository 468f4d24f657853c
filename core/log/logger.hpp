#pragma once
// The daemon's log: one line per event on stderr, redacted. Under systemd
// (JOURNAL_STREAM names our stderr) lines carry a syslog priority prefix
// "<N>" and no timestamp, because journald stamps them itself; elsewhere a
// line reads "2026-11-22T14:03:05.123Z info  message".
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ralph::log {

enum class Level { trace, debug, info, warn, error };
// "trace", "debug", "info", "warn" or "error"; anything else is nullopt.
std::optional<Level> parse_level(std::string_view text);
std::string_view level_name(Level level);

class Logger {
public:
  // `fd` stays owned by the caller. `journal_stream`: the JOURNAL_STREAM
  // value ("dev:inode"), or nullptr; journald mode only when it names `fd`.
  Logger(int fd, Level level, const char* journal_stream);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Atomic, so SIGHUP can change it while other threads log.
  void set_level(Level level) { m_level.store(level, std::memory_order_relaxed); }
  bool enabled(Level level) const { return level >= m_level.load(std::memory_order_relaxed); }
  bool journald() const { return m_journald; }

  // Thread-safe; the message is redacted, control characters (newlines
  // included) are escaped so one event is one line, written in one write(2).
  void write(Level level, std::string_view message);
  void trace(std::string_view m) { write(Level::trace, m); }
  void debug(std::string_view m) { write(Level::debug, m); }
  void info(std::string_view m) { write(Level::info, m); }
  void warn(std::string_view m) { write(Level::warn, m); }
  void error(std::string_view m) { write(Level::error, m); }

  // The exact line write() would emit (with its trailing newline); exposed
  // so the format can be tested without racing the clock.
  std::string format(Level level, std::string_view message) const;

private:
  int m_fd;
  std::atomic<Level> m_level;
  bool m_journald;
  std::mutex m_write_mutex; // whole lines even when one exceeds PIPE_BUF
};

// The process-wide daemon logger on stderr; info level until initialised.
Logger& daemon_logger();
// Sets the daemon logger's level (creating it on first use).
void init_daemon_logger(Level level);

} // namespace ralph::log
