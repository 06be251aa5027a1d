-- description: scheduled work: TimescaleDB's jobs, or on PostgreSQL the rollups tsq refreshes
SELECT r.name AS job, 'refresh rollup' AS kind, r.schema_name AS schema, r.name AS target,
       r.bucket AS schedule, r.refreshed_to AS last_done, r.source AS config
FROM tsq.rollups r
ORDER BY 1
