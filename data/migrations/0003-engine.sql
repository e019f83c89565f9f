-- 0003-engine: the prepaid engine (model/vp-engine.c): readings and what they charged,
-- per-meter charging and contact state, anomalies, per-account control state and
-- alarms, the notification outbox and the command queue.
--
-- Tariff versions live in 0002's tariffs table (type = scheme, params = the prices as
-- written by vp_tariff_version_to_params()). Money is INTEGER fen, exact amounts are
-- micro-yuan (10 000 per fen), readings INTEGER 0.01 kWh / 0.01 m³. Engine times are
-- unix seconds (compared with the clock); created_at columns are UTC text as in 0001.

-- Every reading the engine stored. status: 'charged' (the interval since the previous
-- charged reading was priced), 'baseline' (first reading, nothing to price yet),
-- 'anomaly' (not charged, see anomalies). The same meter time and register is the
-- same reading: a second process that read it too cannot store it twice.
CREATE TABLE readings (
  id                 INTEGER PRIMARY KEY,
  meter_id           INTEGER NOT NULL REFERENCES meters (id),
  meter_time         INTEGER NOT NULL,
  station_time       INTEGER NOT NULL,
  total              INTEGER NOT NULL,
  t1                 INTEGER,
  t2                 INTEGER,
  t3                 INTEGER,
  t4                 INTEGER,
  status             TEXT NOT NULL CHECK (status IN ('baseline', 'charged', 'anomaly')),
  consumption        INTEGER NOT NULL DEFAULT 0,     -- after CT × PT
  amount_micro       INTEGER NOT NULL DEFAULT 0,     -- exact price of the interval
  charged            INTEGER NOT NULL DEFAULT 0,     -- fen debited (with the carry)
  tariff_version_id  INTEGER REFERENCES tariffs (id),
  ledger_id          INTEGER REFERENCES ledger (id),
  lines              TEXT,                           -- bill lines, JSON array
  UNIQUE (meter_id, meter_time, total)
) STRICT;
CREATE INDEX readings_meter ON readings (meter_id, id);

-- One row per meter the engine has touched.
CREATE TABLE meter_state (
  meter_id          INTEGER PRIMARY KEY REFERENCES meters (id),
  last_reading_id   INTEGER REFERENCES readings (id),   -- last charged or baseline
  remainder         INTEGER NOT NULL DEFAULT 0,         -- sub-fen carry, micro-yuan
  cycle_start       INTEGER NOT NULL DEFAULT 0,         -- billing cycle of cycle_used
  cycle_used        INTEGER NOT NULL DEFAULT 0,
  last_contact      INTEGER NOT NULL DEFAULT 0,         -- last good exchange; 0 = never
  failures          INTEGER NOT NULL DEFAULT 0,         -- in a row
  next_retry        INTEGER NOT NULL DEFAULT 0,         -- offline back-off
  last_error        TEXT,
  supply            TEXT NOT NULL DEFAULT 'unknown' CHECK (supply IN ('unknown', 'on', 'off')),
  meter_balance     INTEGER,                            -- fen, from 00900200
  meter_balance_at  INTEGER
) STRICT;

-- Readings a technician must look at. At most one open anomaly per meter, so a meter
-- that keeps reading backwards does not fill the table.
CREATE TABLE anomalies (
  id           INTEGER PRIMARY KEY,
  meter_id     INTEGER NOT NULL REFERENCES meters (id),
  reading_id   INTEGER REFERENCES readings (id),
  kind         TEXT NOT NULL CHECK (kind IN ('backwards', 'jump')),
  detail       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  resolved_at  TEXT,
  resolved_by  INTEGER
) STRICT;
CREATE UNIQUE INDEX anomalies_one_open ON anomalies (meter_id) WHERE resolved_at IS NULL;

-- Control state of an account. level: 0 above alarm 1, 1 below alarm 1, 2 below
-- alarm 2, 3 at or below trip; it falls only when the balance is above a threshold by
-- the hysteresis. tripped: trip commands were queued and no close since.
CREATE TABLE account_control (
  account_id       INTEGER PRIMARY KEY REFERENCES accounts (id),
  level            INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 3),
  tripped          INTEGER NOT NULL DEFAULT 0 CHECK (tripped IN (0, 1)),
  keep_power       INTEGER NOT NULL DEFAULT 0 CHECK (keep_power IN (0, 1)),
  keep_power_reason TEXT,
  close_threshold  INTEGER,                  -- fen; NULL = the account's trip threshold
  trip_deferred    INTEGER NOT NULL DEFAULT 0 CHECK (trip_deferred IN (0, 1))
) STRICT;

CREATE TABLE alarms (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  level       TEXT NOT NULL CHECK (level IN ('alarm1', 'alarm2', 'trip')),
  balance     INTEGER NOT NULL,
  threshold   INTEGER NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX alarms_account ON alarms (account_id, id);

-- Messages for the customer, delivered by a later part (SMS / e-mail).
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  alarm_id    INTEGER REFERENCES alarms (id),
  recipient   TEXT,                          -- phone, NULL when the customer has none
  text_zh     TEXT NOT NULL,
  text_en     TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  sent_at     TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Remote control commands. queued → sent → confirmed | failed | expired; a queued or
-- sent command that a newer one makes pointless is superseded. A 'sent' command
-- carries a lease (owner, lease_until): another process takes it over only when the
-- lease ran out or the owner died, and then reads the meter first, so a command that
-- got through before a crash is confirmed, never sent twice.
CREATE TABLE commands (
  id            INTEGER PRIMARY KEY,
  meter_id      INTEGER NOT NULL REFERENCES meters (id),
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  action        TEXT NOT NULL CHECK (action IN ('trip', 'close', 'close-allow',
                  'keep-power-on', 'keep-power-off', 'alarm-on', 'alarm-off')),
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
CREATE INDEX commands_pending ON commands (state, next_attempt) WHERE state IN ('queued', 'sent');
CREATE INDEX commands_account ON commands (account_id, id);
-- one pending supply command per meter
CREATE UNIQUE INDEX commands_one_supply ON commands (meter_id)
  WHERE state IN ('queued', 'sent') AND action IN ('trip', 'close', 'close-allow');
