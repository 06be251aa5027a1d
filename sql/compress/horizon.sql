-- The time before which table $1.$2's raw data was dropped by tsq-compress,
-- in microseconds since 1970; no row when nothing was.
SELECT (extract(epoch FROM dropped_before) * 1000000)::bigint
FROM tsq.retention
WHERE schema_name = $1 AND table_name = $2
