-- Drop (or with $5 detach) partition $3.$4 of table $1.$2, never the last
-- one.  Returns the partition's bytes, measured first in the same statement:
-- a partition another session holds fails here, as the action it is.
SELECT pg_total_relation_size(format('%I.%I', $3::text, $4::text)::regclass),
       tsq.drop_partition($1, $2, $3, $4, $5::boolean)
