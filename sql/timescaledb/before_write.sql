-- TimescaleDB before 2.11 cannot change rows of compressed chunks: before
-- rows with times in [$3, $4] are written to $1.$2, decompress the chunks they
-- fall in.  The next compression policy run compresses them again.
SELECT count(decompress_chunk(format('%I.%I', c.chunk_schema, c.chunk_name)::regclass, true))
FROM timescaledb_information.chunks c
WHERE c.hypertable_schema = $1 AND c.hypertable_name = $2 AND c.is_compressed
  AND c.range_start <= $4::timestamptz AND c.range_end > $3::timestamptz
