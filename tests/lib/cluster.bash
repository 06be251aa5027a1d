# Throwaway PostgreSQL clusters for the tests, the benchmarks and make deps.
#
# A cluster lives in a directory of its own and listens only on a unix
# socket.  PostgreSQL refuses to run as root, so when we are root the server
# programs run as the postgres user (which the postgresql package creates).

tsq_pg_bindir() {
	local d
	if [ -n "${TSQ_PG_BINDIR:-}" ]; then echo "$TSQ_PG_BINDIR"; return; fi
	d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ] && { echo "$d"; return; }
	d=$(command -v pg_ctl 2>/dev/null) && { dirname "$d"; return; }
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && echo "$d"
}

# The directory the server loads extension libraries from.
tsq_pg_pkglibdir() {
	pg_config --pkglibdir 2>/dev/null || echo "$(tsq_pg_bindir)/../lib"
}

# Run a command as the server's user: postgres when we are root.
tsq_as_server() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# initdb DATADIR as every test cluster is made: trust, UTF8, C locale.
tsq_initdb() {
	tsq_as_server "$(tsq_pg_bindir)/initdb" -D "$1" -U postgres -A trust -E UTF8 --locale=C --no-sync
}

# Make one cluster in DIR/data to copy for every cluster tsq_cluster_start
# makes after it (TSQ_INITDB_TEMPLATE, exported): a test run starts dozens.
tsq_initdb_template() {
	local dir=$1
	mkdir -p "$dir" || return 1
	if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
	tsq_initdb "$dir/data" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
	export TSQ_INITDB_TEMPLATE="$dir/data"
}

# tsq_cluster_start DIR SOCKDIR PORT [SETTING...]: create a cluster in DIR
# (DIR/data, log in DIR/log), add the settings to its postgresql.conf, start
# it on SOCKDIR:PORT and wait until it accepts connections.
tsq_cluster_start() {
	local dir=$1 sock=$2 port=$3 bindir s
	shift 3
	bindir=$(tsq_pg_bindir) || true
	[ -x "$bindir/initdb" ] || { echo "PostgreSQL server programs not found" >&2; return 1; }
	mkdir -p "$dir" "$sock"
	if [ "$(id -u)" = 0 ]; then chown postgres "$dir" "$sock"; fi
	if [ -n "${TSQ_INITDB_TEMPLATE:-}" ] && [ -f "$TSQ_INITDB_TEMPLATE/PG_VERSION" ]; then
		# A copy of the cluster tsq_initdb_template made: the same files
		# initdb would write, in a tenth of the time.
		cp -a "$TSQ_INITDB_TEMPLATE" "$dir/data" || return 1
	else
		tsq_initdb "$dir/data" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
	fi
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$sock'"
		echo "port = $port"
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
		for s in "$@"; do echo "$s"; done
	} >>"$dir/data/postgresql.conf"
	tsq_as_server "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/log" start >/dev/null || {
		cat "$dir/log" >&2
		return 1
	}
}

tsq_cluster_stop() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}
