-- 0004-receipts: every print of a receipt (model/vp-receipt.c).
-- Copy 0 is the first print; copy n is the n-th reprint, marked 补打 / DUPLICATE with n.
-- Printing never touches the ledger, so a failed print is simply printed again.

CREATE TABLE receipt_prints (
  id          INTEGER PRIMARY KEY,
  receipt     TEXT NOT NULL REFERENCES ledger (receipt),
  copy        INTEGER NOT NULL CHECK (copy >= 0),
  format      TEXT NOT NULL CHECK (format IN ('roll80', 'a5', 'a4')),
  operator_id INTEGER NOT NULL,
  printed_at  TEXT NOT NULL,
  UNIQUE (receipt, copy)
) STRICT;

CREATE TRIGGER receipt_prints_no_update BEFORE UPDATE ON receipt_prints
BEGIN
  SELECT RAISE (ABORT, 'receipt prints are a log; they are never changed');
END;
