#include "tests/integration/store_contract.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace std::chrono;

namespace ralph::test {

namespace {

const store::Capabilities any_agent{}; // offers every agent, no labels

domain::TaskSpec spec(std::string queue = "default", std::int64_t priority = 0) {
  domain::TaskSpec s;
  s.agent = "claude";
  s.model = "claude-sonnet-4-5";
  s.workdir = "/srv/w";
  s.queue = std::move(queue);
  s.priority = priority;
  s.gates = {"make test", "make lint"};
  s.budget.max_iterations = 7;
  s.budget.max_cost_usd = 2.5;
  s.budget.max_runtime = hours(2);
  s.iteration_timeout = minutes(30);
  s.labels = {{"gpu", "true"}};
  return s;
}

store::IterationRecord iteration(std::int64_t seq, domain::Usage u, domain::Cost cost) {
  store::IterationRecord r;
  r.seq = seq;
  r.started_at_ms = 1000 * seq;
  r.finished_at_ms = 1000 * seq + 500;
  r.outcome = "ok";
  r.exit_code = 0;
  r.usage = u;
  r.cost = cost;
  r.model = "claude-sonnet-4-5";
  r.session_id = "s" + std::to_string(seq);
  r.num_turns = 2;
  r.excerpt = "done";
  return r;
}

template <typename T> T ok(store::Result<T> r) {
  if (!r) FAIL(std::string(store::to_string(r.error().failure)) + ": " + r.error().message);
  return std::move(*r);
}
inline void ok(store::Result<void> r) {
  if (!r) FAIL(std::string(store::to_string(r.error().failure)) + ": " + r.error().message);
}
template <typename T> store::Failure failure(const store::Result<T>& r) {
  REQUIRE_FALSE(r);
  return r.error().failure;
}

} // namespace

void run_store_contract(const StoreFactory& factory) {
  ManualClock clock;
  auto db = factory.open(clock);

  SECTION("submit and read back a full spec") {
    auto id = ok(db->submit(spec()));
    auto t = ok(db->get_task(id));
    REQUIRE(t);
    CHECK(t->state == domain::TaskState::queued);
    CHECK(t->spec.gates == std::vector<std::string>{"make test", "make lint"});
    CHECK(t->spec.budget.max_cost_usd == 2.5);
    CHECK(t->spec.budget.max_runtime == hours(2));
    CHECK(t->spec.iteration_timeout == minutes(30));
    CHECK(t->spec.labels.at("gpu") == "true");
    CHECK(t->totals.iterations == 0);
    CHECK(t->created_at_ms == clock::to_unix_ms(clock.now()));
    CHECK_FALSE(ok(db->get_task(id + 1000)));
  }

  SECTION("claim bumps the epoch; a second claim conflicts") {
    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, "a", seconds(30)));
    CHECK(lease.epoch == 1);
    auto t = ok(db->get_task(id));
    CHECK(t->state == domain::TaskState::running);
    CHECK(t->lease_owner == "a");
    CHECK(t->attempts == 1);
    CHECK(failure(db->claim(id, "b", seconds(30))) == store::Failure::conflict);
    CHECK(failure(db->claim(id + 1000, "b", seconds(30))) == store::Failure::not_found);
  }

  SECTION("claim_next takes priority first, then age, within the queues asked") {
    auto low = ok(db->submit(spec("default", 0)));
    clock.advance(milliseconds(5));
    auto high = ok(db->submit(spec("default", 5)));
    clock.advance(milliseconds(5));
    auto other = ok(db->submit(spec("gpu", 9)));
    clock.advance(milliseconds(5));
    auto low2 = ok(db->submit(spec("default", 0)));
    auto a = ok(db->claim_next({"default"}, any_agent, "w", seconds(30)));
    REQUIRE(a);
    CHECK(a->task == high);
    CHECK(ok(db->claim_next({"default"}, any_agent, "w", seconds(30)))->task == low);
    CHECK(ok(db->claim_next({"default"}, any_agent, "w", seconds(30)))->task == low2);
    CHECK_FALSE(ok(db->claim_next({"default"}, any_agent, "w", seconds(30))));
    CHECK(ok(db->claim_next({}, any_agent, "w", seconds(30)))->task == other);
  }

  SECTION("claim_batch takes up to max of the best tasks in one go, each with its own epoch and event") {
    std::vector<store::TaskId> ids;
    for (int i = 0; i < 5; ++i) {
      ids.push_back(ok(db->submit(spec("default", i == 3 ? 7 : 0))));
      clock.advance(milliseconds(5));
    }
    auto first = ok(db->claim_batch({"default"}, any_agent, "w", seconds(30), 3));
    REQUIRE(first.size() == 3);
    std::set<store::TaskId> got;
    for (const auto& lease : first) {
      got.insert(lease.task);
      CHECK(lease.epoch == 1);
      CHECK(lease.owner == "w");
      CHECK(ok(db->get_task(lease.task))->state == domain::TaskState::running);
      auto claimed = ok(db->events(lease.task));
      CHECK(std::count_if(claimed.begin(), claimed.end(), [](const auto& e) { return e.type == "claimed"; }) == 1);
    }
    CHECK(got == std::set<store::TaskId>{ids[3], ids[0], ids[1]}); // the high priority one, then the oldest
    auto rest = ok(db->claim_batch({"default"}, any_agent, "w", seconds(30), 8));
    CHECK(rest.size() == 2);
    CHECK(ok(db->claim_batch({"default"}, any_agent, "w", seconds(30), 8)).empty());
  }

  SECTION("claim_next takes only what the claimer can run: its agents, all the labels required") {
    auto plain = spec();
    plain.agent = "codex";
    auto needs_gpu = spec();
    needs_gpu.required_labels = {{"gpu", "true"}};
    auto needs_two = spec();
    needs_two.required_labels = {{"gpu", "true"}, {"region", "eu"}};
    auto codex = ok(db->submit(plain));
    auto gpu = ok(db->submit(needs_gpu));
    auto gpu_eu = ok(db->submit(needs_two));
    CHECK(ok(db->get_task(gpu))->spec.required_labels == needs_gpu.required_labels);

    const store::Capabilities claude_only{std::vector<std::string>{"claude"}, {}};
    CHECK_FALSE(ok(db->claim_next({"default"}, claude_only, "w", seconds(30))));
    const store::Capabilities gpu_box{std::vector<std::string>{"claude"}, {{"gpu", "true"}}};
    CHECK(ok(db->claim_next({"default"}, gpu_box, "w", seconds(30)))->task == gpu);
    CHECK_FALSE(ok(db->claim_next({"default"}, gpu_box, "w", seconds(30))));
    const store::Capabilities wrong_value{std::nullopt, {{"gpu", "false"}, {"region", "eu"}}};
    CHECK(ok(db->claim_next({"default"}, wrong_value, "w", seconds(30)))->task == codex);
    const store::Capabilities eu_gpu{std::vector<std::string>{"claude", "codex"}, {{"gpu", "true"}, {"region", "eu"}}};
    CHECK(ok(db->claim_next({"default"}, eu_gpu, "w", seconds(30)))->task == gpu_eu);
  }

  SECTION("iterations add up to the task totals, in one sequence") {
    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, "a", seconds(30)));
    ok(db->record_iteration(lease, iteration(1, {100, 10, 1000, 50}, domain::Cost::reported(0.25))));
    auto t = ok(db->get_task(id));
    CHECK(t->totals.cost_source == domain::CostSource::reported);
    ok(db->record_iteration(lease, iteration(2, {200, 20, 0, 0}, domain::Cost::computed(0.5))));
    t = ok(db->get_task(id));
    CHECK(t->totals.cost_source == domain::CostSource::computed);
    ok(db->record_iteration(lease, iteration(3, {1, 1, 0, 0}, domain::Cost::unknown())));
    t = ok(db->get_task(id));
    CHECK(t->totals.iterations == 3);
    CHECK(t->totals.usage == domain::Usage{301, 31, 1000, 50});
    CHECK(t->totals.cost_usd == Approx(0.75));
    CHECK(t->totals.cost_source == domain::CostSource::unknown);
    CHECK(t->totals.unpriced_iterations == 1);
    CHECK(t->totals.runtime_ms == 1500);
    CHECK(t->model == "claude-sonnet-4-5");
    auto its = ok(db->iterations(id));
    REQUIRE(its.size() == 3);
    CHECK(its[0].lease_epoch == lease.epoch);
    CHECK(its[0].session_id == "s1");
    CHECK(*its[1].cost.usd == 0.5);
    CHECK_FALSE(its[2].cost.usd);
    CHECK(its[2].cost.source == domain::CostSource::unknown);

    SECTION("a gap or a repeat in the sequence is refused and changes nothing") {
      CHECK(failure(db->record_iteration(lease, iteration(5, {1, 1, 0, 0}, domain::Cost::unknown()))) ==
            store::Failure::invalid);
      auto other_attempt = iteration(3, {1, 1, 0, 0}, domain::Cost::unknown());
      other_attempt.started_at_ms += 1;
      CHECK(failure(db->record_iteration(lease, other_attempt)) == store::Failure::invalid);
      CHECK(ok(db->get_task(id))->totals.iterations == 3);
    }

    SECTION("recording the same attempt again (a retry after a lost acknowledgment) changes nothing") {
      ok(db->record_iteration(lease, iteration(3, {1, 1, 0, 0}, domain::Cost::unknown())));
      auto after = ok(db->get_task(id));
      CHECK(after->totals.iterations == 3);
      CHECK(after->totals.usage == domain::Usage{301, 31, 1000, 50});
      CHECK(ok(db->iterations(id)).size() == 3);
    }
  }

  SECTION("fencing: after expiry and a new claim, every write with the old lease is rejected") {
    auto id = ok(db->submit(spec()));
    auto old_lease = ok(db->claim(id, "zombie", seconds(30)));
    ok(db->record_iteration(old_lease, iteration(1, {1, 1, 0, 0}, domain::Cost::reported(0.1))));
    clock.advance(seconds(31));
    auto expired = ok(db->expire_leases());
    REQUIRE(expired == std::vector<store::TaskId>{id});
    auto new_lease = ok(db->claim(id, "survivor", seconds(30)));
    CHECK(new_lease.epoch > old_lease.epoch);

    CHECK(failure(db->renew(old_lease, seconds(30))) == store::Failure::fenced);
    CHECK(failure(db->record_iteration(old_lease, iteration(2, {9, 9, 0, 0}, domain::Cost::reported(9)))) ==
          store::Failure::fenced);
    CHECK(failure(db->finish(old_lease, domain::StopReason::completed, "")) == store::Failure::fenced);
    CHECK(failure(db->release(old_lease)) == store::Failure::fenced);

    auto t = ok(db->get_task(id));
    CHECK(t->state == domain::TaskState::running);
    CHECK(t->lease_owner == "survivor");
    CHECK(t->totals.iterations == 1);
    CHECK(t->totals.cost_usd == Approx(0.1));
    // The survivor continues the sequence where the zombie's last commit left it.
    ok(db->record_iteration(new_lease, iteration(2, {1, 1, 0, 0}, domain::Cost::reported(0.1))));
    ok(db->finish(new_lease, domain::StopReason::completed, ""));
    CHECK(ok(db->get_task(id))->state == domain::TaskState::completed);
  }

  SECTION("a live lease is renewed and does not expire") {
    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, "a", seconds(30)));
    clock.advance(seconds(20));
    CHECK_FALSE(ok(db->renew(lease, seconds(30))));
    clock.advance(seconds(20));
    CHECK(ok(db->expire_leases()).empty());
  }

  SECTION("finish sets the state from the reason and bumps the epoch") {
    using R = domain::StopReason;
    using S = domain::TaskState;
    for (auto [reason, state] : {std::pair{R::completed, S::completed}, {R::max_cost, S::stopped},
                                 {R::loop_detected, S::failed}, {R::cancelled, S::cancelled}, {R::error, S::failed}}) {
      auto id = ok(db->submit(spec()));
      auto lease = ok(db->claim(id, "a", seconds(30)));
      ok(db->finish(lease, reason, reason == R::error ? "boom" : ""));
      auto t = ok(db->get_task(id));
      CHECK(t->state == state);
      CHECK(t->reason == reason);
      CHECK(t->lease_epoch == lease.epoch + 1);
      CHECK(t->finished_at_ms > 0);
      CHECK(t->lease_owner.empty());
      if (reason == R::error) CHECK(t->error == "boom");
      CHECK(failure(db->finish(lease, reason, "")) == store::Failure::fenced);
    }
  }

  SECTION("release requeues with progress kept; the next claim continues the sequence") {
    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, "a", seconds(30)));
    ok(db->record_iteration(lease, iteration(1, {5, 5, 0, 0}, domain::Cost::reported(0.1))));
    ok(db->release(lease));
    auto t = ok(db->get_task(id));
    CHECK(t->state == domain::TaskState::queued);
    CHECK(t->totals.iterations == 1);
    auto again = ok(db->claim(id, "b", seconds(30)));
    CHECK(again.epoch == lease.epoch + 2);
    ok(db->record_iteration(again, iteration(2, {5, 5, 0, 0}, domain::Cost::reported(0.1))));
    CHECK(ok(db->get_task(id))->totals.iterations == 2);
  }

  SECTION("cancel: queued at once, running on request, finished refused") {
    auto queued = ok(db->submit(spec()));
    CHECK(ok(db->request_cancel(queued)) == domain::TaskState::cancelled);
    CHECK(ok(db->get_task(queued))->reason == domain::StopReason::cancelled);
    auto running = ok(db->submit(spec()));
    auto lease = ok(db->claim(running, "a", seconds(30)));
    CHECK(ok(db->request_cancel(running)) == domain::TaskState::running);
    CHECK(ok(db->renew(lease, seconds(30))));
    CHECK(ok(db->get_task(running))->cancel_requested);
    CHECK(failure(db->request_cancel(queued)) == store::Failure::conflict);
    CHECK(failure(db->request_cancel(queued + 1000)) == store::Failure::not_found);
  }

  SECTION("resume raises the budget of a stopped task and queues it again") {
    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, "a", seconds(30)));
    ok(db->record_iteration(lease, iteration(1, {5, 5, 0, 0}, domain::Cost::reported(2.5))));
    ok(db->finish(lease, domain::StopReason::max_cost, ""));
    domain::Budget more;
    more.max_cost_usd = 5;
    ok(db->resume(id, more));
    auto t = ok(db->get_task(id));
    CHECK(t->state == domain::TaskState::queued);
    CHECK_FALSE(t->reason);
    CHECK(t->spec.budget.max_cost_usd == 5.0);
    CHECK(t->totals.iterations == 1);
    CHECK(failure(db->resume(id, more)) == store::Failure::conflict);
  }

  SECTION("events are kept in order and can be read after an id") {
    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, "a", seconds(30)));
    ok(db->append_event(id, "note", R"({"k":1})"));
    ok(db->record_iteration(lease, iteration(1, {1, 1, 0, 0}, domain::Cost::reported(0.1))));
    auto all = ok(db->events(id));
    REQUIRE(all.size() == 4);
    CHECK(all[0].type == "submitted");
    CHECK(all[1].type == "claimed");
    CHECK(all[2].type == "note");
    CHECK(all[2].data == R"({"k":1})");
    CHECK(all[3].type == "iteration");
    CHECK(ok(db->events(id, all[1].id)).size() == 2);
  }

  SECTION("list: newest first, filtered, limited") {
    auto a = ok(db->submit(spec("default")));
    auto b = ok(db->submit(spec("gpu")));
    auto c = ok(db->submit(spec("default")));
    ok(db->claim(c, "w", seconds(30)));
    auto all = ok(db->list_tasks({}));
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == c);
    CHECK(all[2].id == a);
    CHECK(ok(db->list_tasks({domain::TaskState::running, std::nullopt, 10})).size() == 1);
    CHECK(ok(db->list_tasks({std::nullopt, std::string("gpu"), 10}))[0].id == b);
    CHECK(ok(db->list_tasks({std::nullopt, std::nullopt, 2})).size() == 2);
  }

  SECTION("list by lease owner and count by state") {
    auto a = ok(db->submit(spec()));
    auto b = ok(db->submit(spec()));
    ok(db->submit(spec()));
    ok(db->claim(a, "i1", seconds(30)));
    ok(db->claim(b, "i2", seconds(30)));
    auto mine = ok(db->list_tasks({domain::TaskState::running, std::nullopt, 10, std::string("i1")}));
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].id == a);
    auto counts = ok(db->count_tasks());
    std::map<domain::TaskState, std::int64_t> by_state(counts.begin(), counts.end());
    CHECK(by_state[domain::TaskState::running] == 2);
    CHECK(by_state[domain::TaskState::queued] == 1);
  }

  SECTION("instances register, heartbeat, list their running tasks and expire") {
    store::Instance inst;
    inst.id = "host:1:abc";
    inst.host = "host";
    inst.pid = 1;
    inst.version = "0.1.0";
    inst.slots = 4;
    inst.queues = {"default", "gpu"};
    inst.agents = {"claude"};
    ok(db->register_instance(inst, seconds(10)));
    auto id = ok(db->submit(spec()));
    ok(db->claim(id, inst.id, seconds(30)));
    auto all = ok(db->list_instances());
    REQUIRE(all.size() == 1);
    CHECK(all[0].state == "active");
    CHECK(all[0].queues == std::vector<std::string>{"default", "gpu"});
    CHECK(all[0].running == std::vector<store::TaskId>{id});
    clock.advance(seconds(11));
    CHECK(ok(db->list_instances())[0].state == "expired");
    CHECK(ok(db->heartbeat_instance(inst.id, "draining", seconds(10))) == "draining");
    CHECK(ok(db->list_instances())[0].state == "draining");
    CHECK(failure(db->heartbeat_instance("nobody", "active", seconds(10))) == store::Failure::not_found);
  }

  SECTION("an operator's drain request reaches the daemon through its heartbeat; eviction is final") {
    store::Instance inst;
    inst.id = "host:2:def";
    inst.host = "host";
    inst.pid = 2;
    ok(db->register_instance(inst, seconds(10)));
    CHECK(ok(db->heartbeat_instance(inst.id, "active", seconds(10))) == "active");
    ok(db->request_instance_state(inst.id, "draining"));
    CHECK(ok(db->list_instances())[0].state == "draining");
    // The daemon's own "active" (a heartbeat, a reload) keeps the request.
    CHECK(ok(db->heartbeat_instance(inst.id, "active", seconds(10))) == "draining");
    ok(db->register_instance(inst, seconds(10)));
    CHECK(ok(db->heartbeat_instance(inst.id, "active", seconds(10))) == "draining");
    auto queued = ok(db->submit(spec()));
    // A draining instance claims nothing, even before its heartbeat says so.
    CHECK_FALSE(ok(db->claim_next({}, any_agent, inst.id, seconds(30))).has_value());
    ok(db->request_instance_state(inst.id, "active"));
    CHECK(ok(db->claim_next({}, any_agent, inst.id, seconds(30)))->task == queued);
    CHECK(ok(db->heartbeat_instance(inst.id, "active", seconds(10))) == "active");
    CHECK(failure(db->request_instance_state(inst.id, "dead")) == store::Failure::invalid);
    CHECK(failure(db->request_instance_state("nobody", "draining")) == store::Failure::not_found);

    auto id = ok(db->submit(spec()));
    auto lease = ok(db->claim(id, inst.id, seconds(30)));
    auto back = ok(db->release_owner(inst.id, "evicted"));
    std::sort(back.begin(), back.end());
    CHECK(back == std::vector<store::TaskId>{queued, id});
    CHECK_FALSE(ok(db->claim_next({}, any_agent, inst.id, seconds(30))).has_value());
    CHECK(failure(db->renew(lease, seconds(30))) == store::Failure::fenced);
    // Nothing revives an evicted instance: its heartbeat says so.
    CHECK(ok(db->heartbeat_instance(inst.id, "active", seconds(10))) == "dead");
    ok(db->register_instance(inst, seconds(10)));
    CHECK(ok(db->list_instances())[0].state == "dead");
    CHECK(failure(db->request_instance_state(inst.id, "active")) == store::Failure::conflict);
  }

  SECTION("release_owner takes a dead instance's tasks back and fences it") {
    auto a = ok(db->submit(spec()));
    auto b = ok(db->submit(spec()));
    auto lease_a = ok(db->claim(a, "dead:1:x", seconds(30)));
    ok(db->claim(b, "alive:2:y", seconds(30)));
    auto back = ok(db->release_owner("dead:1:x", "restart"));
    CHECK(back == std::vector<store::TaskId>{a});
    CHECK(ok(db->get_task(a))->state == domain::TaskState::queued);
    CHECK(ok(db->get_task(b))->state == domain::TaskState::running);
    CHECK(failure(db->renew(lease_a, seconds(30))) == store::Failure::fenced);
    auto again = ok(db->claim(a, "alive:2:y", seconds(30)));
    CHECK(again.epoch > lease_a.epoch);
    CHECK(failure(db->finish(lease_a, domain::StopReason::completed, "")) == store::Failure::fenced);
  }

  SECTION("audit records come back newest first, whole, filtered by command and limited") {
    store::AuditRecord backup{0, 1000, "ops@host1", "backup", R"(["backup","--to","/b"])", std::nullopt, 0, "ok", 1200};
    store::AuditRecord cancel{0, 2000, "me@host2", "cancel", R"(["cancel","7"])", 7, 0, "task 7 cancelled", 15};
    store::AuditRecord restore{0, 3000, "ops@host1", "restore", "[]", std::nullopt, 4, "failed (exit 4)", 80};
    ok(db->append_audit(backup));
    ok(db->append_audit(cancel));
    ok(db->append_audit(restore));
    auto all = ok(db->list_audit({}));
    REQUIRE(all.size() == 3);
    CHECK(all[0].what == "restore");
    CHECK(all[0].exit_code == 4);
    CHECK(all[0].outcome == "failed (exit 4)");
    CHECK_FALSE(all[0].task.has_value());
    CHECK(all[1].what == "cancel");
    CHECK(all[1].task == std::optional<store::TaskId>(7));
    CHECK(all[1].who == "me@host2");
    CHECK(all[1].args == R"(["cancel","7"])");
    CHECK(all[1].at_ms == 2000);
    CHECK(all[1].duration_ms == 15);
    CHECK(all[2].what == "backup");
    CHECK(all[0].id > all[1].id);
    CHECK(all[1].id > all[2].id);
    auto backups = ok(db->list_audit({std::string("backup"), 50}));
    REQUIRE(backups.size() == 1);
    CHECK(backups[0].args == R"(["backup","--to","/b"])");
    auto newest = ok(db->list_audit({std::nullopt, 2}));
    REQUIRE(newest.size() == 2);
    CHECK(newest[1].what == "cancel");
    CHECK(ok(db->list_audit({std::string("nothing"), 50})).empty());
  }

  SECTION("migrate is idempotent and data survives a reopen") {
    auto id = ok(db->submit(spec()));
    ok(db->migrate());
    ok(db->migrate());
    db.reset();
    auto again = factory.reopen(clock);
    ok(again->migrate());
    CHECK(ok(again->get_task(id))->spec.model == "claude-sonnet-4-5");
  }
}

} // namespace ralph::test
