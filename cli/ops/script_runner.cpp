#include "cli/ops/script_runner.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/context.hpp"
#include "core/app/redis.hpp"

extern char** environ;

namespace ralph::cli {

namespace fs = std::filesystem;

namespace {

std::atomic<pid_t> g_child{0};

// Forwards a signal that was sent to ralph alone. One the kernel generated
// for the terminal's process group (Ctrl-C) has already reached the script.
void forward(int sig, siginfo_t* info, void*) {
  pid_t child = g_child.load();
  if (child > 0 && info->si_code != SI_KERNEL) kill(child, sig);
}

// Installs the forwarding handlers for its lifetime, restoring the old ones.
class Forwarding {
public:
  Forwarding() {
    struct sigaction sa {};
    sa.sa_sigaction = forward;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_old_int);
    sigaction(SIGTERM, &sa, &m_old_term);
  }
  ~Forwarding() {
    g_child.store(0);
    sigaction(SIGINT, &m_old_int, nullptr);
    sigaction(SIGTERM, &m_old_term, nullptr);
  }
  Forwarding(const Forwarding&) = delete;
  Forwarding& operator=(const Forwarding&) = delete;

private:
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return script_exit::signal_base; // cannot happen for our own child
  return exit_code_for_status(status);
}

} // namespace

fs::path find_script(const std::string& name, std::vector<std::string>& searched) {
  std::vector<fs::path> dirs;
  if (const char* dir = std::getenv("RALPH_SCRIPTS_DIR"); dir && *dir) dirs.emplace_back(dir);
  else {
    auto exe = self_executable();
    if (!exe.empty()) dirs.push_back(fs::path(exe).parent_path().parent_path() / "share" / "ralph" / "scripts");
  }
  std::error_code ec;
  for (const auto& d : dirs) {
    auto p = (d / name).lexically_normal();
    if (fs::is_regular_file(p, ec)) return p;
    searched.push_back(p.string());
  }
  return {};
}

std::string self_executable() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

std::map<std::string, std::string> script_settings(const app::Context& ctx, const GlobalOptions& global,
                                                   const std::string& ralph_bin) {
  const auto& c = ctx.config;
  std::map<std::string, std::string> s = {
      {"RALPH_STORE_URL", ctx.store_url},
      {"RALPH_STATE_DIR", ctx.state_dir.string()},
      {"RALPH_PATHS_STATE_DIR", ctx.state_dir.string()},
      {"RALPH_BIN", ralph_bin},
      {"RALPH_DAEMON_HTTP_LISTEN", c.get_string("daemon.http_listen")},
  };
  if (auto token = c.get_string("daemon.http_token"); !token.empty()) s["RALPH_DAEMON_HTTP_TOKEN"] = token;
  // The scripts want a unit; the config also takes bare seconds.
  auto with_unit = [](const std::string& d) {
    return d.find_first_not_of("0123456789") == std::string::npos ? d + "s" : d;
  };
  if (auto r = c.get_string("ops.retention"); !r.empty()) s["RALPH_RETENTION"] = with_unit(r);
  if (auto r = c.get_string("ops.audit_retention"); !r.empty()) s["RALPH_AUDIT_RETENTION"] = with_unit(r);
  if (auto dir = c.get_string("ops.backup_dir"); !dir.empty()) s["RALPH_BACKUP_DIR"] = dir;
  if (auto cmd = c.get_string("failover.promote_command"); !cmd.empty()) s["RALPH_FAILOVER_PROMOTE_COMMAND"] = cmd;
  // health-check.sh pings the configured Redis (redis.url, or REDIS_URL).
  if (auto redis = app::redis_settings(ctx); redis.enabled()) s["RALPH_REDIS_URL"] = redis.url;
  if (!global.config_file.empty()) s["RALPH_CONFIG"] = fs::absolute(global.config_file).string();
  return s;
}

std::vector<std::string> merge_environment(char** base, const std::map<std::string, std::string>& settings) {
  std::vector<std::string> env;
  for (char** e = base; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos && settings.contains(std::string(entry.substr(0, eq)))) continue;
    env.emplace_back(entry);
  }
  for (const auto& [name, value] : settings) env.push_back(name + "=" + value);
  return env;
}

int exit_code_for_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return script_exit::signal_base + WTERMSIG(wait_status);
  return script_exit::signal_base;
}

ScriptRun run_script(const fs::path& script, const std::vector<std::string>& args, const std::vector<std::string>& env,
                     bool capture_stdout) {
  if (access(script.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "ralph: %s is not executable (%s)\n", script.c_str(), std::strerror(errno));
    return {script_exit::not_runnable, {}};
  }
  std::vector<std::string> argv_s{script.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_copy = env;
  for (auto& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture_stdout) {
    if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  }
  std::fflush(stdout);
  Forwarding forwarding;
  pid_t pid = 0;
  int rc = posix_spawn(&pid, script.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (capture_stdout) close(out_pipe[1]);
  if (rc != 0) {
    if (capture_stdout) close(out_pipe[0]);
    std::fprintf(stderr, "ralph: cannot run %s: %s\n", script.c_str(), std::strerror(rc));
    return {rc == ENOENT ? script_exit::not_found : script_exit::not_runnable, {}};
  }
  g_child.store(pid);
  ScriptRun run;
  if (capture_stdout) {
    run.captured = read_all(out_pipe[0]);
    close(out_pipe[0]);
  }
  run.exit_code = wait_for(pid);
  return run;
}

} // namespace ralph::cli
