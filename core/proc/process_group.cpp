#include "core/proc/process_group.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace ralph::proc {

namespace {

// Reads state and process group from /proc/<pid>/stat ("pid (comm) S ppid pgrp ...").
// comm may contain spaces and parentheses, hence the search for the last ')'.
bool read_stat(const char* pid, char& state, long& pgrp) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[512];
  auto n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* close_paren = std::strrchr(buf, ')');
  if (!close_paren) return false;
  long ppid = 0;
  return std::sscanf(close_paren + 1, " %c %ld %ld", &state, &ppid, &pgrp) == 3;
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

} // namespace

bool group_has_live_member(pid_t pgid) {
  if (::kill(-pgid, 0) != 0 && errno != EPERM) return false; // no member at all
  std::unique_ptr<DIR, DirCloser> proc(::opendir("/proc"));
  if (!proc) return true; // no /proc: trust kill()
  while (const dirent* entry = ::readdir(proc.get())) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    char state = 0;
    long pgrp = 0;
    if (read_stat(entry->d_name, state, pgrp) && pgrp == pgid && state != 'Z' && state != 'X') return true;
  }
  return false;
}

} // namespace ralph::proc
