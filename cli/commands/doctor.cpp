// ralph doctor: checks this host's setup, one line each, with what to fix:
// the configuration, the state directory, the store and its schema, the
// agents, the tools the operations scripts need, the scripts, disk space.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "agents/agent.hpp"
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/ops/script_runner.hpp"
#include "core/app/redis.hpp"
#include "core/app/task_setup.hpp"
#include "core/clock/clock.hpp"
#include "core/log/redact.hpp"
#include "core/redis/url.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k_min_free_mb = 1024; // the scripts' default RALPH_MIN_FREE_MB

enum class Status { ok, warn, fail };

struct Check {
  std::string name;
  Status status = Status::ok;
  std::string detail;
  std::string fix; // what to do; empty when ok
};

class Report {
public:
  void ok(std::string name, std::string detail) { m_checks.push_back({std::move(name), Status::ok, std::move(detail), {}}); }
  void warn(std::string name, std::string detail, std::string fix) {
    m_checks.push_back({std::move(name), Status::warn, std::move(detail), std::move(fix)});
  }
  void fail(std::string name, std::string detail, std::string fix) {
    m_checks.push_back({std::move(name), Status::fail, std::move(detail), std::move(fix)});
  }
  bool all_ok() const {
    for (const auto& c : m_checks)
      if (c.status == Status::fail) return false;
    return true;
  }
  void print(bool json) const;

private:
  std::vector<Check> m_checks;
};

void Report::print(bool json) const {
  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& c : m_checks)
      arr.push_back({{"check", c.name}, {"ok", c.status != Status::fail}, {"warning", c.status == Status::warn},
                     {"detail", c.detail}, {"fix", c.fix}});
    std::printf("%s\n", nlohmann::json{{"ok", all_ok()}, {"checks", arr}}.dump(2).c_str());
    return;
  }
  for (const auto& c : m_checks) {
    const char* tag = c.status == Status::ok ? "ok  " : c.status == Status::warn ? "warn" : "FAIL";
    std::printf("%s %s: %s%s%s\n", tag, c.name.c_str(), c.detail.c_str(), c.fix.empty() ? "" : "; fix: ",
                c.fix.c_str());
  }
}

std::string on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string rest = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find(':', start);
    auto dir = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

std::string octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

void check_private(Report& r, const std::string& name, const fs::path& path, unsigned want, bool is_dir) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (is_dir) r.fail(name, path.string() + " does not exist", "mkdir -m 700 " + path.string());
    else r.ok(name, path.string() + " does not exist yet (created private on first use)");
    return;
  }
  if (st.st_uid != geteuid()) {
    r.fail(name, path.string() + " is owned by uid " + std::to_string(st.st_uid) + ", not by us (uid " +
                     std::to_string(geteuid()) + ")",
           "chown " + std::to_string(geteuid()) + " " + path.string());
    return;
  }
  if ((st.st_mode & 077) != 0) {
    r.fail(name, path.string() + " has mode " + octal(st.st_mode) + ", readable by others",
           "chmod " + octal(want).substr(1) + " " + path.string());
    return;
  }
  r.ok(name, path.string() + " (" + octal(st.st_mode) + ", ours)");
}

// Redis only speeds things up, so one that is down is a warning, not a failure.
void check_redis(Report& r, const app::Context& ctx) {
  auto settings = app::redis_settings(ctx);
  if (!settings.enabled()) return;
  auto display = redis::display_url(settings.url);
  auto client = app::open_redis(settings);
  if (!client) {
    r.fail("redis", client.error().message, "fix redis.url (config.toml(5)), or unset it");
    return;
  }
  auto pong = (*client)->command({"PING"});
  if (!pong) {
    r.warn("redis", display + " is unreachable: " + pong.error().message + "; wakeups and live logs fall back to the store",
           "start Redis, or check redis.url and redis.timeout");
    return;
  }
  if (pong->type == redis::Reply::Type::error) {
    r.warn("redis", display + " refuses commands: " + log::redact(pong->str), "check the password in redis.url");
    return;
  }
  r.ok("redis", display + " answers (prefix \"" + settings.prefix + "\")");
}

void check_store(Report& r, const app::Context& ctx) {
  auto display = store::display_url(ctx.store_url);
  auto file = store::embedded_store_path(ctx.store_url);
  if (!file.empty()) {
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      r.ok("store", display + " not created yet (ralph creates it on first use)");
      return;
    }
    check_private(r, "store file", file, 0600, false);
  }
  clock::SystemClock clock;
  auto opened = store::open_store(ctx.store_url, clock);
  if (!opened) {
    r.fail("store", "cannot open " + display + ": " + log::redact(opened.error().message),
           "check store.url and that the database is up (ralph health)");
    return;
  }
  auto v = (*opened)->schema_version();
  if (!v) {
    r.fail("store", "cannot read " + display + ": " + log::redact(v.error().message),
           "check store.url and that the database is up (ralph health)");
  } else if (v->current < v->latest) {
    r.fail("store schema", display + " has schema version " + std::to_string(v->current) + ", this ralph needs " +
                               std::to_string(v->latest), "ralph migrate");
  } else if (v->current > v->latest) {
    r.fail("store schema", display + " has schema version " + std::to_string(v->current) +
                               ", newer than this ralph (" + std::to_string(v->latest) + ")", "upgrade ralph");
  } else {
    r.ok("store", display + " answers, schema version " + std::to_string(v->current) + " (current)");
  }
}

void check_agents(Report& r, const app::Context& ctx) {
  auto settings = app::all_agent_settings(ctx.config);
  // What this host is configured to run must be installed; other built-in
  // agents are only reported.
  std::set<std::string> wanted{ctx.config.get_string("loop.agent")};
  for (const auto& n : ctx.config.table_names("agents")) wanted.insert(n);
  for (const auto& n : ctx.config.get_list("daemon.agents")) wanted.insert(n);
  for (const auto& [name, s] : settings) {
    bool here = agents::runnable_here(s);
    std::string what = "agent " + name;
    if (here) r.ok(what, s.kind + " is runnable here");
    else if (wanted.contains(name))
      r.fail(what, "configured, but its program is not installed or not on PATH",
             "install it, or fix agents." + name + ".command / loop.agent (ralph agents)");
    else r.warn(what, "not installed (only needed to run it here)", "install it if tasks use it");
  }
}

void check_tools(Report& r, const app::Context& ctx) {
  std::vector<std::pair<std::string, std::string>> tools = {{"git", "git checkpoints (git.enabled)"},
                                                             {"curl", "ralph health's daemon check"}};
  if (store::is_postgres_url(ctx.store_url)) {
    tools.push_back({"pg_dump", "ralph backup of a PostgreSQL store"});
    tools.push_back({"pg_restore", "ralph restore of a PostgreSQL store"});
    tools.push_back({"psql", "ralph restore, maintenance and health on PostgreSQL"});
  } else {
    tools.push_back({"sqlite3", "ralph backup, restore, maintenance and health on SQLite"});
  }
  for (const auto& [tool, why] : tools) {
    auto path = on_path(tool);
    if (path.empty()) r.fail("tool " + tool, "not on PATH; needed for " + why, "install " + tool);
    else r.ok("tool " + tool, path);
  }
}

void check_scripts(Report& r) {
  for (const char* name : {"backup.sh", "restore.sh", "maintenance.sh", "health-check.sh"}) {
    std::vector<std::string> searched;
    auto p = find_script(name, searched);
    std::string what = std::string("script ") + name;
    if (p.empty())
      r.fail(what, "not found (looked for " + (searched.empty() ? std::string("nothing") : searched.front()) + ")",
             "install ralph's scripts (cmake --install) or set RALPH_SCRIPTS_DIR");
    else if (access(p.c_str(), X_OK) != 0) r.fail(what, p.string() + " is not executable", "chmod 755 " + p.string());
    else r.ok(what, p.string());
  }
}

void check_disk(Report& r, const fs::path& dir) {
  struct statvfs vfs {};
  if (statvfs(dir.c_str(), &vfs) != 0) return; // the state-dir check has said why
  auto free_mb = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize / (1024 * 1024);
  auto detail = std::to_string(free_mb) + " MB free under " + dir.string();
  if (free_mb < k_min_free_mb) r.fail("disk", detail + " (less than " + std::to_string(k_min_free_mb) + " MB)",
                                      "free space, or run ralph maintenance");
  else r.ok("disk", detail);
}

int doctor(const GlobalOptions& global, bool json) {
  Report r;
  app::Context ctx;
  try {
    ctx = load_context(global, {});
    r.ok("config", ctx.config.warnings.empty() ? "loads" : "loads, with " + std::to_string(ctx.config.warnings.size()) +
                                                           " warning(s): " + ctx.config.warnings.front());
  } catch (const Error& e) {
    r.fail("config", log::redact(e.what()), "fix the file or value named (ralph config show --origin)");
    r.print(json);
    return 1;
  }
  check_private(r, "state dir", ctx.state_dir, 0700, true);
  check_store(r, ctx);
  check_redis(r, ctx);
  check_agents(r, ctx);
  check_tools(r, ctx);
  check_scripts(r);
  check_disk(r, ctx.state_dir);
  r.print(json);
  return r.all_ok() ? 0 : 1;
}

} // namespace

void add_doctor_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("doctor", "Check this host's setup, one line each with what to fix");
  cmd->add_flag("--json", *json, "print {ok, checks: [{check, ok, warning, detail, fix}]}");
  cmd->callback([&global, &exit_code, json] { exit_code = doctor(global, *json); });
}

} // namespace ralph::cli
