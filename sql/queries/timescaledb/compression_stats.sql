-- description: compression per table: chunks compressed, bytes before and after, ratio
SELECT h.hypertable_schema AS schema, h.hypertable_name AS table,
       s.total_chunks AS chunks, s.number_compressed_chunks AS compressed_chunks,
       s.before_compression_total_bytes AS before_bytes, s.after_compression_total_bytes AS after_bytes,
       round(s.before_compression_total_bytes::numeric / nullif(s.after_compression_total_bytes, 0), 2) AS ratio
FROM timescaledb_information.hypertables h,
     LATERAL hypertable_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s
ORDER BY 1, 2
