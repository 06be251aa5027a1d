-- The shard of table $1 that holds each distribution value of the text
-- array $2, in the array's order, as Citus routes them.
SELECT get_shard_id_for_distribution_column($1::regclass, u.v)
FROM unnest($2::text[]) WITH ORDINALITY AS u(v, i)
ORDER BY u.i
