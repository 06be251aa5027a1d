-- Continuous aggregate $1 (a regclass): its name quoted, its bucket in
-- microseconds, its name again, and the hypertable at the bottom of its
-- hierarchy (an aggregate may be built on another), whose lock and retention
-- horizon a refresh goes by.  No row when $1 is not a continuous aggregate.
WITH RECURSIVE up AS (
    SELECT ca.raw_hypertable_id AS raw, 0 AS depth
    FROM _timescaledb_catalog.continuous_agg ca
    WHERE format('%I.%I', ca.user_view_schema, ca.user_view_name)::regclass = $1::oid
  UNION ALL
    SELECT ca.raw_hypertable_id, up.depth + 1
    FROM up JOIN _timescaledb_catalog.continuous_agg ca ON ca.mat_hypertable_id = up.raw
    WHERE up.depth < 16
)
SELECT format('%I.%I', c.view_schema, c.view_name),
       (extract(epoch FROM (regexp_match(c.view_definition,
           'time_bucket\(''([^'']+)''::interval'))[1]::interval) * 1000000)::bigint,
       format('%I.%I', c.view_schema, c.view_name),
       (SELECT format('%I.%I', h.schema_name, h.table_name)
        FROM up JOIN _timescaledb_catalog.hypertable h ON h.id = up.raw
        ORDER BY up.depth DESC LIMIT 1)
FROM timescaledb_information.continuous_aggregates c
WHERE format('%I.%I', c.view_schema, c.view_name)::regclass = $1::oid
