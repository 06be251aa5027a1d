-- description: time-partitioned tables: hypertables on TimescaleDB, range-partitioned tables on PostgreSQL
SELECT h.hypertable_schema AS schema, h.hypertable_name AS table, d.column_name AS time_column,
       h.num_chunks::bigint AS chunks,
       hypertable_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) AS bytes,
       h.compression_enabled AS compression
FROM timescaledb_information.hypertables h
LEFT JOIN timescaledb_information.dimensions d
       ON d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name
      AND d.dimension_number = 1
ORDER BY 1, 2
