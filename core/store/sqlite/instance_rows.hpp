#pragma once
// Row <-> struct mapping for daemon instances.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sqlite/db.hpp"
#include "core/store/store.hpp"

namespace ralph::store::sqlite {

void upsert_instance(Db& db, const Instance& inst, std::int64_t now_ms, std::int64_t expires_ms);
// false when no such instance row exists.
bool touch_instance(Db& db, const std::string& id, std::string_view state, std::int64_t now_ms,
                    std::int64_t expires_ms);
std::vector<Instance> read_instances(Db& db, std::int64_t now_ms);
void mark_instance_dead(Db& db, const std::string& id, std::int64_t now_ms);

} // namespace ralph::store::sqlite
