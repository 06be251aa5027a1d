-- The continuous aggregates that read hypertable $1.$2, directly or through
-- each other, in the order they must be refreshed (sources first), with the
-- bucket width of each in microseconds (NULL when the view does not bucket by
-- a constant interval).
WITH RECURSIVE r AS (
    SELECT c.view_schema, c.view_name, c.materialization_hypertable_schema AS mat_schema,
           c.materialization_hypertable_name AS mat_name, c.view_definition, 1 AS depth
    FROM timescaledb_information.continuous_aggregates c
    WHERE c.hypertable_schema = $1 AND c.hypertable_name = $2
    UNION ALL
    SELECT c.view_schema, c.view_name, c.materialization_hypertable_schema,
           c.materialization_hypertable_name, c.view_definition, r.depth + 1
    FROM timescaledb_information.continuous_aggregates c
    JOIN r ON c.hypertable_schema = r.mat_schema AND c.hypertable_name = r.mat_name
)
SELECT format('%I.%I', view_schema, view_name),
       (extract(epoch FROM (regexp_match(view_definition,
                            'time_bucket\(''([^'']+)''::interval'))[1]::interval) * 1000000)::bigint
FROM r
ORDER BY depth, view_schema, view_name
