-- Where TimescaleDB's own retention job on hypertable $1 drops chunks: $2
-- (now, in microseconds since 1970) less its drop_after; no row without one.
SELECT $2::bigint - (extract(epoch FROM (j.config->>'drop_after')::interval) * 1000000)::bigint
FROM timescaledb_information.jobs j
WHERE j.proc_name = 'policy_retention'
  AND format('%I.%I', j.hypertable_schema, j.hypertable_name)::regclass = $1::regclass
  AND j.config ? 'drop_after'
  AND (j.config->>'drop_after') !~ '^-?[0-9]+$'
ORDER BY 1 DESC
LIMIT 1
