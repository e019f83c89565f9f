-- 0012-anomaly-resolution: a technician resolves an anomaly (model/vp-anomaly.c).
--
-- 0003 gave anomalies resolved_at / resolved_by but nothing set them. A resolution is
-- now one of:
--   'rebaseline'  the meter's register really started again (board replaced, register
--                 cleared after repair): the newest anomaly reading since the last good
--                 one becomes a 'baseline' reading and charging continues from it;
--                 baseline_reading_id names it;
--   'dismiss'     a transient bad read: nothing else changes, the next plausible
--                 reading is charged from the last good one.
-- note says why (required by the model). Open anomalies (resolved_at IS NULL) keep
-- every new column NULL, so a schema-11 database upgrades as it is: its open anomalies
-- stay open. ADD COLUMN keeps the rows and the partial unique index of 0003.
ALTER TABLE anomalies ADD COLUMN resolution TEXT
  CHECK (resolution IS NULL OR resolution IN ('rebaseline', 'dismiss'));
ALTER TABLE anomalies ADD COLUMN note TEXT;
ALTER TABLE anomalies ADD COLUMN baseline_reading_id INTEGER REFERENCES readings (id);
