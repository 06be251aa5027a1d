-- Add TimescaleDB's own policy job of kind $1 ('compression', 'retention'
-- or 'refresh') on $2 (a hypertable, or for 'refresh' a continuous
-- aggregate).  $3, $4 and $5 are microseconds: compress_after / drop_after /
-- start_offset, then for 'refresh' the end_offset and schedule_interval
-- (NULL: TimescaleDB's default).  A refresh job is set to one batch when
-- the policy takes buckets_per_batch ($6; schema.sql says why), in the same
-- statement, so the scheduler never starts it in batches.  Returns the new
-- job's id.
SELECT CASE $1
    WHEN 'compression' THEN
        add_compression_policy($2::regclass,
            compress_after => justify_hours(make_interval(secs => $3::bigint / 1000000.0)))
    WHEN 'retention' THEN
        add_retention_policy($2::regclass,
            drop_after => justify_hours(make_interval(secs => $3::bigint / 1000000.0)))
    WHEN 'refresh' THEN (
        SELECT CASE WHEN $6::boolean
                    THEN (SELECT a.job_id
                          FROM alter_job(p.job_id, config => (SELECT c.config FROM alter_job(p.job_id) c)
                                                             || '{"buckets_per_batch": 0}') a)
                    ELSE p.job_id END
        FROM (SELECT add_continuous_aggregate_policy($2::regclass,
                  start_offset => justify_hours(make_interval(secs => $3::bigint / 1000000.0)),
                  end_offset => justify_hours(make_interval(secs => $4::bigint / 1000000.0)),
                  schedule_interval => coalesce(justify_hours(make_interval(secs => $5::bigint / 1000000.0)),
                                                INTERVAL '1 hour')) AS job_id) p)
END
