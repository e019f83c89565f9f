-- Site operations (issue 8): bills to pay at the counter, and common-area apportionment.

-- A bill: money an account owes that is paid at the counter (partially too).
-- in_balance = 1: the debt is already in the balance (postpaid consumption charged by
-- the engine), so a payment is a top-up; 0: the bill is outside the balance (a fee or
-- a share issued by bill), so a payment is a top-up and a fee of the same amount.
CREATE TABLE bills (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  source        TEXT NOT NULL CHECK (source IN ('fee', 'apportion', 'postpaid')),
  item          TEXT NOT NULL CHECK (item <> ''),
  period_start  TEXT NOT NULL,                  -- YYYY-MM-DD, inclusive
  period_end    TEXT NOT NULL,                  -- YYYY-MM-DD, exclusive
  amount        INTEGER NOT NULL CHECK (amount >= 0),
  paid          INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= amount),
  in_balance    INTEGER NOT NULL CHECK (in_balance IN (0, 1)),
  state         TEXT NOT NULL CHECK (state IN ('draft', 'open', 'paid', 'void')),
  due_date      TEXT NOT NULL,                  -- YYYY-MM-DD
  created_at    TEXT NOT NULL,
  confirmed_at  TEXT,
  confirmed_by  INTEGER
) STRICT;
CREATE INDEX bills_account ON bills (account_id, id);
CREATE INDEX bills_unpaid ON bills (due_date) WHERE state = 'open';

CREATE TABLE bill_payments (
  id            INTEGER PRIMARY KEY,
  bill_id       INTEGER NOT NULL REFERENCES bills (id),
  amount        INTEGER NOT NULL CHECK (amount > 0),
  topup_id      INTEGER NOT NULL REFERENCES ledger (id),
  fee_id        INTEGER REFERENCES ledger (id),
  created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX bill_payments_bill ON bill_payments (bill_id);

-- 公摊: a master meter whose consumption is shared among member accounts.
CREATE TABLE apportion_groups (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE CHECK (name <> ''),
  master_meter_id INTEGER NOT NULL REFERENCES meters (id),
  basis           TEXT NOT NULL CHECK (basis IN ('master', 'master-minus-subs')),
  method          TEXT NOT NULL CHECK (method IN ('ratio', 'area', 'consumption')),
  charge          TEXT NOT NULL CHECK (charge IN ('deduct', 'bill')),
  price           INTEGER NOT NULL CHECK (price >= 0),     -- 0.0001 yuan per unit
  created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE apportion_members (
  group_id      INTEGER NOT NULL REFERENCES apportion_groups (id),
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  ratio         INTEGER NOT NULL DEFAULT 1 CHECK (ratio >= 0),
  PRIMARY KEY (group_id, account_id)
) STRICT;

-- One run per group and period: running a period twice is refused by the key.
CREATE TABLE apportion_runs (
  id            INTEGER PRIMARY KEY,
  group_id      INTEGER NOT NULL REFERENCES apportion_groups (id),
  period        TEXT NOT NULL,                  -- YYYY-MM
  master_use    INTEGER NOT NULL,               -- 0.01 units
  subs_use      INTEGER NOT NULL,
  shared_use    INTEGER NOT NULL,
  total         INTEGER NOT NULL CHECK (total >= 0),   -- fen
  operator_id   INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (group_id, period)
) STRICT;

CREATE TABLE apportion_shares (
  run_id        INTEGER NOT NULL REFERENCES apportion_runs (id),
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  weight        INTEGER NOT NULL,
  share         INTEGER NOT NULL CHECK (share >= 0),   -- fen
  ledger_id     INTEGER REFERENCES ledger (id),
  bill_id       INTEGER REFERENCES bills (id),
  PRIMARY KEY (run_id, account_id)
) STRICT;
