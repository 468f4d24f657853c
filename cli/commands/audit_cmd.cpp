// ralph audit: the audit log, newest first: who ran which operator command
// (backup, restore, maintenance, health, failover, submit, cancel, resume,
// retry), with what arguments, and how it ended.
#include <cstdio>
#include <ctime>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/clock/clock.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct AuditOptions {
  bool json = false;
  std::int64_t limit = 50;
  std::string what;
};

std::string local_time(std::int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The arguments as one line; they are stored as a JSON array.
std::string args_line(const std::string& json_array) {
  auto arr = nlohmann::json::parse(json_array, nullptr, false);
  if (!arr.is_array()) return json_array;
  std::string out;
  for (const auto& a : arr) out += (out.empty() ? "" : " ") + (a.is_string() ? a.get<std::string>() : a.dump());
  return out;
}

nlohmann::json to_json(const store::AuditRecord& r) {
  auto args = nlohmann::json::parse(r.args, nullptr, false);
  return {{"id", r.id},
          {"at_ms", r.at_ms},
          {"who", r.who},
          {"what", r.what},
          {"args", args.is_discarded() ? nlohmann::json::array() : args},
          {"task", r.task ? nlohmann::json(*r.task) : nlohmann::json(nullptr)},
          {"exit_code", r.exit_code},
          {"outcome", r.outcome},
          {"duration_ms", r.duration_ms}};
}

int list(const GlobalOptions& global, const AuditOptions& o) {
  if (o.limit < 1) throw UsageError("--limit must be at least 1");
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto s = open_store(ctx, clock);
  store::AuditFilter filter;
  filter.limit = o.limit;
  if (!o.what.empty()) filter.what = o.what;
  auto records = s->list_audit(filter);
  if (!records) throw Error("cannot read the audit log: " + records.error().message);
  if (o.json) {
    auto arr = nlohmann::json::array();
    for (const auto& r : *records) arr.push_back(to_json(r));
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  std::printf("%-19s  %-24s  %-11s  %4s  %8s  %s\n", "TIME", "WHO", "WHAT", "EXIT", "TOOK", "OUTCOME / ARGS");
  for (const auto& r : *records) {
    auto took = std::to_string(r.duration_ms) + "ms";
    std::printf("%-19s  %-24s  %-11s  %4d  %8s  %s\n", local_time(r.at_ms).c_str(), r.who.c_str(), r.what.c_str(),
                r.exit_code, took.c_str(), r.outcome.c_str());
    std::printf("%-19s  %s\n", "", args_line(r.args).c_str());
  }
  return 0;
}

} // namespace

void add_audit_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<AuditOptions>();
  auto* cmd = app.add_subcommand("audit", "List the audit log of operator commands, newest first");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->add_option("--limit", o->limit, "show at most N records (default 50)")->type_name("N");
  cmd->add_option("--what", o->what, "only runs of this command (backup, restore, submit, ...)")->type_name("CMD");
  cmd->callback([&global, &exit_code, o] { exit_code = list(global, *o); });
}

} // namespace ralph::cli
