-- The bytes partition $2 of table $1 takes now over the whole cluster (its
-- shards on every worker); its size before compression is not kept.
SELECT citus_total_relation_size(i.inhrelid), NULL::bigint
FROM pg_inherits i
WHERE i.inhparent = $1::regclass AND i.inhrelid = $2::regclass
