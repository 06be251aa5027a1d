-- The time column of hypertable $1.$2 (its first dimension).
SELECT column_name FROM timescaledb_information.dimensions
WHERE hypertable_schema = $1 AND hypertable_name = $2 AND dimension_number = 1
