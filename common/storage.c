/*
 * storage.c - chunks and partitions compressed, decompressed, dropped or
 * detached, and made ahead (maint.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "datetime.h"
#include "log.h"
#include "maint-int.h"
#include "mem.h"
#include "script.h"

/* A hypertable, or partitioned where partitions are compressed (Citus). */
bool
maint_compressible(const struct tsq_maint *m, const struct tsq_relation *t)
{
	return t->hypertable || (t->relkind == 'p' && tsq_backend_compresses_partitions(m->s.b.kind));
}

/* Why a table's data cannot be compressed, for messages. */
const char *
maint_why_not_compressible(const struct tsq_maint *m)
{
	bool partitions = tsq_backend_compresses_partitions(m->s.b.kind);

	if (!m->s.b.has_compression)
		return partitions ? "the citus_columnar extension is not installed" :
		    "plain PostgreSQL has none";
	return partitions ? "it is not partitioned by time" : "it is not a hypertable";
}

/* ---- TimescaleDB chunks ---- */

struct chunk {
	char *name;
	int64_t start, end;
	int status;
};

enum {
	CHUNK_COMPRESSED = 1,
	CHUNK_UNORDERED = 2,
	CHUNK_PARTIAL = 8,
};

static void
chunks_free(struct chunk *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

/* What compression acts on, in messages and records: "chunk" or "partition". */
static const char *
piece(const struct tsq_maint *m)
{
	return tsq_backend_compresses_partitions(m->s.b.kind) ? "partition" : "chunk";
}

/*
 * T's chunks (on Citus its partitions), oldest first; -1 on failure
 * (reported, and counted).  *ENABLED: compression is on.
 */
static int
chunks_of(struct tsq_maint *m, const struct tsq_relation *t, struct chunk **out, bool *enabled)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;
	char path[64];

	*out = NULL;
	*enabled = false;
	if (!maint_checked(m, maint_backend_sql(m, "chunks.sql", path, sizeof path), 2, params, &res)) {
		m->failures++;
		return -1;
	}
	int n = PQntuples(res);
	struct chunk *c = xcalloc((size_t)n + 1, sizeof *c);
	for (int i = 0; i < n; i++) {
		c[i].name = xstrdup(PQgetvalue(res, i, 0));
		c[i].start = maint_int64(res, i, 1, INT64_MIN);
		c[i].end = maint_int64(res, i, 2, INT64_MAX);
		c[i].status = (int)maint_int64(res, i, 3, 0);
		*enabled = PQgetvalue(res, i, 4)[0] == 't';
	}
	PQclear(res);
	*out = c;
	return n;
}

/* Bytes of chunk A->target now, and before compression (-1 unknown). */
static void
chunk_bytes(struct tsq_maint *m, const struct maint_action *a, int64_t *now, int64_t *uncompressed)
{
	const char *params[2] = { a->table->display, a->target };
	char path[64];
	PGresult *res = maint_sql(m, maint_backend_sql(m, "chunk_bytes.sql", path, sizeof path), 2, params);

	*now = *uncompressed = -1;
	if (tsq_result_ok(res) && PQntuples(res) == 1) {
		*now = maint_int64(res, 0, 0, -1);
		*uncompressed = maint_int64(res, 0, 1, -1);
	}
	PQclear(res);
}

static void
after_compress(struct tsq_maint *m, struct maint_action *a, const PGresult *res)
{
	int64_t uncompressed;

	(void)res;
	chunk_bytes(m, a, &a->bytes_after, &uncompressed);
}

static void
compress_chunk(struct tsq_maint *m, const struct tsq_relation *t, const struct chunk *c)
{
	struct maint_action a = { t, (c->status & CHUNK_COMPRESSED) ? "recompress" : "compress",
	    piece(m), c->name, c->start, c->end, -1, -1, -1 };
	const char *params[1] = { c->name };

	if (!m->o->dry_run) {
		int64_t uncompressed;
		chunk_bytes(m, &a, &a.bytes_before, &uncompressed);
	}
	char path[64];
	maint_do(m, &a, maint_backend_sql(m, "compress_chunk.sql", path, sizeof path), 1, params, after_compress);
}

/*
 * Compress every chunk of T that ended before CUT and is not fully
 * compressed, but none that ended before DROP_CUT (about to be dropped).
 */
void
maint_compress_older(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut, int64_t drop_cut)
{
	struct chunk *c;
	bool enabled;
	int n = chunks_of(m, t, &c, &enabled);

	if (n < 0)
		return;
	if (n > 0 && !enabled) {
		tsq_error("compression is not enabled on %s", t->display);
		if (tsq_backend_compresses_partitions(m->s.b.kind))
			tsq_hint("CREATE EXTENSION citus_columnar brings it (tsq-init does)");
		else
			tsq_hint("ALTER TABLE %s SET (timescaledb.compress) enables it", t->display);
		m->failures++;
		chunks_free(c, n);
		return;
	}
	for (int i = 0; i < n && !tsq_cancel_signal(); i++) {
		bool full = (c[i].status & CHUNK_COMPRESSED) &&
		    !(c[i].status & (CHUNK_UNORDERED | CHUNK_PARTIAL));
		if (c[i].end <= cut && c[i].end > drop_cut && !full)
			compress_chunk(m, t, &c[i]);
	}
	chunks_free(c, n);
}

void
maint_decompress(struct tsq_maint *m, const struct tsq_relation *t, int64_t from, int64_t to)
{
	struct chunk *c;
	bool enabled;
	int n = chunks_of(m, t, &c, &enabled);

	if (n < 0)
		return;
	for (int i = 0; i < n && !tsq_cancel_signal(); i++) {
		if (!(c[i].status & CHUNK_COMPRESSED) || c[i].end <= from || c[i].start >= to)
			continue;
		struct maint_action a = { t, "decompress", piece(m), c[i].name, c[i].start, c[i].end,
		    -1, -1, -1 };
		const char *params[1] = { c[i].name };
		if (!m->o->dry_run)
			chunk_bytes(m, &a, &a.bytes_before, &a.bytes_after);
		a.bytes_after = -1;
		char path[64];
		maint_do(m, &a, maint_backend_sql(m, "decompress_chunk.sql", path, sizeof path), 1, params, NULL);
	}
	chunks_free(c, n);
}

static void
horizon_record(struct tsq_maint *m, const struct tsq_relation *t, int64_t end)
{
	char to[TSQ_TIME_BUFSIZE];
	const char *params[3] = { t->schema, t->name, to };

	if (!m->has_retention || m->o->dry_run || end == INT64_MAX)
		return;
	tsq_format_time(end, to);
	if (!maint_checked(m, "compress/horizon_record.sql", 3, params, NULL))
		m->failures++;
}

/* ---- dropping ---- */

/*
 * The range of what a drop at CUT removes from T: chunks or partitions whose
 * range ended by then (never a table's last partition).  False when there is
 * none; -1 on failure.
 */
int
maint_drop_region(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut, struct maint_range *gone)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;
	int found = 0;

	if (!maint_checked(m, t->hypertable ? "timescaledb/chunks.sql" : "postgres/partitions.sql",
	    2, params, &res))
		return -1;
	int n = PQntuples(res), from_col = t->hypertable ? 1 : 3;
	for (int i = 0; i < (t->hypertable ? n : n - 1); i++) {
		int64_t start = maint_int64(res, i, from_col, INT64_MIN);
		int64_t end = maint_int64(res, i, from_col + 1, INT64_MAX);
		if (end > cut)
			break;
		if (!found)
			gone->from = start;
		gone->to = end;
		found = 1;
	}
	PQclear(res);
	return found;
}

static void
drop_chunks_older(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut)
{
	struct chunk *c;
	bool enabled;
	int n = chunks_of(m, t, &c, &enabled);

	if (n < 0)
		return;
	for (int i = 0; i < n && c[i].end <= cut && !tsq_cancel_signal(); i++) {
		char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];
		struct maint_action a = { t, "drop", "chunk", c[i].name, c[i].start, c[i].end, -1, -1, -1 };
		tsq_format_time(c[i].start, from);
		tsq_format_time(c[i].end, to);
		const char *params[3] = { t->display, from, to };
		if (!m->o->dry_run) {
			int64_t uncompressed;
			chunk_bytes(m, &a, &a.bytes_before, &uncompressed);
		}
		if (maint_do(m, &a, "timescaledb/drop_chunk.sql", 3, params, NULL))
			horizon_record(m, t, c[i].end);
	}
	chunks_free(c, n);
}

static void
after_drop_partition(struct tsq_maint *m, struct maint_action *a, const PGresult *res)
{
	(void)m;
	a->bytes_before = maint_int64(res, 0, 0, -1);
}

static void
drop_partitions_older(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;
	char path[64];

	/* Citus measures the partition over the cluster; elsewhere PostgreSQL's. */
	if (maint_backend_sql(m, "drop_partition.sql", path, sizeof path) == NULL)
		snprintf(path, sizeof path, "postgres/drop_partition.sql");
	if (!maint_checked(m, "postgres/partitions.sql", 2, params, &res)) {
		m->failures++;
		return;
	}
	/* Never the last partition: the table keeps somewhere to put rows. */
	int n = PQntuples(res);
	for (int i = 0; i < n - 1 && !tsq_cancel_signal(); i++) {
		int64_t start = maint_int64(res, i, 3, INT64_MIN), end = maint_int64(res, i, 4, INT64_MAX);
		if (end > cut)
			break;
		struct maint_action a = { t, m->o->keep_tables ? "detach" : "drop", "partition",
		    PQgetvalue(res, i, 0), start, end, -1, -1, -1 };
		const char *p[5] = { t->schema, t->name, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
		    m->o->keep_tables ? "true" : "false" };
		if (maint_do(m, &a, path, 5, p, after_drop_partition))
			horizon_record(m, t, end);
	}
	PQclear(res);
}

void
maint_premake(struct tsq_maint *m, const struct tsq_relation *t, int64_t ahead)
{
	char usec[32];
	const char *params[3] = { t->schema, t->name, usec };
	int64_t today = maint_floor_to(m->now, TSQ_USEC_PER_DAY);
	struct maint_action a = { t, "premake", "partitions", "ahead", today,
	    today + ahead + TSQ_USEC_PER_DAY, -1, -1, -1 };
	PGresult *res;

	snprintf(usec, sizeof usec, "%" PRId64, ahead);
	/* Only when one is missing: a run with nothing to do records nothing. */
	char f[TSQ_TIME_BUFSIZE], e[TSQ_TIME_BUFSIZE];
	tsq_format_time(a.from, f);
	tsq_format_time(a.to, e);
	const char *probe[4] = { t->schema, t->name, f, e };
	res = tsq_exec(m->s.conn, "SELECT tsq.has_partitions($1, $2, $3::timestamptz, $4::timestamptz)",
	    4, probe);
	if (!tsq_result_ok(res)) {
		struct tsq_buf msg = TSQ_BUF_INIT;
		tsq_result_message(res, m->s.conn, &msg);
		tsq_error("could not check the partitions ahead of %s: %s", t->display, msg.data);
		tsq_report_details(res);
		tsq_buf_free(&msg);
		PQclear(res);
		m->failures++;
		return;
	}
	bool have = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!have)
		maint_do(m, &a, "postgres/premake.sql", 3, params, maint_after_rows);
}

/*
 * Drop what T holds from before CUT, its rollups refreshed over it first:
 * raw data never goes before the aggregates of it are materialized.
 */
void
maint_drop_older(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut, int64_t window,
    bool refreshed)
{
	struct maint_range gone;
	int found = maint_drop_region(m, t, cut, &gone);

	if (found < 0) {
		m->failures++;
		return;
	}
	if (!refreshed && maint_refresh_rollups(m, t, window, &gone, found) > 0) {
		tsq_error("not dropping anything from %s: its rollups could not be refreshed first",
		    t->display);
		return;
	}
	if (found == 0 || tsq_cancel_signal())
		return;
	if (t->hypertable)
		drop_chunks_older(m, t, cut);
	else
		drop_partitions_older(m, t, cut);
}

