-- What tsq-stats says of the server: PostgreSQL's version, TimescaleDB's
-- version and license (NULL without the extension), the database's name and
-- size, whether TimescaleDB's job scheduler runs for this database, and
-- whether tsq-load keeps its record of loads (tsq.writes) here, and whether
-- tsq-init made tsq.node_stats (Citus: where each table's shards are).
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
       to_regprocedure('tsq.node_stats(regclass)') IS NOT NULL
