#pragma once
// The fleet store: PostgreSQL through libpqxx, for many daemons on many
// machines. It keeps pqxx out of every other header: callers see only Store.
#include <memory>
#include <string>

#include "core/store/store.hpp"

namespace ralph::store::postgres {

// Connects lazily: a database that is down at start-up gives `unavailable`
// from the first call, not an exception. Timestamps come from `clock`, as on
// SQLite (hosts are expected to keep NTP time; leases are tens of seconds).
std::unique_ptr<Store> open(const std::string& url, const clock::Clock& clock);

} // namespace ralph::store::postgres
