-- Batch operations over many accounts: the batch and each item's state live here, so
-- a run that stops (crash, restart, cancel) resumes with the items still pending.
-- amount1..3: alarms → alarm1, alarm2, trip (fen); subsidy → amount1 (fen).
-- text_arg: tariff → the tariff name; control and subsidy → the reason.
CREATE TABLE batches (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  action      TEXT NOT NULL CHECK (action IN ('tariff', 'alarms', 'trip', 'close',
                                              'keep-power', 'keep-power-clear', 'subsidy')),
  text_arg    TEXT,
  amount1     INTEGER NOT NULL DEFAULT 0,
  amount2     INTEGER NOT NULL DEFAULT 0,
  amount3     INTEGER NOT NULL DEFAULT 0,
  selection   TEXT NOT NULL,                    -- how the accounts were chosen, for people
  state       TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  run_at      INTEGER NOT NULL,                 -- Unix seconds: due from then
  repeat      TEXT NOT NULL DEFAULT 'none' CHECK (repeat IN ('none', 'daily', 'monthly')),
  next_id     INTEGER REFERENCES batches (id),  -- the repetition this one scheduled
  created_by  INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  finished_at TEXT
) STRICT;
CREATE INDEX batches_due ON batches (run_at) WHERE state IN ('pending', 'running');

CREATE TABLE batch_items (
  id          INTEGER PRIMARY KEY,
  batch_id    INTEGER NOT NULL REFERENCES batches (id),
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  result      TEXT,
  done_at     TEXT,
  UNIQUE (batch_id, account_id)
) STRICT;
CREATE INDEX batch_items_batch ON batch_items (batch_id, state, id);
