// The Store contract on PostgreSQL, plus what only a shared server has:
// concurrent claimers and migrations, and a database that is down. Runs
// under scripts/with-test-services.sh, which provides RALPH_TEST_PG_URL.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "core/store/store.hpp"
#include "tests/integration/store_contract.hpp"

using namespace ralph;

namespace {

const store::Capabilities any_agent{};

std::string pg_url() {
  const char* url = std::getenv("RALPH_TEST_PG_URL");
  if (!url || !*url) FAIL("RALPH_TEST_PG_URL is not set: run this through scripts/with-test-services.sh");
  return url;
}

void reset_schema(const std::string& url) {
  pqxx::connection c(url);
  pqxx::nontransaction(c).exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
}

std::unique_ptr<store::Store> open_migrated(const std::string& url, clock::Clock& clock) {
  auto s = store::open_store(url, clock);
  if (!s) FAIL(s.error().message);
  auto m = (*s)->migrate();
  if (!m) FAIL(m.error().message);
  return std::move(*s);
}

} // namespace

TEST_CASE("store contract on PostgreSQL", "[postgres]") {
  auto url = pg_url();
  auto fresh = [url](clock::Clock& clock) {
    reset_schema(url);
    return open_migrated(url, clock);
  };
  auto same = [url](clock::Clock& clock) { return open_migrated(url, clock); };
  test::run_store_contract({fresh, same});
}

TEST_CASE("store contract: fleet budget ledger on PostgreSQL", "[postgres]") {
  auto url = pg_url();
  auto fresh = [url](clock::Clock& clock) {
    reset_schema(url);
    return open_migrated(url, clock);
  };
  auto same = [url](clock::Clock& clock) { return open_migrated(url, clock); };
  test::run_budget_contract({fresh, same});
}

TEST_CASE("claimers on many connections never take the same task", "[postgres]") {
  auto url = pg_url();
  reset_schema(url);
  test::ManualClock clock;
  auto setup = open_migrated(url, clock);
  constexpr int k_tasks = 200;
  for (int i = 0; i < k_tasks; ++i) REQUIRE(setup->submit({}));
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < 6; ++i) stores.push_back(open_migrated(url, clock));
  std::mutex mutex;
  std::multiset<store::TaskId> claimed;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      for (;;) {
        auto lease = stores[static_cast<std::size_t>(i)]->claim_next({"default"}, any_agent, "w" + std::to_string(i),
                                                                      std::chrono::seconds(30));
        if (!lease) { ++errors; return; }
        if (!*lease) return;
        std::lock_guard lock(mutex);
        claimed.insert((*lease)->task);
      }
    });
  for (auto& t : threads) t.join();
  CHECK(errors == 0);
  CHECK(claimed.size() == k_tasks);
  CHECK(std::set<store::TaskId>(claimed.begin(), claimed.end()).size() == k_tasks);
}

TEST_CASE("daemons migrating at once apply each migration once", "[postgres]") {
  auto url = pg_url();
  reset_schema(url);
  test::ManualClock clock;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i)
    threads.emplace_back([&] {
      auto s = store::open_store(url, clock);
      if (!s || !(*s)->migrate()) ++failures;
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  pqxx::connection c(url);
  pqxx::work w(c);
  // One row per migration, each applied once, up to the latest.
  CHECK(w.exec("SELECT count(*) = count(DISTINCT version) AND count(*) = max(version) FROM ralph_schema")[0][0]
            .as<bool>());
  CHECK(w.exec("SELECT count(*) FROM ralph_schema")[0][0].as<int>() >= 2);
}

TEST_CASE("a database that is down is `unavailable`, quickly, with the password hidden", "[postgres]") {
  test::ManualClock clock;
  auto s = store::open_store("postgresql://ralph:hunter2-secret@127.0.0.1:1/none", clock);
  REQUIRE(s);
  auto start = std::chrono::steady_clock::now();
  auto r = (*s)->submit({});
  REQUIRE_FALSE(r);
  CHECK(r.error().failure == store::Failure::unavailable);
  CHECK_THAT(r.error().message, !Catch::Contains("hunter2"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(6));
}
