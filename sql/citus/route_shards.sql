-- The shards of hash-distributed table $1 and where each is placed: its
-- id, its name for SQL on the worker, the node's host and port, and how
-- many placements it has (tsq-load writes straight to a shard only when it
-- has exactly one, on an active primary node).
SELECT s.shardid, shard_name(s.logicalrelid, s.shardid),
       n.nodename, n.nodeport::text,
       (SELECT count(*) FROM pg_dist_placement a WHERE a.shardid = s.shardid)
FROM pg_dist_shard s
JOIN pg_dist_partition d ON d.logicalrelid = s.logicalrelid AND d.partmethod = 'h'
JOIN pg_dist_placement p ON p.shardid = s.shardid
JOIN pg_dist_node n ON n.groupid = p.groupid AND n.isactive AND n.noderole = 'primary'
WHERE s.logicalrelid = $1::regclass
ORDER BY s.shardminvalue::integer
