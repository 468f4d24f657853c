#pragma once
// Versioned schema migrations, applied in order; PRAGMA user_version holds
// the version a database is at.
#include <string_view>
#include <vector>

namespace ralph::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& migrations();

} // namespace ralph::store::sqlite
