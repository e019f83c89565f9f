-- 0011-set-time: the command queue and batches learn 'set-time' (write the meter's
-- clock from the station's, DL/T 645-2007 14 write of 04000101 / 04000102).
--
-- SQLite cannot alter a CHECK constraint, so both tables are rebuilt the way its
-- documentation gives (https://sqlite.org/lang_altertable.html, "otherwise" procedure):
-- create the new table, copy every row with its id, drop the old one, rename the new
-- one, then recreate every index exactly as 0003 / 0008 wrote them. The runner
-- (model/vp-database.c) applies migrations with foreign keys OFF, so the drop neither
-- cascades nor fails while batch_items and batches.next_id still point at "batches",
-- and it runs PRAGMA foreign_key_check before it commits. No trigger or view refers to
-- either table. Columns are as in 0003 and 0008 (no later migration added any).

CREATE TABLE commands_new (
  id            INTEGER PRIMARY KEY,
  meter_id      INTEGER NOT NULL REFERENCES meters (id),
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  action        TEXT NOT NULL CHECK (action IN ('trip', 'close', 'close-allow',
                  'keep-power-on', 'keep-power-off', 'alarm-on', 'alarm-off', 'set-time')),
  state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent',
                  'confirmed', 'failed', 'expired', 'superseded')),
  origin        TEXT NOT NULL CHECK (origin IN ('engine', 'topup', 'manual')),
  reason        TEXT NOT NULL,
  operator_id   INTEGER NOT NULL DEFAULT 0,
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  owner         TEXT,
  lease_until   INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  created_at    TEXT NOT NULL,
  done_at       TEXT
) STRICT;
INSERT INTO commands_new (id, meter_id, account_id, action, state, origin, reason,
                          operator_id, attempts, next_attempt, expires_at, owner,
                          lease_until, last_error, created_at, done_at)
  SELECT id, meter_id, account_id, action, state, origin, reason, operator_id, attempts,
         next_attempt, expires_at, owner, lease_until, last_error, created_at, done_at
  FROM commands;
DROP TABLE commands;
ALTER TABLE commands_new RENAME TO commands;
CREATE INDEX commands_pending ON commands (state, next_attempt) WHERE state IN ('queued', 'sent');
CREATE INDEX commands_account ON commands (account_id, id);
-- one pending supply command per meter
CREATE UNIQUE INDEX commands_one_supply ON commands (meter_id)
  WHERE state IN ('queued', 'sent') AND action IN ('trip', 'close', 'close-allow');
-- one pending clock command per meter: a newer one supersedes the older (vp-engine.c)
CREATE UNIQUE INDEX commands_one_set_time ON commands (meter_id)
  WHERE state IN ('queued', 'sent') AND action = 'set-time';

-- Batches: as 0008, with 'set-time' (text_arg = the reason, like the other controls).
CREATE TABLE batches_new (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  action      TEXT NOT NULL CHECK (action IN ('tariff', 'alarms', 'trip', 'close',
                                              'keep-power', 'keep-power-clear', 'subsidy',
                                              'set-time')),
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
INSERT INTO batches_new (id, name, action, text_arg, amount1, amount2, amount3, selection,
                         state, run_at, repeat, next_id, created_by, created_at, finished_at)
  SELECT id, name, action, text_arg, amount1, amount2, amount3, selection, state, run_at,
         repeat, next_id, created_by, created_at, finished_at
  FROM batches;
DROP TABLE batches;
ALTER TABLE batches_new RENAME TO batches;
CREATE INDEX batches_due ON batches (run_at) WHERE state IN ('pending', 'running');
