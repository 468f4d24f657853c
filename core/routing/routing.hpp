#pragma once
// Capability routing: which daemon may claim which task. The claim SQL of
// each store enforces it; these helpers give the same rule to `ralph status`
// (to say why a task waits) and the label format both stores keep.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/task.hpp"
#include "core/store/store.hpp"

namespace ralph::store {

// A list of strings as the JSON array the stores keep (and back; anything
// but an array of strings reads as empty).
std::string to_json_list(const std::vector<std::string>& items);
std::vector<std::string> from_json_list(const std::string& text);

// {"gpu": "true"} <-> ["gpu=true"]: how labels are stored (sorted by key).
std::vector<std::string> label_pairs(const std::map<std::string, std::string>& labels);
std::map<std::string, std::string> parse_label_pairs(const std::vector<std::string>& pairs);

// Whether an instance offering `can` may claim a task of `spec` (its queue
// aside: queues are a daemon's choice, not a capability).
bool can_run(const Capabilities& can, const domain::TaskSpec& spec);

// Why no live instance claims a queued task of `spec`, or nullopt when one
// could (it then waits for a free slot). Instances that are not active are ignored.
std::optional<std::string> why_waiting(const domain::TaskSpec& spec, const std::vector<Instance>& instances);

} // namespace ralph::store
