#include "daemon/orphans.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace ralph::daemon {

TaggingRunner::TaggingRunner(proc::ProcessRunner& inner, std::string owner, std::int64_t task)
    : m_inner(inner), m_owner(std::move(owner)), m_task(task) {}

proc::ProcessResult TaggingRunner::run(const proc::ProcessSpec& spec, const proc::OutputHandlers& out,
                                       const util::CancelSource* cancel) {
  auto tagged = spec;
  tagged.env.push_back("RALPH_OWNER=" + m_owner);
  tagged.env.push_back("RALPH_TASK_ID=" + std::to_string(m_task));
  return m_inner.run(tagged, out, cancel);
}

int kill_orphaned_agents(const std::string& owner) {
  const std::string tag = "RALPH_OWNER=" + owner;
  int found = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Variables are NUL-separated; match a whole entry, not a prefix of a longer id.
    auto at = env.find(tag);
    bool whole = at != std::string::npos && (at == 0 || env[at - 1] == '\0') &&
                 (at + tag.size() == env.size() || env[at + tag.size()] == '\0');
    if (!whole) continue;
    auto pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    ++found;
    if (auto pgid = ::getpgid(pid); pgid > 1 && pgid != ::getpgrp()) ::kill(-pgid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  return found;
}

} // namespace ralph::daemon
