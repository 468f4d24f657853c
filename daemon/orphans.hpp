#pragma once
// Agents outlive a daemon killed with -9: they run in their own process
// groups. Every process a slot starts carries RALPH_OWNER=<instance id> and
// RALPH_TASK_ID=<task> in its environment, so the daemon that takes the
// task back on the same host can find and stop them before it starts the
// task again. Otherwise two agents would edit one workdir at once.
#include <string>

#include "core/proc/process.hpp"

namespace ralph::daemon {

// Adds the owner tags to every process spec, then runs it with `inner`.
class TaggingRunner final : public proc::ProcessRunner {
public:
  TaggingRunner(proc::ProcessRunner& inner, std::string owner, std::int64_t task);
  proc::ProcessResult run(const proc::ProcessSpec& spec, const proc::OutputHandlers& out,
                          const util::CancelSource* cancel) override;

private:
  proc::ProcessRunner& m_inner;
  std::string m_owner;
  std::int64_t m_task;
};

// SIGKILLs the process group of every process on this host tagged with
// RALPH_OWNER=`owner`, and waits (up to 5 s) until they are gone. Returns
// how many processes were found.
int kill_orphaned_agents(const std::string& owner);

} // namespace ralph::daemon
