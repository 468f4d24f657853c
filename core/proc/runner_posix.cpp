// PosixProcessRunner: posix_spawn into a new process group, one poll() loop for
// every pipe, and a group kill on deadline, inactivity or cancel.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/proc/fd.hpp"
#include "core/proc/process.hpp"
#include "core/proc/line_splitter.hpp"

extern char** environ;

namespace ralph::proc {

namespace {

using Clock = std::chrono::steady_clock;

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

std::vector<std::string> child_environment(const ProcessSpec& spec) {
  std::vector<std::string> env;
  if (!spec.env_replace)
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const auto& kv : spec.env) {
    auto name = kv.substr(0, kv.find('='));
    std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; });
    env.push_back(kv);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// posix_spawn (vfork semantics in glibc) instead of fork: no copy of the
// parent's page tables per iteration. The child leads its own process group,
// starts with no blocked signals and default dispositions (the parent blocks
// signals for its signal thread and ignores SIGPIPE), and gets only the three
// pipe ends as stdin/stdout/stderr (everything else is O_CLOEXEC).
// Returns the pid, or -errno.
pid_t spawn_child(const ProcessSpec& spec, char* const* argv, char* const* envp, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  if (!spec.workdir.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.workdir.c_str());
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_USEVFORK);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv, envp);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -rc;
}

void kill_group(pid_t pgid, int sig) { ::kill(-pgid, sig); }

bool group_alive(pid_t pgid) { return ::kill(-pgid, 0) == 0 || errno == EPERM; }

} // namespace

std::string_view to_string(Ending e) {
  switch (e) {
  case Ending::exited: return "exited";
  case Ending::signaled: return "signaled";
  case Ending::timed_out: return "timed out";
  case Ending::inactive: return "inactive";
  case Ending::cancelled: return "cancelled";
  case Ending::spawn_failed: return "spawn failed";
  }
  return "unknown";
}

ProcessResult PosixProcessRunner::run(const ProcessSpec& spec, const OutputHandlers& out,
                                      const util::CancelSource* cancel) {
  ignore_sigpipe_once();
  ProcessResult result;
  if (spec.argv.empty()) {
    result.ending = Ending::spawn_failed;
    result.error = "empty command";
    return result;
  }
  Pipe in_pipe, out_pipe, err_pipe;
  if (!in_pipe.open() || !out_pipe.open() || !err_pipe.open()) {
    result.ending = Ending::spawn_failed;
    result.error = std::string("cannot create pipes: ") + std::strerror(errno);
    return result;
  }
  auto argv_store = spec.argv;
  auto env_store = child_environment(spec);
  auto argv = c_strings(argv_store);
  auto envp = c_strings(env_store);

  std::error_code ec;
  if (!spec.workdir.empty() && !std::filesystem::is_directory(spec.workdir, ec)) {
    result.ending = Ending::spawn_failed;
    result.error = "cannot enter '" + spec.workdir.string() + "': " + std::strerror(ENOENT);
    return result;
  }
  pid_t pid = spawn_child(spec, argv.data(), envp.data(), in_pipe.read.get(), out_pipe.write.get(), err_pipe.write.get());
  if (pid < 0) {
    result.ending = Ending::spawn_failed;
    result.error = "cannot execute '" + spec.argv[0] + "': " + std::strerror(-pid);
    return result;
  }
  in_pipe.read.reset();
  out_pipe.write.reset();
  err_pipe.write.reset();

  // A pidfd becomes readable when the child exits, so its exit wakes the poll
  // loop at once (no polling interval on the hot path). Older kernels: -1,
  // and short timed polls take over.
  UniqueFd exit_fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

  set_nonblocking(in_pipe.write.get());
  set_nonblocking(out_pipe.read.get());
  set_nonblocking(err_pipe.read.get());
  if (spec.stdin_data.empty()) in_pipe.write.reset();

  LineSplitter lines(spec.max_line_bytes, [&](std::string_view line, bool truncated) {
    if (truncated) ++result.lines_truncated;
    if (out.on_stdout_line) out.on_stdout_line(line, truncated);
  });
  std::size_t stdin_off = 0;
  auto last_output = Clock::now();
  std::optional<Ending> stopping;             // why we are killing the group
  std::optional<Clock::time_point> kill_at;   // when SIGKILL follows SIGTERM
  bool exited = false;
  int wait_status = 0;
  char buf[64 * 1024];

  auto begin_stop = [&](Ending why) {
    if (stopping) return;
    stopping = why;
    kill_group(pid, SIGTERM);
    kill_at = Clock::now() + spec.kill_grace;
  };

  while (!exited || out_pipe.read || err_pipe.read) {
    if (!exited) {
      pid_t w = ::waitpid(pid, &wait_status, WNOHANG);
      if (w != pid && !out_pipe.read && !err_pipe.read) break; // only the exit is left to wait for
      if (w == pid) {
        exited = true;
        // Stray members of the group (daemonized grandchildren) go too, and
        // they may hold our pipes open: stop reading once they are gone.
        if (group_alive(pid)) kill_group(pid, SIGKILL);
      }
    }
    if (exited && !group_alive(pid)) {
      // Drain what is already buffered, without waiting for more.
      for (auto* fd : {&out_pipe.read, &err_pipe.read}) {
        while (*fd) {
          auto r = ::read(fd->get(), buf, sizeof buf);
          if (r <= 0) { fd->reset(); break; }
          if (fd == &out_pipe.read) {
            result.stdout_bytes += static_cast<std::size_t>(r);
            if (out.on_stdout_raw) out.on_stdout_raw({buf, static_cast<std::size_t>(r)});
            lines.feed({buf, static_cast<std::size_t>(r)});
          } else {
            result.stderr_bytes += static_cast<std::size_t>(r);
            if (out.on_stderr) out.on_stderr({buf, static_cast<std::size_t>(r)});
          }
        }
      }
      break;
    }

    auto now = Clock::now();
    if (!stopping) {
      if (cancel && cancel->cancelled()) begin_stop(Ending::cancelled);
      else if (spec.deadline && now >= *spec.deadline) begin_stop(Ending::timed_out);
      else if (spec.inactivity_timeout && now - last_output >= *spec.inactivity_timeout) begin_stop(Ending::inactive);
    }
    if (kill_at && now >= *kill_at) {
      kill_group(pid, SIGKILL);
      kill_at.reset();
    }

    // Sleep until the next event that time alone can cause.
    auto wake = now + std::chrono::milliseconds(exited ? 10 : 200);
    if (!stopping && spec.deadline) wake = std::min(wake, *spec.deadline);
    if (!stopping && spec.inactivity_timeout) wake = std::min(wake, last_output + *spec.inactivity_timeout);
    if (kill_at) wake = std::min(wake, *kill_at);
    int timeout_ms = static_cast<int>(std::max<long long>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));

    pollfd fds[5];
    int nfds = 0;
    if (!exited && exit_fd) fds[nfds++] = {exit_fd.get(), POLLIN, 0};
    int i_out = -1, i_err = -1, i_in = -1, i_cancel = -1;
    if (out_pipe.read) { i_out = nfds; fds[nfds++] = {out_pipe.read.get(), POLLIN, 0}; }
    if (err_pipe.read) { i_err = nfds; fds[nfds++] = {err_pipe.read.get(), POLLIN, 0}; }
    if (in_pipe.write) { i_in = nfds; fds[nfds++] = {in_pipe.write.get(), POLLOUT, 0}; }
    if (cancel && !stopping) { i_cancel = nfds; fds[nfds++] = {cancel->fd(), POLLIN, 0}; }
    int ready = ::poll(fds, static_cast<nfds_t>(nfds), timeout_ms);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;

    if (i_out >= 0 && fds[i_out].revents) {
      auto r = ::read(out_pipe.read.get(), buf, sizeof buf);
      if (r > 0) {
        last_output = Clock::now();
        result.stdout_bytes += static_cast<std::size_t>(r);
        if (out.on_stdout_raw) out.on_stdout_raw({buf, static_cast<std::size_t>(r)});
        lines.feed({buf, static_cast<std::size_t>(r)});
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        out_pipe.read.reset();
      }
    }
    if (i_err >= 0 && fds[i_err].revents) {
      auto r = ::read(err_pipe.read.get(), buf, sizeof buf);
      if (r > 0) {
        last_output = Clock::now();
        result.stderr_bytes += static_cast<std::size_t>(r);
        if (out.on_stderr) out.on_stderr({buf, static_cast<std::size_t>(r)});
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        err_pipe.read.reset();
      }
    }
    if (i_in >= 0 && fds[i_in].revents) {
      if (fds[i_in].revents & (POLLERR | POLLHUP)) {
        in_pipe.write.reset(); // the child closed its stdin: it does not want the rest
      } else {
        auto w = ::write(in_pipe.write.get(), spec.stdin_data.data() + stdin_off, spec.stdin_data.size() - stdin_off);
        if (w > 0) stdin_off += static_cast<std::size_t>(w);
        else if (w < 0 && errno != EAGAIN && errno != EINTR) in_pipe.write.reset();
        if (stdin_off >= spec.stdin_data.size()) in_pipe.write.reset();
      }
    }
    (void)i_cancel; // its readiness is seen through cancel->cancelled() above
  }

  if (!exited) {
    // Every pipe closed but the child lives on (it closed them itself).
    while (!exited) {
      pid_t w = ::waitpid(pid, &wait_status, WNOHANG);
      if (w == pid) { exited = true; break; }
      auto now = Clock::now();
      if (!stopping) {
        if (cancel && cancel->cancelled()) begin_stop(Ending::cancelled);
        else if (spec.deadline && now >= *spec.deadline) begin_stop(Ending::timed_out);
        else if (spec.inactivity_timeout && now - last_output >= *spec.inactivity_timeout) begin_stop(Ending::inactive);
      }
      if (kill_at && now >= *kill_at) { kill_group(pid, SIGKILL); kill_at.reset(); }
      pollfd pfds[2];
      nfds_t n = 0;
      if (exit_fd) pfds[n++] = {exit_fd.get(), POLLIN, 0};
      if (cancel && !stopping) pfds[n++] = {cancel->fd(), POLLIN, 0};
      ::poll(pfds, n, exit_fd ? 200 : 5);
    }
    if (group_alive(pid)) kill_group(pid, SIGKILL);
  }
  lines.finish();

  if (stopping) {
    result.ending = *stopping;
    result.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
    result.exit_code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  } else if (WIFSIGNALED(wait_status)) {
    result.ending = Ending::signaled;
    result.signal = WTERMSIG(wait_status);
  } else {
    result.ending = Ending::exited;
    result.exit_code = WEXITSTATUS(wait_status);
  }
  return result;
}

std::optional<std::filesystem::path> find_executable(std::string_view name) {
  if (name.empty()) return std::nullopt;
  auto usable = [](const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string_view::npos) {
    std::filesystem::path p(name);
    return usable(p) ? std::optional(p) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    auto colon = dirs.find(':');
    auto dir = dirs.substr(0, colon);
    auto candidate = std::filesystem::path(dir.empty() ? "." : std::string(dir)) / std::string(name);
    if (usable(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

} // namespace ralph::proc
