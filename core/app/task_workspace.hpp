#pragma once
// The workspace of a repo task (TaskSpec::repo): a clone in the daemon's
// work root whose checkpoints are pushed to ralph/<task-id>, so the task can
// resume on another machine.
#include <filesystem>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/domain/task.hpp"
#include "core/git/workspace.hpp"
#include "core/loop/loop_engine.hpp"
#include "core/util/expected.hpp"

namespace ralph::proc { class ProcessRunner; }

namespace ralph::app {

// daemon.work_root, or <state_dir>/work; created when missing and kept
// private (0700): a clone's .git/config holds the URL, credentials and all.
util::Expected<std::filesystem::path, std::string> prepare_work_root(const config::Config& cfg,
                                                                     const std::filesystem::path& state_dir);

// "ralph/<task-id>": the branch a task's checkpoints are pushed to.
std::string task_branch(std::int64_t task_id);

class TaskWorkspace {
public:
  // Clones or refreshes <work_root>/task-<id> (git::Workspace::prepare).
  // Errors (an unreachable repository, an unknown branch) are one line
  // without credentials.
  static util::Expected<std::unique_ptr<TaskWorkspace>, std::string>
  open(const std::filesystem::path& work_root, std::int64_t task_id, const domain::TaskSpec& spec,
       proc::ProcessRunner& runner, const util::CancelSource* cancel = nullptr);

  const std::filesystem::path& dir() const { return m_dir; }
  // What preparing did ("resumed from ralph/7 … at 1a2b3c"), for the events.
  const std::string& message() const { return m_message; }
  // Pushes HEAD to the task branch; for LoopDeps::publish. Refers to this
  // object, which must outlive the loop.
  loop::PublishFn publisher();

private:
  TaskWorkspace(git::Workspace ws, std::filesystem::path dir) : m_ws(std::move(ws)), m_dir(std::move(dir)) {}

  git::Workspace m_ws;
  std::filesystem::path m_dir;
  std::string m_message;
};

} // namespace ralph::app
