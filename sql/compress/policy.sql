-- The stored policy of table $1.$2, each setting in microseconds, NULL when off.
SELECT (extract(epoch FROM compress_after) * 1000000)::bigint,
       (extract(epoch FROM drop_after) * 1000000)::bigint,
       (extract(epoch FROM refresh_window) * 1000000)::bigint,
       (extract(epoch FROM premake) * 1000000)::bigint
FROM tsq.policies
WHERE schema_name = $1 AND table_name = $2
