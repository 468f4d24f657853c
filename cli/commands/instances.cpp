// ralph instances: the daemons registered in the store, their heartbeats,
// slots and running tasks.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "core/clock/clock.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

nlohmann::json to_json(const store::Instance& i) {
  return {{"id", i.id},           {"host", i.host},       {"pid", i.pid},
          {"version", i.version}, {"state", i.state},     {"slots", i.slots},
          {"queues", i.queues},   {"agents", i.agents},   {"labels", i.labels},   {"running", i.running},
          {"started_at_ms", i.started_at_ms}, {"heartbeat_at_ms", i.heartbeat_at_ms},
          {"expires_at_ms", i.expires_at_ms}};
}

std::string ago(std::int64_t then_ms, std::int64_t now_ms) {
  return format_seconds(static_cast<double>(std::max<std::int64_t>(0, now_ms - then_ms)) / 1000.0) + " ago";
}

int list_instances(const GlobalOptions& global, bool json) {
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  auto all = store->list_instances();
  if (!all) throw Error("cannot read the store: " + all.error().message);
  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& i : *all) arr.push_back(to_json(i));
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  if (all->empty()) {
    std::fprintf(stderr, "ralph: no daemon has registered with this store\n");
    return 0;
  }
  auto now = clock::to_unix_ms(clock.now());
  std::printf("%-32s %-9s %-6s %-10s %-14s %s\n", "INSTANCE", "STATE", "SLOTS", "HEARTBEAT", "VERSION", "RUNNING");
  for (const auto& i : *all) {
    std::string running;
    for (auto id : i.running) running += (running.empty() ? "" : ",") + std::to_string(id);
    std::printf("%-32s %-9s %-6s %-10s %-14s %s\n", i.id.c_str(), i.state.c_str(),
                (std::to_string(i.running.size()) + "/" + std::to_string(i.slots)).c_str(),
                ago(i.heartbeat_at_ms, now).c_str(), i.version.c_str(), running.empty() ? "-" : running.c_str());
  }
  return 0;
}

} // namespace

void add_instances_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("instances", "List the daemons: state, heartbeat, slots and running tasks");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([&global, &exit_code, json] { exit_code = list_instances(global, *json); });
}

} // namespace ralph::cli
