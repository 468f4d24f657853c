// PosixProcessRunner: the child leads its own process group; one poll() loop
// watches its pipes, its exit (a pidfd) and the cancel fd, and ends the whole
// group on deadline, inactivity or cancel (SIGTERM, SIGKILL after the grace).
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/proc/fd.hpp"
#include "core/proc/line_splitter.hpp"
#include "core/proc/process.hpp"
#include "core/proc/process_group.hpp"
#include "core/proc/spawn.hpp"

namespace ralph::proc {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t k_read_chunk = 64 * 1024;
// At most this many chunks are drained per pipe once the group is gone: a
// process that escaped the group may keep writing forever.
constexpr int k_drain_chunks = 32;
// After the leader exits and its group is SIGKILLed, how long the members
// may take to die (a process in D state) before we stop waiting for them.
constexpr milliseconds k_group_vanish_wait{2000};
// Wake-up intervals: without a pidfd the exit is only seen by waitpid, and
// while the killed group vanishes there is nothing to poll on.
constexpr milliseconds k_exit_check_without_pidfd{50};
constexpr milliseconds k_group_vanish_check{10};
constexpr milliseconds k_idle_wake{1000};

// EPIPE instead of a fatal SIGPIPE when a child closes its stdin early. The
// child gets the default disposition back (spawn.cpp).
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

// One run(): the child, its pipes, and why and when it is being stopped.
class Session {
public:
  Session(const ProcessSpec& spec, const OutputHandlers& out, const util::CancelSource* cancel)
      : m_spec(spec), m_out(out), m_cancel(cancel),
        m_lines(spec.max_line_bytes, [this](std::string_view line, bool truncated) {
          if (truncated) ++m_result.lines_truncated;
          if (m_out.on_stdout_line) m_out.on_stdout_line(line, truncated);
        }) {}

  ProcessResult run() {
    if (!start()) return m_result;
    while (step()) {
    }
    m_lines.finish();
    conclude();
    return m_result;
  }

private:
  bool start();
  bool step();
  void reap(Clock::time_point now);
  void check_timers(Clock::time_point now);
  void begin_stop(Ending why, Clock::time_point now);
  int poll_timeout_ms(Clock::time_point now) const;
  bool read_once(UniqueFd& fd, bool is_stdout);
  void write_stdin(short revents);
  void drain();
  void conclude();

  const ProcessSpec& m_spec;
  const OutputHandlers& m_out;
  const util::CancelSource* m_cancel;
  ProcessResult m_result;
  LineSplitter m_lines;

  pid_t m_pid = -1;
  UniqueFd m_exit_fd, m_stdin, m_stdout, m_stderr;
  std::size_t m_stdin_offset = 0;
  Clock::time_point m_last_output;
  std::optional<Ending> m_stopping;           // why we are ending the group
  std::optional<Clock::time_point> m_kill_at; // when SIGKILL follows SIGTERM
  bool m_exited = false;
  bool m_status_lost = false;                 // someone else reaped our child
  Clock::time_point m_exited_at;
  int m_status = 0;
};

bool Session::start() {
  if (m_cancel && m_cancel->cancelled()) {
    m_result.ending = Ending::cancelled; // nothing started, nothing to stop
    return false;
  }
  auto fail = [&](std::string message) {
    m_result.ending = Ending::spawn_failed;
    m_result.error = std::move(message);
    return false;
  };
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open())
    return fail("cannot create pipes: " + std::generic_category().message(errno));
  auto pid = spawn_in_new_group(m_spec, in.read.get(), out.write.get(), err.write.get());
  if (!pid) return fail(pid.error());
  m_pid = *pid;
  m_last_output = Clock::now();

  // Readable when the child exits, so the exit wakes the poll loop at once.
  // Kernels before 5.3 (or a seccomp filter) say no; then waitpid is polled.
  m_exit_fd.reset(static_cast<int>(::syscall(SYS_pidfd_open, m_pid, 0)));
  m_stdin = std::move(in.write);
  m_stdout = std::move(out.read);
  m_stderr = std::move(err.read);
  set_nonblocking(m_stdin.get());
  set_nonblocking(m_stdout.get());
  set_nonblocking(m_stderr.get());
  if (m_spec.stdin_data.empty()) m_stdin.reset();
  return true;
}

// One round: reap, enforce time limits, wait for the next event, handle it.
// Returns false when the run is over.
bool Session::step() {
  auto now = Clock::now();
  reap(now);
  if (m_exited) {
    // Stray members were SIGKILLed with the leader's exit. Once they are dead
    // (or will not die), whatever still holds our pipes is not ours: drain
    // what is buffered and stop.
    if (!group_has_live_member(m_pid) || now - m_exited_at >= k_group_vanish_wait) {
      drain();
      return false;
    }
    m_stdin.reset();
  } else {
    check_timers(now);
  }

  pollfd fds[5];
  nfds_t n = 0;
  int i_out = -1, i_err = -1, i_in = -1;
  if (!m_exited && m_exit_fd) fds[n++] = {m_exit_fd.get(), POLLIN, 0};
  if (m_cancel && !m_stopping && !m_exited) fds[n++] = {m_cancel->fd(), POLLIN, 0};
  if (m_stdout) i_out = static_cast<int>(n), fds[n++] = {m_stdout.get(), POLLIN, 0};
  if (m_stderr) i_err = static_cast<int>(n), fds[n++] = {m_stderr.get(), POLLIN, 0};
  if (m_stdin) i_in = static_cast<int>(n), fds[n++] = {m_stdin.get(), POLLOUT, 0};
  int ready = ::poll(fds, n, poll_timeout_ms(now));
  if (ready <= 0) return true; // timeout or EINTR: the next round looks again

  // The cancel fd and the pidfd need no handling here: the next round's
  // cancelled() check and waitpid act on them.
  if (i_out >= 0 && fds[i_out].revents) read_once(m_stdout, true);
  if (i_err >= 0 && fds[i_err].revents) read_once(m_stderr, false);
  if (i_in >= 0 && fds[i_in].revents) write_stdin(fds[i_in].revents);
  return true;
}

void Session::reap(Clock::time_point now) {
  if (!m_exited) {
    pid_t w = ::waitpid(m_pid, &m_status, WNOHANG);
    if (w == 0 || (w < 0 && errno == EINTR)) return;
    // ECHILD: SIGCHLD is ignored or another thread waited for everything.
    m_status_lost = w != m_pid;
    m_exited = true;
    m_exited_at = now;
    m_exit_fd.reset();
    // Nothing of the group may outlive the leader (daemonized grandchildren
    // would keep running unsupervised and keep our pipes open).
    ::kill(-m_pid, SIGKILL); // ESRCH when the leader was alone: fine
  }
  // When we are a child subreaper the killed members become our children:
  // reap them too, or they stay zombies (and keep the group "alive").
  while (::waitpid(-m_pid, nullptr, WNOHANG) > 0) {
  }
}

void Session::check_timers(Clock::time_point now) {
  if (!m_stopping) {
    if (m_cancel && m_cancel->cancelled()) begin_stop(Ending::cancelled, now);
    else if (m_spec.deadline && now >= *m_spec.deadline) begin_stop(Ending::timed_out, now);
    else if (m_spec.inactivity_timeout && now - m_last_output >= *m_spec.inactivity_timeout)
      begin_stop(Ending::inactive, now);
  }
  if (m_kill_at && now >= *m_kill_at) {
    ::kill(-m_pid, SIGKILL);
    m_kill_at.reset();
  }
}

void Session::begin_stop(Ending why, Clock::time_point now) {
  m_stopping = why;
  ::kill(-m_pid, SIGTERM);
  ::kill(-m_pid, SIGCONT); // a stopped member would only see SIGTERM once continued
  m_kill_at = now + m_spec.kill_grace;
}

// Sleeps until the next event that time alone can cause.
int Session::poll_timeout_ms(Clock::time_point now) const {
  Clock::duration wait = m_exited ? k_group_vanish_check : m_exit_fd ? k_idle_wake : k_exit_check_without_pidfd;
  auto until = [&](Clock::time_point t) { wait = std::min<Clock::duration>(wait, t - now); };
  if (!m_exited && !m_stopping) {
    if (m_spec.deadline) until(*m_spec.deadline);
    if (m_spec.inactivity_timeout) until(m_last_output + *m_spec.inactivity_timeout);
  }
  if (!m_exited && m_kill_at) until(*m_kill_at);
  // Rounded up: waking a hair early would only cost an extra round.
  return static_cast<int>(std::max<Clock::rep>(0, std::chrono::ceil<milliseconds>(wait).count()));
}

// Reads one chunk; false once the pipe is closed.
bool Session::read_once(UniqueFd& fd, bool is_stdout) {
  char buf[k_read_chunk];
  auto r = ::read(fd.get(), buf, sizeof buf);
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (r <= 0) {
    fd.reset();
    return false;
  }
  std::string_view chunk(buf, static_cast<std::size_t>(r));
  m_last_output = Clock::now();
  if (is_stdout) {
    m_result.stdout_bytes += chunk.size();
    if (m_out.on_stdout_raw) m_out.on_stdout_raw(chunk);
    m_lines.feed(chunk);
  } else {
    m_result.stderr_bytes += chunk.size();
    if (m_out.on_stderr) m_out.on_stderr(chunk);
  }
  return true;
}

// Non-blocking, so a child that writes a lot before it reads its stdin
// cannot deadlock against us.
void Session::write_stdin(short revents) {
  if (revents & (POLLERR | POLLHUP)) {
    m_stdin.reset(); // the child closed its stdin: it does not want the rest
    return;
  }
  const auto& data = m_spec.stdin_data;
  auto w = ::write(m_stdin.get(), data.data() + m_stdin_offset, data.size() - m_stdin_offset);
  if (w > 0) m_stdin_offset += static_cast<std::size_t>(w);
  else if (w < 0 && errno != EAGAIN && errno != EINTR) m_stdin.reset(); // EPIPE
  if (m_stdin_offset >= data.size()) m_stdin.reset();                    // EOF for the child
}

void Session::drain() {
  for (auto [fd, is_stdout] : {std::pair{&m_stdout, true}, std::pair{&m_stderr, false}}) {
    for (int i = 0; i < k_drain_chunks && *fd; ++i) {
      pollfd p{fd->get(), POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0 || !read_once(*fd, is_stdout)) break;
    }
    fd->reset();
  }
  m_stdin.reset();
}

void Session::conclude() {
  auto& r = m_result;
  if (m_status_lost) {
    r.ending = m_stopping.value_or(Ending::exited);
    r.error = "the child's exit status was collected elsewhere";
    return;
  }
  if (m_stopping) {
    r.ending = *m_stopping;
    r.signal = WIFSIGNALED(m_status) ? WTERMSIG(m_status) : 0;
    r.exit_code = WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1;
  } else if (WIFSIGNALED(m_status)) {
    r.ending = Ending::signaled;
    r.signal = WTERMSIG(m_status);
  } else {
    r.ending = Ending::exited;
    r.exit_code = WEXITSTATUS(m_status);
  }
}

} // namespace

ProcessResult PosixProcessRunner::run(const ProcessSpec& spec, const OutputHandlers& out,
                                      const util::CancelSource* cancel) {
  ignore_sigpipe_once();
  return Session(spec, out, cancel).run();
}

} // namespace ralph::proc
