-- Whether the table of oid $1 is one of Citus's (distributed or reference):
-- such a table cannot return system columns from a write; and the column it
-- is hash-distributed by (NULL for a reference table).
SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1::oid::regclass),
       (SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition
        WHERE logicalrelid = $1::oid::regclass AND partmethod = 'h');
