#include "cli/context.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <unistd.h>

#include "core/util/error.hpp"

namespace ralph::cli {

store::TaskId parse_task_id(const std::string& text) {
  store::TaskId id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0)
    throw UsageError("'" + text + "' is not a task id (expected a positive number)");
  return id;
}

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) != 0; }

bool use_color() {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return stderr_is_tty() && !(no_color && *no_color) && !(term && std::string_view(term) == "dumb");
}

} // namespace ralph::cli
