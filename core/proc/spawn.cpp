// posix_spawn (vfork semantics in glibc) instead of fork: no copy of the
// parent's page tables per child, and exec failures come back as the return
// code through glibc's own close-on-exec error channel.
#include "core/proc/spawn.hpp"

#include <csignal>
#include <spawn.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

extern char** environ;

namespace ralph::proc {

namespace {

std::string errno_text(int err) { return std::generic_category().message(err); }

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string_view name_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// posix_spawn reports a failed chdir like a failed exec; checking first
// gives the user the right culprit.
int workdir_error(const std::filesystem::path& workdir) {
  struct stat st {};
  if (::stat(workdir.c_str(), &st) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return ENOTDIR;
  if (::access(workdir.c_str(), X_OK) != 0) return errno;
  return 0;
}

// RAII for the two posix_spawn attribute objects.
struct SpawnAttributes {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnAttributes() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnAttributes() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

} // namespace

std::vector<std::string> child_environment(const ProcessSpec& spec) {
  std::vector<std::string> env;
  auto overridden = [&](std::string_view entry) {
    for (const auto& kv : spec.env)
      if (name_of(kv) == name_of(entry)) return true;
    return false;
  };
  if (!spec.env_replace)
    for (char** e = environ; e && *e; ++e)
      if (!overridden(*e)) env.emplace_back(*e);
  for (std::size_t i = 0; i < spec.env.size(); ++i) {
    // A later entry for the same name wins.
    bool later = false;
    for (std::size_t j = i + 1; j < spec.env.size() && !later; ++j)
      later = name_of(spec.env[j]) == name_of(spec.env[i]);
    if (!later) env.push_back(spec.env[i]);
  }
  return env;
}

util::Expected<pid_t, std::string> spawn_in_new_group(const ProcessSpec& spec, int stdin_fd, int stdout_fd,
                                                      int stderr_fd) {
  if (spec.argv.empty() || spec.argv[0].empty()) return util::unexpected(std::string("empty command"));
  if (!spec.workdir.empty())
    if (int err = workdir_error(spec.workdir))
      return util::unexpected("cannot enter '" + spec.workdir.string() + "': " + errno_text(err));

  auto argv_store = spec.argv;
  auto env_store = child_environment(spec);
  auto argv = c_strings(argv_store);
  auto envp = c_strings(env_store);

  SpawnAttributes sa;
  posix_spawn_file_actions_adddup2(&sa.actions, stdin_fd, 0);
  posix_spawn_file_actions_adddup2(&sa.actions, stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&sa.actions, stderr_fd, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Descriptors that other code opened without O_CLOEXEC would otherwise
  // leak into the child and could hold someone else's pipe open.
  posix_spawn_file_actions_addclosefrom_np(&sa.actions, 3);
#endif
  if (!spec.workdir.empty()) posix_spawn_file_actions_addchdir_np(&sa.actions, spec.workdir.c_str());

  // The child starts with no blocked signals and default dispositions: the
  // parent may block signals for a signal thread and ignores SIGPIPE, and
  // both would otherwise be inherited across exec.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigmask(&sa.attr, &none);
  posix_spawnattr_setsigdefault(&sa.attr, &defaults);
  posix_spawnattr_setpgroup(&sa.attr, 0);
  posix_spawnattr_setflags(&sa.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                         POSIX_SPAWN_USEVFORK);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &sa.actions, &sa.attr, argv.data(), envp.data());
  if (rc != 0) return util::unexpected("cannot execute '" + spec.argv[0] + "': " + errno_text(rc));
  return pid;
}

} // namespace ralph::proc
