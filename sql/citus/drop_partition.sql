-- Drop (or with $5 detach) partition $3.$4 of table $1.$2, never the last
-- one, as Citus's drop_old_time_partitions drops each partition (a DROP
-- TABLE the coordinator carries to the shards).  Returns the partition's
-- bytes over the whole cluster, measured first in the same statement.
SELECT citus_total_relation_size(format('%I.%I', $3::text, $4::text)::regclass),
       tsq.drop_partition($1, $2, $3, $4, $5::boolean)
