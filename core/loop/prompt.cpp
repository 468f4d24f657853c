#include "core/loop/prompt.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ralph::loop {

util::Expected<std::string, std::string> build_prompt(const domain::TaskSpec& spec, const std::string& gate_feedback) {
  std::string prompt = spec.prompt_text;
  if (prompt.empty()) {
    std::filesystem::path file = spec.prompt_file;
    if (file.is_relative()) file = std::filesystem::path(spec.workdir) / file;
    std::ifstream in(file, std::ios::binary);
    if (!in) return util::unexpected("cannot read prompt file " + file.string() + ": " + std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    prompt = ss.str();
    if (prompt.find_first_not_of(" \t\r\n") == std::string::npos)
      return util::unexpected("prompt file " + file.string() + " is empty");
  }
  if (!gate_feedback.empty()) {
    prompt += "\n\n---\nYour last iteration claimed completion, but a gate failed. Fix this before "
              "claiming completion again:\n\n" +
              gate_feedback + "\n";
  }
  return prompt;
}

void archive_prompt(const std::filesystem::path& path, const std::string& prompt) {
  std::ofstream out(path, std::ios::binary);
  out << prompt;
}

} // namespace ralph::loop
