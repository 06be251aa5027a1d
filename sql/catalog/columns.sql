-- The columns of table $1 (an oid): name, attnum, type and element type,
-- whether a value is required, the type as SQL spells it (for casts of
-- types tsq does not convert itself), whether the column numbers rows itself
-- (identity or serial) and its default.
SELECT a.attname, a.attnum, a.atttypid,
       CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0 END AS elem,
       a.attnotnull, a.atthasdef OR a.attidentity <> '' AS has_default,
       a.attgenerated <> '' AS generated,
       format_type(a.atttypid, a.atttypmod) AS type_name,
       a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)
           AS serial,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am m ON m.oid = o.opcmethod
               WHERE m.amname = 'btree' AND o.opcintype = a.atttypid AND o.opcdefault) AS comparable
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
