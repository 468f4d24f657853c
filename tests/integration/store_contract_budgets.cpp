// The Store contract for fleet budgets: the ledger charges an iteration's
// cost once per (task, seq, scope), in the transaction that records it.
#include <catch2/catch.hpp>

#include "core/domain/fleet_budget.hpp"
#include "tests/integration/store_contract.hpp"

using namespace std::chrono;

namespace ralph::test {

namespace {

constexpr std::int64_t k_day1_ms = 1'700'000'000'000; // 2023-11-14, 22:13 UTC
constexpr std::int64_t k_day_ms = 86'400'000;

store::IterationRecord charged(std::int64_t seq, double usd, std::vector<std::string> scopes,
                               std::int64_t finished_ms = k_day1_ms) {
  store::IterationRecord r;
  r.seq = seq;
  r.started_at_ms = finished_ms - 1000;
  r.finished_at_ms = finished_ms;
  r.outcome = "ok";
  r.exit_code = 0;
  r.usage = {10, 10, 0, 0};
  r.cost = domain::Cost::reported(usd);
  r.model = "m";
  r.budget_scopes = std::move(scopes);
  return r;
}

void ok(store::Result<void> r) {
  if (!r) FAIL(std::string(store::to_string(r.error().failure)) + ": " + r.error().message);
}
template <typename T> T ok(store::Result<T> r) {
  if (!r) FAIL(std::string(store::to_string(r.error().failure)) + ": " + r.error().message);
  return std::move(*r);
}

std::int64_t spent(store::Store& db, const std::string& scope, const std::string& day = "2023-11-14") {
  auto all = ok(db.budget_spent({scope}, day));
  REQUIRE(all.size() == 1);
  CHECK(all[0].scope == scope);
  CHECK(all[0].day == day);
  return all[0].spent_micros;
}

store::Lease running(store::Store& db, const std::string& owner) {
  auto id = ok(db.submit(domain::TaskSpec{}));
  return ok(db.claim(id, owner, seconds(30)));
}

} // namespace

void run_budget_contract(const StoreFactory& factory) {
  ManualClock clock;
  auto db = factory.open(clock);
  REQUIRE(domain::utc_day(k_day1_ms) == "2023-11-14");

  SECTION("an iteration is charged to each of its scopes once, even when its record is retried") {
    auto lease = running(*db, "a");
    auto rec = charged(1, 0.10, {"fleet", "project-x"});
    ok(db->record_iteration(lease, rec));
    ok(db->record_iteration(lease, rec)); // a retry after a lost acknowledgement
    CHECK(spent(*db, "fleet") == 100'000);
    CHECK(spent(*db, "project-x") == 100'000);
    ok(db->record_iteration(lease, charged(2, 0.20, {"fleet"})));
    CHECK(spent(*db, "fleet") == 300'000); // integer micros: 0.1 + 0.2 is exactly 0.3
    CHECK(spent(*db, "project-x") == 100'000);
  }

  SECTION("a fenced record charges nothing") {
    auto zombie = running(*db, "zombie");
    ok(db->record_iteration(zombie, charged(1, 0.25, {"fleet"})));
    clock.advance(seconds(31));
    REQUIRE(ok(db->expire_leases()).size() == 1);
    auto survivor = ok(db->claim(zombie.task, "survivor", seconds(30)));
    CHECK(!db->record_iteration(zombie, charged(2, 9.0, {"fleet"})));
    CHECK(spent(*db, "fleet") == 250'000);
    ok(db->record_iteration(survivor, charged(2, 0.25, {"fleet"})));
    CHECK(spent(*db, "fleet") == 500'000);
  }

  SECTION("spend sums across tasks; a task is charged only to its own scopes") {
    auto a = running(*db, "a");
    auto b = running(*db, "b");
    ok(db->record_iteration(a, charged(1, 0.25, {"fleet", "queue-gpu"})));
    ok(db->record_iteration(b, charged(1, 0.50, {"fleet"})));
    ok(db->record_iteration(b, charged(2, 1.25, {"fleet"})));
    CHECK(spent(*db, "fleet") == 2'000'000);
    CHECK(spent(*db, "queue-gpu") == 250'000);
    auto both = ok(db->budget_spent({"queue-gpu", "never", "fleet"}, "2023-11-14"));
    REQUIRE(both.size() == 3); // in the order asked, unknown scopes at 0
    CHECK(both[0].spent_micros == 250'000);
    CHECK(both[1].scope == "never");
    CHECK(both[1].spent_micros == 0);
    CHECK(both[2].spent_micros == 2'000'000);
    CHECK(ok(db->budget_spent({}, "2023-11-14")).empty());
  }

  SECTION("each UTC day has its own spend") {
    auto lease = running(*db, "a");
    ok(db->record_iteration(lease, charged(1, 0.75, {"fleet"})));
    ok(db->record_iteration(lease, charged(2, 0.50, {"fleet"}, k_day1_ms + k_day_ms)));
    CHECK(spent(*db, "fleet") == 750'000);
    CHECK(spent(*db, "fleet", "2023-11-15") == 500'000);
    CHECK(spent(*db, "fleet", "2023-11-13") == 0);
  }

  SECTION("an iteration without scopes or without a known cost charges nothing") {
    auto lease = running(*db, "a");
    ok(db->record_iteration(lease, charged(1, 0.75, {})));
    auto unpriced = charged(2, 0, {"fleet"});
    unpriced.cost = domain::Cost::unknown();
    ok(db->record_iteration(lease, unpriced));
    CHECK(spent(*db, "fleet") == 0);
  }

  SECTION("the spend survives a reopen") {
    auto lease = running(*db, "a");
    ok(db->record_iteration(lease, charged(1, 0.10, {"fleet"})));
    db.reset();
    auto again = factory.reopen(clock);
    CHECK(spent(*again, "fleet") == 100'000);
  }
}

} // namespace ralph::test
