-- 0001-core: settings, operators and the audit chain.
-- Times are UTC text "YYYY-MM-DDTHH:MM:SS.ffffffZ" (sorts as it reads); lock-outs are
-- unix seconds because they are compared with the clock, never shown.

CREATE TABLE settings (
  key    TEXT PRIMARY KEY NOT NULL,
  value  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE operators (
  id             INTEGER PRIMARY KEY,
  login          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name           TEXT NOT NULL,
  role           TEXT NOT NULL
                 CHECK (role IN ('cashier', 'supervisor', 'technician', 'admin')),
  password_hash  TEXT NOT NULL,             -- crypto_pwhash_str (Argon2id), never the password
  failed_count   INTEGER NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
  locked_until   INTEGER NOT NULL DEFAULT 0,  -- unix seconds; 0 = not locked
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at     TEXT NOT NULL
);

-- The tamper-evident log (model/vp-audit.c): hash = SHA-256 over a length-prefixed
-- encoding of (id, time, operator_id, action, object, before, after, prev_hash).
-- operator_id 0 means "the system", so it is not a foreign key.
CREATE TABLE audit (
  id           INTEGER PRIMARY KEY,
  time         TEXT NOT NULL,
  operator_id  INTEGER NOT NULL,
  action       TEXT NOT NULL,
  object       TEXT,
  before       TEXT,
  after        TEXT,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX audit_operator ON audit (operator_id, id);
CREATE INDEX audit_object ON audit (object, id);

-- The chain head, written in the same transaction as each append: deleting the last
-- rows of the log leaves a head that no longer matches. Exactly one row.
CREATE TABLE audit_head (
  one      INTEGER PRIMARY KEY CHECK (one = 1),
  last_id  INTEGER NOT NULL,
  hash     TEXT NOT NULL
);
INSERT INTO audit_head (one, last_id, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The application only ever appends; these stop a bug from rewriting history. (Someone
-- with the sqlite3 shell can drop them: that is what the hash chain is for.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
