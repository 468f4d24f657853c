// Task workspaces cloned from a remote: prepare (clone, resume, sync) and push.
#include "core/git/workspace.hpp"

#include <chrono>
#include <system_error>

#include "core/git/checkpointer.hpp"
#include "core/git/git_command.hpp"
#include "core/log/redact.hpp"

namespace ralph::git {

namespace {

// A clone of a big repository over a slow link takes a while; a hung one
// (a server that accepts and never answers) must still end.
constexpr auto k_network_timeout = std::chrono::seconds(600);
constexpr auto k_local_timeout = std::chrono::seconds(120);

std::string short_id(const std::string& id) { return id.substr(0, 12); }

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

} // namespace

std::string display_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url); // scp-like "user@host:path" holds no secret
  auto authority_end = url.find_first_of("/?#", scheme + 3);
  auto authority = url.substr(scheme + 3, authority_end == std::string_view::npos ? url.npos : authority_end - scheme - 3);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme + 3)) + "[REDACTED]" + std::string(url.substr(scheme + 3 + at));
}

Workspace::Workspace(proc::ProcessRunner& runner, WorkspaceSpec spec, const util::CancelSource* cancel)
    : m_runner(runner), m_spec(std::move(spec)), m_cancel(cancel) {
  // The user information of a URL is a secret wherever it shows up (an
  // agent printing its git remote, a hook's output).
  auto scheme = m_spec.url.find("://");
  if (scheme == std::string::npos) return;
  auto at = m_spec.url.find('@', scheme + 3);
  auto slash = m_spec.url.find('/', scheme + 3);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    auto userinfo = m_spec.url.substr(scheme + 3, at - scheme - 3);
    log::register_secret(userinfo);
    if (auto colon = userinfo.find(':'); colon != std::string::npos) log::register_secret(userinfo.substr(colon + 1));
  }
}

WorkspaceError Workspace::error(std::string message, bool rejected) const {
  message = replace_all(std::move(message), m_spec.url, display_url(m_spec.url));
  return {log::redact(message), rejected};
}

std::optional<std::string> Workspace::rev(const std::string& name) {
  auto o = run_git(m_runner, m_spec.dir, {"rev-parse", "--verify", "-q", name + "^{commit}"}, k_local_timeout);
  if (!o.ok()) return std::nullopt;
  return trimmed(o.out);
}

WsResult<bool> Workspace::remote_has_task_branch() {
  auto o = run_git(m_runner, m_spec.dir.parent_path(),
                   {"ls-remote", "--heads", "--", m_spec.url, "refs/heads/" + m_spec.task_branch}, k_network_timeout,
                   m_cancel);
  if (!o.ok())
    return util::unexpected(error(failure_text("cannot reach repository " + display_url(m_spec.url) + ": git ls-remote", o)));
  return !trimmed(o.out).empty();
}

WsResult<Prepared> Workspace::prepare() {
  auto remote_has_task = remote_has_task_branch();
  if (!remote_has_task) return util::unexpected(remote_has_task.error());
  std::error_code ec;
  if (std::filesystem::exists(m_spec.dir / ".git", ec)) return refresh_existing(*remote_has_task);
  if (std::filesystem::exists(m_spec.dir, ec) && !std::filesystem::is_empty(m_spec.dir, ec))
    return util::unexpected(error("workspace " + m_spec.dir.string() +
                                  " exists but is not a git repository; move it away to let ralph clone afresh"));
  return clone_fresh(*remote_has_task);
}

// Clones into a scratch directory and renames it into place, so a clone cut
// short (a crash, a timeout) never looks like a workspace.
WsResult<Prepared> Workspace::clone_fresh(bool remote_has_task) {
  auto scratch = m_spec.dir;
  scratch += ".clone";
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  const auto& branch = remote_has_task ? m_spec.task_branch : m_spec.base_branch;
  std::vector<std::string> args{"clone", "-q"};
  if (!branch.empty()) args.insert(args.end(), {"--branch", branch});
  args.insert(args.end(), {"--", m_spec.url, scratch.string()});
  auto clone = run_git(m_runner, m_spec.dir.parent_path(), args, k_network_timeout, m_cancel);
  if (!clone.ok()) {
    std::filesystem::remove_all(scratch, ec);
    return util::unexpected(error(failure_text("cannot clone " + display_url(m_spec.url) +
                                                   (branch.empty() ? "" : " (branch " + branch + ")") + ": git clone",
                                               clone)));
  }
  if (!remote_has_task) {
    auto co = run_git(m_runner, scratch, {"checkout", "-q", "-b", m_spec.task_branch}, k_local_timeout);
    if (!co.ok()) {
      std::filesystem::remove_all(scratch, ec);
      return util::unexpected(error(failure_text("git checkout -b " + m_spec.task_branch, co)));
    }
  }
  std::filesystem::remove(m_spec.dir, ec); // an empty directory left by hand
  std::filesystem::rename(scratch, m_spec.dir, ec);
  if (ec) return util::unexpected(error("cannot move the clone to " + m_spec.dir.string() + ": " + ec.message()));

  Prepared p;
  p.head = rev("HEAD").value_or("");
  if (remote_has_task) {
    m_pushed = p.head;
    p.start = WorkspaceStart::resumed;
    p.message = "resumed from " + m_spec.task_branch + " of " + display_url(m_spec.url) + " at " + short_id(p.head);
  } else {
    p.start = WorkspaceStart::cloned;
    p.message = "cloned " + display_url(m_spec.url) + (m_spec.base_branch.empty() ? "" : " (" + m_spec.base_branch + ")") +
                " into " + m_spec.dir.string() + " on a new branch " + m_spec.task_branch +
                (p.head.empty() ? "" : " at " + short_id(p.head));
  }
  return p;
}

// A copy from an earlier attempt on this machine. Kept when it is where the
// remote is or ahead of it (its unpushed checkpoints go out with the next
// push); moved to the remote's branch when another owner got further.
WsResult<Prepared> Workspace::refresh_existing(bool remote_has_task) {
  auto origin = run_git(m_runner, m_spec.dir, {"remote", "get-url", "origin"}, k_local_timeout);
  if (!origin.ok() || trimmed(origin.out) != m_spec.url)
    return util::unexpected(error("workspace " + m_spec.dir.string() + " is a clone of another repository (" +
                                  display_url(trimmed(origin.out)) + "); move it away to let ralph clone afresh"));
  auto branch = run_git(m_runner, m_spec.dir, {"symbolic-ref", "-q", "--short", "HEAD"}, k_local_timeout);
  if (trimmed(branch.out) != m_spec.task_branch)
    return util::unexpected(error("workspace " + m_spec.dir.string() + " is on '" + trimmed(branch.out) + "', not " +
                                  m_spec.task_branch + "; check it out again or move the workspace away"));
  Prepared p;
  p.start = WorkspaceStart::kept;
  auto local = rev("HEAD").value_or("");
  if (!remote_has_task) {
    p.head = local;
    p.message = "kept the workspace " + m_spec.dir.string() + " (nothing pushed to " + m_spec.task_branch + " yet)";
    return p;
  }
  const auto tracking = "refs/remotes/origin/" + m_spec.task_branch;
  auto fetch = run_git(m_runner, m_spec.dir, {"fetch", "-q", "origin", "+refs/heads/" + m_spec.task_branch + ":" + tracking},
                       k_network_timeout, m_cancel);
  if (!fetch.ok()) return util::unexpected(error(failure_text("cannot fetch " + m_spec.task_branch + ": git fetch", fetch)));
  auto remote = rev(tracking).value_or("");
  m_pushed = remote;
  auto is_ancestor = [&](const std::string& a, const std::string& b) {
    return run_git(m_runner, m_spec.dir, {"merge-base", "--is-ancestor", a, b}, k_local_timeout).ok();
  };
  if (!local.empty() && (local == remote || is_ancestor(remote, local))) {
    p.head = local;
    p.message = "kept the workspace " + m_spec.dir.string() + " at " + short_id(local) +
                (local == remote ? " (as pushed)" : " (ahead of the pushed " + short_id(remote) + ")");
    return p;
  }
  return sync_to_remote(local, remote);
}

WsResult<Prepared> Workspace::sync_to_remote(const std::string& local, const std::string& remote) {
  // What this copy holds beyond the remote is kept, never pushed: the local
  // uncommitted edits (an iteration cut short here) in a commit, and its
  // commits on a branch of their own.
  Checkpointer checkpointer(m_runner);
  auto saved = checkpointer.commit_checkpoint(m_spec.dir, "ralph: uncommitted work of an earlier attempt");
  if (!saved) return util::unexpected(error(saved.error().message));
  std::string kept;
  auto head = rev("HEAD").value_or("");
  bool has_more = !head.empty() &&
                  !run_git(m_runner, m_spec.dir, {"merge-base", "--is-ancestor", head, remote}, k_local_timeout).ok();
  if (has_more) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    kept = m_spec.task_branch + "-local-" + std::to_string(secs.count());
    auto b = run_git(m_runner, m_spec.dir, {"branch", "-f", kept, "HEAD"}, k_local_timeout);
    if (!b.ok()) return util::unexpected(error(failure_text("git branch " + kept, b)));
  }
  auto reset = run_git(m_runner, m_spec.dir, {"reset", "-q", "--hard", remote}, k_local_timeout);
  if (!reset.ok()) return util::unexpected(error(failure_text("git reset --hard", reset)));
  Prepared p;
  p.start = WorkspaceStart::synced;
  p.head = remote;
  p.message = "moved the workspace " + m_spec.dir.string() + " to " + m_spec.task_branch + " as pushed, " +
              short_id(remote) + (local.empty() ? "" : ", from " + short_id(local)) +
              (kept.empty() ? "" : "; local work kept in branch " + kept);
  return p;
}

WsResult<std::optional<std::string>> Workspace::push() {
  auto head = rev("HEAD");
  if (!head || *head == m_pushed) return std::optional<std::string>{};
  // No --force: a stale owner's push that would drop newer checkpoints is
  // refused by the remote.
  auto o = run_git(m_runner, m_spec.dir, {"push", "-q", "origin", "HEAD:refs/heads/" + m_spec.task_branch},
                   k_network_timeout);
  if (!o.ok()) {
    bool rejected = o.err.find("[rejected]") != std::string::npos || o.err.find("non-fast-forward") != std::string::npos ||
                    o.err.find("fetch first") != std::string::npos;
    if (rejected)
      return util::unexpected(error("push to " + m_spec.task_branch + " rejected (not a fast-forward): another owner "
                                    "has pushed newer checkpoints; this copy is stale",
                                    true));
    return util::unexpected(error(failure_text("push to " + m_spec.task_branch + ": git push", o)));
  }
  m_pushed = *head;
  return std::optional<std::string>(*head);
}

} // namespace ralph::git
