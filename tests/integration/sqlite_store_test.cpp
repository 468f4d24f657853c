// The Store contract on SQLite, and what only the SQLite backend has:
// files, permissions, locking and corruption.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>

#include "core/store/store.hpp"
#include "core/util/error.hpp"
#include "tests/integration/store_contract.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;

TEST_CASE("store contract", "[sqlite]") {
  test::Sandbox box;
  auto url = "sqlite://" + (box / "state/ralph.db").string();
  auto open = [url](clock::Clock& clock) {
    auto s = store::open_store(url, clock);
    if (!s) FAIL(s.error().message);
    REQUIRE((*s)->migrate());
    return std::move(*s);
  };
  test::run_store_contract({open, open});
}

TEST_CASE("store contract: fleet budget ledger", "[sqlite]") {
  test::Sandbox box;
  auto url = "sqlite://" + (box / "state/ralph.db").string();
  auto open = [url](clock::Clock& clock) {
    auto s = store::open_store(url, clock);
    if (!s) FAIL(s.error().message);
    REQUIRE((*s)->migrate());
    return std::move(*s);
  };
  test::run_budget_contract({open, open});
}

TEST_CASE("the store file and directory are private", "[sqlite]") {
  test::Sandbox box;
  test::ManualClock clock;
  auto s = store::open_store("sqlite://" + (box / "new/dir/ralph.db").string(), clock);
  REQUIRE(s);
  REQUIRE((*s)->migrate());
  REQUIRE((*s)->submit({}));
  struct stat st{};
  REQUIRE(::stat((box / "new/dir/ralph.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((box / "new/dir").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  if (::stat((box / "new/dir/ralph.db-wal").c_str(), &st) == 0) CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("bad store URLs and files give clear errors", "[sqlite]") {
  test::Sandbox box;
  test::ManualClock clock;
  CHECK_THROWS_WITH(store::open_store("mysql://u:hunter2@db/ralph", clock),
                    Catch::Contains("unsupported store URL scheme 'mysql'") && !Catch::Contains("hunter2"));
  CHECK_THROWS_AS(store::open_store("sqlite://" + (box / "x.db?frob=1").string(), clock), ConfigError);

  auto garbage = box.write("garbage.db", std::string(8192, 'x'));
  auto g = store::open_store("sqlite://" + garbage.string(), clock);
  REQUIRE_FALSE(g);
  CHECK(g.error().failure == store::Failure::corrupt);
  CHECK_THAT(g.error().message, Catch::Contains("is not a ralph store"));
  CHECK(test::read_file(garbage) == std::string(8192, 'x')); // untouched

  std::filesystem::create_directories(box / "ro");
  ::chmod((box / "ro").c_str(), 0500);
  if (::geteuid() != 0) { // root writes anywhere
    auto r = store::open_store("sqlite://" + (box / "ro/sub/ralph.db").string(), clock);
    REQUIRE_FALSE(r);
    CHECK(r.error().failure == store::Failure::unavailable);
  }
  ::chmod((box / "ro").c_str(), 0700);
}

TEST_CASE("a newer schema is refused", "[sqlite]") {
  test::Sandbox box;
  test::ManualClock clock;
  auto path = box / "ralph.db";
  {
    auto s = store::open_store("sqlite://" + path.string(), clock);
    REQUIRE((*s)->migrate());
  }
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  auto s = store::open_store("sqlite://" + path.string(), clock);
  REQUIRE(s);
  auto m = (*s)->migrate();
  REQUIRE_FALSE(m);
  CHECK_THAT(m.error().message, Catch::Contains("newer than this ralph supports"));
}

TEST_CASE("a store locked by another writer fails with unavailable, not a hang", "[sqlite]") {
  test::Sandbox box;
  test::ManualClock clock;
  auto path = box / "ralph.db";
  auto s = store::open_store("sqlite://" + path.string() + "?busy_timeout_ms=100", clock);
  REQUIRE((*s)->migrate());
  sqlite3* other = nullptr;
  sqlite3_open(path.c_str(), &other);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto start = std::chrono::steady_clock::now();
  auto r = (*s)->submit({});
  REQUIRE_FALSE(r);
  CHECK(r.error().failure == store::Failure::unavailable);
  CHECK_THAT(r.error().message, Catch::Contains("locked"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK((*s)->submit({}));
}
