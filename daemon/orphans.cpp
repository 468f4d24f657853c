#include "daemon/orphans.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>
#include <vector>

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

namespace {

// Alive = present in /proc and neither a zombie nor dead.
bool still_running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')'); // the command name may hold spaces and parentheses
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X' && state != 'x';
}

// SIGKILL takes effect when the target is next scheduled, which on a loaded
// machine can be after the task has been started again; so wait until every
// killed process is gone (or a zombie), for a bounded time.
void wait_until_gone(const std::vector<pid_t>& pids) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (pid_t pid : pids)
    while (still_running(pid) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

} // namespace

int kill_orphaned_agents(const std::string& owner) {
  const std::string tag = "RALPH_OWNER=" + owner;
  std::vector<pid_t> killed;
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
    killed.push_back(pid);
    if (auto pgid = ::getpgid(pid); pgid > 1 && pgid != ::getpgrp()) ::kill(-pgid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  wait_until_gone(killed);
  return static_cast<int>(killed.size());
}

} // namespace ralph::daemon
