-- Every table with a stored policy, as a name to_regclass reads back.
SELECT format('%I.%I', schema_name, table_name)
FROM tsq.policies
ORDER BY schema_name, table_name
