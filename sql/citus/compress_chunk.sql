-- Compress partition $1: rewrite it, shard by shard, with Citus's columnar
-- access method (what alter_old_partitions_set_access_method does for each
-- partition, here one partition per call so that each is recorded).
SELECT alter_table_set_access_method($1::regclass, 'columnar')
