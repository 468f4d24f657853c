#pragma once
// Row <-> struct mapping for daemon instances.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sqlite/db.hpp"
#include "core/store/store.hpp"

namespace ralph::store::sqlite {

void upsert_instance(Db& db, const Instance& inst, std::int64_t now_ms, std::int64_t expires_ms);
// The instance's state afterwards (Store::heartbeat_instance); nullopt when
// no such instance row exists.
std::optional<std::string> touch_instance(Db& db, const std::string& id, std::string_view state,
                                          std::int64_t now_ms, std::int64_t expires_ms);
// Store::request_instance_state: throws DbError not_found / conflict.
void request_instance_state(Db& db, const std::string& id, std::string_view state);
std::vector<Instance> read_instances(Db& db, std::int64_t now_ms);
void mark_instance_dead(Db& db, const std::string& id, std::int64_t now_ms);

} // namespace ralph::store::sqlite
