-- Of continuous aggregate $1 (schema.view as text): the hypertable that
-- holds what it materialized (schema.name quoted) and that hypertable's time
-- column, for the newest materialized bucket.
SELECT format('%I.%I', c.materialization_hypertable_schema, c.materialization_hypertable_name),
       (SELECT d.column_name FROM _timescaledb_catalog.dimension d
        JOIN _timescaledb_catalog.hypertable h ON h.id = d.hypertable_id
        WHERE h.schema_name = c.materialization_hypertable_schema
          AND h.table_name = c.materialization_hypertable_name
        ORDER BY d.id LIMIT 1)
FROM timescaledb_information.continuous_aggregates c
WHERE format('%I.%I', c.view_schema, c.view_name)::regclass = $1::regclass
