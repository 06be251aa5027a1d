-- TimescaleDB's own policy jobs (ids from 1000 on: not its internal ones)
-- with their statistics: id, procedure, the hypertable or continuous
-- aggregate, scheduled, schedule interval in seconds, last start, last
-- successful finish, last status, next start, total failures, consecutive
-- failures, the last error, and the last success as epoch seconds.
SELECT j.job_id, j.proc_name, j.hypertable_schema, j.hypertable_name, j.scheduled,
       extract(epoch FROM j.schedule_interval)::float8,
       s.last_run_started_at, s.last_successful_finish, s.last_run_status, s.next_start,
       s.total_failures, b.consecutive_failures,
       (SELECT e.err_message FROM timescaledb_information.job_errors e
        WHERE e.job_id = j.job_id ORDER BY e.finish_time DESC NULLS LAST LIMIT 1),
       extract(epoch FROM s.last_successful_finish)::float8
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
LEFT JOIN _timescaledb_internal.bgw_job_stat b ON b.job_id = j.job_id
WHERE j.job_id >= 1000
  AND ($1::text IS NULL OR to_regclass(format('%I.%I', j.hypertable_schema, j.hypertable_name)) = ANY ($1::regclass[]))
ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
