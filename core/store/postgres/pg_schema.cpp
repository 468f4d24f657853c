#include "core/store/postgres/pg_schema.hpp"

namespace ralph::store::postgres {

namespace {

// The same columns as the SQLite schema (times in Unix ms), so the two
// stores map rows the same way. fillfactor leaves room for HOT updates of
// the lease columns, which are not indexed.
constexpr std::string_view k_0001_init = R"sql(
CREATE TABLE tasks (
  id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue               TEXT    NOT NULL DEFAULT 'default',
  priority            BIGINT  NOT NULL DEFAULT 0,
  state               TEXT    NOT NULL
                      CHECK (state IN ('queued','running','completed','stopped','failed','cancelled')),
  reason              TEXT,
  error               TEXT    NOT NULL DEFAULT '',
  spec                TEXT    NOT NULL,
  lease_owner         TEXT,
  lease_epoch         BIGINT  NOT NULL DEFAULT 0,
  lease_expires_at    BIGINT,
  attempts            BIGINT  NOT NULL DEFAULT 0,
  takeovers           BIGINT  NOT NULL DEFAULT 0,
  cancel_requested    BOOLEAN NOT NULL DEFAULT false,
  last_seq            BIGINT  NOT NULL DEFAULT 0,
  input_tokens        BIGINT  NOT NULL DEFAULT 0,
  output_tokens       BIGINT  NOT NULL DEFAULT 0,
  cache_read_tokens   BIGINT  NOT NULL DEFAULT 0,
  cache_write_tokens  BIGINT  NOT NULL DEFAULT 0,
  cost_usd            DOUBLE PRECISION NOT NULL DEFAULT 0,
  cost_source         TEXT    NOT NULL DEFAULT 'reported',
  unpriced_iterations BIGINT  NOT NULL DEFAULT 0,
  runtime_ms          BIGINT  NOT NULL DEFAULT 0,
  model               TEXT    NOT NULL DEFAULT '',
  created_at          BIGINT  NOT NULL,
  started_at          BIGINT,
  finished_at         BIGINT,
  updated_at          BIGINT  NOT NULL
) WITH (fillfactor = 80);
CREATE INDEX tasks_ready ON tasks (queue, priority DESC, created_at, id) WHERE state = 'queued';
CREATE INDEX tasks_running ON tasks (lease_owner) WHERE state = 'running';

CREATE TABLE iterations (
  task_id            BIGINT  NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq                BIGINT  NOT NULL,
  lease_epoch        BIGINT  NOT NULL,
  started_at         BIGINT  NOT NULL,
  finished_at        BIGINT  NOT NULL,
  outcome            TEXT    NOT NULL,
  exit_code          BIGINT  NOT NULL,
  input_tokens       BIGINT  NOT NULL,
  output_tokens      BIGINT  NOT NULL,
  cache_read_tokens  BIGINT  NOT NULL,
  cache_write_tokens BIGINT  NOT NULL,
  cost_usd           DOUBLE PRECISION,
  cost_source        TEXT    NOT NULL,
  model              TEXT    NOT NULL,
  session_id         TEXT    NOT NULL,
  num_turns          BIGINT  NOT NULL,
  promise_found      BOOLEAN NOT NULL,
  gates_passed       BOOLEAN,
  excerpt            TEXT    NOT NULL,
  log_path           TEXT    NOT NULL,
  prompt_path        TEXT    NOT NULL,
  PRIMARY KEY (task_id, seq)
);

CREATE TABLE events (
  id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id BIGINT NOT NULL,
  at      BIGINT NOT NULL,
  type    TEXT   NOT NULL,
  data    TEXT   NOT NULL
);
CREATE INDEX events_task ON events (task_id, id);

CREATE TABLE instances (
  id           TEXT    PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          BIGINT  NOT NULL,
  version      TEXT    NOT NULL,
  slots        BIGINT  NOT NULL,
  queues       TEXT    NOT NULL,
  agents       TEXT    NOT NULL DEFAULT '[]',
  state        TEXT    NOT NULL CHECK (state IN ('active','draining','stopped','dead')),
  started_at   BIGINT  NOT NULL,
  heartbeat_at BIGINT  NOT NULL,
  expires_at   BIGINT  NOT NULL
);
)sql";

// Capability routing: the columns a claim filters on, and the labels an
// instance offers. `requires` holds "key=value" strings.
constexpr std::string_view k_0002_routing = R"sql(
ALTER TABLE tasks ADD COLUMN agent TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN requires TEXT[] NOT NULL DEFAULT '{}';
UPDATE tasks SET agent = coalesce(spec::json->>'agent', '');
ALTER TABLE instances ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
)sql";

// The audit log: operator commands (backup, restore, submit, ...). `args`
// is a JSON array of redacted arguments; times in Unix ms.
constexpr std::string_view k_0003_audit = R"sql(
CREATE TABLE audit (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          BIGINT  NOT NULL,
  who         TEXT    NOT NULL,
  what        TEXT    NOT NULL,
  args        TEXT    NOT NULL DEFAULT '[]',
  task_id     BIGINT,
  exit_code   INTEGER NOT NULL,
  outcome     TEXT    NOT NULL DEFAULT '',
  duration_ms BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX audit_what ON audit (what, id);
)sql";

// `ralph list --state S` and the daemon's per-state counts: without it a
// rare state (running, failed) scans every task ever run.
constexpr std::string_view k_0004_state_index = R"sql(
CREATE INDEX tasks_state ON tasks (state, id);
)sql";

// Fleet budgets: the exactly-once ledger (one row per task, seq and budget
// scope charged) and each scope's running total per UTC day, kept in the
// same transaction as the ledger rows it sums.
constexpr std::string_view k_0005_budgets = R"sql(
CREATE TABLE budget_ledger (
  task_id       BIGINT  NOT NULL,
  seq           BIGINT  NOT NULL,
  scope         TEXT    NOT NULL,
  day           TEXT    NOT NULL,
  amount_micros BIGINT  NOT NULL,
  lease_epoch   BIGINT  NOT NULL,
  PRIMARY KEY (task_id, seq, scope)
);
CREATE TABLE budget_spend (
  scope        TEXT    NOT NULL,
  day          TEXT    NOT NULL,
  spent_micros BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, day)
);
)sql";

} // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "init", k_0001_init},
      {2, "routing", k_0002_routing},
      {3, "audit", k_0003_audit},
      {4, "state index", k_0004_state_index},
      {5, "budgets", k_0005_budgets},
  };
  return all;
}

} // namespace ralph::store::postgres
