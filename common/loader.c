#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "convert.h"
#include "ident.h"
#include "loader.h"
#include "route.h"
#include "datetime.h"
#include "log.h"
#include "mem.h"
#include "reader.h"
#include "script.h"
#include "pgcodes.h"

#define STAGE "pg_temp.tsq_load_stage"
/* The rows of a batch being isolated, numbered in the order they are written. */
#define ISO "pg_temp.tsq_load_iso"
#define SEND_CHUNK (256u * 1024)

/*
 * A batch this big goes straight to the workers when it can: the few
 * statements per batch that costs (on each node a transaction, the
 * coordinator's count) are paid back many times over by the rows the
 * coordinator no longer forwards.  Smaller ones, a live feed's, go through
 * it.
 */
#define ROUTE_MIN_ROWS 5000

static void
add_ident(struct tsq_buf *b, const char *prefix, const char *name)
{
	if (prefix)
		tsq_buf_adds(b, prefix);
	tsq_quote_ident(b, name);
}

/* "a", "b", "c" */
static void
add_list(struct tsq_buf *b, const struct tsq_table *t, const int *cols, int n, const char *prefix)
{
	for (int i = 0; i < n; i++) {
		if (i)
			tsq_buf_adds(b, ", ");
		add_ident(b, prefix, t->cols[cols[i]].name);
	}
}

/* One side of the "values changed" test; types without equality compare as text. */
static void
add_compared(struct tsq_buf *b, const struct tsq_table *t, const int *cols, int n,
    const char *prefix)
{
	tsq_buf_addc(b, '(');
	for (int i = 0; i < n; i++) {
		const struct tsq_column *c = &t->cols[cols[i]];
		if (i)
			tsq_buf_adds(b, ", ");
		add_ident(b, prefix, c->name);
		if (!c->comparable)
			tsq_buf_adds(b, "::text");
	}
	tsq_buf_addc(b, ')');
}

/* "time" BETWEEN $1 AND $2, the bounds cast to the time column's own type. */
static void
add_in_range(struct tsq_buf *b, const struct tsq_table *t, const char *prefix)
{
	const struct tsq_column *c = &t->cols[t->time_col];

	add_ident(b, prefix, c->name);
	tsq_buf_addf(b, " BETWEEN $1::%s AND $2::%s", c->type_name, c->type_name);
}

/*
 * Column ALL[I] as the staging table holds it, for comparing with the
 * table's: columns tsq does not convert are staged as text and cast back.
 */
static void
add_staged(struct tsq_buf *b, const struct tsq_table *t, const int *all, int i, int ncols,
    bool as_text)
{
	const struct tsq_column *c = &t->cols[all[i]];

	add_ident(b, "s.", c->name);
	if (c->type.conv == TSQ_CONV_OTHER && i < ncols)
		tsq_buf_addf(b, "::%s", c->type_name);
	if (as_text)
		tsq_buf_adds(b, "::text");
}

static int
index_in(const int *all, int nall, int col)
{
	for (int i = 0; i < nall; i++)
		if (all[i] == col)
			return i;
	return -1;
}

/*
 * A reload sends rows the table holds already.  ON CONFLICT DO UPDATE would
 * lock each of them before its WHERE finds it unchanged; this statement
 * deletes them from the staging table first, by a join that only reads the
 * table, so that the upsert gets only the rows that are new or changed.
 * UPDATE (NUPDATE columns) compares values; without it a key alone makes a
 * row unchanged (DO NOTHING).  RANGE adds the batch's time range, so that
 * the join reads only the partitions or chunks the batch falls in.
 */
static char *
prune_sql(const struct tsq_table *t, const char *stage, const int *all, int nall, int ncols,
    const int *update, int nupdate, bool range, bool count)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	tsq_buf_addf(&b, count ? "SELECT count(*) FROM %s s, %s t WHERE " :
	    "DELETE FROM %s s USING %s t WHERE ", stage, t->quoted);
	for (int k = 0; k < t->nkey; k++) {
		if (k)
			tsq_buf_adds(&b, " AND ");
		add_ident(&b, "t.", t->cols[t->key[k]].name);
		tsq_buf_adds(&b, " = ");
		add_staged(&b, t, all, index_in(all, nall, t->key[k]), ncols, false);
	}
	if (range) {
		tsq_buf_adds(&b, " AND ");
		add_in_range(&b, t, "t.");
	}
	if (update && nupdate > 0) {
		tsq_buf_adds(&b, " AND ");
		add_compared(&b, t, update, nupdate, "t.");
		tsq_buf_adds(&b, " IS NOT DISTINCT FROM (");
		for (int i = 0; i < nupdate; i++) {
			if (i)
				tsq_buf_adds(&b, ", ");
			add_staged(&b, t, all, index_in(all, nall, update[i]), ncols,
			    !t->cols[update[i]].comparable);
		}
		tsq_buf_adds(&b, ")");
	}
	return tsq_buf_detach(&b);
}

static bool
loaded(const int *cols, int n, int col)
{
	for (int i = 0; i < n; i++)
		if (cols[i] == col)
			return true;
	return false;
}

/* The columns a plan writes, in groups. */
struct tsq_colsets {
	int *missing, nmissing;	/* key columns the input does not fill: their default */
	int *all, nall;		/* every column written: the loaded ones, then missing */
	int *update, nupdate;	/* loaded columns outside the key: what an upsert sets */
	bool has_other;		/* a loaded column is sent as text and cast by the server */
};

static void
colsets_free(struct tsq_colsets *cs)
{
	TSQ_FREE(cs->missing, cs->all, cs->update);
}

/*
 * Sort the loaded columns COLS into CS, and settle the conflict mode: none
 * when a key column takes fresh serial numbers, do-nothing when an upsert
 * would have nothing to set.
 */
static enum tsq_conflict
choose_columns(struct tsq_load_plan *p, const struct tsq_table *t, const int *cols, int ncols,
    enum tsq_conflict conflict, struct tsq_colsets *cs)
{
	cs->missing = xcalloc((size_t)t->nkey + 1, sizeof *cs->missing);
	cs->all = xcalloc((size_t)(ncols + t->nkey) + 1, sizeof *cs->all);
	cs->update = xcalloc((size_t)ncols + 1, sizeof *cs->update);
	for (int k = 0; k < t->nkey; k++) {
		if (loaded(cols, ncols, t->key[k]))
			continue;
		if (t->cols[t->key[k]].serial)
			conflict = TSQ_CONFLICT_NONE;	/* fresh numbers never conflict */
		cs->missing[cs->nmissing++] = t->key[k];
	}
	if (conflict != TSQ_CONFLICT_NONE) {
		for (int k = 0; k < t->nkey; k++)
			for (int i = 0; i < ncols; i++)
				if (cols[i] == t->key[k])
					p->keypos[p->nkey++] = i;
	} else {
		cs->nmissing = 0;
	}
	for (int i = 0; i < ncols; i++) {
		if (t->cols[cols[i]].type.conv == TSQ_CONV_OTHER)
			cs->has_other = true;
		cs->all[cs->nall++] = cols[i];
		bool is_key = false;
		for (int k = 0; k < t->nkey; k++)
			is_key |= t->key[k] == cols[i];
		if (!is_key)
			cs->update[cs->nupdate++] = cols[i];
	}
	for (int i = 0; i < cs->nmissing; i++)
		cs->all[cs->nall++] = cs->missing[i];
	if (conflict == TSQ_CONFLICT_UPDATE && cs->nupdate == 0)
		conflict = TSQ_CONFLICT_NOTHING;
	return conflict;
}

/*
 * The staging table NAME: the loaded columns (text for types cast later) and
 * the key columns left to their defaults.  A temporary table empties itself
 * at each commit; the unlogged one a writer distributes on Citus is emptied
 * by the next batch.
 */
static char *
stage_sql(const struct tsq_table *t, int ncols, const struct tsq_colsets *cs, const char *name,
    bool numbered)
{
	struct tsq_buf b = TSQ_BUF_INIT;
	bool temp = strncmp(name, "pg_temp.", 8) == 0;

	if (temp)
		tsq_buf_addf(&b, "CREATE TEMP TABLE %s ON COMMIT DELETE ROWS AS SELECT ", name + 8);
	else
		tsq_buf_addf(&b, "CREATE UNLOGGED TABLE %s AS SELECT ", name);
	for (int i = 0; i < cs->nall; i++) {
		const struct tsq_column *c = &t->cols[cs->all[i]];
		if (i)
			tsq_buf_adds(&b, ", ");
		add_ident(&b, NULL, c->name);
		if (c->type.conv == TSQ_CONV_OTHER && i < ncols) {
			tsq_buf_adds(&b, "::text AS ");
			add_ident(&b, NULL, c->name);
		}
	}
	if (numbered)
		tsq_buf_adds(&b, ", 0::integer AS tsq_n, 0::bigint AS tsq_absent");
	tsq_buf_addf(&b, " FROM %s WITH NO DATA", t->quoted);
	for (int i = 0; i < cs->nmissing; i++) {
		const struct tsq_column *c = &t->cols[cs->missing[i]];
		if (c->default_expr == NULL)
			continue;
		tsq_buf_addf(&b, "; ALTER TABLE %s ALTER COLUMN ", name);
		add_ident(&b, NULL, c->name);
		tsq_buf_addf(&b, " SET DEFAULT %s", c->default_expr);
	}
	if (numbered)
		tsq_buf_adds(&b, "; CREATE INDEX ON " ISO " (tsq_n); CREATE TEMP TABLE tsq_load_iso_out "
		    "(n integer, c1 bigint, c2 bigint, state text, message text, detail text, col text) "
		    "ON COMMIT DELETE ROWS");
	return tsq_buf_detach(&b);
}

/*
 * Backfills mostly go into time ranges that hold nothing yet.  When the time
 * column is part of the key, no row of a batch can conflict if its time
 * range is empty, and the batch can be copied straight in; and the rows
 * already there unchanged can be pruned from the staging table by range.
 */
static bool
time_in_key(const struct tsq_table *t, const int *cols, int ncols)
{
	bool in = false;

	for (int k = 0; k < t->nkey; k++)
		in |= t->key[k] == t->time_col && t->time_col >= 0;
	return in && loaded(cols, ncols, t->time_col);
}

static void
fast_paths(struct tsq_load_plan *p, const struct tsq_table *t, const int *cols, int ncols,
    const struct tsq_colsets *cs)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	if (time_in_key(t, cols, ncols) && !cs->has_other) {
		tsq_buf_addf(&b, "COPY %s (", t->quoted);
		add_list(&b, t, cols, ncols, NULL);
		tsq_buf_adds(&b, ") FROM STDIN (FORMAT binary)");
		p->direct_copy_sql = tsq_buf_detach(&b);
		/* Not EXISTS: Citus would gather the range's rows to answer it; a LIMIT goes to each shard. */
		tsq_buf_addf(&b, "SELECT 1 FROM %s WHERE ", t->quoted);
		add_in_range(&b, t, "");
		tsq_buf_adds(&b, " LIMIT 1");
		p->range_sql = tsq_buf_detach(&b);
	}
	tsq_buf_free(&b);
}

/*
 * INSERT .. SELECT from the staging table, with the ON CONFLICT clause of
 * the mode, each counting the rows it wrote by RETURNING them (a Citus
 * coordinator reports the rows it sent to the workers as the command's
 * count, not those written).  An upsert tells inserted rows from updated
 * ones by xmax (0 on a freshly inserted row); partitioned and distributed
 * tables cannot return system columns, so there the new keys go in first
 * (insert_new_sql, DO NOTHING) and the upsert that follows can only update.
 */
/* INS as a statement that returns the number of rows it wrote; INS is freed. */
static char *
counted(struct tsq_buf *ins)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	tsq_buf_addf(&b, "WITH w AS (%s RETURNING 1) SELECT count(*) FROM w", ins->data);
	tsq_buf_free(ins);
	return tsq_buf_detach(&b);
}

/*
 * The INSERT .. SELECT statements of the plan reading FROM (the staging
 * table, or a range of the isolation table): *INSERT, and for upserts into
 * partitioned or distributed tables *INSERT_NEW, which goes first.
 */
static void
insert_sqls(const struct tsq_table *t, int ncols, enum tsq_conflict conflict,
    const struct tsq_colsets *cs, const char *from, bool tagged, char **insert, char **insert_new)
{
	bool iso = strstr(from, ISO) != NULL;
	struct tsq_buf ins = TSQ_BUF_INIT, b = TSQ_BUF_INIT;

	*insert_new = NULL;
	tsq_buf_addf(&ins, "INSERT INTO %s AS t (", t->quoted);
	add_list(&ins, t, cs->all, cs->nall, NULL);
	tsq_buf_adds(&ins, ") SELECT ");
	for (int i = 0; i < cs->nall; i++) {
		const struct tsq_column *c = &t->cols[cs->all[i]];
		if (i)
			tsq_buf_adds(&ins, ", ");
		/* From the isolation table: a field the record lacked takes the column's default. */
		bool absent = iso && i < ncols && i < 64 && c->default_expr;
		if (absent)
			tsq_buf_addf(&ins, "CASE WHEN tsq_absent & %" PRIu64 "::bigint <> 0 THEN %s ELSE ",
			    UINT64_C(1) << i, c->default_expr);
		add_ident(&ins, NULL, c->name);
		if (c->type.conv == TSQ_CONV_OTHER && i < ncols)
			tsq_buf_addf(&ins, "::%s", c->type_name);
		if (absent)
			tsq_buf_adds(&ins, " END");
	}
	tsq_buf_adds(&ins, from);
	if (conflict == TSQ_CONFLICT_NOTHING || conflict == TSQ_CONFLICT_UPDATE) {
		tsq_buf_adds(&ins, " ON CONFLICT (");
		add_list(&ins, t, t->key, t->nkey, NULL);
		tsq_buf_adds(&ins, ")");
	}
	if (conflict != TSQ_CONFLICT_UPDATE) {
		if (conflict == TSQ_CONFLICT_NOTHING)
			tsq_buf_adds(&ins, " DO NOTHING");
		*insert = tagged ? tsq_buf_detach(&ins) : counted(&ins);
		return;
	}
	tsq_buf_adds(&ins, " DO UPDATE SET ");
	for (int i = 0; i < cs->nupdate; i++) {
		if (i)
			tsq_buf_adds(&ins, ", ");
		add_ident(&ins, NULL, t->cols[cs->update[i]].name);
		add_ident(&ins, " = EXCLUDED.", t->cols[cs->update[i]].name);
	}
	tsq_buf_adds(&ins, " WHERE ");
	add_compared(&ins, t, cs->update, cs->nupdate, "t.");
	tsq_buf_adds(&ins, " IS DISTINCT FROM ");
	add_compared(&ins, t, cs->update, cs->nupdate, "EXCLUDED.");
	if (t->relkind != 'p' && !t->distributed) {
		tsq_buf_addf(&b, "WITH w AS (%s RETURNING xmax = 0 AS ins) "
		    "SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM w",
		    ins.data);
		tsq_buf_free(&ins);
		*insert = tsq_buf_detach(&b);
		return;
	}
	struct tsq_buf upsert = TSQ_BUF_INIT;
	tsq_buf_add(&upsert, ins.data, ins.len);
	*insert = tagged ? tsq_buf_detach(&upsert) : counted(&upsert);
	tsq_buf_truncate(&ins, (size_t)(strstr(ins.data, " DO UPDATE SET ") - ins.data));
	tsq_buf_adds(&ins, " DO NOTHING");
	*insert_new = tagged ? tsq_buf_detach(&ins) : counted(&ins);
	tsq_buf_free(&b);
}

/*
 * The statements that write through the staging table NAME (temporary, or
 * distributed like the table).  TAGGED: the INSERTs report the rows they
 * wrote in their command tags, as a statement Citus runs on the workers
 * does; a RETURNING would send every row back to the coordinator.
 */
static void
stage_build(struct tsq_stage *s, const struct tsq_load_plan *p, const char *name, bool tagged)
{
	const struct tsq_table *t = p->table;
	const struct tsq_colsets *cs = p->cs;
	struct tsq_buf b = TSQ_BUF_INIT;

	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->tagged = tagged;
	s->create = stage_sql(t, p->ncols, cs, name, false);
	tsq_buf_addf(&b, "COPY %s (", name);
	add_list(&b, t, p->cols, p->ncols, NULL);
	tsq_buf_adds(&b, ") FROM STDIN (FORMAT binary)");
	s->copy = tsq_buf_detach(&b);
	tsq_buf_addf(&b, "TRUNCATE %s", name);
	s->empty = tsq_buf_detach(&b);
	tsq_buf_addf(&b, "DROP TABLE IF EXISTS %s", name);
	s->drop = tsq_buf_detach(&b);
	tsq_buf_addf(&b, "SELECT count(*) FROM %s", name);
	s->count = tsq_buf_detach(&b);
	tsq_buf_addf(&b, " FROM %s", name);
	insert_sqls(t, p->ncols, p->conflict, cs, b.data, tagged, &s->insert, &s->insert_new);
	if (tagged) {
		char *none;
		insert_sqls(t, p->ncols, TSQ_CONFLICT_ERROR, cs, b.data, true, &s->insert_plain, &none);
	}
	tsq_buf_free(&b);
	if (p->conflict != TSQ_CONFLICT_NOTHING && p->conflict != TSQ_CONFLICT_UPDATE)
		return;
	const int *update = p->conflict == TSQ_CONFLICT_UPDATE ? cs->update : NULL;
	s->prune = prune_sql(t, name, cs->all, cs->nall, p->ncols, update, cs->nupdate, false, false);
	if (!time_in_key(t, p->cols, p->ncols))
		return;
	s->prune_range = prune_sql(t, name, cs->all, cs->nall, p->ncols, update, cs->nupdate, true,
	    false);
	s->unchanged_range = prune_sql(t, name, cs->all, cs->nall, p->ncols, update, cs->nupdate,
	    true, true);
}

static void
stage_free(struct tsq_stage *s)
{
	char **owned[] = { &s->name, &s->create, &s->copy, &s->empty, &s->drop, &s->insert,
		&s->insert_new, &s->prune, &s->prune_range, &s->unchanged_range, &s->count,
		&s->insert_plain };

	for (size_t i = 0; i < sizeof owned / sizeof *owned; i++)
		free(*owned[i]);
	memset(s, 0, sizeof *s);
}

/*
 * On Citus, rows staged in a temporary table on the coordinator reach the
 * workers only through it: the INSERT .. SELECT gathers them there and sends
 * them on, and pruning reads the table's rows back.  Staged in a table
 * distributed by the same column and colocated with the table, every
 * statement runs shard by shard on the workers.  That needs the column
 * loaded as it is (not as text to cast).
 */
static bool
distributed_stage(const struct tsq_table *t, const int *cols, int ncols)
{
	if (!t->distributed || t->dist_col < 0 || !loaded(cols, ncols, t->dist_col))
		return false;
	return t->cols[t->dist_col].type.conv != TSQ_CONV_OTHER;
}

bool
tsq_load_plan_init(struct tsq_load_plan *p, const struct tsq_table *t, const int *cols,
    int ncols, enum tsq_conflict conflict, enum tsq_dedupe dedupe, const char *setup_sql,
    struct tsq_buf *err)
{
	struct tsq_colsets cs = { 0 };
	struct tsq_buf b = TSQ_BUF_INIT;

	memset(p, 0, sizeof *p);
	if (conflict != TSQ_CONFLICT_NONE && t->nkey == 0) {
		tsq_buf_addf(err, "table %s has no primary key or unique constraint to judge "
		    "conflicts on", t->quoted);
		return false;
	}
	p->table = t;
	p->cols = xcalloc((size_t)ncols + 1, sizeof *p->cols);
	memcpy(p->cols, cols, (size_t)ncols * sizeof *cols);
	p->ncols = ncols;
	p->dedupe = dedupe;
	p->setup_sql = setup_sql;
	p->keypos = xcalloc((size_t)t->nkey + 1, sizeof *p->keypos);
	conflict = p->conflict = choose_columns(p, t, cols, ncols, conflict, &cs);
	p->direct = (conflict == TSQ_CONFLICT_NONE || conflict == TSQ_CONFLICT_ERROR) && !cs.has_other;
	p->distributed_stage = distributed_stage(t, cols, ncols);
	p->cs = xmalloc(sizeof *p->cs);
	*p->cs = cs;

	if (p->direct) {
		tsq_buf_addf(&b, "COPY %s (", t->quoted);
		add_list(&b, t, cols, ncols, NULL);
		tsq_buf_adds(&b, ") FROM STDIN (FORMAT binary)");
		p->copy_sql = tsq_buf_detach(&b);
	} else {
		if (!p->distributed_stage)
			stage_build(&p->stage, p, STAGE, false);
		fast_paths(p, t, cols, ncols, &cs);
	}
	p->iso_sql = stage_sql(t, ncols, &cs, ISO, true);
	tsq_buf_adds(&b, "COPY " ISO " (");
	add_list(&b, t, cols, ncols, NULL);
	tsq_buf_adds(&b, ", tsq_n, tsq_absent) FROM STDIN (FORMAT binary)");
	p->iso_copy_sql = tsq_buf_detach(&b);
	return true;
}

void
tsq_load_plan_free(struct tsq_load_plan *p)
{
	free(p->cols);
	free(p->keypos);
	stage_free(&p->stage);
	TSQ_FREE(p->copy_sql, p->direct_copy_sql, p->range_sql, p->iso_sql, p->iso_copy_sql);
	if (p->cs) {
		colsets_free(p->cs);
		free(p->cs);
	}
	memset(p, 0, sizeof *p);
}

void
tsq_batch_init(struct tsq_batch *b)
{
	*b = (struct tsq_batch){ .data = TSQ_BUF_INIT, .keys = TSQ_BUF_INIT, .raw = TSQ_BUF_INIT };
	tsq_batch_reset(b);
}

void
tsq_batch_reset(struct tsq_batch *b)
{
	tsq_buf_reset(&b->data);
	tsq_buf_reset(&b->keys);
	tsq_buf_reset(&b->raw);
	b->n = b->alive = 0;
	b->norder = 0;
	b->sealed = false;
	b->any_absent = false;
	if (b->slots)
		memset(b->slots, 0, b->nslots * sizeof *b->slots);
	b->min_time = INT64_MAX;
	b->max_time = INT64_MIN;
}

void
tsq_batch_free(struct tsq_batch *b)
{
	tsq_buf_free(&b->data);
	tsq_buf_free(&b->keys);
	tsq_buf_free(&b->raw);
	TSQ_FREE(b->rows, b->slots, b->order);
	memset(b, 0, sizeof *b);
}

/* FNV-1a, then a final mix so that the low bits spread well. */
uint64_t
tsq_key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(1099511628211);
	}
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return h;
}

void
tsq_keyset_init(struct tsq_keyset *s)
{
	*s = (struct tsq_keyset){ .arena = TSQ_BUF_INIT };
}

void
tsq_keyset_free(struct tsq_keyset *s)
{
	tsq_buf_free(&s->arena);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

#define KEYSET_OFF_BITS 40
#define KEYSET_OFF_MASK ((UINT64_C(1) << KEYSET_OFF_BITS) - 1)

static void
keyset_put(uint64_t *slots, size_t nslots, uint64_t slot, uint64_t hash)
{
	size_t i = hash & (nslots - 1);
	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = slot;
}

bool
tsq_keyset_seen(struct tsq_keyset *s, const void *key, size_t klen, uint64_t hash, long line,
    long *first_line)
{
	uint64_t tag = hash & ~KEYSET_OFF_MASK;

	if ((s->n + 1) * 2 > s->nslots) {
		size_t n = s->nslots ? s->nslots * 2 : 4096;
		uint64_t *slots = xcalloc(n, sizeof *slots);
		for (size_t i = 0; i < s->nslots; i++) {
			if (!s->slots[i])
				continue;
			/* The entry's hash again, from its bytes. */
			const char *e = s->arena.data + (s->slots[i] & KEYSET_OFF_MASK) - 1;
			uint32_t len;
			memcpy(&len, e + 8, 4);
			keyset_put(slots, n, s->slots[i], tsq_key_hash(e + 12, len));
		}
		free(s->slots);
		s->slots = slots;
		s->nslots = n;
	}
	size_t i = hash & (s->nslots - 1);
	for (; s->slots[i]; i = (i + 1) & (s->nslots - 1)) {
		if ((s->slots[i] & ~KEYSET_OFF_MASK) != tag)
			continue;
		const char *e = s->arena.data + (s->slots[i] & KEYSET_OFF_MASK) - 1;
		uint32_t len;
		memcpy(&len, e + 8, 4);
		if (len == klen && memcmp(e + 12, key, klen) == 0) {
			int64_t l;
			memcpy(&l, e, 8);
			*first_line = (long)l;
			return true;
		}
	}
	int64_t l = line;
	uint32_t len = (uint32_t)klen;
	s->slots[i] = tag | ((uint64_t)s->arena.len + 1);
	tsq_buf_add(&s->arena, &l, 8);
	tsq_buf_add(&s->arena, &len, 4);
	tsq_buf_add(&s->arena, key, klen);
	s->n++;
	return false;
}

/*
 * A slot of the key table: the row's index + 1 in the low half, the high
 * half of its hash above, so that a probe reads a row only when the hashes
 * agree (a batch's rows are far apart in memory; the slots are not).
 */
static uint64_t
slot_of(size_t row, uint64_t hash)
{
	return (hash & UINT64_C(0xffffffff00000000)) | (uint64_t)(row + 1);
}

static void
rehash(struct tsq_batch *b)
{
	size_t n = b->nslots ? b->nslots * 2 : 1024;

	free(b->slots);
	b->slots = xcalloc(n, sizeof *b->slots);
	b->nslots = n;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->rows[i].alive || b->rows[i].key_len == 0)
			continue;
		size_t s = b->rows[i].hash & (n - 1);
		while (b->slots[s])
			s = (s + 1) & (n - 1);
		b->slots[s] = slot_of(i, b->rows[i].hash);
	}
}

size_t
tsq_batch_bytes(const struct tsq_batch *b)
{
	return b->data.len + b->keys.len + b->raw.len + b->n * sizeof *b->rows;
}

enum tsq_add_result
tsq_batch_add(struct tsq_batch *b, enum tsq_dedupe dedupe, const void *tuple, size_t tlen,
    const void *key, size_t klen, uint64_t hash, const struct tsq_row_origin *origin,
    long *first_line)
{
	size_t rawlen = origin->rawlen < TSQ_RECORD_PREFIX ? origin->rawlen : TSQ_RECORD_PREFIX;

	enum tsq_add_result result = TSQ_ADD_OK;
	size_t slot = 0;

	b->sealed = false;

	if (klen > 0) {
		if ((b->n + 1) * 2 > b->nslots)
			rehash(b);
		slot = hash & (b->nslots - 1);
		for (; b->slots[slot]; slot = (slot + 1) & (b->nslots - 1)) {
			if ((b->slots[slot] ^ hash) >> 32)
				continue;
			struct tsq_row *o = &b->rows[(uint32_t)b->slots[slot] - 1];
			if (o->hash != hash || o->key_len != klen ||
			    memcmp(b->keys.data + o->key_off, key, klen) != 0)
				continue;
			if (dedupe == TSQ_DEDUPE_FIRST)
				return TSQ_ADD_DUPLICATE;
			if (dedupe == TSQ_DEDUPE_ERROR) {
				*first_line = o->line;
				return TSQ_ADD_REFUSED;
			}
			o->alive = false;
			b->alive--;
			result = TSQ_ADD_DUPLICATE;
			break;
		}
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->rows = xreallocarray(b->rows, b->cap, sizeof *b->rows);
	}
	struct tsq_row *r = &b->rows[b->n];
	r->off = (uint32_t)b->data.len;
	r->len = (uint32_t)tlen;
	r->key_off = (uint32_t)b->keys.len;
	r->key_len = (uint32_t)klen;
	r->raw_off = (uint32_t)b->raw.len;
	r->raw_len = (uint32_t)rawlen;
	r->raw_size = origin->rawsize;
	r->tag = origin->tag;
	r->line = origin->line;
	r->offset = origin->offset;
	r->element = origin->element;
	r->hash = hash;
	r->absent = origin->absent;
	r->reject_written = false;
	b->any_absent |= origin->absent != 0;
	r->alive = true;
	tsq_buf_add(&b->data, tuple, tlen);
	tsq_buf_add(&b->keys, key, klen);
	tsq_buf_add(&b->raw, origin->raw, rawlen);
	if (klen > 0)
		b->slots[slot] = slot_of(b->n, hash);
	b->n++;
	b->alive++;
	return result;
}

void
tsq_writer_init(struct tsq_writer *w, PGconn *conn, const struct tsq_load_plan *plan)
{
	memset(w, 0, sizeof *w);
	w->conn = conn;
	w->plan = plan;
	tsq_buf_init(&w->fatal_msg);
	tsq_buf_init(&w->send);
}

static void
clear_rejects(struct tsq_writer *w)
{
	for (size_t i = 0; i < w->nrejects; i++) {
		TSQ_FREE(w->rejects[i].error, w->rejects[i].sqlstate, w->rejects[i].column);
	}
	w->nrejects = 0;
}

/*
 * Stop sending rows straight to the shards of route *R: WHY, for -v, says
 * why WHAT now goes through the coordinator (NULL at the end).
 */
static void
close_route(struct tsq_route **r, const char *what, const char *why)
{
	if (*r == NULL)
		return;
	if (why)
		tsq_verbose("%s through the coordinator from now on: %s", what, why);
	tsq_route_close(*r);
	free(*r);
	*r = NULL;
}

/* The staged rows, and the plain inserts. */
static void
drop_route(struct tsq_writer *w, const char *why)
{
	close_route(&w->route, "staging", why);
}

static void
drop_own(struct tsq_writer *w, const char *why)
{
	close_route(&w->own, "inserting", why);
}

void
tsq_writer_free(struct tsq_writer *w)
{
	drop_route(w, NULL);
	drop_own(w, NULL);
	stage_free(&w->stage);
	clear_rejects(w);
	free(w->rejects);
	PQclear(w->fatal);
	tsq_buf_free(&w->fatal_msg);
	tsq_buf_free(&w->send);
}

bool
tsq_sqlstate_is_row_error(const char *s)
{
	if (s == NULL)
		return false;
	return strncmp(s, "22", 2) == 0 ||	/* data exception */
	    strncmp(s, "23", 2) == 0 ||		/* integrity constraint violation */
	    strncmp(s, "44", 2) == 0 ||		/* WITH CHECK OPTION violation */
	    strncmp(s, "P0", 2) == 0 ||		/* raised by a trigger */
	    strcmp(s, TSQ_STATE_CARDINALITY_VIOLATION) == 0 ||		/* two rows for one key, after all */
	    strcmp(s, TSQ_STATE_PROGRAM_LIMIT_EXCEEDED) == 0;		/* row too big */
}

/*
 * Whether the failed RES blames a row.  A Citus coordinator reports a row a
 * worker refused during COPY with the worker's message but SQLSTATE XX000
 * (its ReportCopyError: the worker's code is not passed on); a COPY that
 * failed for another reason there has another code.
 */
static bool
row_error(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *where = PQresultErrorField(res, PG_DIAG_SOURCE_FUNCTION);

	if (tsq_sqlstate_is_row_error(state))
		return true;
	return state && strcmp(state, TSQ_STATE_INTERNAL_ERROR) == 0 && where &&
	    strcmp(where, "ReportCopyError") == 0;
}

static void
set_fatal(struct tsq_writer *w, PGresult *res, const char *what)
{
	PQclear(w->fatal);
	w->fatal = res;
	tsq_buf_reset(&w->fatal_msg);
	if (res == NULL || PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) == NULL)
		tsq_buf_addf(&w->fatal_msg, "%s: ", what);
	tsq_result_message(res, w->conn, &w->fatal_msg);
}

/* Run SQL that returns nothing of interest; NULL on success, else the result. */
static PGresult *
run(struct tsq_writer *w, const char *sql)
{
	PGresult *res = PQexec(w->conn, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Finish a COPY: its result, with any further results drained. */
static PGresult *
copy_result(PGconn *conn)
{
	PGresult *res = PQgetResult(conn), *more;

	while ((more = PQgetResult(conn)) != NULL)
		PQclear(more);
	return res;
}

static bool
put(PGconn *conn, const char *p, size_t len)
{
	while (len > 0) {
		size_t n = len < SEND_CHUNK ? len : SEND_CHUNK;
		if (PQputCopyData(conn, p, (int)n) != 1)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

PGresult *
tsq_copy_batch(PGconn *conn, struct tsq_buf *out, const char *sql, const struct tsq_batch *b,
    const size_t *idx, size_t n, bool numbered)
{
	PGresult *res = PQexec(conn, sql);
	bool ok = true;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		return res;
	PQclear(res);
	tsq_buf_reset(out);
	tsq_buf_add(out, tsq_copy_header, sizeof tsq_copy_header);
	for (size_t i = 0; i < n && ok; i++) {
		const struct tsq_row *r = &b->rows[idx[i]];
		const char *tuple = b->data.data + r->off;
		if (out->len + r->len + 10 > SEND_CHUNK) {
			ok = put(conn, out->data, out->len);
			tsq_buf_reset(out);
		}
		if (numbered) {
			/* The field count, one more; the fields; the number. */
			uint16_t nf = (uint16_t)((unsigned char)tuple[0] << 8 | (unsigned char)tuple[1]);
			tsq_put_u16(out, (uint16_t)(nf + 2));
			tuple += 2;
		}
		size_t len = numbered ? r->len - 2 : r->len;
		if (len >= SEND_CHUNK) {	/* a large row goes as it is, not copied */
			ok = ok && put(conn, out->data, out->len) && put(conn, tuple, len);
			tsq_buf_reset(out);
		} else {
			tsq_buf_add(out, tuple, len);
		}
		if (numbered) {
			tsq_put_u32(out, 4);
			tsq_put_u32(out, (uint32_t)i);
			tsq_put_u32(out, 8);
			tsq_put_u64(out, r->absent);
		}
	}
	tsq_buf_add(out, tsq_copy_trailer, sizeof tsq_copy_trailer);
	if (ok)
		ok = put(conn, out->data, out->len);
	PQputCopyEnd(conn, ok ? NULL : "tsq-load could not send the rows");
	return copy_result(conn);
}

/* The batch's time range is known and finite: it can bound a query. */
static bool
finite_range(const struct tsq_batch *b)
{
	return b->min_time <= b->max_time && b->min_time != INT64_MIN && b->max_time != INT64_MAX &&
	    b->min_time > INT64_MIN + 1 && b->max_time < INT64_MAX - 1;
}

static uint64_t
count_at(const PGresult *res, int col)
{
	return strtoull(PQgetvalue(res, 0, col), NULL, 10);
}

/* The staging table the writer's batches go through. */
static const struct tsq_stage *
stage_of(const struct tsq_writer *w)
{
	return w->plan->distributed_stage ? &w->stage : &w->plan->stage;
}

/*
 * Run the staging INSERT SQL: NULL with *N the rows it wrote (from its one
 * row of counts, or from its command tag), else the failed result.
 */
static PGresult *
insert_counted(struct tsq_writer *w, const char *sql, uint64_t *n)
{
	PGresult *res = PQexec(w->conn, sql);
	bool tagged = stage_of(w)->tagged;

	if (PQresultStatus(res) != (tagged ? PGRES_COMMAND_OK : PGRES_TUPLES_OK))
		return res;
	*n = tagged ? strtoull(PQcmdTuples(res), NULL, 10) : count_at(res, 0);
	PQclear(res);
	return NULL;
}

/*
 * Stage rows IDX[0..N) straight on the workers' shards of the staging table
 * (*ROUTED), checked by counting them through the coordinator (unless not
 * to VERIFY: the caller counts them another way): a shard moved since its
 * place was read would have lost some.  When they cannot
 * be, the coordinator stages them as before, from now on.  NULL, else the
 * coordinator's failed result.
 */
static PGresult *
route_rows(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    bool *routed, bool verify)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	PGresult *res = NULL;

	w->stage_dirty = true;	/* some node may have committed rows, whatever comes */
	PGresult *failed = NULL;
	bool copied = tsq_route_copy(w->route, w->conn, b, idx, n, NULL, &failed, &err);
	PQclear(failed);
	if (copied && !verify) {
		*routed = true;
	} else if (copied) {
		res = PQexec(w->conn, w->stage.count);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return res;
		*routed = count_at(res, 0) == n;
		PQclear(res);
		res = NULL;
		if (!*routed)
			tsq_buf_addf(&err, "the staging table holds other rows than were sent (a shard moved?)");
	}
	if (!*routed)
		drop_route(w, err.data);
	tsq_buf_free(&err);
	return res;
}

/*
 * Rows IDX[0..N) copied straight into the table's shards, each node's part
 * prepared under the id of the open transaction, which decides (commit()).
 * *DONE false: not done, nothing written (the route given up, -v says why);
 * else NULL, or the failed result of a row (the caller finds which).
 */
static PGresult *
own_insert(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    bool *done)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	PGresult *failed = NULL;
	/*
	 * The commit of this transaction is what commits the nodes' parts: it
	 * is flushed before they are told, whatever the session says.
	 */
	PGresult *res = PQexec(w->conn, "SELECT pg_current_xact_id()::text, "
	    "CASE current_setting('synchronous_commit') WHEN 'off' "
	    "THEN set_config('synchronous_commit', 'on', true) END");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return res;
	*done = tsq_route_copy(w->own, w->conn, b, idx, n, PQgetvalue(res, 0, 0), &failed, &err);
	PQclear(res);
	if (!*done && failed && row_error(failed)) {
		tsq_buf_free(&err);
		return failed;
	}
	PQclear(failed);
	if (!*done)
		drop_own(w, err.data);
	tsq_buf_free(&err);
	return NULL;
}

/*
 * Rows IDX[0..N) inserted as they are, with no ON CONFLICT (a key there
 * already fails the statement, as it would fail a COPY): straight into the
 * table's shards, or staged straight on the workers and inserted from
 * there.  *DONE false: not done, nothing written (no route, a small batch,
 * or the route given up); else NULL, or the failed result.
 */
static PGresult *
routed_insert(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    struct tsq_load_counts *acc, bool *done)
{
	uint64_t ins = 0;
	PGresult *res;

	*done = false;
	if (w->own && n >= ROUTE_MIN_ROWS) {
		if ((res = own_insert(w, b, idx, n, done)) != NULL || !*done)
			return res;
		acc->inserted += n;
		return NULL;
	}
	if (w->route == NULL || n < ROUTE_MIN_ROWS)
		return NULL;
	if ((res = route_rows(w, b, idx, n, done, true)) != NULL || !*done)
		return res;
	if ((res = insert_counted(w, w->stage.insert_plain, &ins)) != NULL)
		return res;
	acc->inserted += ins;
	return NULL;
}

/*
 * The N staged rows the table does not hold unchanged, inserted or upserted
 * from the staging table S.  Every INSERT of a plan says what it wrote
 * (insert_sqls).  NULL with ACC counted up, else the failed result.
 */
static PGresult *
insert_staged(struct tsq_writer *w, const struct tsq_stage *s, size_t n,
    struct tsq_load_counts *acc)
{
	uint64_t ins = 0, upd = 0;
	PGresult *res;

	if (w->plan->conflict == TSQ_CONFLICT_UPDATE && s->insert_new == NULL) {
		/* One upsert that tells inserted rows from updated ones by xmax. */
		res = PQexec(w->conn, s->insert);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return res;
		ins = count_at(res, 0);
		upd = count_at(res, 1);
		PQclear(res);
	} else {
		if ((res = insert_counted(w, s->insert_new ? s->insert_new : s->insert, &ins)) != NULL)
			return res;
		/* Partitioned or distributed: the new keys went in first; the upsert follows if needed. */
		if (s->insert_new && ins < n && (res = insert_counted(w, s->insert, &upd)) != NULL)
			return res;
	}
	acc->inserted += ins;
	acc->updated += upd;
	acc->unchanged += n - ins - upd;
	return NULL;
}

/*
 * Write rows IDX[0..N) inside the open transaction.  NULL on success with
 * ACC counted up, else the failed result.
 */
static PGresult *
attempt(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    struct tsq_load_counts *acc)
{
	const struct tsq_load_plan *p = w->plan;
	const struct tsq_stage *s = stage_of(w);
	PGresult *res;

	if (p->direct) {
		bool routed;
		if ((res = routed_insert(w, b, idx, n, acc, &routed)) != NULL || routed)
			return res;
	}
	/*
	 * A reload's count of unchanged rows, when it finds them all, proves
	 * they all arrived: the staged rows are counted only when it does not.
	 */
	bool unverified = false;
	if (w->route && !p->direct && n >= ROUTE_MIN_ROWS) {
		bool routed = false;
		unverified = s->prune && s->prune_range && finite_range(b);
		if ((res = route_rows(w, b, idx, n, &routed, !unverified)) != NULL)
			return res;
		if (routed)
			goto staged;
		unverified = false;
	}
restage:
	if (!p->direct && w->stage_dirty) {
		if ((res = run(w, s->empty)) != NULL)
			return res;
		w->stage_dirty = false;
	}
	res = tsq_copy_batch(w->conn, &w->send, p->direct ? p->copy_sql : s->copy, b, idx, n, false);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return res;
	if (p->direct) {
		acc->inserted += strtoull(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	w->stage_dirty = true;
staged:
	if (s->prune) {
		char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];
		const char *params[2] = { from, to };
		bool range = s->prune_range && finite_range(b);
		if (range) {
			tsq_format_time(b->min_time, from);
			tsq_format_time(b->max_time, to);
			/* A reload finds every row unchanged: counted by a join that writes nothing. */
			res = PQexecParams(w->conn, s->unchanged_range, 2, NULL, params, NULL, NULL, 0);
			if (PQresultStatus(res) != PGRES_TUPLES_OK)
				return res;
			uint64_t same = count_at(res, 0);
			PQclear(res);
			if (same == n) {
				acc->unchanged += n;
				return NULL;
			}
		}
		if (unverified) {
			unverified = false;
			res = PQexec(w->conn, s->count);
			if (PQresultStatus(res) != PGRES_TUPLES_OK)
				return res;
			bool all = count_at(res, 0) == n;
			PQclear(res);
			if (!all) {
				drop_route(w, "the staging table holds other rows than were sent (a shard moved?)");
				goto restage;
			}
		}
		res = range ? PQexecParams(w->conn, s->prune_range, 2, NULL, params, NULL, NULL, 0) :
		    PQexec(w->conn, s->prune);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return res;
		uint64_t pruned = strtoull(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		if (pruned == n) {
			acc->unchanged += n;
			return NULL;
		}
	}
	return insert_staged(w, s, n, acc);
}

/* The row a COPY error names ("COPY x, line 7"), 1-based; 0 if none. */
static size_t
copy_error_line(const PGresult *res, const char **column)
{
	const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
	const char *p = ctx ? strstr(ctx, "COPY ") : NULL;
	static __thread char col[128];

	*column = NULL;
	if (p == NULL || (p = strstr(p, ", line ")) == NULL)
		return 0;
	size_t line = strtoul(p + 7, NULL, 10);
	const char *c = strstr(p, ", column ");
	if (c) {
		c += 9;
		size_t len = strcspn(c, ":\n");
		if (len < sizeof col) {
			memcpy(col, c, len);
			col[len] = '\0';
			*column = col;
		}
	}
	return line;
}

static void
add_reject_text(struct tsq_writer *w, size_t row, const char *msg, const char *detail,
    const char *state, const char *column)
{
	struct tsq_buf e = TSQ_BUF_INIT;

	if (w->nrejects == w->rcap) {
		w->rcap = w->rcap ? w->rcap * 2 : 16;
		w->rejects = xreallocarray(w->rejects, w->rcap, sizeof *w->rejects);
	}
	tsq_buf_adds(&e, msg && *msg ? msg : "rejected by the server");
	/* "Key (x)=(1) already exists" helps; "Failing row contains" repeats the record. */
	if (detail && *detail && strncmp(detail, "Failing row contains", 20) != 0 &&
	    strlen(detail) < 300)
		tsq_buf_addf(&e, " (%s)", detail);
	struct tsq_server_reject *r = &w->rejects[w->nrejects++];
	r->row = row;
	r->error = tsq_buf_detach(&e);
	r->sqlstate = state && *state ? xstrdup(state) : NULL;
	r->column = column && *column ? xstrdup(column) : NULL;
}

static void
add_reject(struct tsq_writer *w, size_t row, const PGresult *res, const char *copy_column)
{
	const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);

	add_reject_text(w, row, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY),
	    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL), PQresultErrorField(res, PG_DIAG_SQLSTATE),
	    column ? column : copy_column);
}

static bool begin(struct tsq_writer *w);
static void rollback(struct tsq_writer *w);
static int by_row(const void *a, const void *b);

/* The results of a multi-statement query: the first error, or NULL with COUNTS filled. */
static PGresult *
results(PGconn *conn, uint64_t *counts, int ncounts)
{
	PGresult *res, *error = NULL;
	int k = 0;

	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK && error == NULL) {
			for (int c = 0; c < PQnfields(res) && k < ncounts; c++)
				counts[k++] = strtoull(PQgetvalue(res, 0, c), NULL, 10);
		} else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && error == NULL) {
			error = res;
			continue;
		}
		PQclear(res);
	}
	return error;
}

/*
 * Write the rows numbered [LO, HI) of the isolation table in a savepoint of
 * their own, with one round trip.  NULL with ACC counted up, or the failed
 * result (the savepoint rolled back and released: they never pile up).
 */
static PGresult *
attempt_range(struct tsq_writer *w, size_t lo, size_t hi, struct tsq_load_counts *acc)
{
	const struct tsq_load_plan *p = w->plan;
	struct tsq_buf sql = TSQ_BUF_INIT, from = TSQ_BUF_INIT;
	char *ins, *ins_new;
	uint64_t c[3] = { 0, 0, 0 };
	uint64_t m = hi - lo;

	/* Row numbers are the writer's own, never input. */
	tsq_buf_addf(&from, " FROM " ISO " WHERE tsq_n >= %zu AND tsq_n < %zu", lo, hi);
	insert_sqls(p->table, p->ncols, p->conflict, p->cs, from.data, false, &ins, &ins_new);
	tsq_buf_adds(&sql, "SAVEPOINT tsq_rows; ");
	if (ins_new)
		tsq_buf_addf(&sql, "%s; ", ins_new);
	tsq_buf_addf(&sql, "%s; RELEASE SAVEPOINT tsq_rows", ins);
	free(ins);
	free(ins_new);
	tsq_buf_free(&from);
	PGresult *error = PQsendQuery(w->conn, sql.data) ? results(w->conn, c, 3) : PQmakeEmptyPGresult(w->conn, PGRES_FATAL_ERROR);
	tsq_buf_free(&sql);
	if (error) {
		PGresult *rb = run(w, "ROLLBACK TO SAVEPOINT tsq_rows; RELEASE SAVEPOINT tsq_rows");
		if (rb) {
			PQclear(error);
			return rb;
		}
		return error;
	}
	if (p->conflict == TSQ_CONFLICT_UPDATE) {
		acc->inserted += c[0];
		acc->updated += c[1];
		acc->unchanged += m - c[0] - c[1];
	} else {
		acc->inserted += c[0];
		acc->unchanged += m - c[0];
	}
	return NULL;
}

/* TEXT as a dollar-quoted literal whose tag does not occur in it. */
static void
add_dollar_quoted(struct tsq_buf *b, const char *text)
{
	char tag[32];

	for (unsigned k = 0;; k++) {
		snprintf(tag, sizeof tag, "$tsq%u$", k);
		if (strstr(text, tag) == NULL)
			break;
	}
	tsq_buf_addf(b, "%s%s%s", tag, text, tag);
}

/*
 * Rows numbered [LO, HI) of the isolation table, each written in a
 * subtransaction of its own by one PL/pgSQL block on the server (one round
 * trip, however many rows fail); what each row did, or why it failed, goes
 * to the table tsq_load_iso_out.  False with *UNAVAILABLE set when the
 * server cannot run the block (no PL/pgSQL); false with w->fatal set on
 * another failure.
 */
static bool
rows_one_by_one(struct tsq_writer *w, const size_t *list, size_t lo, size_t hi,
    struct tsq_load_counts *acc, bool *unavailable)
{
	const struct tsq_load_plan *p = w->plan;
	struct tsq_buf sql = TSQ_BUF_INIT, body = TSQ_BUF_INIT;
	char *ins, *ins_new;
	bool two = p->conflict == TSQ_CONFLICT_UPDATE;

	*unavailable = false;
	insert_sqls(p->table, p->ncols, p->conflict, p->cs, " FROM " ISO " WHERE tsq_n = $1",
	    false, &ins, &ins_new);
	tsq_buf_addf(&body, "DECLARE c1 bigint := 0; c2 bigint := 0; es text; em text; ed text; "
	    "ec text; BEGIN FOR i IN %zu..%zu LOOP BEGIN ", lo, hi - 1);
	if (ins_new) {
		tsq_buf_adds(&body, "EXECUTE ");
		add_dollar_quoted(&body, ins_new);
		tsq_buf_adds(&body, " USING i INTO c1; EXECUTE ");
		add_dollar_quoted(&body, ins);
		tsq_buf_adds(&body, " USING i INTO c2; ");
	} else {
		tsq_buf_adds(&body, "EXECUTE ");
		add_dollar_quoted(&body, ins);
		tsq_buf_addf(&body, " USING i INTO %s; ", two ? "c1, c2" : "c1");
	}
	tsq_buf_adds(&body, "INSERT INTO " ISO "_out VALUES (i, c1, c2); "
	    "EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS es = RETURNED_SQLSTATE, "
	    "em = MESSAGE_TEXT, ed = PG_EXCEPTION_DETAIL, ec = COLUMN_NAME; "
	    "INSERT INTO " ISO "_out VALUES (i, NULL, NULL, es, em, ed, ec); END; END LOOP; END");
	free(ins);
	free(ins_new);
	tsq_buf_adds(&sql, "DO ");
	add_dollar_quoted(&sql, body.data);
	tsq_buf_free(&body);
	PGresult *res = run(w, sql.data);
	tsq_buf_free(&sql);
	if (res) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/* No PL/pgSQL here: the caller halves ranges down to single rows instead. */
		*unavailable = state && (strcmp(state, TSQ_STATE_UNDEFINED_OBJECT) == 0 || strcmp(state, TSQ_STATE_FEATURE_NOT_SUPPORTED) == 0 ||
		    strcmp(state, TSQ_STATE_UNDEFINED_FUNCTION) == 0);
		if (*unavailable)
			PQclear(res);
		else
			set_fatal(w, res, "could not write rows one by one");
		return false;
	}
	char range[64];
	snprintf(range, sizeof range, "%zu", lo);
	const char *params[1] = { range };
	res = PQexecParams(w->conn, "SELECT n, c1, c2, state, message, detail, col FROM " ISO "_out "
	    "WHERE n >= $1 ORDER BY n", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		set_fatal(w, res, "could not read what the rows did");
		return false;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		size_t n = strtoull(PQgetvalue(res, r, 0), NULL, 10);
		if (n < lo || n >= hi)
			continue;
		if (PQgetisnull(res, r, 1)) {
			const char *state = PQgetvalue(res, r, 3);
			if (!tsq_sqlstate_is_row_error(state)) {
				PQclear(w->fatal);
				w->fatal = NULL;
				tsq_buf_reset(&w->fatal_msg);
				tsq_buf_addf(&w->fatal_msg, "could not write rows: %s", PQgetvalue(res, r, 4));
				PQclear(res);
				return false;
			}
			add_reject_text(w, list[n], PQgetvalue(res, r, 4), PQgetvalue(res, r, 5), state,
			    PQgetvalue(res, r, 6));
			continue;
		}
		uint64_t c1 = strtoull(PQgetvalue(res, r, 1), NULL, 10);
		uint64_t c2 = PQgetisnull(res, r, 2) ? 0 : strtoull(PQgetvalue(res, r, 2), NULL, 10);
		acc->inserted += c1;
		if (two) {
			acc->updated += c2;
			acc->unchanged += 1 - c1 - c2;
		} else {
			acc->unchanged += 1 - c1;
		}
	}
	PQclear(res);
	return true;
}

/* Ranges that fail at this many rows or fewer are written row by row on the server. */
#define ROW_BY_ROW 256

/* Rows [LO, HI) of LIST: written where they can be, the others rejected one by one. */
static bool
bisect(struct tsq_writer *w, const size_t *list, size_t lo, size_t hi,
    struct tsq_load_counts *acc)
{
	if (lo == hi)
		return true;
	PGresult *res = attempt_range(w, lo, hi, acc);
	if (res == NULL)
		return true;
	if (!row_error(res)) {
		set_fatal(w, res, "could not write rows");
		return false;
	}
	if (hi - lo == 1) {
		add_reject(w, list[lo], res, NULL);
		PQclear(res);
		return true;
	}
	PQclear(res);
	if (hi - lo <= ROW_BY_ROW && !w->no_plpgsql) {
		bool unavailable;
		if (rows_one_by_one(w, list, lo, hi, acc, &unavailable))
			return true;
		if (!unavailable)
			return false;
		w->no_plpgsql = true;
	}
	size_t mid = lo + (hi - lo) / 2;
	return bisect(w, list, lo, mid, acc) && bisect(w, list, mid, hi, acc);
}

/*
 * Rows IDX[0..N) fail together in the open transaction (just begun): write
 * every row that can be written, reject the others.  They are copied once
 * into the isolation table, numbered, and written from there range by
 * range, halving the ranges that fail, each in a savepoint released at
 * once: a batch with many bad rows costs a few statements per bad row, not
 * a copy of the batch.  A row the copy itself refuses (the COPY error names
 * it) is rejected and the copy made again without it.  Returns false on an
 * error that is not about a row.
 */
static bool
isolate(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    struct tsq_load_counts *acc)
{
	size_t *list = xreallocarray(NULL, n + 1, sizeof *list);
	bool ok = true;

	memcpy(list, idx, n * sizeof *idx);
	while (n > 0) {
		PGresult *res = tsq_copy_batch(w->conn, &w->send, w->plan->iso_copy_sql, b, list, n, true);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			break;
		}
		const char *column;
		size_t line = copy_error_line(res, &column);
		if (!row_error(res) || line < 1 || line > n) {
			set_fatal(w, res, "could not copy the rows to isolate the bad ones");
			free(list);
			return false;
		}
		add_reject(w, list[line - 1], res, column);
		PQclear(res);
		/* The failed COPY left the transaction aborted: start it again. */
		rollback(w);
		if (!begin(w)) {
			free(list);
			return false;
		}
		memmove(list + line - 1, list + line, (n - line) * sizeof *list);
		n--;
	}
	ok = bisect(w, list, 0, n, acc);
	free(list);
	return ok;
}

static bool
begin(struct tsq_writer *w)
{
	PGresult *res;

	if ((res = run(w, "BEGIN")) != NULL ||
	    (w->plan->setup_sql && (res = run(w, w->plan->setup_sql)) != NULL)) {
		set_fatal(w, res, "could not start a transaction");
		return false;
	}
	return true;
}

static bool
commit(struct tsq_writer *w, const struct tsq_load_counts *acc)
{
	PGresult *res;

	w->last = *acc;

	/* In the order of the input (the rows were written grouped), for the hook and after. */
	if (w->nrejects > 1)
		qsort(w->rejects, w->nrejects, sizeof *w->rejects, by_row);
	if (w->hook.before_commit) {
		struct tsq_buf err = TSQ_BUF_INIT;
		bool ok = w->hook.before_commit(w->hook.arg, w->conn, &err);
		if (!ok) {
			PQclear(w->fatal);
			w->fatal = NULL;
			tsq_buf_reset(&w->fatal_msg);
			tsq_buf_add(&w->fatal_msg, err.data, err.len);
			tsq_buf_free(&err);
			rollback(w);
			return false;
		}
		tsq_buf_free(&err);
	}
	res = run(w, "COMMIT");

	if (res) {
		set_fatal(w, res, "could not commit");
		/*
		 * Aborted: its parts on the nodes too.  Its fate unknown (the
		 * connection lost): recovery asks the coordinator and settles them.
		 */
		if (w->own && tsq_route_pending(w->own) && PQstatus(w->conn) == CONNECTION_OK) {
			struct tsq_buf err = TSQ_BUF_INIT;
			if (!tsq_route_settle(w->own, false, &err))
				drop_own(w, err.data);
			tsq_buf_free(&err);
		} else if (w->own && tsq_route_pending(w->own)) {
			tsq_conn_note_commit_doubt();
		}
		return false;
	}
	if (w->own && tsq_route_pending(w->own)) {
		struct tsq_buf err = TSQ_BUF_INIT;
		/* Committed: what a node did not hear, the next tsq-load commits there (tsq_route_recover). */
		if (!tsq_route_settle(w->own, true, &err)) {
			tsq_warning("%s", err.data);
			tsq_conn_note_commit_doubt();	/* settled at the end, or by the next load */
			drop_own(w, NULL);
		}
		tsq_buf_free(&err);
	}
	/* A temporary staging table emptied itself; a distributed one keeps the rows. */
	w->stage_dirty = w->stage_kept;
	return true;
}

static void
rollback(struct tsq_writer *w)
{
	PGresult *res = PQexec(w->conn, "ROLLBACK");
	PQclear(res);
	if (w->own && tsq_route_pending(w->own)) {
		struct tsq_buf err = TSQ_BUF_INIT;
		if (!tsq_route_settle(w->own, false, &err))
			drop_own(w, err.data);
		tsq_buf_free(&err);
	}
	/* A distributed staging table is back to what the last commit left. */
	w->stage_dirty = w->stage_kept;
}

/*
 * Copy the batch straight into the table when nothing is in its time range
 * yet.  True when that worked (the transaction stays open for the commit);
 * false when the batch must take the staging path, the transaction then being
 * rolled back and begun again, or w->fatal set.
 */
static bool
fast_path(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    struct tsq_load_counts *acc)
{
	const struct tsq_load_plan *p = w->plan;
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];
	const char *params[2] = { from, to };

	if (p->direct || p->range_sql == NULL || !finite_range(b))
		return false;
	tsq_format_time(b->min_time, from);
	tsq_format_time(b->max_time, to);
	PGresult *res = PQexecParams(w->conn, p->range_sql, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		set_fatal(w, res, "could not look at the time range");
		rollback(w);
		return false;
	}
	bool occupied = PQntuples(res) > 0;
	PQclear(res);
	if (occupied)
		return false;
	bool routed;
	res = routed_insert(w, b, idx, n, acc, &routed);
	if (!routed && res == NULL) {
		res = tsq_copy_batch(w->conn, &w->send, p->direct_copy_sql, b, idx, n, false);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			acc->inserted += strtoull(PQcmdTuples(res), NULL, 10);
			PQclear(res);
			res = NULL;
		}
	}
	if (res == NULL) {
		acc->fast_batches++;
		return true;
	}
	/* A row came in meanwhile, or some row is bad: do it the careful way. */
	bool retry = row_error(res);
	if (!retry)
		set_fatal(w, res, "could not copy rows");
	else
		PQclear(res);
	rollback(w);
	if (retry)
		begin(w);	/* sets w->fatal_msg if it fails */
	return false;
}

/* The leading field of row R's key as the key holds it (length word and bytes); its size. */
static size_t
leading_field(const struct tsq_batch *b, const struct tsq_row *r, const unsigned char **p)
{
	const unsigned char *k = (const unsigned char *)b->keys.data + r->key_off;
	*p = k;
	if (r->key_len < 4)
		return r->key_len;
	uint32_t len = (uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | (uint32_t)k[2] << 8 | k[3];
	size_t size = 4 + (len == UINT32_MAX ? 0 : (size_t)len);	/* -1: a null */
	return size < r->key_len ? size : r->key_len;
}

/*
 * Inserting into the table's btree is most of what a load costs the server.
 * Rows of one symbol in a run go one after the other into the same few index
 * pages, where rows in time order hop from symbol to symbol across the whole
 * index; a run of the leading field's values gains nothing when that field is
 * nearly unique (a time), so then the order is kept.
 */
void
tsq_batch_order(const struct tsq_batch *b, size_t *idx, size_t n)
{
	struct group { size_t first, rows; uint64_t hash; } *groups;
	size_t ngroups = 0, limit = n / 8, nslots = 64;

	if (n < 2 || b->rows[idx[0]].key_len == 0)
		return;
	groups = xreallocarray(NULL, limit + 1, sizeof *groups);
	uint32_t *slots = xcalloc(nslots, sizeof *slots);
	uint32_t *gid = xreallocarray(NULL, n, sizeof *gid);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *f, *g;
		if ((ngroups + 1) * 2 > nslots) {
			nslots *= 2;
			free(slots);
			slots = xcalloc(nslots, sizeof *slots);
			for (size_t k = 0; k < ngroups; k++) {
				size_t t = groups[k].hash & (nslots - 1);
				while (slots[t])
					t = (t + 1) & (nslots - 1);
				slots[t] = (uint32_t)k + 1;
			}
		}
		size_t len = leading_field(b, &b->rows[idx[i]], &f);
		uint64_t h = tsq_key_hash(f, len);
		size_t s = h & (nslots - 1);
		for (; slots[s]; s = (s + 1) & (nslots - 1)) {
			const struct group *o = &groups[slots[s] - 1];
			if (o->hash == h && leading_field(b, &b->rows[o->first], &g) == len &&
			    memcmp(f, g, len) == 0)
				break;
		}
		if (slots[s] == 0) {
			if (ngroups == limit)
				goto out;	/* nearly unique: keep the order */
			groups[ngroups] = (struct group){ idx[i], 0, h };
			slots[s] = (uint32_t)++ngroups;
		}
		gid[i] = slots[s] - 1;
		groups[gid[i]].rows++;
	}
	if (ngroups > 1) {
		size_t *sorted = xreallocarray(NULL, n, sizeof *sorted), at = 0;
		for (size_t k = 0; k < ngroups; k++) {
			size_t rows = groups[k].rows;
			groups[k].rows = at;	/* now where the group's next row goes */
			at += rows;
		}
		for (size_t i = 0; i < n; i++)
			sorted[groups[gid[i]].rows++] = idx[i];
		memcpy(idx, sorted, n * sizeof *idx);
		free(sorted);
	}
out:
	TSQ_FREE(gid, slots, groups);
}

void
tsq_batch_seal(struct tsq_batch *b)
{
	if (b->alive > b->order_cap) {
		b->order_cap = b->alive;
		b->order = xreallocarray(b->order, b->order_cap, sizeof *b->order);
	}
	b->norder = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->rows[i].alive)
			b->order[b->norder++] = i;
	tsq_batch_order(b, b->order, b->norder);
	b->sealed = true;
}

static int
by_row(const void *a, const void *b)
{
	size_t x = ((const struct tsq_server_reject *)a)->row, y = ((const struct tsq_server_reject *)b)->row;
	return (x > y) - (x < y);
}

/*
 * Write rows IDX[0..N) of B from the numbered isolation table (made on first
 * use; WHY says what for, in a failure's message) in a transaction of their
 * own, and commit.
 */
static bool
write_numbered(struct tsq_writer *w, const struct tsq_batch *b, const size_t *idx, size_t n,
    struct tsq_load_counts *acc, const char *why)
{
	PGresult *res;

	if (!w->iso_made) {
		if ((res = run(w, w->plan->iso_sql)) != NULL) {
			struct tsq_buf what = TSQ_BUF_INIT;
			tsq_buf_addf(&what, "could not create the table %s", why);
			set_fatal(w, res, what.data);
			tsq_buf_free(&what);
			return false;
		}
		w->iso_made = true;
	}
	if (!begin(w))
		return false;
	if (!isolate(w, b, idx, n, acc)) {
		rollback(w);
		clear_rejects(w);
		return false;
	}
	return commit(w, acc);
}

/*
 * A default the catalog prints as a constant ('1m'::text, 0, -1.5), or
 * none: the same on the workers' shards as on the coordinator.
 */
static bool
constant_default(const char *e)
{
	if (e == NULL)
		return true;
	if (*e == '\'') {
		for (e++; *e && !(*e == '\'' && e[1] != '\''); e += *e == '\'' ? 2 : 1)
			;
		if (*e++ != '\'')
			return false;
	} else {
		e += *e == '-';
		if (!(*e >= '0' && *e <= '9'))
			return false;
		e += strspn(e, "0123456789.");
	}
	/* A cast to a plain type name may follow. */
	return *e == '\0' || (strncmp(e, "::", 2) == 0 && e[2 + strspn(e + 2,
	    "abcdefghijklmnopqrstuvwxyz0123456789_ ")] == '\0');
}

/*
 * The column list of the writer's COPY ("(a, b)") into COLS, and the field
 * of a row that holds the distribution value; -1 (-v says why) when rows
 * cannot be sent straight to the shards: the distribution column is not
 * loaded as text, or a column left to its default has one that is not a
 * constant (anything else is the coordinator's to compute).
 */
static int
route_columns(struct tsq_writer *w, struct tsq_buf *cols)
{
	const struct tsq_load_plan *p = w->plan;
	const struct tsq_table *t = p->table;
	uint32_t oid = t->cols[t->dist_col].type.oid;
	int field = -1;

	for (int i = 0; i < p->ncols; i++)
		if (p->cols[i] == t->dist_col)
			field = i;
	for (int i = 0; i < p->cs->nmissing; i++)
		if (!constant_default(t->cols[p->cs->missing[i]].default_expr))
			field = -1;
	if (field < 0 || (oid != TSQ_OID_TEXT && oid != TSQ_OID_VARCHAR)) {
		tsq_verbose("writing through the coordinator: the distribution column is not "
		    "loaded as text, or a column takes a default that is not a constant");
		return -1;
	}
	tsq_buf_addc(cols, '(');
	add_list(cols, t, p->cols, p->ncols, NULL);
	tsq_buf_addc(cols, ')');
	return field;
}

/*
 * A route to the shards of TABLE (OWN: the table's own, in two phases), or
 * NULL where there can be none (-v says why).
 */
static struct tsq_route *
route_to(struct tsq_writer *w, const char *table, bool own)
{
	struct tsq_buf cols = TSQ_BUF_INIT, err = TSQ_BUF_INIT;
	struct tsq_route *r = NULL;
	int field = route_columns(w, &cols);

	if (field >= 0) {
		r = xmalloc(sizeof *r);
		if (tsq_route_open(r, w->conn, table, cols.data, field, own, &err))
			tsq_verbose(own ? "batches of %d rows or more inserted straight into the "
			    "workers' shards of %s, each committed in two phases" :
			    "batches of %d rows or more staged straight on the workers' shards of %s",
			    ROUTE_MIN_ROWS, table);
		else
			close_route(&r, own ? "inserting" : "staging", err.data);
	}
	tsq_buf_free(&cols);
	tsq_buf_free(&err);
	return r;
}

/* Send the writer's staged rows straight to the shards of its staging table, where that can be. */
static void
open_route(struct tsq_writer *w)
{
	w->route = route_to(w, w->stage.name, false);
}

/*
 * Plain inserts (--on-conflict error, a batch into an empty time range)
 * straight into the table's shards, where that can be: tried once, with
 * the first batch big enough.
 */
static void
open_own(struct tsq_writer *w)
{
	w->own_tried = true;
	if (w->plan->direct || w->plan->range_sql)
		w->own = route_to(w, w->plan->table->quoted, true);
}

/*
 * The writer's staging table on Citus: unlogged, distributed by the table's
 * column and colocated with it, in the table's schema, named after this
 * connection's backend (tsq_load_stage_PID) so that writers never share
 * one.  Staging tables of loads that died first are dropped first.
 */
static bool
make_distributed_stage(struct tsq_writer *w)
{
	const struct tsq_table *t = w->plan->table;
	struct tsq_buf name = TSQ_BUF_INIT;
	char base[64];
	PGresult *res;

	w->stage_kept = false;
	snprintf(base, sizeof base, "tsq_load_stage_%d", PQbackendPID(w->conn));
	tsq_quote_ident(&name, t->schema);
	tsq_buf_addc(&name, '.');
	tsq_quote_ident(&name, base);
	stage_free(&w->stage);
	stage_build(&w->stage, w->plan, name.data, true);
	tsq_buf_free(&name);
	const char *params[3] = { w->stage.name, t->cols[t->dist_col].name, t->quoted };
	if ((res = run(w, tsq_sql_file("citus/stage_leftovers.sql"))) != NULL) {
		set_fatal(w, res, "could not drop the staging tables of earlier loads");
		return false;
	}
	if ((res = run(w, w->stage.create)) == NULL) {
		res = PQexecParams(w->conn, "SELECT create_distributed_table($1::regclass, $2, "
		    "colocate_with => $3)", 3, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			PQclear(res);
			w->stage_kept = true;
			w->stage_dirty = false;
			open_route(w);
			return true;
		}
		PQclear(PQexec(w->conn, w->stage.drop));
	}
	/*
	 * A role that may not create tables in the table's schema (PostgreSQL
	 * 15's default for public) stages on the coordinator, as before.
	 */
	tsq_verbose("staging on the coordinator: %s",
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : "the staging table could not be made");
	PQclear(res);
	stage_free(&w->stage);
	stage_build(&w->stage, w->plan, STAGE, false);
	if ((res = run(w, w->stage.create)) != NULL) {
		set_fatal(w, res, "could not create the staging table");
		return false;
	}
	return true;
}

/* The staging table, made once per connection, when the first batch needs it. */
static bool
make_stage(struct tsq_writer *w)
{
	PGresult *res;

	if (w->plan->distributed_stage) {
		if (!make_distributed_stage(w))
			return false;
	} else if ((res = run(w, w->plan->stage.create)) != NULL) {
		set_fatal(w, res, "could not create the staging table");
		return false;
	}
	w->staged = true;
	return true;
}

void
tsq_writer_drop_stage(struct tsq_writer *w)
{
	drop_route(w, NULL);
	drop_own(w, NULL);
	w->own_tried = false;
	if (!w->staged || w->plan == NULL || !w->stage_kept)
		return;
	if (w->conn && PQstatus(w->conn) == CONNECTION_OK &&
	    PQtransactionStatus(w->conn) == PQTRANS_IDLE)
		PQclear(PQexec(w->conn, w->stage.drop));
	w->staged = false;
	w->stage_kept = false;
}

bool
tsq_writer_flush(struct tsq_writer *w, struct tsq_batch *b)
{
	struct tsq_load_counts acc = { 0, 0, 0, 0 };
	const size_t *idx;
	size_t n;
	PGresult *res;
	bool ok = false;

	clear_rejects(w);
	PQclear(w->fatal);
	w->fatal = NULL;
	tsq_buf_reset(&w->fatal_msg);
	if (b->alive == 0)
		return true;
	if (!b->sealed)
		tsq_batch_seal(b);
	idx = b->order;
	n = b->norder;
	if (b->any_absent) {
		/* Fields that take their default: written from the numbered copy, which says which. */
		ok = write_numbered(w, b, idx, n, &acc, "to write rows with defaults from");
		goto out;
	}
	/*
	 * On Citus the routes are opened, and the staging table made, with the
	 * first batch big enough to be routed, outside its transaction.  Plain
	 * inserts straight into the table's shards need no staging table.
	 */
	if (w->plan->distributed_stage && !w->own_tried && n >= ROUTE_MIN_ROWS)
		open_own(w);
	if (w->plan->distributed_stage && !w->staged && n >= ROUTE_MIN_ROWS && w->own == NULL &&
	    !make_stage(w))
		goto out;
	if (!begin(w))
		goto out;
	if (fast_path(w, b, idx, n, &acc)) {
		ok = commit(w, &acc);
		goto out;
	}
	if (w->fatal_msg.len)
		goto out;
	if (!w->plan->direct && !w->staged) {
		/* The first batch that needs the staging table: made outside its transaction. */
		rollback(w);
		if (!make_stage(w) || !begin(w))
			goto out;
	}
	res = attempt(w, b, idx, n, &acc);
	if (res == NULL) {
		ok = commit(w, &acc);
		goto out;
	}
	if (!row_error(res)) {
		set_fatal(w, res, "could not write rows");
		rollback(w);
		goto out;
	}
	/* Some row is bad: start over and find it, keeping all the others. */
	rollback(w);
	PQclear(res);
	memset(&acc, 0, sizeof acc);
	ok = write_numbered(w, b, idx, n, &acc, "to isolate bad rows in");
out:
	if (ok) {
		/* In the order of the input (the rows were written grouped). */
		if (w->nrejects > 1)
			qsort(w->rejects, w->nrejects, sizeof *w->rejects, by_row);
		w->counts.fast_batches += acc.fast_batches;
		w->counts.inserted += acc.inserted;
		w->counts.updated += acc.updated;
		w->counts.unchanged += acc.unchanged;
	} else {
		clear_rejects(w);
	}
	return ok;
}
