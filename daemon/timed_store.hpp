#pragma once
// A Store decorator that times every call into
// ralph_store_operation_duration_seconds{op}, so /metrics shows when the
// database, not the agents, is what a daemon waits on.
#include <memory>

#include "core/store/store.hpp"

namespace ralph::metrics { class Registry; }

namespace ralph::daemon {

// `inner` and `registry` must outlive the returned store.
std::unique_ptr<store::Store> make_timed_store(store::Store& inner, metrics::Registry& registry);

} // namespace ralph::daemon
