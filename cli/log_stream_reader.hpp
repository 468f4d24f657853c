#pragma once
// `ralph logs -f` through Redis: reads the task's stream <prefix>log:<id>
// (which ralphd fills as the agent prints) with XREAD BLOCK, so a task can be
// followed from a machine that has no access to the daemon's log files.
#include <functional>
#include <optional>

#include "core/redis/client.hpp"
#include "core/store/store.hpp"

namespace ralph::util { class CancelSource; }

namespace ralph::cli {

// Prints the stream's lines from its start until the task-end marker
// arrives, or until `finished()` (asked whenever the stream is quiet) says
// the task is over. Returns the exit code (0, or interrupted), or nullopt
// when Redis failed, after `printed_any` tells whether output went out: the
// caller then follows the log files instead.
std::optional<int> follow_log_stream(redis::Client& client, store::TaskId id, const std::function<bool()>& finished,
                                     const util::CancelSource& interrupt, bool& printed_any);

} // namespace ralph::cli
