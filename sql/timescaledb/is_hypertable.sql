-- Whether the table $1.$2 (schema, name) is a hypertable.
SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
               WHERE hypertable_schema = $1 AND hypertable_name = $2)
