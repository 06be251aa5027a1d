-- The bytes chunk $2 of hypertable $1 takes now (its compressed form when
-- compressed), and its size before compression (NULL when uncompressed).
SELECT coalesce(s.after_compression_total_bytes, pg_total_relation_size($2::regclass)),
       s.before_compression_total_bytes
FROM (SELECT 1) AS one
LEFT JOIN chunk_compression_stats($1::regclass) s
  ON format('%I.%I', s.chunk_schema, s.chunk_name) = $2 AND s.compression_status = 'Compressed'
