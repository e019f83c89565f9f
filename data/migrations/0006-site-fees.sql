-- Custom fee items (自定义收费): property fee, rent, service fee, any named item.
-- amount: fen for basis 'fixed'; 0.0001 yuan per m² ('area') or per unit ('unit').
-- The first charge falls due on start_date; monthly and quarterly ones then on day
-- `day` of the month (the last day when the month is shorter), yearly ones on the
-- anniversary of start_date (29 February → 28 February in other years).
CREATE TABLE fee_items (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (name <> ''),
  schedule    TEXT NOT NULL CHECK (schedule IN ('once', 'monthly', 'quarterly', 'yearly')),
  start_date  TEXT NOT NULL,                  -- YYYY-MM-DD
  day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
  basis       TEXT NOT NULL CHECK (basis IN ('fixed', 'area', 'unit')),
  amount      INTEGER NOT NULL CHECK (amount >= 0),
  charge      TEXT NOT NULL CHECK (charge IN ('deduct', 'bill')),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at  TEXT NOT NULL,
  CHECK (basis <> 'unit' OR schedule <> 'once')
) STRICT;

CREATE TABLE fee_members (
  fee_id      INTEGER NOT NULL REFERENCES fee_items (id),
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  PRIMARY KEY (fee_id, account_id)
) STRICT;

-- One row per fee, account and due date: the key is what makes a second run (or a
-- second process) charge nothing twice.
CREATE TABLE fee_charges (
  id          INTEGER PRIMARY KEY,
  fee_id      INTEGER NOT NULL REFERENCES fee_items (id),
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  period      TEXT NOT NULL,                  -- due date YYYY-MM-DD
  quantity    INTEGER NOT NULL,               -- area (0.01 m²), use (0.01 units), or 0
  amount      INTEGER NOT NULL CHECK (amount >= 0),
  ledger_id   INTEGER REFERENCES ledger (id),
  bill_id     INTEGER REFERENCES bills (id),
  created_at  TEXT NOT NULL,
  UNIQUE (fee_id, account_id, period)
) STRICT;
