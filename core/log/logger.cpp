#include "core/log/logger.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log/redact.hpp"

namespace ralph::log {

namespace {

constexpr std::array<std::string_view, 5> k_names = {"trace", "debug", "info", "warn", "error"};

// journald's stream is ours only if JOURNAL_STREAM names this very fd's file:
// a child that inherited the variable but logs elsewhere must not use "<N>".
bool is_journal(int fd, const char* journal_stream) {
  if (!journal_stream || !*journal_stream) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  std::string want = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  return want == journal_stream;
}

// syslog(3) priorities, which journald reads from the "<N>" prefix.
int syslog_priority(Level level) {
  switch (level) {
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
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf.data();
}

// One event, one line: newlines become "\n", and other control characters
// "\xNN" so agent output cannot forge lines or drive a terminal.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t' || (u >= 0x20 && u != 0x7f)) out += c;
    else {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", static_cast<unsigned>(u));
      out += hex.data();
    }
  }
  return out;
}

// Loops only on EINTR or a short write (a full pipe); a log line that cannot
// be written is dropped, since there is nowhere left to report it.
void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace

std::optional<Level> parse_level(std::string_view text) {
  for (std::size_t i = 0; i < k_names.size(); ++i)
    if (text == k_names[i]) return static_cast<Level>(i);
  return std::nullopt;
}

std::string_view level_name(Level level) { return k_names.at(static_cast<std::size_t>(level)); }

Logger::Logger(int fd, Level level, const char* journal_stream)
    : m_fd(fd), m_level(level), m_journald(is_journal(fd, journal_stream)) {}

std::string Logger::format(Level level, std::string_view message) const {
  auto body = one_line(redact(message));
  if (m_journald) return "<" + std::to_string(syslog_priority(level)) + ">" + body + "\n";
  std::string name(level_name(level));
  name.resize(5, ' '); // aligns the messages: "info  ", "warn  ", "error "
  return timestamp() + " " + name + " " + body + "\n";
}

void Logger::write(Level level, std::string_view message) {
  if (!enabled(level)) return;
  auto line = format(level, message);
  // One write(2) per line keeps lines whole against other processes sharing
  // the fd (up to PIPE_BUF on a pipe); the mutex keeps them whole in-process.
  std::lock_guard lock(m_write_mutex);
  write_all(m_fd, line);
}

Logger& daemon_logger() {
  static Logger logger(STDERR_FILENO, Level::info, std::getenv("JOURNAL_STREAM"));
  return logger;
}

void init_daemon_logger(Level level) { daemon_logger().set_level(level); }

} // namespace ralph::log
