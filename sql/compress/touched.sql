-- The ranges tsq-load wrote to in table $1.$2 since the last refresh,
-- overlapping or adjacent ones merged, in microseconds since 1970, with the
-- ids of the records read (to clear exactly these afterwards: a batch that
-- commits its record meanwhile keeps it for the next run, whatever its id).
WITH t AS (
    SELECT id, from_time, to_time,
           max(to_time) OVER (ORDER BY from_time, to_time
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM tsq.touched
    WHERE schema_name = $1 AND table_name = $2
), g AS (
    SELECT *, count(*) FILTER (WHERE reach IS NULL OR from_time > reach)
                  OVER (ORDER BY from_time, to_time) AS grp
    FROM t
)
SELECT (extract(epoch FROM min(from_time)) * 1000000)::bigint,
       (extract(epoch FROM max(to_time)) * 1000000)::bigint,
       array_agg(id)::text
FROM g
GROUP BY grp
ORDER BY 1
