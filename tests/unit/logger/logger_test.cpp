// The daemon's log: golden line formats (plain and journald), level
// filtering, redaction, one line per event and whole lines under concurrency.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <regex>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "core/log/logger.hpp"
#include "core/log/redact.hpp"
#include "core/log/redact.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using log::Level;

namespace {

// A log file opened O_APPEND, as stderr redirected to a file would be.
struct LogFile {
  test::Sandbox box;
  std::filesystem::path path = box / "log.txt";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  LogFile() { REQUIRE(fd >= 0); }
  ~LogFile() { ::close(fd); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  std::string text() const { return test::read_file(path); }
  // What systemd puts in JOURNAL_STREAM when this file is our stderr.
  std::string journal_stream() const {
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const std::regex k_stamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");

bool plain_line(const std::string& line, std::string_view level, std::string_view message) {
  std::string name(level);
  name.resize(5, ' ');
  std::string tail = " " + name + " " + std::string(message);
  if (line.size() != 24 + tail.size() || line.substr(24) != tail) return false;
  return std::regex_match(line.substr(0, 24), k_stamp);
}

} // namespace

TEST_CASE("log levels parse by name only", "[logger]") {
  CHECK(log::parse_level("trace") == Level::trace);
  CHECK(log::parse_level("debug") == Level::debug);
  CHECK(log::parse_level("info") == Level::info);
  CHECK(log::parse_level("warn") == Level::warn);
  CHECK(log::parse_level("error") == Level::error);
  CHECK_FALSE(log::parse_level("INFO"));
  CHECK_FALSE(log::parse_level("warning"));
  CHECK_FALSE(log::parse_level(""));
}

TEST_CASE("plain lines: UTC millisecond timestamp, padded level, message", "[logger]") {
  LogFile file;
  log::Logger logger(file.fd, Level::trace, nullptr);
  CHECK_FALSE(logger.journald());
  logger.trace("t");
  logger.debug("d");
  logger.info("ralphd started");
  logger.warn("w");
  logger.error("e");
  auto lines = lines_of(file.text());
  REQUIRE(lines.size() == 5);
  CHECK(plain_line(lines[0], "trace", "t"));
  CHECK(plain_line(lines[1], "debug", "d"));
  CHECK(plain_line(lines[2], "info", "ralphd started"));
  CHECK(plain_line(lines[3], "warn", "w"));
  CHECK(plain_line(lines[4], "error", "e"));
  CHECK(file.text().back() == '\n');
}

TEST_CASE("journald lines: syslog priority prefix and no timestamp", "[logger]") {
  LogFile file;
  auto stream = file.journal_stream();
  log::Logger logger(file.fd, Level::trace, stream.c_str());
  CHECK(logger.journald());
  logger.trace("t");
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  CHECK(file.text() == "<7>t\n<7>d\n<6>i\n<4>w\n<3>e\n");
}

TEST_CASE("JOURNAL_STREAM naming another file, or garbage, means plain lines", "[logger]") {
  LogFile file;
  LogFile other;
  auto elsewhere = other.journal_stream();
  for (const char* env : {elsewhere.c_str(), "", "garbage", "0:0"}) {
    log::Logger logger(file.fd, Level::info, env);
    CHECK_FALSE(logger.journald());
  }
}

TEST_CASE("levels below the threshold are dropped, and set_level changes it", "[logger]") {
  LogFile file;
  auto stream = file.journal_stream();
  log::Logger logger(file.fd, Level::warn, stream.c_str());
  CHECK_FALSE(logger.enabled(Level::info));
  CHECK(logger.enabled(Level::warn));
  logger.debug("no");
  logger.info("no");
  logger.warn("yes1");
  logger.error("yes2");
  logger.set_level(Level::debug);
  CHECK(logger.enabled(Level::debug));
  CHECK_FALSE(logger.enabled(Level::trace));
  logger.trace("no");
  logger.debug("yes3");
  CHECK(file.text() == "<4>yes1\n<3>yes2\n<7>yes3\n");
}

TEST_CASE("registered secrets never reach the log", "[logger]") {
  log::register_secret("sk-ant-0123456789abcdef");
  log::register_secret("plain-secret-value-42");
  LogFile file;
  auto stream = file.journal_stream();
  log::Logger logger(file.fd, Level::info, stream.c_str());
  logger.error("agent failed: key sk-ant-0123456789abcdef rejected");
  logger.info("password=plain-secret-value-42;");
  auto text = file.text();
  CHECK(text.find("0123456789abcdef") == std::string::npos);
  CHECK(text.find("plain-secret-value-42") == std::string::npos);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with("<3>agent failed: key "));
  CHECK(lines[0].find("[REDACTED]") != std::string::npos);
  CHECK(lines[1] == "<6>password=[REDACTED];");
}

TEST_CASE("passwords inside URLs and libpq keyword strings are masked", "[logger]") {
  using ralph::log::redact;
  CHECK(redact("connect postgresql://ralph:hunter2@db:5432/ralph failed") ==
        "connect postgresql://ralph:[REDACTED]@db:5432/ralph failed");
  CHECK(redact("redis://:s3cr3t@127.0.0.1:6379/0") == "redis://:[REDACTED]@127.0.0.1:6379/0");
  CHECK(redact("host=db password=hunter2 dbname=x") == "host=db password=[REDACTED] dbname=x");
  CHECK(redact("PASSWORD=abc") == "PASSWORD=[REDACTED]");
  // Nothing to mask: no password, or an '@' outside the authority.
  CHECK(redact("https://example.com/a@b:c") == "https://example.com/a@b:c");
  CHECK(redact("git@github.com:org/repo.git") == "git@github.com:org/repo.git");
  CHECK(redact("postgresql://ralph@db/ralph") == "postgresql://ralph@db/ralph");
}

TEST_CASE("a multi-line message is one line, control characters escaped", "[logger]") {
  LogFile file;
  auto stream = file.journal_stream();
  log::Logger logger(file.fd, Level::info, stream.c_str());
  logger.warn("first\nsecond\r\nthird\x1b[31m\ttab");
  CHECK(file.text() == "<4>first\\nsecond\\r\\nthird\\x1b[31m\ttab\n");

  log::Logger plain(file.fd, Level::info, nullptr);
  CHECK(plain_line(lines_of(plain.format(Level::info, "a\nb")).at(0), "info", "a\\nb"));
}

TEST_CASE("concurrent writers produce whole lines, none lost", "[logger]") {
  LogFile file;
  log::Logger logger(file.fd, Level::info, nullptr);
  constexpr int k_threads = 8;
  constexpr int k_lines = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t)
    threads.emplace_back([&logger, t] {
      // Some lines exceed PIPE_BUF (4096), where write(2) alone would not do.
      for (int i = 0; i < k_lines; ++i) {
        auto size = static_cast<std::size_t>(i % 3 == 0 ? 6000 : 40);
        logger.info("w" + std::to_string(t) + " " + std::to_string(i) + " " +
                    std::string(size, static_cast<char>('a' + t)));
      }
    });
  for (auto& th : threads) th.join();
  auto lines = lines_of(file.text());
  REQUIRE(lines.size() == static_cast<std::size_t>(k_threads * k_lines));
  const std::regex shape(R"(\S+ info  w(\d) (\d+) ([a-h])+)");
  std::vector<int> per_thread(k_threads, 0);
  for (const auto& line : lines) {
    std::smatch m;
    REQUIRE(std::regex_match(line, m, shape));
    int t = std::stoi(m[1].str());
    CHECK(line.back() == static_cast<char>('a' + t));
    CHECK(line.find_first_not_of(static_cast<char>('a' + t), line.rfind(' ') + 1) == std::string::npos);
    ++per_thread[static_cast<std::size_t>(t)];
  }
  for (int n : per_thread) CHECK(n == k_lines);
}

TEST_CASE("the daemon logger is one process-wide instance", "[logger]") {
  auto& a = log::daemon_logger();
  log::init_daemon_logger(Level::error);
  CHECK(&a == &log::daemon_logger());
  CHECK_FALSE(a.enabled(Level::warn));
  log::init_daemon_logger(Level::info);
  CHECK(a.enabled(Level::info));
}
