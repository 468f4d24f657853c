// open_store: the store URL scheme picks the backend.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "core/plugin/plugin.hpp"
#include "core/store/postgres/pg_store.hpp"
#include "core/store/sqlite/sqlite_store.hpp"
#include "core/store/store.hpp"
#include "core/util/error.hpp"

namespace ralph::store {

std::string_view to_string(Failure f) {
  switch (f) {
  case Failure::not_found: return "not_found";
  case Failure::conflict: return "conflict";
  case Failure::fenced: return "fenced";
  case Failure::unavailable: return "unavailable";
  case Failure::timeout: return "timeout";
  case Failure::corrupt: return "corrupt";
  case Failure::invalid: return "invalid";
  }
  return "unknown";
}

namespace {

} // namespace

std::string display_url(std::string_view url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos) return std::string(url);
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "****" + std::string(url.substr(at));
}

namespace {

sqlite::Options parse_sqlite_url(std::string_view url) {
  sqlite::Options o;
  std::string_view rest = url;
  if (rest.starts_with("sqlite://")) rest.remove_prefix(9);
  auto q = rest.find('?');
  o.path = std::string(rest.substr(0, q));
  if (o.path.empty()) throw ConfigError("store URL '" + std::string(url) + "' names no database file");
  if (q == std::string_view::npos) return o;
  std::string_view query = rest.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto kv = query.substr(0, amp);
    auto eq = kv.find('=');
    auto k = kv.substr(0, eq);
    auto v = eq == std::string_view::npos ? std::string_view{} : kv.substr(eq + 1);
    if (k == "synchronous" && (v == "full" || v == "normal")) o.synchronous_full = v == "full";
    else if (k == "busy_timeout_ms" && !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos)
      o.busy_timeout_ms = std::stoi(std::string(v));
    else
      throw ConfigError("store URL '" + std::string(url) + "': unknown option '" + std::string(kv) +
                        "' (known: synchronous=full|normal, busy_timeout_ms=N)");
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return o;
}

// The state directory and the database are private: 0700 and 0600.
Result<void> prepare_path(const std::filesystem::path& db) {
  auto dir = db.parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return util::unexpected(Error{Failure::unavailable, "cannot create the state directory " + dir.string() + ": " +
                                                              ec.message()});
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  if (!dir.empty() && ::access(dir.c_str(), W_OK) != 0)
    return util::unexpected(Error{Failure::unavailable, "the state directory " + dir.string() + " is not writable: " +
                                                            std::strerror(errno)});
  return {};
}

Result<std::unique_ptr<Store>> open_postgres(std::string_view url, const clock::Clock& clock) {
  auto entry = plugin::symbol(postgres::k_plugin_file, postgres::k_open_symbol);
  if (!entry)
    return util::unexpected(Error{Failure::unavailable, "PostgreSQL support is missing: " + entry.error()});
  std::unique_ptr<Store> store;
  reinterpret_cast<postgres::OpenFn>(*entry)(std::string(url), clock, store);
  return store;
}

} // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string embedded_store_path(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos && !url.starts_with("sqlite://")) return {};
  return parse_sqlite_url(url).path;
}

Result<std::unique_ptr<Store>> open_store(std::string_view url, const clock::Clock& clock) {
  if (is_postgres_url(url)) return open_postgres(url, clock);
  auto scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos && !url.starts_with("sqlite://"))
    throw ConfigError("unsupported store URL scheme '" + std::string(url.substr(0, scheme_end)) + "' in '" +
                      display_url(url) + "': this build supports sqlite:// and postgresql://");
  auto options = parse_sqlite_url(url);
  if (auto ok = prepare_path(options.path); !ok) return util::unexpected(ok.error());
  // New database files (and their -wal/-shm companions) are created 0600.
  auto old_mask = ::umask(077);
  try {
    auto store = sqlite::open(options, clock);
    ::umask(old_mask);
    return store;
  } catch (const sqlite::DbError& e) {
    ::umask(old_mask);
    if (e.failure == Failure::corrupt)
      return util::unexpected(Error{Failure::corrupt, options.path + " is not a ralph store (" + e.message + ")"});
    return util::unexpected(Error{e.failure, options.path + ": " + e.message});
  }
}

} // namespace ralph::store
