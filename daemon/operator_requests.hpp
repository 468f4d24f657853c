#pragma once
// What an operator asked of this daemon, as its heartbeat reads it back from
// the store (`ralph instances drain|activate|evict`): the instance row's
// state is the request, so no extra table or column is needed.
#include <string>
#include <string_view>

namespace ralph::daemon {

enum class OperatorAction {
  none,
  drain,    // stop claiming, hand the running tasks back, stay up idle
  activate, // claim again after a requested drain
  evicted,  // the row is dead: the tasks were taken back; stop and exit
};

// `stored`: the state the heartbeat returned; `drain_requested`: a requested
// drain is in effect; `shutting_down`: SIGTERM's drain (its own "draining").
OperatorAction operator_action(std::string_view stored, bool drain_requested, bool shutting_down);

// The data of a `failover` event: the task left `from` because of `reason`
// (drain, evicted).
std::string failover_event(const std::string& from, std::string_view reason);

} // namespace ralph::daemon
