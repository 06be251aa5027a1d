-- What tsq-compress recorded, per table and action, counted in runs (one
-- invocation's actions of a kind on a table; records older than run numbers
-- count one each): the last run's start, end, status (failed when any of
-- its actions failed) and first error; the end and duration of the last run
-- that succeeded; the runs that failed since then (all of them when none
-- succeeded); the last success's end as epoch seconds.  $1: a regclass[]
-- literal of the tables to show, or NULL for all.
WITH runs AS (
    SELECT schema_name, table_name, action, coalesce(run, -id) AS run,
           min(started) AS started, max(finished) AS finished, max(id) AS last_id,
           CASE WHEN bool_or(status = 'failed') THEN 'failed'
                WHEN bool_or(status = 'interrupted') THEN 'interrupted'
                WHEN bool_or(status = 'running') THEN 'running'
                ELSE 'ok' END AS status,
           (array_agg(error ORDER BY id) FILTER (WHERE error IS NOT NULL))[1] AS error
    FROM tsq.policy_runs
    WHERE $1::text IS NULL
       OR to_regclass(format('%I.%I', schema_name, table_name)) = ANY ($1::regclass[])
    GROUP BY 1, 2, 3, 4
)
SELECT k.schema_name, k.table_name, k.action,
       last.started, last.finished, last.status, last.error,
       ok.finished,
       extract(epoch FROM ok.finished - ok.started)::float8,
       (SELECT count(*) FROM runs f
        WHERE (f.schema_name, f.table_name, f.action) = (k.schema_name, k.table_name, k.action)
          AND f.status IN ('failed', 'interrupted')
          AND (ok.last_id IS NULL OR f.last_id > ok.last_id)),
       extract(epoch FROM ok.finished)::float8
FROM (SELECT DISTINCT schema_name, table_name, action FROM runs) k
CROSS JOIN LATERAL (SELECT r.started, r.finished, r.status, r.error FROM runs r
                    WHERE (r.schema_name, r.table_name, r.action) = (k.schema_name, k.table_name, k.action)
                    ORDER BY r.last_id DESC LIMIT 1) last
LEFT JOIN LATERAL (SELECT r.last_id, r.started, r.finished FROM runs r
                   WHERE (r.schema_name, r.table_name, r.action) = (k.schema_name, k.table_name, k.action)
                     AND r.status = 'ok'
                   ORDER BY r.last_id DESC LIMIT 1) ok ON true
ORDER BY 1, 2, 3
