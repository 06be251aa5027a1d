-- The time dimension of hypertable $1.$2, if it is one.
SELECT d.column_name
FROM timescaledb_information.dimensions d
WHERE d.hypertable_schema = $1 AND d.hypertable_name = $2 AND d.dimension_number = 1
