#pragma once
// What every command shares: global options, the loaded configuration, the
// state directory and the store.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/app/context.hpp"

namespace ralph::cli {

struct GlobalOptions : app::Overrides {
  int verbosity = 0;                // -v, -vv
};

using app::Context;
using app::FlagValue;
using app::load_context;
using app::open_store;

// Parses a task id given on the command line. Throws UsageError.
store::TaskId parse_task_id(const std::string& text);

bool stderr_is_tty();
// Colour only on a terminal, and never when NO_COLOR is set or TERM=dumb.
bool use_color();

} // namespace ralph::cli
