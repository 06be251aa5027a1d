-- The time dimension of hypertable $1.$2, if it is one: its column, its
-- chunk width in microseconds, and whether compression is enabled with the
-- columns compressed batches are segmented by, in order (their attribute
-- numbers, space-separated; empty for none).  These views exist with these
-- columns from TimescaleDB 2.0 on.
SELECT d.column_name,
       (extract(epoch FROM d.time_interval) * 1000000)::bigint,
       h.compression_enabled,
       (SELECT string_agg(a.attnum::text, ' ' ORDER BY s.segmentby_column_index)
        FROM timescaledb_information.compression_settings s
        JOIN pg_attribute a ON a.attrelid = format('%I.%I', $1::text, $2::text)::regclass
                           AND a.attname = s.attname
        WHERE s.hypertable_schema = $1 AND s.hypertable_name = $2
          AND s.segmentby_column_index IS NOT NULL)
FROM timescaledb_information.dimensions d
JOIN timescaledb_information.hypertables h
  ON h.hypertable_schema = d.hypertable_schema AND h.hypertable_name = d.hypertable_name
WHERE d.hypertable_schema = $1 AND d.hypertable_name = $2 AND d.dimension_number = 1
