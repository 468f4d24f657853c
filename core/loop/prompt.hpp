#pragma once
// The prompt of one iteration: the prompt file re-read (the agent may edit
// it), or the prompt text, plus the output of the last failed gate.
#include <filesystem>
#include <string>

#include "core/domain/task.hpp"
#include "core/util/expected.hpp"

namespace ralph::loop {

// Returns the prompt, or a message saying why it cannot be read.
util::Expected<std::string, std::string> build_prompt(const domain::TaskSpec& spec, const std::string& gate_feedback);

// Writes the prompt to `path` for the record (best effort).
void archive_prompt(const std::filesystem::path& path, const std::string& prompt);

} // namespace ralph::loop
