/*
 * inventory.c - the overview of tsq-stats: per table and rollup, rows, time
 * range, symbols, chunks or partitions, sizes, compression, lag (stats.h).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "exit.h"
#include "ident.h"
#include "log.h"
#include "mem.h"
#include "pgcodes.h"
#include "prom.h"
#include "script.h"
#include "stats-int.h"

/*
 * One end of the time range of partitioned table row R over column TIME
 * from its partitions in the order of their ranges, the oldest first for
 * the minimum (MAX false), the newest first for the maximum: each partition
 * is read alone until one has rows.  Plain PostgreSQL has no index on the
 * time of tsq's tables, and min() over the parent would read every row.
 * Sets *FOUND; false on failure (reported).
 */
static bool
partitions_end(struct tsq_stats *s, struct stats_row *r, const PGresult *parts, const char *time,
    bool max, bool *found)
{
	int n = PQntuples(parts);

	*found = false;
	for (int k = 0; k < n && !*found; k++) {
		struct tsq_buf q = TSQ_BUF_INIT;
		tsq_buf_adds(&q, max ? "SELECT max(" : "SELECT min(");
		tsq_quote_ident(&q, time);
		tsq_buf_adds(&q, "), (extract(epoch FROM max(");
		tsq_quote_ident(&q, time);
		tsq_buf_addf(&q, ")) * 1000000)::bigint FROM %s",
		    PQgetvalue(parts, max ? n - 1 - k : k, 0));
		PGresult *res = stats_run(s, tsq_buf_detach(&q), 0, NULL);
		if (res == NULL)
			return false;
		if (!PQgetisnull(res, 0, 0)) {
			*found = true;
			if (max) {
				r->time_max = stats_dup(res, 0, 0);
				r->has_max = true;
				r->max_usec = stats_int64(res, 0, 1, 0);
			} else {
				r->time_min = stats_dup(res, 0, 0);
			}
		}
		PQclear(res);
	}
	return true;
}

/*
 * The time range of table row R partitioned by TIME, read partition by
 * partition when tsq-init's tsq.partitions() knows all their ranges.
 * *DONE is false when it does not (the caller reads the parent).
 */
static bool
partitions_range(struct tsq_stats *s, struct stats_row *r, const char *time, bool *done)
{
	const char *p[2] = { r->schema, r->name };
	PGresult *res;
	bool found;

	*done = false;
	if (!s->has_partitions)
		return true;
	if (!stats_checked(s, "postgres/stats_partitions.sql", 2, p, &res))
		return false;
	bool ok = true;
	if (PQntuples(res) > 0) {
		ok = partitions_end(s, r, res, time, false, &found);
		if (ok && found)
			ok = partitions_end(s, r, res, time, true, &found);
		*done = ok;
	}
	PQclear(res);
	return ok;
}

/*
 * The time range of REL (quoted) over column TIME (unquoted), and with
 * SYMBOLS its distinct symbols; --exact counts the rows too.  min() and
 * max() on the time column read one end of its index each (on TimescaleDB;
 * tsq's partitioned tables are read partition by partition).
 */
static bool
row_scan(struct tsq_stats *s, struct stats_row *r, const char *rel, const char *time, bool symbols)
{
	struct tsq_buf q = TSQ_BUF_INIT;
	bool exact = s->o->exact;

	if (!exact && r->kind[0] == 'p' && tsq_backend_own_partitions(s->s.b.kind)) {
		bool done;
		if (!partitions_range(s, r, time, &done))
			return false;
		if (done)
			return true;
	}

	tsq_buf_adds(&q, "SELECT min(");
	tsq_quote_ident(&q, time);
	tsq_buf_adds(&q, "), max(");
	tsq_quote_ident(&q, time);
	tsq_buf_adds(&q, "), (extract(epoch FROM max(");
	tsq_quote_ident(&q, time);
	tsq_buf_adds(&q, ")) * 1000000)::bigint");
	if (exact)
		tsq_buf_addf(&q, ", count(*)%s", symbols ? ", count(DISTINCT symbol)" : "");
	tsq_buf_addf(&q, " FROM %s", rel);
	PGresult *res = stats_run(s, tsq_buf_detach(&q), 0, NULL);
	if (res == NULL)
		return false;
	r->time_min = stats_dup(res, 0, 0);
	r->time_max = stats_dup(res, 0, 1);
	r->has_max = !PQgetisnull(res, 0, 2);
	r->max_usec = stats_int64(res, 0, 2, 0);
	if (exact) {
		r->rows = stats_int64(res, 0, 3, -1);
		if (symbols)
			r->symbols = stats_int64(res, 0, 4, -1);
	}
	PQclear(res);
	return true;
}

/* Time column, symbol column and the estimate of distinct symbols of REG. */
static bool
row_columns(struct tsq_stats *s, struct stats_row *r, const char *reg, char **time)
{
	const char *p[1] = { reg };
	PGresult *res;

	*time = NULL;
	if (!stats_checked(s, "stats/columns.sql", 1, p, &res))
		return false;
	if (r->kind[0] == 'h') {
		const char *hp[2] = { r->schema, r->name };
		PGresult *t;
		if (!stats_checked(s, "timescaledb/stats_time_column.sql", 2, hp, &t)) {
			PQclear(res);
			return false;
		}
		if (PQntuples(t) == 1)
			*time = xstrdup(PQgetvalue(t, 0, 0));
		PQclear(t);
	}
	if (*time == NULL)
		*time = stats_dup(res, 0, 0);
	bool symbols = PQgetvalue(res, 0, 1)[0] == 't';
	if (symbols && !PQgetisnull(res, 0, 2)) {
		double d = strtod(PQgetvalue(res, 0, 2), NULL);
		r->symbols = d < 0 ? llround(-d * (double)r->rows) : llround(d);
	} else if (symbols && r->kind[0] == 'h') {
		/* Compressed rows leave the hypertable without statistics: its chunks have them. */
		const char *hp[2] = { r->schema, r->name };
		PGresult *c;
		if (stats_checked(s, "timescaledb/stats_symbols.sql", 2, hp, &c)) {
			r->symbols = stats_int64(c, 0, 0, r->symbols);
			PQclear(c);
		}
	}
	PQclear(res);
	return symbols;
}

/*
 * A table a Citus cluster holds: its rows, bytes and compression over every
 * node, in place of the coordinator's own figures.  Every table's are read
 * at the first: each reading asks every node afresh.
 */
static bool
cluster_sizes(struct tsq_stats *s, struct stats_row *r)
{
	PGresult *res;

	if (s->cluster == NULL && !stats_checked(s, "citus/stats_cluster.sql", 0, NULL, &s->cluster))
		return false;
	res = s->cluster;
	for (int i = 0; i < PQntuples(res); i++) {
		if (strcmp(PQgetvalue(res, i, 0), r->display) != 0)
			continue;
		r->rows = stats_int64(res, i, 1, -1);
		r->total = stats_int64(res, i, 2, -1);
		r->table = stats_int64(res, i, 3, -1);
		r->index = r->total >= 0 && r->table >= 0 ? r->total - r->table : -1;
		r->toast = -1;	/* within table: Citus measures the two together */
		r->compressed = stats_int64(res, i, 4, -1);
		r->before = stats_int64(res, i, 5, -1);
		r->after = stats_int64(res, i, 6, -1);
		break;
	}
	return true;
}

static bool
row_sizes(struct tsq_stats *s, struct stats_row *r, const char *reg)
{
	PGresult *res;

	if (r->kind[0] == 'h') {
		const char *p[2] = { r->schema, r->name };
		if (!stats_checked(s, "timescaledb/stats_hypertable.sql", 2, p, &res))
			return false;
		r->partitions = stats_int64(res, 0, 0, -1);
		r->compressed = stats_int64(res, 0, 1, -1);
		r->rows = stats_int64(res, 0, 2, -1);
		r->total = stats_int64(res, 0, 3, -1);
		r->table = stats_int64(res, 0, 4, -1);
		r->index = stats_int64(res, 0, 5, -1);
		r->toast = stats_int64(res, 0, 6, -1);
		r->before = stats_int64(res, 0, 7, -1);
		r->after = stats_int64(res, 0, 8, -1);
	} else {
		const char *p[1] = { reg };
		if (!stats_checked(s, "stats/relation.sql", 1, p, &res))
			return false;
		r->partitions = r->kind[0] == 'p' ? stats_int64(res, 0, 0, -1) : -1;
		r->rows = stats_int64(res, 0, 1, -1);
		r->total = stats_int64(res, 0, 2, -1);
		r->table = stats_int64(res, 0, 3, -1);
		r->index = stats_int64(res, 0, 4, -1);
		r->toast = stats_int64(res, 0, 5, -1);
		if (s->has_nodes) {
			PQclear(res);
			return cluster_sizes(s, r);
		}
	}
	PQclear(res);
	return true;
}

/* Fill row R for table REG (regclass text). */
static bool
row_fill(struct tsq_stats *s, struct stats_row *r, const char *reg)
{
	r->rows = r->partitions = r->compressed = r->symbols = -1;
	r->total = r->table = r->index = r->toast = r->before = r->after = -1;
	if (!stats_row_names(s, r, reg))
		return false;
	if (!row_sizes(s, r, reg))
		return false;
	if (s->has_writes) {
		const char *p[2] = { r->schema, r->name };
		PGresult *res;
		if (!stats_checked(s, "stats/last_write.sql", 2, p, &res))
			return false;
		if (PQntuples(res) == 1) {
			r->last_insert = stats_dup(res, 0, 0);
			r->last_insert_usec = stats_int64(res, 0, 1, 0);
		}
		PQclear(res);
	}
	char *time;
	bool symbols = row_columns(s, r, reg, &time);
	bool ok = time == NULL || row_scan(s, r, r->display, time, symbols);
	free(time);
	return ok;
}

/* The rollups of table row T, appended to ROWS; false on failure (reported). */
static bool
rollups_fill(struct tsq_stats *s, const struct stats_row *t, struct stats_row **rows, int *n, int *cap)
{
	char path[64];
	const char *p[2] = { t->schema, t->name };
	PGresult *res;

	if (s->s.b.kind == TSQ_BACKEND_TIMESCALEDB && !s->s.b.has_continuous_aggregates)
		return true;
	if (tsq_backend_own_partitions(s->s.b.kind) && !s->has_rollups)
		return true;
	if (!stats_checked(s, tsq_backend_sql(s->s.b.kind, "rollups.sql", path, sizeof path), 2, p,
	    &res))
		return false;
	bool ok = true;
	for (int i = 0; i < PQntuples(res) && ok; i++) {
		const char *view = PQgetvalue(res, i, 0);
		if (*n == *cap) {
			*cap *= 2;
			*rows = xreallocarray(*rows, (size_t)*cap, sizeof **rows);
		}
		struct stats_row *r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		if (tsq_backend_own_partitions(s->s.b.kind)) {
			ok = row_fill(s, r, view);
		} else {
			/* A continuous aggregate: the hypertable it materializes into. */
			const char *vp[1] = { view };
			r->rows = r->partitions = r->compressed = r->symbols = -1;
			r->total = r->table = r->index = r->toast = r->before = r->after = -1;
			PGresult *m = NULL;
			ok = stats_row_names(s, r, view) && stats_checked(s, "timescaledb/stats_rollup.sql", 1, vp, &m);
			if (ok && PQntuples(m) == 1) {
				struct stats_row mat = { 0 };
				char *reg = xstrdup(PQgetvalue(m, 0, 0));
				mat.kind = "hypertable";
				ok = stats_row_names(s, &mat, reg);
				mat.kind = "hypertable";
				ok = ok && row_sizes(s, &mat, reg) &&
				    (PQgetisnull(m, 0, 1) || row_scan(s, &mat, reg, PQgetvalue(m, 0, 1), false));
				/* What is measured, rows to has_max (stats-int.h), is the hypertable's. */
				memcpy(&r->rows, &mat.rows, offsetof(struct stats_row, symbols) -
				    offsetof(struct stats_row, rows));
				mat.time_min = mat.time_max = NULL;
				stats_row_free(&mat);
				free(reg);
			}
			PQclear(m);
		}
		r->kind = "rollup";
		r->source = xstrdup(t->display);
		if (r->has_max && t->has_max) {
			/*
			 * Against what the rollup could hold: the bucket of the
			 * table's newest row (0 when that bucket is there).
			 */
			int64_t bucket = PQgetisnull(res, i, 1) ? 0 : strtoll(PQgetvalue(res, i, 1), NULL, 10);
			int64_t due = t->max_usec;
			if (bucket > 0)
				due = (due / bucket - (due % bucket < 0)) * bucket;
			r->has_lag = true;
			r->lag = due > r->max_usec ? (double)(due - r->max_usec) / 1e6 : 0;
		} else if (t->has_max) {
			r->has_lag = false;	/* nothing materialized yet */
		}
	}
	PQclear(res);
	return ok;
}

/* ---- the overview as rows ---- */

static void
format_ratio(const struct stats_row *r, char *buf, size_t size, const char **slot)
{
	if (r->before > 0 && r->after > 0) {
		snprintf(buf, size, "%.2f", (double)r->before / (double)r->after);
		*slot = buf;
	} else {
		*slot = NULL;
	}
}

/* BYTES for a person: 512 bytes, 16 kB, 1.2 GB (powers of 1024, as pg_size_pretty). */
static void
human_size(int64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "bytes", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u == 0 ? "%.0f %s" : v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* SECS for a person: 42s, 4m 0s, 3h 12m, 5d 2h. */
static void
human_duration(double secs, char *buf, size_t size)
{
	int64_t s = (int64_t)llround(secs < 0 ? 0 : secs);

	if (s < 60)
		snprintf(buf, size, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, size, "%" PRId64 "m %" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRId64 "h %" PRId64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%" PRId64 "d %" PRId64 "h", s / 86400, s % 86400 / 3600);
}

/*
 * The overview on a terminal, within about 120 columns: the table (schema
 * left out for public), its kind, rows, symbols, newest row to the minute,
 * chunks (compressed/all), size, compression, a rollup's lag and how long
 * ago tsq-load last wrote; --wide gives every column.
 */
static void
write_overview_narrow(struct tsq_stats *s, const struct stats_row *rows, int n)
{
	static char *names[] = { "table", "kind", "rows", "symbols", "newest", "chunks", "size",
	    "ratio", "lag", "written" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_INT8, TSQ_OID_INT8,
	    TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };
	int64_t now = tsq_now_usec();
	struct tsq_out out = stats_out_begin(s, NCOLS, names, types);

	for (int i = 0; i < n; i++) {
		const struct stats_row *r = &rows[i];
		char table[160], b[8][40];
		const char *v[NCOLS] = { table, r->kind };
		snprintf(table, sizeof table, "%s%s%s", strcmp(r->schema, "public") ? r->schema : "",
		    strcmp(r->schema, "public") ? "." : "", r->name);
		stats_put_int(b[0], sizeof b[0], r->rows, &v[2]);
		stats_put_int(b[1], sizeof b[1], r->symbols, &v[3]);
		if (r->time_max) {
			snprintf(b[2], sizeof b[2], "%.16s", r->time_max);
			v[4] = b[2];
		}
		if (r->partitions >= 0) {
			snprintf(b[3], sizeof b[3], "%" PRId64 "/%" PRId64, r->compressed > 0 ? r->compressed : 0,
			    r->partitions);
			v[5] = b[3];
		}
		if (r->total >= 0) {
			human_size(r->total, b[4], sizeof b[4]);
			v[6] = b[4];
		}
		if (r->before > 0 && r->after > 0) {
			snprintf(b[5], sizeof b[5], "%.1fx", (double)r->before / (double)r->after);
			v[7] = b[5];
		}
		if (r->has_lag) {
			human_duration(r->lag, b[6], sizeof b[6]);
			v[8] = b[6];
		}
		if (r->last_insert) {
			human_duration((double)(now - r->last_insert_usec) / 1e6, b[7], sizeof b[7] - 4);
			strcat(b[7], " ago");
			v[9] = b[7];
		}
		tsq_out_row(&out, (char *const *)v);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
}

static void
write_overview(struct tsq_stats *s, const struct stats_row *rows, int n)
{
	static char *names[] = { "schema", "table", "kind", "source", "rows", "time_min", "time_max",
	    "symbols", "chunks", "compressed_chunks", "total_bytes", "table_bytes", "index_bytes",
	    "toast_bytes", "compression_ratio", "lag_seconds", "last_insert", "backend" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_INT8,
	    TSQ_OID_TIMESTAMPTZ, TSQ_OID_TIMESTAMPTZ, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8,
	    TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_FLOAT8, TSQ_OID_FLOAT8, TSQ_OID_TIMESTAMPTZ, TSQ_OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };

	if (s->out->format == TSQ_OUT_TABLE || s->out->format == TSQ_OUT_MARKDOWN) {
		struct tsq_buf db = TSQ_BUF_INIT;
		tsq_term_safe(&db, s->database);
		fprintf(s->out->f, "%s: PostgreSQL %s", db.data, s->version);
		tsq_buf_free(&db);
		if (s->ts_version)
			fprintf(s->out->f, ", TimescaleDB %s (%s license)", s->ts_version,
			    s->license ? s->license : "unknown");
		else if (s->s.b.citus_version[0])
			fprintf(s->out->f, ", Citus %s", s->s.b.citus_version);
		else
			fputs(", plain PostgreSQL", s->out->f);
		char size[40];
		if (s->out->narrow)
			human_size(s->database_bytes, size, sizeof size);
		else
			snprintf(size, sizeof size, "%" PRId64 " bytes", s->database_bytes);
		fprintf(s->out->f, ", %s%s\n\n", size, s->s.b.citus_version[0] ? " on the coordinator" : "");
	}
	if (s->out->narrow) {
		write_overview_narrow(s, rows, n);
		return;
	}
	struct tsq_out out = stats_out_begin(s, NCOLS, names, types);
	for (int i = 0; i < n; i++) {
		const struct stats_row *r = &rows[i];
		char b[10][32];
		const char *v[NCOLS] = { r->schema, r->name, r->kind, r->source, NULL, r->time_min,
		    r->time_max };
		stats_put_int(b[0], sizeof b[0], r->rows, &v[4]);
		stats_put_int(b[1], sizeof b[1], r->symbols, &v[7]);
		stats_put_int(b[2], sizeof b[2], r->partitions, &v[8]);
		stats_put_int(b[3], sizeof b[3], r->compressed, &v[9]);
		stats_put_int(b[4], sizeof b[4], r->total, &v[10]);
		stats_put_int(b[5], sizeof b[5], r->table, &v[11]);
		stats_put_int(b[6], sizeof b[6], r->index, &v[12]);
		stats_put_int(b[7], sizeof b[7], r->toast, &v[13]);
		format_ratio(r, b[8], sizeof b[8], &v[14]);
		if (r->has_lag) {
			/* Whole seconds as such (240, not 240.000000). */
			snprintf(b[9], sizeof b[9], r->lag == floor(r->lag) ? "%.0f" : "%.6g", r->lag);
			v[15] = b[9];
		}
		v[16] = r->last_insert;
		v[17] = tsq_backend_name(s->s.b.kind);
		tsq_out_row(&out, (char *const *)v);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
}

int
stats_overview(struct tsq_stats *s)
{
	int cap = 8, n = 0;
	struct stats_row *rows = xcalloc((size_t)cap, sizeof *rows);
	bool ok = true;

	for (int i = 0; i < s->ntables && ok; i++) {
		if (n == cap) {
			cap *= 2;
			rows = xreallocarray(rows, (size_t)cap, sizeof *rows);
		}
		struct stats_row *t = &rows[n++];
		memset(t, 0, sizeof *t);
		ok = row_fill(s, t, s->tables[i]);
		if (ok) {
			struct stats_row copy = *t;	/* rows may move as rollups are added */
			ok = rollups_fill(s, &copy, &rows, &n, &cap);
		}
	}
	if (ok) {
		if (s->out->prometheus)
			ok = stats_prom_overview(s, rows, n);
		else
			write_overview(s, rows, n);
	}
	for (int i = 0; i < n; i++)
		stats_row_free(&rows[i]);
	free(rows);
	return ok ? TSQ_EXIT_OK : TSQ_EXIT_FAILURE;
}

