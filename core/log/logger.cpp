#include "core/log/logger.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log/redact.hpp"

namespace ralph::log {

namespace {

constexpr const char* k_names[] = {"trace", "debug", "info", "warn", "error"};

// journald's stream is ours only if JOURNAL_STREAM names this very fd's file.
bool is_journal(int fd, const char* journal_stream) {
  if (!journal_stream || !*journal_stream) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  std::string want = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  return want == journal_stream;
}

int syslog_priority(Level l) {
  switch (l) {
  case Level::trace:
  case Level::debug: return 7;
  case Level::info: return 6;
  case Level::warn: return 4;
  case Level::error: return 3;
  }
  return 6;
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

} // namespace

std::optional<Level> parse_level(std::string_view text) {
  for (int i = 0; i < 5; ++i)
    if (text == k_names[i]) return static_cast<Level>(i);
  return std::nullopt;
}

Logger::Logger(int fd, Level level, const char* journal_stream)
    : m_fd(fd), m_level(level), m_journald(is_journal(fd, journal_stream)) {}

void Logger::write(Level level, std::string_view message) {
  if (!enabled(level)) return;
  std::string line;
  auto body = one_line(redact(message));
  if (m_journald) line = "<" + std::to_string(syslog_priority(level)) + ">" + body + "\n";
  else {
    std::string name = k_names[static_cast<int>(level)];
    name.resize(5, ' ');
    line = timestamp() + " " + name + " " + body + "\n";
  }
  // One write per line: concurrent lines never interleave (O_APPEND or a pipe ≤ PIPE_BUF).
  (void)!::write(m_fd, line.data(), line.size());
}

Logger& daemon_logger() {
  static Logger logger(STDERR_FILENO, Level::info, std::getenv("JOURNAL_STREAM"));
  return logger;
}

void init_daemon_logger(Level level) { daemon_logger().set_level(level); }

} // namespace ralph::log
