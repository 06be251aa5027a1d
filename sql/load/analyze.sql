-- After a load into table $1 (regclass as text): the parts of it never
-- analyzed, analyzed (tsq.analyze_new); how many.  Nothing where tsq's
-- schema is older than version 3.
SELECT CASE WHEN to_regprocedure('tsq.analyze_new(regclass)') IS NOT NULL
            THEN tsq.analyze_new($1::regclass) END
