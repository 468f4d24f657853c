// The free functions of process.hpp: names of endings and PATH lookup.
#include "core/proc/process.hpp"

#include <cstdlib>
#include <unistd.h>

namespace ralph::proc {

std::string_view to_string(Ending e) {
  switch (e) {
  case Ending::exited: return "exited";
  case Ending::signaled: return "signaled";
  case Ending::timed_out: return "timed out";
  case Ending::inactive: return "inactive";
  case Ending::cancelled: return "cancelled";
  case Ending::spawn_failed: return "spawn failed";
  }
  return "unknown";
}

std::optional<std::filesystem::path> find_executable(std::string_view name) {
  if (name.empty()) return std::nullopt;
  auto usable = [](const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string_view::npos) {
    std::filesystem::path p(name);
    return usable(p) ? std::optional(p) : std::nullopt;
  }
  // The same default search path as execvp when PATH is unset.
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/bin:/usr/bin";
  while (true) {
    auto colon = dirs.find(':');
    auto dir = dirs.substr(0, colon);
    // An empty entry means the current directory (POSIX).
    auto candidate = std::filesystem::path(dir.empty() ? "." : std::string(dir)) / std::string(name);
    if (usable(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

} // namespace ralph::proc
