-- The tables tsq-stats reports when none is named: those with a stored
-- policy (tsq-init stores one for each of its own tables).
SELECT format('%I.%I', schema_name, table_name)
FROM tsq.policies
ORDER BY schema_name, table_name
