#include "core/store/sqlite/migrations.hpp"

namespace ralph::store::sqlite {

namespace {

constexpr std::string_view k_0001_init = R"sql(
CREATE TABLE tasks (
  id                  INTEGER PRIMARY KEY,
  queue               TEXT    NOT NULL DEFAULT 'default',
  priority            INTEGER NOT NULL DEFAULT 0,
  state               TEXT    NOT NULL
                      CHECK (state IN ('queued','running','completed','stopped','failed','cancelled')),
  reason              TEXT,
  error               TEXT    NOT NULL DEFAULT '',
  spec                TEXT    NOT NULL,
  lease_owner         TEXT,
  lease_epoch         INTEGER NOT NULL DEFAULT 0,   -- fencing token, bumped on claim/expiry/release/finish
  lease_expires_at    INTEGER,
  attempts            INTEGER NOT NULL DEFAULT 0,
  takeovers           INTEGER NOT NULL DEFAULT 0,
  cancel_requested    INTEGER NOT NULL DEFAULT 0,
  last_seq            INTEGER NOT NULL DEFAULT 0,
  input_tokens        INTEGER NOT NULL DEFAULT 0,
  output_tokens       INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens   INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens  INTEGER NOT NULL DEFAULT 0,
  cost_usd            REAL    NOT NULL DEFAULT 0,
  cost_source         TEXT    NOT NULL DEFAULT 'reported',
  unpriced_iterations INTEGER NOT NULL DEFAULT 0,
  runtime_ms          INTEGER NOT NULL DEFAULT 0,
  model               TEXT    NOT NULL DEFAULT '',
  created_at          INTEGER NOT NULL,
  started_at          INTEGER,
  finished_at         INTEGER,
  updated_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_ready ON tasks (queue, priority DESC, created_at, id) WHERE state = 'queued';
CREATE INDEX tasks_running ON tasks (lease_owner) WHERE state = 'running';

CREATE TABLE iterations (
  task_id            INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq                INTEGER NOT NULL,
  lease_epoch        INTEGER NOT NULL,
  started_at         INTEGER NOT NULL,
  finished_at        INTEGER NOT NULL,
  outcome            TEXT    NOT NULL,
  exit_code          INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_usd           REAL,
  cost_source        TEXT    NOT NULL,
  model              TEXT    NOT NULL,
  session_id         TEXT    NOT NULL,
  num_turns          INTEGER NOT NULL,
  promise_found      INTEGER NOT NULL,
  gates_passed       INTEGER,
  excerpt            TEXT    NOT NULL,
  log_path           TEXT    NOT NULL,
  prompt_path        TEXT    NOT NULL,
  PRIMARY KEY (task_id, seq)                        -- at most one committed iteration per seq
) STRICT;

CREATE TABLE events (
  id      INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  type    TEXT    NOT NULL,
  data    TEXT    NOT NULL
) STRICT;
CREATE INDEX events_task ON events (task_id, id);
)sql";

// Daemons register here; their id is the lease owner of the tasks they run.
constexpr std::string_view k_0002_instances = R"sql(
CREATE TABLE instances (
  id           TEXT    PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  version      TEXT    NOT NULL,
  slots        INTEGER NOT NULL,
  queues       TEXT    NOT NULL,                  -- JSON array
  agents       TEXT    NOT NULL DEFAULT '[]',     -- JSON array
  state        TEXT    NOT NULL CHECK (state IN ('active','draining','stopped','dead')),
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
)sql";

// Capability routing: the columns a claim filters on, and the labels an
// instance offers. `requires` holds "key=value" strings, sorted.
constexpr std::string_view k_0003_routing = R"sql(
ALTER TABLE tasks ADD COLUMN agent TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN requires TEXT NOT NULL DEFAULT '[]';  -- JSON array
UPDATE tasks SET agent = coalesce(json_extract(spec, '$.agent'), '');
ALTER TABLE instances ADD COLUMN labels TEXT NOT NULL DEFAULT '[]'; -- JSON array
)sql";

// The audit log: operator commands (backup, restore, submit, ...). `args`
// is a JSON array of redacted arguments; times in Unix ms.
constexpr std::string_view k_0004_audit = R"sql(
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  who         TEXT    NOT NULL,
  what        TEXT    NOT NULL,
  args        TEXT    NOT NULL DEFAULT '[]',
  task_id     INTEGER,
  exit_code   INTEGER NOT NULL,
  outcome     TEXT    NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX audit_what ON audit (what, id);
)sql";

// `ralph list --state S` and the daemon's per-state counts: without it a
// rare state (running, failed) scans every task ever run.
constexpr std::string_view k_0005_state_index = R"sql(
CREATE INDEX tasks_state ON tasks (state, id);
)sql";

// Fleet budgets: the exactly-once ledger (one row per task, seq and budget
// scope charged) and each scope's running total per UTC day, kept in the
// same transaction as the ledger rows it sums.
constexpr std::string_view k_0006_budgets = R"sql(
CREATE TABLE budget_ledger (
  task_id       INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  scope         TEXT    NOT NULL,
  day           TEXT    NOT NULL,                 -- UTC, YYYY-MM-DD
  amount_micros INTEGER NOT NULL,
  lease_epoch   INTEGER NOT NULL,
  PRIMARY KEY (task_id, seq, scope)
) STRICT;
CREATE TABLE budget_spend (
  scope        TEXT    NOT NULL,
  day          TEXT    NOT NULL,
  spent_micros INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, day)
) STRICT;
)sql";

} // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "init", k_0001_init},
      {2, "instances", k_0002_instances},
      {3, "routing", k_0003_routing},
      {4, "audit", k_0004_audit},
      {5, "state index", k_0005_state_index},
      {6, "budgets", k_0006_budgets},
  };
  return all;
}

} // namespace ralph::store::sqlite
