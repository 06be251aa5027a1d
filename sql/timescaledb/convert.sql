-- tsq-init --table NAME --time-column COL: turn a user's existing table into
-- a hypertable, moving its rows into chunks.

-- step: made the table a hypertable
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE format('%I.%I', hypertable_schema, hypertable_name)::regclass = $1::regclass)
-- params: table, time_column, chunk_interval
SELECT create_hypertable($1::regclass, $2::name,
                         chunk_time_interval => $3::interval,
                         migrate_data => true);
