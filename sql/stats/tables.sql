-- The tables tsq-stats reports when none is named: those with a stored
-- policy (tsq-init stores one for each of its own tables) that still exist.
SELECT format('%I.%I', schema_name, table_name)
FROM tsq.policies
WHERE to_regclass(format('%I.%I', schema_name, table_name)) IS NOT NULL
ORDER BY schema_name, table_name
