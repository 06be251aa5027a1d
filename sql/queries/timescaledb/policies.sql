-- description: scheduled work: TimescaleDB's jobs, or on PostgreSQL the rollups tsq refreshes
SELECT j.job_id::text AS job, j.proc_name AS kind, j.hypertable_schema AS schema,
       j.hypertable_name AS target, j.schedule_interval AS schedule,
       s.last_successful_finish AS last_done, j.config::text AS config
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
WHERE j.job_id >= 1000
ORDER BY j.hypertable_name, j.proc_name
