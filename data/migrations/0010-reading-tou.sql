-- 0010-reading-tou: each charged reading stores its 尖峰平谷 (T1..T4) consumption, so
-- consumption reports are SUMs inside SQLite instead of a walk of every reading in C.
--
-- c1..c4: the advance of the T1..T4 registers (DL/T 645 tariff registers 1-4) since
-- the previous good reading (charged or baseline; anomalies are skipped, as the engine
-- does through meter_state.last_reading_id), times CT × PT, in 0.01 kWh like
-- consumption. A register that went down is a rollover past 999999.99 when the wrapped
-- advance is at most half the register (VP_TARIFF_REGISTER_MODULUS / 2), else unknown.
-- NULL on baselines and anomalies, and when either reading has no T1..T4.
-- model/vp-engine.c (rate_consumption) writes the same values for new readings.
ALTER TABLE readings ADD COLUMN c1 INTEGER;
ALTER TABLE readings ADD COLUMN c2 INTEGER;
ALTER TABLE readings ADD COLUMN c3 INTEGER;
ALTER TABLE readings ADD COLUMN c4 INTEGER;

-- Backfill: each good reading with the registers of the good reading before it.
WITH good AS (
  SELECT r.id, r.status, m.multiplier AS k,
         r.t1, LAG (r.t1) OVER w AS p1, r.t2, LAG (r.t2) OVER w AS p2,
         r.t3, LAG (r.t3) OVER w AS p3, r.t4, LAG (r.t4) OVER w AS p4
  FROM readings r JOIN meters m ON m.id = r.meter_id
  WHERE r.status <> 'anomaly'
  WINDOW w AS (PARTITION BY r.meter_id ORDER BY r.id)),
advance AS (
  SELECT id, k,
         CASE WHEN t1 >= p1 THEN t1 - p1 WHEN p1 - t1 BETWEEN 50000000 AND 100000000 THEN t1 - p1 + 100000000 END AS d1,
         CASE WHEN t2 >= p2 THEN t2 - p2 WHEN p2 - t2 BETWEEN 50000000 AND 100000000 THEN t2 - p2 + 100000000 END AS d2,
         CASE WHEN t3 >= p3 THEN t3 - p3 WHEN p3 - t3 BETWEEN 50000000 AND 100000000 THEN t3 - p3 + 100000000 END AS d3,
         CASE WHEN t4 >= p4 THEN t4 - p4 WHEN p4 - t4 BETWEEN 50000000 AND 100000000 THEN t4 - p4 + 100000000 END AS d4
  FROM good WHERE status = 'charged')
UPDATE readings SET c1 = advance.d1 * advance.k, c2 = advance.d2 * advance.k,
                    c3 = advance.d3 * advance.k, c4 = advance.d4 * advance.k
FROM advance WHERE readings.id = advance.id;
