#pragma once
// PostgreSQL migrations: version, name, SQL. Applied in order under an
// advisory lock, so daemons starting together migrate once.
#include <string_view>
#include <vector>

namespace ralph::store::postgres {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& migrations();

} // namespace ralph::store::postgres
