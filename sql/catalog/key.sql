-- The key of table $1 that conflicts are judged on: the primary key, else
-- the first plain unique index (no expressions, no predicate).  The column
-- numbers come back as "2 3 1".
SELECT i.indkey::text, i.indisprimary
FROM pg_index i
WHERE i.indrelid = $1 AND (i.indisprimary OR i.indisunique)
  AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indimmediate
ORDER BY i.indisprimary DESC, i.indexrelid
LIMIT 1
