-- Of the columns named in $2 (a text[] literal), those table $1 (regclass as
-- text) does not have, as a list for a message ("" when it has them all),
-- and whether it has a timeframe column.
SELECT coalesce(string_agg(n, ', ' ORDER BY o), ''),
       EXISTS (SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = $1::regclass AND a.attname = 'timeframe' AND a.attnum > 0
                 AND NOT a.attisdropped)
FROM unnest($2::text[]) WITH ORDINALITY AS w(n, o)
WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
                  WHERE a.attrelid = $1::regclass AND a.attname = w.n AND a.attnum > 0
                    AND NOT a.attisdropped)
