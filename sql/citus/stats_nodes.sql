-- Table $1 (regclass as text) node by node (tsq.node_stats): node, shards,
-- bytes, rows (estimate), columnar bytes and their size before compression,
-- and the distribution column (NULL for a reference table).
SELECT n.node, n.shards, n.bytes, n.rows, n.columnar_bytes, n.columnar_raw_bytes,
       (SELECT column_to_column_name(d.logicalrelid, d.partkey)
        FROM pg_dist_partition d WHERE d.logicalrelid = $1::regclass AND d.partkey IS NOT NULL)
FROM tsq.node_stats($1::regclass) n
ORDER BY n.node
