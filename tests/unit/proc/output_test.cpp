// The process runner's data paths against real processes: exit statuses,
// stdin, stdout lines, stderr, long lines and floods with bounded memory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

#include "core/proc/line_splitter.hpp"
#include "tests/unit/proc/proc_helpers.hpp"

using namespace ralph;
using proc::Ending;
using test::bash;
using test::Captured;
using test::run_captured;

TEST_CASE("exit codes, stdout lines, stderr and byte counts", "[proc]") {
  Captured c;
  auto r = run_captured(bash("echo one; echo two >&2; printf 'crlf\\r\\n\\nlast'; exit 3"), c);
  CHECK(r.ending == Ending::exited);
  CHECK(r.exit_code == 3);
  CHECK(r.signal == 0);
  CHECK(c.lines == std::vector<std::string>{"one", "crlf", "", "last"}); // unterminated last line too
  CHECK(c.raw == "one\ncrlf\r\n\nlast");
  CHECK(c.err == "two\n");
  CHECK(r.stdout_bytes == c.raw.size());
  CHECK(r.stderr_bytes == 4);
  CHECK(r.lines_truncated == 0);
}

TEST_CASE("a child killed by a signal is reported as signaled", "[proc]") {
  Captured c;
  auto r = run_captured(bash("kill -SEGV $$"), c);
  CHECK(r.ending == Ending::signaled);
  CHECK(r.signal == SIGSEGV);
  CHECK(proc::to_string(r.ending) == "signaled");
}

TEST_CASE("a 4 MiB prompt round-trips through cat", "[proc]") {
  proc::ProcessSpec s;
  s.argv = {"cat"};
  s.stdin_data.resize(4 << 20);
  for (std::size_t i = 0; i < s.stdin_data.size(); ++i)
    s.stdin_data[i] = i % 1000 == 999 ? '\n' : static_cast<char>('a' + i % 26);
  Captured c;
  auto r = run_captured(s, c);
  CHECK(r.ending == Ending::exited);
  CHECK(r.exit_code == 0);
  CHECK(r.stdout_bytes == s.stdin_data.size());
  CHECK(c.raw == s.stdin_data);
  CHECK(c.lines.size() == s.stdin_data.size() / 1000 + 1);
}

TEST_CASE("a child that prints a lot before reading its stdin does not deadlock", "[proc]") {
  // 2 MB of output first fills the stdout pipe many times over while our
  // 4 MiB stdin is still waiting to be written.
  proc::ProcessSpec s = bash("yes | head -c 2000000; wc -c");
  s.stdin_data.assign(4 << 20, 'p');
  s.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Captured c;
  auto r = run_captured(s, c);
  CHECK(r.ending == Ending::exited);
  REQUIRE_FALSE(c.lines.empty());
  CHECK(c.lines.back() == std::to_string(4 << 20));
}

TEST_CASE("a child that closes its stdin early does not hurt the runner", "[proc]") {
  proc::ProcessSpec s = bash("exec 0<&-; echo done");
  s.stdin_data.assign(8 << 20, 'y');
  Captured c;
  auto r = run_captured(s, c); // a SIGPIPE would have killed this test binary
  CHECK(r.ending == Ending::exited);
  CHECK(r.exit_code == 0);
  CHECK(c.lines == std::vector<std::string>{"done"});
}

TEST_CASE("a 5 MiB line is cut to the limit, delivered once and counted", "[proc]") {
  proc::ProcessSpec s = bash("head -c 5242880 /dev/zero | tr '\\0' a; echo; echo after; head -c 300 /dev/zero | tr '\\0' b");
  s.max_line_bytes = 256 * 1024;
  Captured c;
  auto r = run_captured(s, c);
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[0] == std::string(256 * 1024, 'a'));
  CHECK(c.truncated == std::vector<bool>{true, false, false});
  CHECK(c.lines[1] == "after");
  CHECK(c.lines[2] == std::string(300, 'b'));
  CHECK(r.lines_truncated == 1);
  CHECK(r.stdout_bytes == 5242880u + 1 + 6 + 300);
  CHECK(c.raw.size() == r.stdout_bytes); // raw chunks keep every byte
}

TEST_CASE("a 200 MB flood is drained with bounded memory", "[proc]") {
  // One endless line: the worst case for a line buffer.
  proc::ProcessSpec s = bash("head -c 200000000 /dev/zero | tr '\\0' x");
  proc::OutputHandlers h;
  std::size_t lines = 0, chunks = 0;
  std::size_t longest = 0;
  long before = test::rss_kib(), peak = before;
  h.on_stdout_line = [&](std::string_view l, bool) {
    ++lines;
    longest = std::max(longest, l.size());
  };
  h.on_stdout_raw = [&](std::string_view) {
    if (++chunks % 64 == 0) peak = std::max(peak, test::rss_kib());
  };
  proc::PosixProcessRunner runner;
  auto r = runner.run(s, h, nullptr);
  peak = std::max(peak, test::rss_kib());
  CHECK(r.ending == Ending::exited);
  CHECK(r.stdout_bytes == 200000000u);
  CHECK(lines == 1);
  CHECK(longest == s.max_line_bytes);
  CHECK(r.lines_truncated == 1);
  CHECK(chunks > 64);
  CHECK(peak - before < 32 * 1024);
}

TEST_CASE("the line splitter is exact across chunk boundaries", "[proc]") {
  std::vector<std::pair<std::string, bool>> got;
  proc::LineSplitter split(4, [&](std::string_view l, bool t) { got.emplace_back(std::string(l), t); });
  for (std::string_view chunk : {"ab", "cd\nabc", "de", "fgh", "\n", "xy\n\n", "abcd", "\nq"}) split.feed(chunk);
  split.finish();
  using L = std::vector<std::pair<std::string, bool>>;
  CHECK(got == L{{"abcd", false}, {"abcd", true}, {"xy", false}, {"", false}, {"abcd", false}, {"q", false}});

  got.clear();
  proc::LineSplitter cut(3, [&](std::string_view l, bool t) { got.emplace_back(std::string(l), t); });
  cut.feed("abcdef"); // cut, then the unterminated rest is dropped at EOF
  cut.finish();
  CHECK(got == L{{"abc", true}});
}
