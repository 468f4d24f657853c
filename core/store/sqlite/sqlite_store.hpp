#pragma once
// The embedded store: one SQLite file in WAL mode. Every write is a
// BEGIN IMMEDIATE transaction; every worker write is fenced on lease_epoch.
#include <memory>
#include <mutex>
#include <string>

#include "core/store/sqlite/db.hpp"
#include "core/store/store.hpp"

namespace ralph::store::sqlite {

struct Options {
  std::string path;
  bool synchronous_full = true; // FULL fsyncs every commit; NORMAL may lose the last ones on power loss
  int busy_timeout_ms = 5000;
};

std::unique_ptr<Store> open(const Options& options, const clock::Clock& clock); // throws DbError

} // namespace ralph::store::sqlite
