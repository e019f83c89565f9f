-- 0002-accounts.sql: premises, customers, accounts, meters, tariffs, shifts, receipt
-- counters, the ledger and the search index.
--
-- Money is INTEGER fen; readings are INTEGER hundredths of a unit (0.01 kWh / 0.01 m³);
-- areas are INTEGER hundredths of a square metre. Times are UTC text
-- "YYYY-MM-DDTHH:MM:SS.ffffffZ" as in 0001-core, except a tariff's effective_from,
-- which is unix seconds like VpTariffVersion.effective_from.

CREATE TABLE sites (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE buildings (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites (id),
  name        TEXT NOT NULL,
  UNIQUE (site_id, name)
) STRICT;

CREATE TABLE floors (
  id          INTEGER PRIMARY KEY,
  building_id INTEGER NOT NULL REFERENCES buildings (id),
  level       INTEGER NOT NULL,
  UNIQUE (building_id, level)
) STRICT;

-- label is what people say and type: "3-402" is building 3, room 402.
CREATE TABLE rooms (
  id          INTEGER PRIMARY KEY,
  floor_id    INTEGER NOT NULL REFERENCES floors (id),
  number      TEXT NOT NULL,
  label       TEXT NOT NULL,
  area        INTEGER NOT NULL DEFAULT 0 CHECK (area >= 0),   -- 0.01 m²
  UNIQUE (floor_id, number)
) STRICT;
CREATE INDEX rooms_label ON rooms (label);

CREATE TABLE customers (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  phone       TEXT,
  id_number   TEXT,
  address     TEXT,
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX customers_name ON customers (name);
CREATE INDEX customers_phone ON customers (phone);

-- Versioned and effective-dated: a new version of a tariff is a new row with the same
-- name; accounts refer to the name, pricing picks the version in force.
CREATE TABLE tariffs (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL CHECK (name <> ''),
  version         INTEGER NOT NULL CHECK (version >= 1),
  kind            TEXT NOT NULL CHECK (kind IN ('electricity', 'water')),
  type            TEXT NOT NULL CHECK (type <> ''),
  params          TEXT NOT NULL DEFAULT '',
  effective_from  INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  UNIQUE (name, version)
) STRICT;

CREATE TABLE accounts (
  id          INTEGER PRIMARY KEY,
  number      TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  room_id     INTEGER REFERENCES rooms (id),
  mode        TEXT NOT NULL DEFAULT 'prepaid' CHECK (mode IN ('prepaid', 'postpaid')),
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'suspended', 'closed')),
  alarm1      INTEGER NOT NULL,
  alarm2      INTEGER NOT NULL,
  trip        INTEGER NOT NULL,                 -- may be negative (credit allowed)
  tariff      TEXT,                             -- tariffs.name
  balance     INTEGER NOT NULL DEFAULT 0,       -- cache of SUM(ledger.amount)
  close_debt  INTEGER,                          -- debt left when closed with a negative balance
  opened_at   TEXT NOT NULL,
  closed_at   TEXT,
  CHECK (alarm1 >= alarm2 AND alarm2 >= trip)
) STRICT;
CREATE INDEX accounts_customer ON accounts (customer_id);
CREATE INDEX accounts_room ON accounts (room_id);

CREATE TABLE meters (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL REFERENCES accounts (id),
  kind            TEXT NOT NULL CHECK (kind IN ('electricity', 'water')),
  protocol        TEXT NOT NULL CHECK (protocol IN ('dlt645', 'cjt188')),
  address         TEXT NOT NULL,
  link            TEXT,
  password_level  INTEGER NOT NULL DEFAULT 2,
  password        TEXT,
  operator_code   TEXT,
  multiplier      INTEGER NOT NULL DEFAULT 1 CHECK (multiplier >= 1),   -- CT × PT
  install_reading INTEGER NOT NULL DEFAULT 0 CHECK (install_reading >= 0),
  final_reading   INTEGER,
  status          TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'replaced', 'removed')),
  replaced_by     INTEGER REFERENCES meters (id),
  installed_at    TEXT NOT NULL,
  removed_at      TEXT
) STRICT;
CREATE INDEX meters_account ON meters (account_id);
CREATE INDEX meters_address ON meters (address);
-- One active meter per bus address and protocol.
CREATE UNIQUE INDEX meters_active_address ON meters (protocol, address)
  WHERE status = 'active';

CREATE TABLE shifts (
  id          INTEGER PRIMARY KEY,
  operator_id INTEGER NOT NULL,
  counter     TEXT NOT NULL,
  float       INTEGER NOT NULL CHECK (float >= 0),
  opened_at   TEXT NOT NULL,
  closed_at   TEXT,
  counted     INTEGER,
  expected    INTEGER,
  over_short  INTEGER,
  approver_id INTEGER
) STRICT;
CREATE UNIQUE INDEX shifts_one_open ON shifts (operator_id) WHERE closed_at IS NULL;

-- Receipt numbers per counter: last_number moves in the same transaction as the
-- ledger row that uses it, so a rollback leaves no gap.
CREATE TABLE counters (
  id          TEXT PRIMARY KEY,
  last_number INTEGER NOT NULL DEFAULT 0 CHECK (last_number >= 0)
) STRICT;
INSERT INTO counters (id) VALUES ('01');

-- Every money movement, credit positive, debit negative. Never updated or deleted:
-- a mistake is corrected by a counter-entry (kind 'reversal', reverses_id set).
CREATE TABLE ledger (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  kind        TEXT NOT NULL
              CHECK (kind IN ('topup', 'refund', 'reversal', 'charge', 'fee', 'adjustment')),
  amount      INTEGER NOT NULL,
  balance_after INTEGER NOT NULL,
  operator_id INTEGER NOT NULL DEFAULT 0,        -- 0 = the system
  approver_id INTEGER,
  shift_id    INTEGER REFERENCES shifts (id),
  method      TEXT CHECK (method IN ('cash', 'card', 'wechat', 'alipay')),
  reference   TEXT,
  tendered    INTEGER,                          -- cash handed over, for the change
  counter     TEXT REFERENCES counters (id),
  receipt_seq INTEGER,
  receipt     TEXT UNIQUE,
  reverses_id INTEGER UNIQUE REFERENCES ledger (id),
  meter_id    INTEGER REFERENCES meters (id),
  quantity    INTEGER,                          -- consumption, 0.01 kWh / 0.01 m³
  note        TEXT,
  created_at  TEXT NOT NULL,
  CHECK ((counter IS NULL) = (receipt_seq IS NULL)),
  UNIQUE (counter, receipt_seq)
) STRICT;
CREATE INDEX ledger_account ON ledger (account_id, id);
CREATE INDEX ledger_shift ON ledger (shift_id);

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
  SELECT RAISE (ABORT, 'ledger rows are immutable; post a reversal instead');
END;

CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
  SELECT RAISE (ABORT, 'ledger rows are immutable; post a reversal instead');
END;

-- Search. Trigram full-text for queries of three characters or more, and every one-
-- and two-character piece of each name (rank 0 = whole name, 1 = start of the name,
-- 2 = elsewhere) because trigram finds nothing for shorter queries. Both are kept in
-- the transaction that changes the account (model/vp-search.c).
CREATE VIRTUAL TABLE search_fts USING fts5 (
  name, number, phone, meters, room,
  tokenize = 'trigram'
);

CREATE TABLE search_grams (
  gram        TEXT NOT NULL,
  rank        INTEGER NOT NULL,
  account_id  INTEGER NOT NULL,
  PRIMARY KEY (gram, rank, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_grams_account ON search_grams (account_id);
