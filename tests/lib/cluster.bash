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
	tsq_as_server "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
		--no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
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
