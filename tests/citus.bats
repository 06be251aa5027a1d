#!/usr/bin/env bats
# The Citus test cluster works: a coordinator and two workers, a distributed
# table, COPY through the coordinator, and a query that reaches both workers.

setup_file() {
	load lib/db
	export TSQ_TEST_BACKEND=citus
	tsq_db_start
}

teardown_file() {
	load lib/db
	tsq_db_stop
}

setup() {
	load lib/common
	load lib/db
	tsq_db_reset
	cd "$BATS_TEST_TMPDIR"
}

@test "citus: the coordinator knows two active workers" {
	run tsq_psql -c "SELECT count(*) FROM citus_get_active_worker_nodes()"
	assert_output 2
	run tsq_psql -c "SELECT nodeport, noderole, isactive FROM pg_dist_node ORDER BY nodeport"
	assert_output "5432|primary|t
5433|primary|t
5434|primary|t"
}

@test "citus: a distributed table takes COPY through the coordinator and a query reaches both workers" {
	tsq_psql -c "CREATE TABLE dist (symbol text, time timestamptz, price float8, PRIMARY KEY (symbol, time))" \
		-c "SELECT create_distributed_table('dist', 'symbol')" >/dev/null
	awk 'BEGIN { for (i = 0; i < 4000; i++)
		printf "S%02d,2026-01-01T%02d:%02d:%02dZ,%d\n", i % 40, int(i / 3600), int(i / 60) % 60, i % 60, i }' >rows.csv
	tsq_psql -c "\\copy dist FROM rows.csv (FORMAT csv)"
	run tsq_psql -c "SELECT count(*), count(DISTINCT symbol), sum(price) FROM dist"
	assert_output "4000|40|7998000"
	# Both workers hold rows, and asked shard by shard they add up to the whole.
	run tsq_psql -c "SELECT s.nodeport, sum(r.result::bigint) > 0 FROM run_command_on_shards('dist', 'SELECT count(*) FROM %s') r
		JOIN citus_shards s USING (shardid) GROUP BY 1 ORDER BY 1"
	assert_output "5433|t
5434|t"
	run tsq_psql -c "SELECT sum(result::bigint) FROM run_command_on_shards('dist', 'SELECT count(*) FROM %s')"
	assert_output 4000
}
