-- Schedule paused TimescaleDB job $1 again.
SELECT job_id FROM alter_job($1::integer, scheduled => true)
