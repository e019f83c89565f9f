-- 0009-notify: delivery of the outbox (model/vp-notify.c). One row per message and
-- channel: the customer's phone by SMS, and a copy by e-mail to the site's mailbox
-- (setting "notify.email_to") when one is set.
--
-- state: pending → sending → sent; a failed attempt goes back to 'failed' with the
-- time of the next try (exponential back-off) until "notify.max_attempts", then
-- 'abandoned' (also at once for errors that retrying cannot fix). 'sending' is written
-- and COMMITTED before the message leaves; a row found still 'sending' after its lease
-- (the sender died between sending and recording) becomes 'uncertain' and is never
-- sent again automatically: only an operator may release it (vp_notify_release).
-- 'skipped': nowhere to send (no phone number). Times: created/sent UTC text as in
-- 0001; next_attempt_at and sending_since unix seconds (compared with the clock).
CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY,
  outbox_id        INTEGER NOT NULL REFERENCES outbox (id),
  channel          TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient        TEXT,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending',
                     'sent', 'failed', 'abandoned', 'uncertain', 'skipped')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  sending_since    INTEGER,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  sent_at          TEXT,
  UNIQUE (outbox_id, channel)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('pending', 'failed');
