#pragma once
// TaskSpec <-> JSON text, for the store's payload column and `--json` output.
// Kept out of task.hpp so that nlohmann/json stays in .cpp files.
#include <string>

#include "core/domain/task.hpp"
#include "core/util/expected.hpp"

namespace ralph::domain {

std::string to_json(const TaskSpec& spec);
// Unknown fields are ignored (forward compatibility); missing ones keep defaults.
util::Expected<TaskSpec, std::string> task_spec_from_json(const std::string& text);

} // namespace ralph::domain
