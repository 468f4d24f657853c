#pragma once
// The Store is the single source of truth: tasks, their iterations, events.
// SQLite and PostgreSQL implement the same contract, pinned by the contract
// test suite (tests/integration/store_contract.cpp). Every call is one
// transaction and is safe to call from several threads.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/stop_reason.hpp"
#include "core/domain/task.hpp"
#include "core/domain/usage.hpp"
#include "core/store/wakeups.hpp"
#include "core/util/expected.hpp"

namespace ralph::clock { class Clock; }

namespace ralph::store {

enum class Failure {
  not_found,
  conflict,    // the task is not in a state that allows this (e.g. claim of a running task)
  fenced,      // the lease epoch moved on: another owner holds the task; stop at once
  unavailable, // cannot reach or lock the database; retry later
  timeout,
  corrupt,     // the database is damaged or not a ralph store
  invalid,     // bad argument (e.g. an iteration number out of sequence)
};
std::string_view to_string(Failure f);

struct Error {
  Failure failure;
  std::string message; // short, loggable, secret-free
};
template <typename T> using Result = util::Expected<T, Error>;

using TaskId = std::int64_t;

// A claim on a task. Every worker write is a compare-and-set on (task, epoch).
struct Lease {
  TaskId task = 0;
  std::int64_t epoch = 0;
  std::string owner;
};

struct Totals {
  std::int64_t iterations = 0;
  domain::Usage usage;
  double cost_usd = 0;                 // sum of known costs
  domain::CostSource cost_source = domain::CostSource::reported; // combine() over iterations
  std::int64_t unpriced_iterations = 0; // iterations whose cost is unknown
  std::int64_t runtime_ms = 0;          // sum of iteration durations
};

struct Task {
  TaskId id = 0;
  domain::TaskState state = domain::TaskState::queued;
  std::optional<domain::StopReason> reason;
  std::string error;
  domain::TaskSpec spec;
  Totals totals;
  std::string model;                    // last model an iteration reported
  std::string lease_owner;              // empty when not running
  std::int64_t lease_epoch = 0;
  std::int64_t lease_expires_at_ms = 0;
  bool cancel_requested = false;
  std::int64_t attempts = 0;            // claims
  std::int64_t created_at_ms = 0;
  std::int64_t started_at_ms = 0;       // first claim; 0 = never
  std::int64_t finished_at_ms = 0;      // 0 = not finished
};

struct IterationRecord {
  std::int64_t seq = 0;                 // 1, 2, 3, … per task, no gaps
  std::int64_t lease_epoch = 0;         // filled by the store
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
  std::string outcome;                  // "ok" or an agents::FaultKind name
  int exit_code = -1;
  domain::Usage usage;
  domain::Cost cost;
  std::string model;
  std::string session_id;
  std::int64_t num_turns = 0;
  bool promise_found = false;
  std::optional<bool> gates_passed;     // empty when gates did not run
  std::string excerpt;                  // the tail of the final text, bounded
  std::string log_path;
  std::string prompt_path;
  // Fleet budgets ([budgets.<name>]) this iteration is charged to: its cost,
  // in whole micro-USD, on the UTC day of finished_at_ms. The charge is
  // written in the same transaction as the iteration, once per (task, seq,
  // scope): a retried record charges nothing more, a fenced one nothing.
  std::vector<std::string> budget_scopes;
};

// A fleet budget's spend on one UTC day ("YYYY-MM-DD").
struct BudgetSpend {
  std::string scope;
  std::string day;
  std::int64_t spent_micros = 0;
};

struct Event {
  std::int64_t id = 0;
  TaskId task = 0;
  std::int64_t at_ms = 0;
  std::string type;                     // submitted, claimed, iteration, gate_failed, finished, …
  std::string data;                     // JSON object text
};

struct TaskFilter {
  std::optional<domain::TaskState> state;
  std::optional<std::string> queue;
  std::int64_t limit = 100;             // newest first
  std::optional<std::string> owner;     // lease owner (running tasks of one instance)
};

// What a claimer can run. A task names its agent and may require labels
// (TaskSpec::requires); a claimer takes only tasks it can run, so a task no
// daemon can run stays queued.
struct Capabilities {
  std::optional<std::vector<std::string>> agents; // the agents offered; nullopt: any
  std::map<std::string, std::string> labels;      // key -> value
};

// A daemon, as registered in the store. Tasks it runs carry its id as their
// lease owner.
struct Instance {
  std::string id;                       // "<host>:<pid>:<random>"
  std::string host;
  std::int64_t pid = 0;
  std::string version;
  std::int64_t slots = 0;
  std::vector<std::string> queues;
  std::vector<std::string> agents;      // agents it can run
  std::map<std::string, std::string> labels; // what tasks may require of it
  std::string state = "active";         // active | draining | stopped | dead
  std::int64_t started_at_ms = 0;
  std::int64_t heartbeat_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::vector<TaskId> running;          // filled by list_instances()
};

// One operator action, for `ralph audit`: who ran which command, with what
// (redacted) arguments, and how it ended.
struct AuditRecord {
  std::int64_t id = 0;                  // filled by the store
  std::int64_t at_ms = 0;               // when the command started
  std::string who;                      // user@host
  std::string what;                     // command name: backup, restore, submit, ...
  std::string args;                     // JSON array of the redacted arguments
  std::optional<TaskId> task;           // the task acted on, if any
  int exit_code = 0;
  std::string outcome;                  // short text: "ok", "failed: ...", "task 7 queued"
  std::int64_t duration_ms = 0;
};

struct AuditFilter {
  std::optional<std::string> what;      // only this command
  std::int64_t limit = 50;              // newest first
};

struct SchemaVersion {
  int current = 0; // what the database has (0: no ralph schema yet)
  int latest = 0;  // what this ralph's migrate() brings it to
};

class Store {
public:
  virtual ~Store() = default;

  // Creates or upgrades the schema. Idempotent.
  virtual Result<void> migrate() = 0;
  // Reads the schema version without changing anything.
  virtual Result<SchemaVersion> schema_version() = 0;

  // Queues a task. Records a `submitted` event.
  virtual Result<TaskId> submit(const domain::TaskSpec& spec) = 0;

  // Claims one queued task by id (ralph run claims its own task). Bumps the
  // epoch. conflict when the task is not queued.
  virtual Result<Lease> claim(TaskId id, const std::string& owner, std::chrono::milliseconds ttl) = 0;

  // Claims up to `max` of the best queued tasks (priority, then age) of the
  // given queues (empty: any) that `can` runs: its agent is offered, its
  // required labels are all present. One transaction for the lot, so a
  // daemon with several free slots pays one commit, not one per slot. An
  // owner whose instance is draining or dead claims nothing (empty).
  virtual Result<std::vector<Lease>> claim_batch(const std::vector<std::string>& queues, const Capabilities& can,
                                                 const std::string& owner, std::chrono::milliseconds ttl,
                                                 std::int64_t max) = 0;
  // The best one task, as claim_batch with max 1.
  Result<std::optional<Lease>> claim_next(const std::vector<std::string>& queues, const Capabilities& can,
                                          const std::string& owner, std::chrono::milliseconds ttl) {
    auto leases = claim_batch(queues, can, owner, ttl, 1);
    if (!leases) return util::unexpected(leases.error());
    if (leases->empty()) return std::optional<Lease>{};
    return std::optional<Lease>{leases->front()};
  }

  // Extends the lease. Returns whether a cancel was requested. fenced when the
  // lease is no longer held.
  virtual Result<bool> renew(const Lease& lease, std::chrono::milliseconds ttl) = 0;

  // Records one iteration and adds it to the task's totals, in one
  // transaction. rec.seq must be the task's last seq + 1 (invalid otherwise).
  virtual Result<void> record_iteration(const Lease& lease, const IterationRecord& rec) = 0;

  // What each of `scopes` has been charged on `day` (UTC, "YYYY-MM-DD"),
  // in scope order; a scope never charged that day has 0.
  virtual Result<std::vector<BudgetSpend>> budget_spent(const std::vector<std::string>& scopes,
                                                        std::string_view day) = 0;

  // Ends the task with its reason; the state follows from it. Bumps the epoch.
  virtual Result<void> finish(const Lease& lease, domain::StopReason reason, const std::string& error) = 0;

  // Hands a running task back to the queue with its progress. Bumps the epoch.
  virtual Result<void> release(const Lease& lease) = 0;

  // Re-queues a stopped task with raised limits (ralph resume). conflict if
  // the task is running or completed.
  virtual Result<void> resume(TaskId id, const domain::Budget& new_budget) = 0;

  // Requeues running tasks whose lease expired before now. Bumps epochs.
  // Returns the ids taken back.
  virtual Result<std::vector<TaskId>> expire_leases() = 0;

  // A queued task is cancelled at once; a running one gets a cancel request
  // that its owner sees on renew(). Returns the resulting state.
  virtual Result<domain::TaskState> request_cancel(TaskId id) = 0;

  // Registers (or re-registers) a daemon instance, alive for `ttl`. A
  // re-registration as "active" keeps an operator's drain request and a
  // dead instance dead, like heartbeat_instance.
  virtual Result<void> register_instance(const Instance& instance, std::chrono::milliseconds ttl) = 0;
  // Marks the instance alive for another `ttl` and returns its state as
  // stored afterwards: the daemon's news of an operator's request. `state`
  // is the daemon's own (draining and stopped when it shuts down); "active"
  // keeps an operator's drain request ("draining"). A dead instance (evicted,
  // or judged dead by its peers) stays dead and gets "dead": it must stop.
  // not_found when the row is gone.
  virtual Result<std::string> heartbeat_instance(const std::string& id, std::string_view state,
                                                 std::chrono::milliseconds ttl) = 0;
  // An operator's request: "draining" (stop claiming, hand the tasks back,
  // stay up) or "active" (claim again); the daemon sees it on its next
  // heartbeat. not_found: no such instance; conflict: it is stopped or dead.
  virtual Result<void> request_instance_state(const std::string& id, std::string_view state) = 0;
  // Newest first; stopped and dead instances are kept for a day.
  virtual Result<std::vector<Instance>> list_instances() = 0;
  // Takes every running task of `owner` back to the queue (the owner is
  // known dead), bumping epochs so it can never write again. Marks the
  // instance dead. Returns the ids taken back.
  virtual Result<std::vector<TaskId>> release_owner(const std::string& owner, std::string_view why) = 0;
  // Ties the instance's liveness to this process's database session, so
  // peers can tell a dead process at once instead of after its heartbeat
  // lapses (PostgreSQL: a session advisory lock). Called on every
  // heartbeat; re-takes the hold after a reconnect. A no-op where the store
  // has no sessions (SQLite: one daemon per file, proven by its flock).
  virtual Result<void> hold_liveness(const std::string& instance_id) = 0;
  // False only when the store can prove the instance's process is gone
  // (its liveness hold is free); true when alive or unknown.
  virtual Result<bool> liveness_held(const std::string& instance_id) = 0;
  // Wakeups from other processes' submits and cancels, or nullptr when the
  // store has none (SQLite: the local wakeup socket does that job).
  virtual std::unique_ptr<Wakeups> listen() = 0;
  // Number of tasks in each state (for metrics and sd_notify STATUS).
  virtual Result<std::vector<std::pair<domain::TaskState, std::int64_t>>> count_tasks() = 0;

  virtual Result<std::optional<Task>> get_task(TaskId id) = 0;
  virtual Result<std::vector<Task>> list_tasks(const TaskFilter& filter) = 0;
  virtual Result<std::vector<IterationRecord>> iterations(TaskId id) = 0;

  // Appends an event; `data` must be a JSON object.
  virtual Result<void> append_event(TaskId id, std::string_view type, std::string_view data) = 0;
  virtual Result<std::vector<Event>> events(TaskId id, std::int64_t after_id = 0) = 0;

  // Appends an audit record (rec.id is ignored). The caller redacts it.
  virtual Result<void> append_audit(const AuditRecord& rec) = 0;
  // Audit records, newest first.
  virtual Result<std::vector<AuditRecord>> list_audit(const AuditFilter& filter) = 0;
};

// Opens a store by URL: "sqlite:///abs/path.db", "sqlite://relative.db", or a
// bare path. The store file and its directory are created private (0600/0700).
// Throws ConfigError on a malformed URL or an unsupported scheme; returns an
// Error when the database cannot be opened (locked, corrupt, unwritable).
Result<std::unique_ptr<Store>> open_store(std::string_view url, const clock::Clock& clock);

// The database file of an embedded (SQLite) store URL; empty for a server
// store. Throws ConfigError like open_store.
std::string embedded_store_path(std::string_view url);

bool is_postgres_url(std::string_view url);
// The URL with its password hidden, for messages.
std::string display_url(std::string_view url);

} // namespace ralph::store
