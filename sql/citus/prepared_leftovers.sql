-- The parts of batches tsq-load prepared on the nodes of the cluster for
-- this database and left there (its process killed, a node down at the
-- moment of its commit): per node, its host and port, whether it answered,
-- and the transactions' names separated by spaces (or why it did not).
-- Nodes with nothing to settle are left out.
SELECT n.nodename, n.nodeport::text, r.success, r.result
FROM run_command_on_all_nodes($cmd$
         SELECT coalesce(string_agg(gid, ' '), '')
         FROM pg_prepared_xacts
         WHERE gid LIKE 'tsq\_load\_%' AND database = current_database()
     $cmd$) AS r
JOIN pg_dist_node n ON n.nodeid = r.nodeid
WHERE NOT r.success OR r.result <> ''
