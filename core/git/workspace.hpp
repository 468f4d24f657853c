#pragma once
// A task's workspace cloned from a remote repository, so a task can move
// between machines: every checkpoint is pushed to the task's own branch
// (ralph/<task-id>), and whoever runs the task next starts from there.
//
// The remote's task branch is the truth after a takeover: another instance
// may have pushed newer checkpoints than a local copy left behind by an
// earlier attempt here. Pushes never force, so an owner that lost the task
// (a paused "zombie") cannot move the branch backwards: git rejects its
// non-fast-forward push.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/expected.hpp"

namespace ralph::proc { class ProcessRunner; }
namespace ralph::util { class CancelSource; }

namespace ralph::git {

// The URL without its user information ("https://[REDACTED]@host/r.git"):
// a token in the URL must never reach a message.
std::string display_url(std::string_view url);

struct WorkspaceSpec {
  std::string url;           // anything `git clone` accepts; may carry credentials
  std::string base_branch;   // branch a new task starts from; empty: the remote's default
  std::string task_branch;   // ralph/<task-id>
  std::filesystem::path dir; // <work_root>/task-<id>; its parent must exist
};

// What prepare() found and did, for the task's events.
enum class WorkspaceStart {
  cloned,        // new: cloned the base branch, created the task branch
  resumed,       // new here: cloned the task branch an earlier owner pushed
  kept,          // the local copy is where the remote is, or ahead of it (unpushed checkpoints)
  synced,        // the local copy was behind or diverged: moved to the remote's task branch
};

struct Prepared {
  WorkspaceStart start = WorkspaceStart::cloned;
  std::string head;    // commit checked out; empty on an empty repository
  std::string message; // one line for the task's events, credentials removed
};

// Messages are short, loggable and carry no credentials.
struct WorkspaceError {
  std::string message;
  bool rejected = false; // push: the remote refused a non-fast-forward update
};
template <typename T> using WsResult = util::Expected<T, WorkspaceError>;

class Workspace {
public:
  // `cancel` (may be null) cuts prepare()'s clone or fetch short, so a
  // daemon shutting down does not wait for a slow remote. Pushes ignore it:
  // the last checkpoint of a task being handed back must still go out.
  Workspace(proc::ProcessRunner& runner, WorkspaceSpec spec, const util::CancelSource* cancel = nullptr);

  // Clones or brings up to date spec.dir and checks out the task branch.
  // Never discards work silently: before moving a local copy to the remote's
  // branch, uncommitted changes are committed and the local commits kept in
  // a local branch (<task_branch>-local-<unix time>) that is never pushed.
  WsResult<Prepared> prepare();

  // Pushes HEAD to the task branch without force. Returns the pushed
  // commit, or nothing when HEAD was pushed already (or there is none).
  WsResult<std::optional<std::string>> push();

private:
  WsResult<Prepared> clone_fresh(bool remote_has_task);
  WsResult<Prepared> refresh_existing(bool remote_has_task);
  WsResult<Prepared> sync_to_remote(const std::string& local, const std::string& remote);
  WsResult<bool> remote_has_task_branch();
  std::optional<std::string> rev(const std::string& name);
  // Redacted, with the URL shown without credentials.
  WorkspaceError error(std::string message, bool rejected = false) const;

  proc::ProcessRunner& m_runner;
  WorkspaceSpec m_spec;
  const util::CancelSource* m_cancel;
  std::string m_pushed; // the remote task branch's commit as last seen or pushed
};

} // namespace ralph::git
