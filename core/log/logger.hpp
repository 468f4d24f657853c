#pragma once
// The daemon's log: one line per event on stderr, redacted. Under systemd
// (JOURNAL_STREAM names our stderr) lines carry a syslog priority prefix
// "<N>" and no timestamp, because journald stamps them itself.
#include <atomic>
#include <optional>
#include <string_view>

namespace ralph::log {

enum class Level { trace, debug, info, warn, error };
std::optional<Level> parse_level(std::string_view text);

class Logger {
public:
  // `journal_stream`: the JOURNAL_STREAM value ("dev:inode"), or nullptr.
  Logger(int fd, Level level, const char* journal_stream);
  void set_level(Level level) { m_level.store(level); }
  bool enabled(Level level) const { return level >= m_level.load(); }
  bool journald() const { return m_journald; }
  // Thread-safe: one write(2) per line; inner newlines are escaped.
  void write(Level level, std::string_view message);
  void debug(std::string_view m) { write(Level::debug, m); }
  void info(std::string_view m) { write(Level::info, m); }
  void warn(std::string_view m) { write(Level::warn, m); }
  void error(std::string_view m) { write(Level::error, m); }

private:
  int m_fd;
  std::atomic<Level> m_level;
  bool m_journald;
};

// The process-wide daemon logger (stderr); info level until initialised.
Logger& daemon_logger();
void init_daemon_logger(Level level);

} // namespace ralph::log
