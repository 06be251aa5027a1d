-- Whether the table of oid $1 is one of Citus's (distributed or reference):
-- such a table cannot return system columns from a write.
SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1::oid::regclass);
