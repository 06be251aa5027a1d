-- Table $1 (regclass as text) over a Citus cluster, from tsq.node_stats: the
-- rows the shards' statistics estimate, total bytes over every node, the
-- bytes without indexes (citus_table_size, TOAST included), the partitions
-- stored as columnar, and the bytes of the columnar data before and after
-- compression.  No row for a table Citus does not hold.
WITH n AS (SELECT * FROM tsq.node_stats($1::regclass)),
     leaves AS (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf
                UNION SELECT $1::regclass)
SELECT sum(n.rows)::bigint, sum(n.bytes)::bigint,
       (SELECT sum(citus_table_size(l.relid)) FROM leaves l
        JOIN pg_class c ON c.oid = l.relid AND c.relkind <> 'p')::bigint,
       (SELECT count(*) FROM leaves l JOIN pg_class c ON c.oid = l.relid
        JOIN pg_am am ON am.oid = c.relam AND am.amname = 'columnar'),
       sum(n.columnar_raw_bytes)::bigint, sum(n.columnar_bytes)::bigint
FROM n
HAVING count(*) > 0
