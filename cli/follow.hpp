#pragma once
// Following a task that a daemon runs: `ralph submit --wait`, `resume
// --wait`, `retry --wait`. Progress goes to stderr, the final JSON to stdout.
#include "core/store/store.hpp"

namespace ralph::util { class CancelSource; }

namespace ralph::cli {

struct FollowOptions {
  bool json = false;   // print the final task as JSON on stdout
  bool quiet = false;  // no progress lines
};

// Waits until the task finishes, reading its events from the store. Returns
// the exit code of its stop reason, or 130 when `interrupt` fires first (the
// task keeps running: the daemon owns it).
int follow_task(store::Store& store, store::TaskId id, const FollowOptions& opts, const util::CancelSource& interrupt);

// The exit code a finished task stands for (0 for completed).
int exit_code_of(const store::Task& task);

} // namespace ralph::cli
