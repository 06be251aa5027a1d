-- tsq's rollup tables built from table $1.$2, directly or through each
-- other, sources first, with their bucket widths in microseconds.
WITH RECURSIVE r AS (
    SELECT schema_name, name, bucket, 1 AS depth
    FROM tsq.rollups
    WHERE schema_name = $1 AND source = $2
    UNION ALL
    SELECT x.schema_name, x.name, x.bucket, r.depth + 1
    FROM tsq.rollups x
    JOIN r ON x.schema_name = r.schema_name AND x.source = r.name
)
SELECT format('%I.%I', schema_name, name), (extract(epoch FROM bucket) * 1000000)::bigint, name
FROM r
ORDER BY depth, name
