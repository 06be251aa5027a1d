-- The stored policies, of the tables whose oids are in $1 (all when NULL).
SELECT schema_name AS schema, table_name AS "table", compress_after, drop_after,
       refresh_window, premake, updated_at
FROM tsq.policies
WHERE $1::oid[] IS NULL
   OR to_regclass(format('%I.%I', schema_name, table_name))::oid = ANY ($1::oid[])
ORDER BY schema_name, table_name
