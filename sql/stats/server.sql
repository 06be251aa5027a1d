-- What tsq-stats says of the server: PostgreSQL's version, TimescaleDB's
-- version and license (NULL without the extension), the database's name and
-- size, whether TimescaleDB's job scheduler runs for this database; then
-- which of tsq's own objects this database has: tsq.writes (tsq-load's
-- record of its loads), tsq.node_stats (Citus: where each table's shards
-- are), tsq.policies, tsq.policy_runs, tsq.rollups (tsq's own rollup
-- tables), tsq.partitions() (the ranges of tsq's own partitions) and
-- tsq.newest_row() (schema version 3: the stale check reads it).
-- The session compiles no plans: compiling the checks' plans costs more
-- than it saves on the few days --since usually asks for (0.7 s of a 1 s
-- report on 10M rows).
SELECT current_setting('server_version'),
       (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),
       CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
            THEN current_setting('timescaledb.license', true) END,
       current_database(),
       pg_database_size(current_database()),
       EXISTS (SELECT 1 FROM pg_stat_activity
               WHERE backend_type LIKE 'TimescaleDB Background Worker Scheduler%'
                 AND datname = current_database()),
       to_regclass('tsq.writes') IS NOT NULL,
       to_regprocedure('tsq.node_stats(regclass)') IS NOT NULL,
       to_regclass('tsq.policies') IS NOT NULL,
       to_regclass('tsq.policy_runs') IS NOT NULL,
       to_regclass('tsq.rollups') IS NOT NULL,
       to_regprocedure('tsq.partitions(text,text)') IS NOT NULL,
       to_regprocedure('tsq.newest_row(text,text,text,text,timestamp with time zone)') IS NOT NULL,
       set_config('jit', 'off', false)
