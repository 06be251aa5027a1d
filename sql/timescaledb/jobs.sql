-- TimescaleDB's policy jobs on hypertable $1.$2 and on the continuous
-- aggregates that read it, directly or through each other: what
-- tsq-compress --native compares with the stored policy.  The intervals of
-- each job's config in microseconds (NULL when absent or not an interval:
-- an integer time column, a compress_created_before, an open window end),
-- and whether the job refreshes in one transaction: false for a refresh
-- job in batches where the policy knows them ($3).
WITH RECURSIVE caggs AS (
    SELECT c.view_schema, c.view_name, c.materialization_hypertable_schema AS mat_schema,
           c.materialization_hypertable_name AS mat_name
    FROM timescaledb_information.continuous_aggregates c
    WHERE c.hypertable_schema = $1 AND c.hypertable_name = $2
    UNION ALL
    SELECT c.view_schema, c.view_name, c.materialization_hypertable_schema,
           c.materialization_hypertable_name
    FROM timescaledb_information.continuous_aggregates c
    JOIN caggs ON c.hypertable_schema = caggs.mat_schema AND c.hypertable_name = caggs.mat_name
),
jobs AS (
    SELECT j.job_id, CASE j.proc_name WHEN 'policy_compression' THEN 'compression'
                                      ELSE 'retention' END AS kind,
           format('%I.%I', j.hypertable_schema, j.hypertable_name) AS target,
           j.config, j.scheduled, j.schedule_interval
    FROM timescaledb_information.jobs j
    WHERE j.hypertable_schema = $1 AND j.hypertable_name = $2
      AND j.proc_name IN ('policy_compression', 'policy_retention')
    UNION ALL
    SELECT j.job_id, 'refresh', format('%I.%I', c.view_schema, c.view_name),
           j.config, j.scheduled, j.schedule_interval
    FROM timescaledb_information.jobs j
    JOIN caggs c ON (j.hypertable_schema, j.hypertable_name)
                    IN ((c.view_schema, c.view_name), (c.mat_schema, c.mat_name))
    WHERE j.proc_name = 'policy_refresh_continuous_aggregate'
)
SELECT job_id, kind, target,
       (extract(epoch FROM CASE WHEN jsonb_typeof(config -> k.a) = 'string'
                                THEN (config ->> k.a)::interval END) * 1000000)::bigint,
       (extract(epoch FROM CASE WHEN jsonb_typeof(config -> 'end_offset') = 'string'
                                THEN (config ->> 'end_offset')::interval END) * 1000000)::bigint,
       scheduled,
       (extract(epoch FROM schedule_interval) * 1000000)::bigint,
       kind <> 'refresh' OR NOT $3::boolean OR config -> 'buckets_per_batch' = '0'
FROM jobs
CROSS JOIN LATERAL (SELECT CASE kind WHEN 'compression' THEN 'compress_after'
                                     WHEN 'retention' THEN 'drop_after'
                                     ELSE 'start_offset' END AS a) k
ORDER BY kind, target, job_id
