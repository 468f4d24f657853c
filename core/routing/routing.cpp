#include "core/routing/routing.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ralph::store {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}

Capabilities capabilities_of(const Instance& i) { return {i.agents, i.labels}; }

bool takes_queue(const Instance& i, const std::string& queue) {
  return i.queues.empty() || std::find(i.queues.begin(), i.queues.end(), queue) != i.queues.end();
}

} // namespace

std::string to_json_list(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

std::vector<std::string> from_json_list(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

std::vector<std::string> label_pairs(const std::map<std::string, std::string>& labels) {
  std::vector<std::string> out;
  for (const auto& [k, v] : labels) out.push_back(k + "=" + v);
  return out;
}

std::map<std::string, std::string> parse_label_pairs(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> out;
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq != std::string::npos) out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return out;
}

bool can_run(const Capabilities& can, const domain::TaskSpec& spec) {
  if (can.agents && std::find(can.agents->begin(), can.agents->end(), spec.agent) == can.agents->end()) return false;
  return std::all_of(spec.required_labels.begin(), spec.required_labels.end(), [&](const auto& required) {
    auto it = can.labels.find(required.first);
    return it != can.labels.end() && it->second == required.second;
  });
}

std::optional<std::string> why_waiting(const domain::TaskSpec& spec, const std::vector<Instance>& instances) {
  std::vector<const Instance*> live;
  for (const auto& i : instances)
    if (i.state == "active") live.push_back(&i);
  if (live.empty()) return "no daemon is running; the task starts when one does";
  std::vector<const Instance*> on_queue;
  for (const auto* i : live)
    if (takes_queue(*i, spec.queue)) on_queue.push_back(i);
  if (on_queue.empty()) return "no running daemon takes queue '" + spec.queue + "'";
  for (const auto* i : on_queue)
    if (can_run(capabilities_of(*i), spec)) return std::nullopt;
  std::vector<std::string> offered;
  bool agent_offered = false;
  for (const auto* i : on_queue) {
    for (const auto& a : i->agents)
      if (std::find(offered.begin(), offered.end(), a) == offered.end()) offered.push_back(a);
    agent_offered = agent_offered || std::find(i->agents.begin(), i->agents.end(), spec.agent) != i->agents.end();
  }
  if (!agent_offered)
    return "no running daemon on queue '" + spec.queue + "' offers agent '" + spec.agent + "' (offered: " +
           joined(offered) + ")";
  return "no running daemon offering agent '" + spec.agent + "' has the required labels " +
         joined(label_pairs(spec.required_labels));
}

} // namespace ralph::store
