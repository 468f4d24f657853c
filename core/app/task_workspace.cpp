#include "core/app/task_workspace.hpp"

#include <system_error>

namespace ralph::app {

util::Expected<std::filesystem::path, std::string> prepare_work_root(const config::Config& cfg,
                                                                     const std::filesystem::path& state_dir) {
  auto configured = cfg.get_string("daemon.work_root");
  auto root = configured.empty() ? state_dir / "work" : std::filesystem::absolute(configured);
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return util::unexpected("cannot create the work root " + root.string() + ": " + ec.message());
  std::filesystem::permissions(root, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  if (ec) return util::unexpected("cannot make the work root " + root.string() + " private: " + ec.message());
  return root;
}

std::string task_branch(std::int64_t task_id) { return "ralph/" + std::to_string(task_id); }

util::Expected<std::unique_ptr<TaskWorkspace>, std::string>
TaskWorkspace::open(const std::filesystem::path& work_root, std::int64_t task_id, const domain::TaskSpec& spec,
                    proc::ProcessRunner& runner, const util::CancelSource* cancel) {
  auto dir = work_root / ("task-" + std::to_string(task_id));
  git::Workspace ws(runner, {spec.repo, spec.branch, task_branch(task_id), dir}, cancel);
  auto prepared = ws.prepare();
  if (!prepared) return util::unexpected(prepared.error().message);
  std::unique_ptr<TaskWorkspace> out(new TaskWorkspace(std::move(ws), dir));
  out->m_message = prepared->message;
  return out;
}

loop::PublishFn TaskWorkspace::publisher() {
  return [this]() -> util::Expected<std::optional<std::string>, std::string> {
    auto r = m_ws.push();
    if (!r) return util::unexpected(r.error().message);
    return *r;
  };
}

} // namespace ralph::app
