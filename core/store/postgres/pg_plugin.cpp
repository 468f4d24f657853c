// libralph-pg.so's entry points (the plugin is loaded by open_store()).
#include "core/plugin/plugin.hpp"
#include "core/store/postgres/pg_store.hpp"

RALPH_PLUGIN_EXPORT const char* ralph_plugin_abi() { return RALPH_PLUGIN_ABI; }

RALPH_PLUGIN_EXPORT void ralph_pg_open(const std::string& url, const ralph::clock::Clock& clock,
                                       std::unique_ptr<ralph::store::Store>& out) {
  static_assert(std::is_same_v<decltype(&ralph_pg_open), ralph::store::postgres::OpenFn>);
  out = ralph::store::postgres::open(url, clock);
}
