-- Postpaid bill runs (后付费): a run per month makes draft bills that an operator
-- confirms; reminders and trips for overdue bills are recorded once per bill.
CREATE TABLE postpaid_runs (
  id            INTEGER PRIMARY KEY,
  period        TEXT NOT NULL UNIQUE,           -- YYYY-MM, the month the run closes
  period_start  TEXT NOT NULL,
  period_end    TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('draft', 'confirmed')),
  created_at    TEXT NOT NULL,
  confirmed_at  TEXT,
  confirmed_by  INTEGER
) STRICT;

ALTER TABLE bills ADD COLUMN run_id INTEGER REFERENCES postpaid_runs (id);
CREATE UNIQUE INDEX bills_postpaid_once ON bills (account_id, period_start)
  WHERE source = 'postpaid';

CREATE TABLE bill_actions (
  bill_id       INTEGER NOT NULL REFERENCES bills (id),
  action        TEXT NOT NULL CHECK (action IN ('reminder', 'trip')),
  created_at    TEXT NOT NULL,
  PRIMARY KEY (bill_id, action)
) STRICT;
