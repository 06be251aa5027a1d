-- The relation a tool was asked to work on, resolved by the server from the
-- name as given ($1, search_path applies): oid, schema, name, kind, and the
-- name as PostgreSQL writes it (quoted only where it must be), for messages.
SELECT c.oid, n.nspname, c.relname, c.relkind, format('%I.%I', n.nspname, c.relname)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass($1)
