-- TimescaleDB's compression and retention jobs (ids from 1000 on) whose
-- interval is not the one the stored policy of their hypertable asks for
-- (tsq.policies; a table without a stored policy is not compared): the job
-- and what differs, for tsq-stats --policies.
SELECT j.job_id,
       format('%s %s, the stored policy says %s', k.setting, j.config ->> k.setting,
              coalesce(k.wanted::text, 'off'))
FROM timescaledb_information.jobs j
JOIN tsq.policies p ON (p.schema_name, p.table_name) = (j.hypertable_schema, j.hypertable_name)
CROSS JOIN LATERAL (SELECT CASE j.proc_name WHEN 'policy_compression' THEN 'compress_after'
                                            ELSE 'drop_after' END AS setting,
                           CASE j.proc_name WHEN 'policy_compression' THEN p.compress_after
                                            ELSE p.drop_after END AS wanted) k
WHERE j.job_id >= 1000 AND j.proc_name IN ('policy_compression', 'policy_retention')
  AND jsonb_typeof(j.config -> k.setting) = 'string'
  AND (j.config ->> k.setting)::interval IS DISTINCT FROM k.wanted
