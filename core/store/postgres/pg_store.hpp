#pragma once
// The fleet store: PostgreSQL through libpqxx, for many daemons on many
// machines. It keeps pqxx out of every other header: callers see only Store.
// Built as the plugin libralph-pg.so (core/plugin/plugin.hpp says why);
// open_store() loads it for postgresql:// URLs.
#include <memory>
#include <string>

#include "core/store/store.hpp"

namespace ralph::store::postgres {

// Connects lazily: a database that is down at start-up gives `unavailable`
// from the first call, not an exception. Timestamps come from `clock`, as on
// SQLite (hosts are expected to keep NTP time; leases are tens of seconds).
std::unique_ptr<Store> open(const std::string& url, const clock::Clock& clock);

// The plugin's entry point: `open`, with the result through `out`.
inline constexpr const char* k_plugin_file = "libralph-pg.so";
inline constexpr const char* k_open_symbol = "ralph_pg_open";
using OpenFn = void (*)(const std::string& url, const clock::Clock& clock, std::unique_ptr<Store>& out);

} // namespace ralph::store::postgres
