-- tsq-init --migrate, after timescaledb/schema.sql made the continuous
-- aggregates: each materialized over all the candles, finest first (each
-- reads the one before), so that they hold what the rollup tables held.
-- (Once: a schema recorded for timescaledb takes no --migrate; a migration
-- stopped half-way runs again whole, each step as it finds things.)

-- step: materialized @rollup@ over every candle or trade
-- only: rollups
-- each-of: rollups
-- each-of: trade_rollups
CALL refresh_continuous_aggregate('@rollup@', NULL, NULL);
