-- When tsq-load last committed rows to table $1.$2: as the server shows a
-- time, and in microseconds since 1970.
SELECT last_write, (extract(epoch FROM last_write) * 1000000)::bigint
FROM tsq.writes
WHERE schema_name = $1 AND table_name = $2
