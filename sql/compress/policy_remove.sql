-- Forget the policy of table $1.$2; a row comes back when there was one.
DELETE FROM tsq.policies WHERE schema_name = $1 AND table_name = $2 RETURNING 1
