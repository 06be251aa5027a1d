-- Forget the records of tsq.policy_runs that ended more than 90 days ago,
-- except each table and action's last success (what tsq-stats reports as
-- the last successful run) and anything after it.  How many went.
WITH gone AS (
    DELETE FROM tsq.policy_runs r
    WHERE r.finished < now() - interval '90 days'
      AND EXISTS (SELECT 1 FROM tsq.policy_runs n
                  WHERE n.schema_name = r.schema_name AND n.table_name = r.table_name
                    AND n.action = r.action AND n.status = 'ok' AND n.finished > r.finished)
    RETURNING 1
)
SELECT count(*) FROM gone
