// ralph instances: the daemons registered in the store, their heartbeats,
// slots and running tasks; and an operator's requests to one of them:
// drain (hand its tasks back, stay up idle), activate (claim again), evict
// (take its tasks back at once, fence it; it exits).
#include <cstdio>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "core/clock/clock.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

// Exit codes of the requests (ralph(1)).
constexpr int k_ok = 0;
constexpr int k_no_such_instance = 3; // or not in a state that allows the request

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

std::string id_list(const std::vector<store::TaskId>& ids, const char* sep) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : sep) + std::to_string(id);
  return out;
}

struct ListOptions {
  bool json = false;
  bool tsv = false;
};

// One line per instance for scripts without a JSON parser (failover.sh).
void print_tsv(const std::vector<store::Instance>& all) {
  for (const auto& i : all)
    std::printf("%s\t%s\t%zu\t%lld\t%lld\t%s\t%lld\n", i.id.c_str(), i.state.c_str(), i.running.size(),
                static_cast<long long>(i.slots), static_cast<long long>(i.heartbeat_at_ms), i.host.c_str(),
                static_cast<long long>(i.pid));
}

int list_instances(const GlobalOptions& global, const ListOptions& opts) {
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  auto all = store->list_instances();
  if (!all) throw Error("cannot read the store: " + all.error().message);
  if (opts.json) {
    auto arr = nlohmann::json::array();
    for (const auto& i : *all) arr.push_back(to_json(i));
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  if (opts.tsv) {
    print_tsv(*all);
    return 0;
  }
  if (all->empty()) {
    std::fprintf(stderr, "ralph: no daemon has registered with this store\n");
    return 0;
  }
  auto now = clock::to_unix_ms(clock.now());
  std::printf("%-32s %-9s %-6s %-10s %-14s %s\n", "INSTANCE", "STATE", "SLOTS", "HEARTBEAT", "VERSION", "RUNNING");
  for (const auto& i : *all) {
    auto running = id_list(i.running, ",");
    std::printf("%-32s %-9s %-6s %-10s %-14s %s\n", i.id.c_str(), i.state.c_str(),
                (std::to_string(i.running.size()) + "/" + std::to_string(i.slots)).c_str(),
                ago(i.heartbeat_at_ms, now).c_str(), i.version.c_str(), running.empty() ? "-" : running.c_str());
  }
  return 0;
}

// ---- requests -----------------------------------------------------------

// The instance `given` names: its id, or a prefix of exactly one id. Exits
// the request with 3 when there is none; an ambiguous prefix is a usage error.
std::optional<store::Instance> find_instance(store::Store& s, const std::string& given) {
  auto all = s.list_instances();
  if (!all) throw Error("cannot read the store: " + all.error().message);
  std::vector<store::Instance> matches;
  for (auto& i : *all) {
    if (i.id == given) return i;
    if (i.id.starts_with(given)) matches.push_back(i);
  }
  if (matches.size() > 1) {
    std::string ids;
    for (const auto& m : matches) ids += (ids.empty() ? "" : ", ") + m.id;
    throw UsageError("instance '" + given + "' is ambiguous: " + ids);
  }
  if (matches.empty()) {
    std::fprintf(stderr, "ralph: no instance '%s' (see ralph instances)\n", given.c_str());
    return std::nullopt;
  }
  return matches.front();
}

int refuse(const store::Instance& i, const char* what) {
  std::fprintf(stderr, "ralph: cannot %s instance %s: it is %s\n", what, i.id.c_str(), i.state.c_str());
  return k_no_such_instance;
}

// drain / activate: the daemon acts on it at its next heartbeat.
int request_state(const GlobalOptions& global, const std::string& given, std::string_view state) {
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  auto inst = find_instance(*store, given);
  if (!inst) return k_no_such_instance;
  const char* verb = state == "draining" ? "drain" : "activate";
  auto r = store->request_instance_state(inst->id, state);
  if (!r) {
    if (r.error().failure == store::Failure::not_found) { // gone since we listed it
      std::fprintf(stderr, "ralph: no instance '%s'\n", inst->id.c_str());
      return k_no_such_instance;
    }
    if (r.error().failure == store::Failure::conflict) return refuse(*inst, verb);
    throw Error("cannot " + std::string(verb) + " instance " + inst->id + ": " + r.error().message);
  }
  if (state == "draining")
    std::fprintf(stderr,
                 "ralph: instance %s drains: it takes no new tasks and hands its %zu running task(s) back after "
                 "their current iteration\n",
                 inst->id.c_str(), inst->running.size());
  else
    std::fprintf(stderr, "ralph: instance %s claims tasks again\n", inst->id.c_str());
  std::printf("%s\n", inst->id.c_str());
  return k_ok;
}

// evict: its tasks go back to the queue now, fenced; the daemon stops its
// agents and exits at its next heartbeat.
int evict(const GlobalOptions& global, const std::string& given) {
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto store = open_store(ctx, clock);
  auto inst = find_instance(*store, given);
  if (!inst) return k_no_such_instance;
  if (inst->state == "stopped" || inst->state == "dead") return refuse(*inst, "evict");
  auto back = store->release_owner(inst->id, "evicted");
  if (!back) throw Error("cannot evict instance " + inst->id + ": " + back.error().message);
  nlohmann::json data{{"from", inst->id}, {"reason", "evicted"}};
  for (auto id : *back)
    if (auto r = store->append_event(id, "failover", data.dump()); !r)
      std::fprintf(stderr, "ralph: warning: cannot record the failover of task %lld: %s\n",
                   static_cast<long long>(id), r.error().message.c_str());
  std::fprintf(stderr, "ralph: evicted instance %s; %s\n", inst->id.c_str(),
               back->empty() ? "it ran no task" : ("task(s) " + id_list(*back, ", ") + " back in the queue").c_str());
  std::printf("%s\n", inst->id.c_str());
  return k_ok;
}

} // namespace

void add_instances_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("instances", "List the daemons (state, heartbeat, slots, running tasks); "
                                              "drain, activate or evict one");
  cmd->add_flag("--json", opts->json, "print JSON");
  cmd->add_flag("--tsv", opts->tsv,
                "print one tab-separated line per instance: id, state, running tasks, slots, last heartbeat "
                "(Unix ms), host, pid");
  cmd->callback([&global, &exit_code, opts, cmd] {
    if (cmd->get_subcommands().empty()) exit_code = list_instances(global, *opts);
  });
  auto id = std::make_shared<std::string>();
  auto* drain = cmd->add_subcommand("drain", "Ask instance ID (or a unique prefix) to hand its tasks back after "
                                             "their current iteration and stay up idle; prints the full id");
  drain->add_option("ID", *id, "instance id or unique prefix")->required();
  drain->callback([&global, &exit_code, id] { exit_code = request_state(global, *id, "draining"); });
  auto* activate = cmd->add_subcommand("activate", "Let a drained instance claim tasks again; prints the full id");
  activate->add_option("ID", *id, "instance id or unique prefix")->required();
  activate->callback([&global, &exit_code, id] { exit_code = request_state(global, *id, "active"); });
  auto* evict_cmd = cmd->add_subcommand("evict", "Take instance ID's tasks back at once (fenced, progress kept); "
                                                 "the daemon stops its agents and exits; prints the full id");
  evict_cmd->add_option("ID", *id, "instance id or unique prefix")->required();
  evict_cmd->callback([&global, &exit_code, id] { exit_code = evict(global, *id); });
}

} // namespace ralph::cli
