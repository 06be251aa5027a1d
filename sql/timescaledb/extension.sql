-- The TimescaleDB extension in the database tsq-init installs into.  Run
-- only when its library is preloaded: without it the server ends the
-- session instead of refusing the statement (tsq-init checks first).

-- step: installed the timescaledb extension
-- unless: SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
CREATE EXTENSION timescaledb;
