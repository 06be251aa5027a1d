#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "loader.h"
#include "mapper.h"
#include "mem.h"
#include "pgcodes.h"

/* How far back (in the time column) rows sharing the rest of a key are numbered. */
#define ORDINAL_WINDOW_USEC (INT64_C(3600) * 1000000)
/* At most this many unknown input columns are named in the error. */
#define LIST_UNKNOWN 10

/*
 * The rows already numbered, by group (the rest of the key): a hash set of
 * the groups seen within the window, with their counts.
 */
struct ordinal_entry {
	uint64_t hash;		/* 0: empty */
	int64_t time;		/* latest time of the group */
	uint32_t count;
};

struct tsq_ordinals {
	struct ordinal_entry *e;
	size_t cap, n;
	int64_t max_time;	/* latest time read */
	int64_t forgotten;	/* groups before this time may have been dropped */
};

static void
ordinals_free(struct tsq_ordinals *o)
{
	if (o) {
		free(o->e);
		free(o);
	}
}

static struct ordinal_entry *
ordinal_slot(struct tsq_ordinals *o, uint64_t hash)
{
	size_t i = hash & (o->cap - 1);
	while (o->e[i].hash && o->e[i].hash != hash)
		i = (i + 1) & (o->cap - 1);
	return &o->e[i];
}

/* Rebuild the set at CAP entries, keeping only groups within the window. */
static void
ordinals_rebuild(struct tsq_ordinals *o, size_t cap, int64_t keep_from)
{
	struct ordinal_entry *old = o->e;
	size_t oldcap = o->cap;

	o->e = xcalloc(cap, sizeof *o->e);
	o->cap = cap;
	o->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].hash == 0 || old[i].time < keep_from)
			continue;
		*ordinal_slot(o, old[i].hash) = old[i];
		o->n++;
	}
	if (keep_from > o->forgotten)
		o->forgotten = keep_from;
	free(old);
}

/*
 * The ordinal of a row of group HASH at TIME: 1 for the first such row, 2
 * for the next...  0 when the row is older than the groups kept.
 */
static uint32_t
ordinal_next(struct tsq_ordinals *o, uint64_t hash, int64_t time)
{
	if (hash == 0)
		hash = 1;
	if (time > o->max_time)
		o->max_time = time;
	if ((o->n + 1) * 2 > o->cap) {
		int64_t keep_from = o->max_time > INT64_MIN + ORDINAL_WINDOW_USEC ?
		    o->max_time - ORDINAL_WINDOW_USEC : INT64_MIN;
		ordinals_rebuild(o, o->cap, keep_from);
		if ((o->n + 1) * 4 > o->cap)
			ordinals_rebuild(o, o->cap * 2, INT64_MIN);
	}
	struct ordinal_entry *e = ordinal_slot(o, hash);
	if (e->hash == 0) {
		if (time < o->forgotten)
			return 0;
		e->hash = hash;
		e->time = time;
		e->count = 0;
		o->n++;
	}
	if (time > e->time)
		e->time = time;
	return ++e->count;
}

/* Whether NAME is in LIST, exactly: "T" and "t" are two names (--skip-columns). */
static bool
listed(char **list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/*
 * The table column an input name loads: exactly its name, else the one
 * column equal ignoring case, when there is one and no other input column
 * already loads it.  -1 when none.
 */
static int
column_for(const struct tsq_mapper *m, const char *name)
{
	const struct tsq_table *t = m->table;
	int found = -1;

	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	for (int i = 0; i < t->ncols; i++) {
		if (strcasecmp(t->cols[i].name, name) != 0)
			continue;
		if (found >= 0)
			return -1;	/* two columns differ only in case: ambiguous */
		found = i;
	}
	for (int f = 0; found >= 0 && f < m->nfields; f++)
		if (m->field_col[f] == found)
			return -1;
	return found;
}

/* The input column named exactly NAME, or -1. */
static int
input_exactly(char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* The input column named NAME: exactly, else the only one equal ignoring case. */
static int
input_named(char *const *names, int n, const char *name)
{
	int found = input_exactly(names, n, name);

	if (found >= 0)
		return found;
	for (int i = 0; i < n; i++) {
		if (strcasecmp(names[i], name) != 0)
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

/* The --map whose sources include input NAME (of all NAMES), or -1. */
static int
map_for(const struct tsq_mapper *m, char *const *names, int n, int input, int *part)
{
	const struct tsq_mapper_opts *o = m->o;

	for (int k = 0; k < o->nmaps; k++) {
		char *copy = xstrdup(o->maps[k].name), *save = NULL;
		int j = 0;
		for (char *s = strtok_r(copy, "+", &save); s; s = strtok_r(NULL, "+", &save), j++) {
			/* JSON keys match exactly: a record may have "T" and "t". */
			if ((m->keyed ? input_exactly(names, n, s) : input_named(names, n, s)) == input) {
				free(copy);
				*part = j;
				return k;
			}
		}
		free(copy);
	}
	return -1;
}

/*
 * The table column input KEYS[I] would load, through a --map or by its own
 * name; -1 when none.
 */
static int
key_column(const struct tsq_mapper *m, char *const *keys, int n, int i)
{
	int part, k = map_for(m, keys, n, i, &part);

	if (k >= 0)
		return tsq_table_column(m->table, m->o->maps[k].value);
	return column_for(m, keys[i]);
}

/* The keys of a JSON-lines record, as input names. */
static char **
record_keys(const struct tsq_record *rec)
{
	char **keys = xcalloc(rec->nfields + 1, sizeof *keys);
	for (size_t i = 0; i < rec->nfields; i++)
		keys[i] = (char *)rec->fields[i].key;
	return keys;
}

static int
map_parts(const char *src)
{
	int n = 1;
	for (const char *p = src; *p; p++)
		n += *p == '+';
	return n;
}

static int
add_field(struct tsq_mapper *m, int col)
{
	int f = m->nfields++;
	m->field_col = xreallocarray(m->field_col, (size_t)m->nfields + 1, sizeof *m->field_col);
	m->sources = xreallocarray(m->sources, (size_t)m->nfields + 1, sizeof *m->sources);
	m->field_col[f] = col;
	m->sources[f].inputs = NULL;
	m->sources[f].ninputs = 0;
	if (col == m->table->time_col)
		m->time_field = f;
	const struct tsq_column *c = &m->table->cols[col];
	if (strcmp(c->name, "symbol") == 0 && (c->type.oid == TSQ_OID_TEXT ||
	    c->type.oid == TSQ_OID_VARCHAR))
		m->symbol_field = f;
	return f;
}

static void
source_add(struct tsq_source *s, int input, int part, int nparts)
{
	if (s->inputs == NULL) {
		s->inputs = xcalloc((size_t)nparts + 1, sizeof *s->inputs);
		for (int i = 0; i < nparts; i++)
			s->inputs[i] = -1;
		s->ninputs = nparts;
	}
	s->inputs[part] = input;
}

/* The field loading table column COL, or -1. */
static int
field_of(const struct tsq_mapper *m, int col)
{
	for (int f = 0; f < m->nfields; f++)
		if (m->field_col[f] == col)
			return f;
	return -1;
}

/* Grow the per-name and per-field scratch to the current sizes. */
static void
scratch(struct tsq_mapper *m)
{
	m->name_field = xreallocarray(m->name_field, (size_t)m->nnames + 1, sizeof *m->name_field);
	m->values = xreallocarray(m->values, (size_t)m->nfields + 1, sizeof *m->values);
	m->field_start = xreallocarray(m->field_start, (size_t)m->nfields + 2,
	    sizeof *m->field_start);
}

/*
 * Map input column I (named NAMES[I]) to a row field.  Returns the field, -1
 * when the column is dropped, -2 when the table has no such column (UNKNOWN
 * gets it), -3 on another error (in ERR).
 */
static int
map_input(struct tsq_mapper *m, char *const *names, int n, int i, struct tsq_buf *err)
{
	const struct tsq_table *t = m->table;
	const struct tsq_mapper_opts *o = m->o;
	int part = 0, k = map_for(m, names, n, i, &part);
	int col;

	if (k < 0 && listed(o->skip, o->nskip, names[i]))
		return -1;
	if (k >= 0) {
		col = tsq_table_column(t, o->maps[k].value);
		if (col < 0)
			return -3;	/* reported by tsq_mapper_init */
		/* Another part of the same --map A+B=COLUMN made the field already. */
		int f = field_of(m, col);
		if (f >= 0 && map_parts(o->maps[k].name) > 1 && m->sources[f].inputs[part] < 0) {
			source_add(&m->sources[f], i, part, map_parts(o->maps[k].name));
			return f;
		}
	} else {
		col = column_for(m, names[i]);
	}
	if (col < 0)
		return o->ignore_extra ? -1 : -2;
	if (t->cols[col].generated) {
		tsq_buf_addf(err, "column \"%s\" of table %s is generated and cannot be loaded\n",
		    t->cols[col].name, t->quoted);
		return -3;
	}
	int f = field_of(m, col);
	if (f >= 0) {
		int other = 0;
		for (int j = 0; j < m->nnames; j++)
			if (m->name_field[j] == f)
				other = j + 1;
		tsq_buf_addf(err, "column \"%s\" appears twice in the input (columns %d and %d)\n",
		    t->cols[col].name, other, i + 1);
		return -3;
	}
	for (int s = 0; s < o->nsets; s++) {
		if (column_for(m, o->sets[s].name) == col) {
			tsq_buf_addf(err, "--set %s: column \"%s\" also comes from the input\n",
			    o->sets[s].name, t->cols[col].name);
			return -3;
		}
	}
	f = add_field(m, col);
	source_add(&m->sources[f], i, part, k >= 0 ? map_parts(o->maps[k].name) : 1);
	return f;
}

static void
report_unknown(const struct tsq_mapper *m, char *const *names, const int *unknown, int n,
    struct tsq_buf *err)
{
	if (n == 1) {
		tsq_buf_addf(err, "table %s has no column \"%s\" (input column %d)\n", m->table->quoted,
		    names[unknown[0]], unknown[0] + 1);
		return;
	}
	tsq_buf_addf(err, "table %s has no columns ", m->table->quoted);
	for (int i = 0; i < n && i < LIST_UNKNOWN; i++)
		tsq_buf_addf(err, "%s\"%s\" (input column %d)", i ? ", " : "", names[unknown[i]],
		    unknown[i] + 1);
	if (n > LIST_UNKNOWN)
		tsq_buf_addf(err, " and %d more", n - LIST_UNKNOWN);
	tsq_buf_adds(err, "\n");
}

/* The --set fields, encoded once. */
static bool
add_sets(struct tsq_mapper *m, struct tsq_buf *err)
{
	const struct tsq_table *t = m->table;
	const struct tsq_mapper_opts *o = m->o;
	bool ok = true;

	m->set_off = xcalloc((size_t)o->nsets + 2, sizeof *m->set_off);
	for (int i = 0; i < o->nsets; i++) {
		int col = tsq_table_column(t, o->sets[i].name);
		if (col < 0) {
			tsq_buf_addf(err, "--set %s: table %s has no column \"%s\"\n", o->sets[i].name,
			    t->quoted, o->sets[i].name);
			ok = false;
			continue;
		}
		if (field_of(m, col) >= 0) {
			ok = false;	/* reported by map_input: it also comes from the input */
			continue;
		}
		int64_t usec;
		const char *e = tsq_convert(&t->cols[col].type, o->sets[i].value,
		    strlen(o->sets[i].value), false, &o->conv, &m->set_bytes, &usec, &m->msg);
		if (e) {
			tsq_buf_addf(err, "--set %s: %s\n", o->sets[i].name, e);
			ok = false;
			continue;
		}
		add_field(m, col);
		m->set_off[++m->nsets] = m->set_bytes.len;
	}
	return ok;
}

static bool
is_key(const struct tsq_table *t, int col)
{
	for (int k = 0; k < t->nkey; k++)
		if (t->key[k] == col)
			return true;
	return false;
}

static bool
integer_column(const struct tsq_column *c)
{
	return c->type.conv == TSQ_CONV_INT2 || c->type.conv == TSQ_CONV_INT4 ||
	    c->type.conv == TSQ_CONV_INT8;
}

/*
 * Columns that need a value and get none.  NUMBER: an integer key column
 * among them is numbered (see mapper.h).  Any other is an error (ERR), or
 * for JSON lines (ERR NULL) a column each record is checked for.
 */
static bool
check_required(struct tsq_mapper *m, bool number, struct tsq_buf *err)
{
	const struct tsq_table *t = m->table;
	bool ok = true;

	m->nmissing = 0;
	for (int c = 0; c < t->ncols; c++) {
		const struct tsq_column *col = &t->cols[c];
		if (field_of(m, c) >= 0 || !col->not_null || col->has_default || col->generated)
			continue;
		if (number && m->ordinal_field < 0 && is_key(t, c) && integer_column(col)) {
			m->ordinal_field = add_field(m, c);
			continue;
		}
		if (err == NULL) {
			m->missing = xreallocarray(m->missing, (size_t)m->nmissing + 1, sizeof *m->missing);
			m->missing[m->nmissing++] = c;
			continue;
		}
		tsq_buf_addf(err, "column \"%s\" of table %s needs a value, and the input does not "
		    "have it\n", col->name, t->quoted);
		ok = false;
	}
	return ok;
}

bool
tsq_mapper_init(struct tsq_mapper *m, const struct tsq_table *t,
    const struct tsq_mapper_opts *o, char *const *names, int n, bool keyed, struct tsq_buf *err)
{
	bool ok = true;
	int *unknown = xcalloc((size_t)n + 1, sizeof *unknown), nunknown = 0;

	memset(m, 0, sizeof *m);
	m->table = t;
	m->o = o;
	m->keyed = keyed;
	m->ordinal_field = -1;
	m->time_field = -1;
	m->symbol_field = -1;
	tsq_buf_init(&m->set_bytes);
	tsq_buf_init(&m->joined);
	tsq_buf_init(&m->msg);
	for (int k = 0; k < o->nmaps; k++) {
		if (tsq_table_column(t, o->maps[k].value) < 0) {
			tsq_buf_addf(err, "--map %s=%s: table %s has no column \"%s\"\n", o->maps[k].name,
			    o->maps[k].value, t->quoted, o->maps[k].value);
			ok = false;
		}
		char *copy = xstrdup(o->maps[k].name), *save = NULL;
		for (char *s = strtok_r(copy, "+", &save); s && !keyed; s = strtok_r(NULL, "+", &save)) {
			if (input_named(names, n, s) < 0) {
				tsq_buf_addf(err, "--map %s=%s: the input has no column \"%s\"\n",
				    o->maps[k].name, o->maps[k].value, s);
				ok = false;
			}
		}
		free(copy);
	}
	m->names = xcalloc((size_t)n + 1, sizeof *m->names);
	m->nnames = n;
	scratch(m);
	for (int i = 0; i < n; i++) {
		m->names[i] = xstrdup(names[i]);
		int f = map_input(m, names, n, i, err);
		m->name_field[i] = f >= 0 ? f : -1;
		if (f == -2)
			unknown[nunknown++] = i;
		if (f == -3)
			ok = false;
	}
	if (nunknown) {
		report_unknown(m, names, unknown, nunknown, err);
		ok = false;
	}
	free(unknown);
	m->ninput = m->nfields;
	ok = add_sets(m, err) && ok;
	if (keyed) {
		m->fixed = n > 0;
		check_required(m, m->fixed, NULL);
	} else {
		if (ok && m->ninput == 0) {
			tsq_buf_addf(err, "no input column matches a column of table %s\n", t->quoted);
			ok = false;
		}
		ok = ok && check_required(m, true, err);
	}
	m->ordinals = xcalloc(1, sizeof *m->ordinals);
	m->ordinals->cap = 1024;
	m->ordinals->e = xcalloc(m->ordinals->cap, sizeof *m->ordinals->e);
	m->ordinals->max_time = m->ordinals->forgotten = INT64_MIN;
	scratch(m);
	tsq_buf_rtrim(err);
	return ok;
}

void
tsq_mapper_free(struct tsq_mapper *m)
{
	tsq_opt_list_free(m->names, m->nnames);
	for (int f = 0; f < m->nfields; f++)
		free(m->sources[f].inputs);
	TSQ_FREE(m->sources, m->field_col, m->set_off, m->keypos, m->routepos, m->missing,
	    m->name_field, m->values, m->field_start);
	tsq_buf_free(&m->set_bytes);
	tsq_buf_free(&m->joined);
	tsq_buf_free(&m->msg);
	ordinals_free(m->ordinals);
	memset(m, 0, sizeof *m);
}

void
tsq_mapper_set_key(struct tsq_mapper *m, const int *keypos, int nkey)
{
	const struct tsq_table *t = m->table;

	free(m->keypos);
	m->keypos = xcalloc((size_t)nkey + 1, sizeof *m->keypos);
	memcpy(m->keypos, keypos, (size_t)nkey * sizeof *keypos);
	m->nkey = nkey;
	free(m->routepos);
	m->routepos = xcalloc((size_t)t->ncols + 1, sizeof *m->routepos);
	m->nroute = 0;
	m->route_bucket = 0;
	if (t->nsegmentby >= 0 && t->chunk_usec > 0) {
		/* A compressed hypertable: one worker per compressed batch. */
		for (int i = 0; i < t->nsegmentby; i++) {
			int f = field_of(m, t->segmentby[i]);
			if (f >= 0)
				m->routepos[m->nroute++] = f;
		}
		if (m->time_field >= 0)
			m->route_bucket = t->chunk_usec;
		return;
	}
	memcpy(m->routepos, keypos, (size_t)nkey * sizeof *keypos);
	m->nroute = nkey;
}

void
tsq_mapped_init(struct tsq_mapped *out)
{
	memset(out, 0, sizeof *out);
	tsq_buf_init(&out->tuple);
	tsq_buf_init(&out->key);
}

void
tsq_mapped_free(struct tsq_mapped *out)
{
	tsq_buf_free(&out->tuple);
	tsq_buf_free(&out->key);
}

static enum tsq_map_status
reject(struct tsq_mapped *out, const char *column, const char *error)
{
	out->column = column;
	out->error = error;
	return TSQ_MAP_REJECT;
}

/* Keyed records: each field to its row field, or the reason the record is refused. */
static enum tsq_map_status
match_keys(struct tsq_mapper *m, const struct tsq_record *rec, struct tsq_mapped *out)
{
	const struct tsq_mapper_opts *o = m->o;
	const struct tsq_table *t = m->table;
	/* The keys so far were the input's names in their order: none can repeat. */
	bool in_order = true;

	for (size_t i = 0; i < rec->nfields; i++) {
		const struct tsq_field *fld = &rec->fields[i];
		/* Keys match exactly: "T" and "t" of one record are two keys. */
		bool here = i < (size_t)m->nnames && strcmp(m->names[i], fld->key) == 0;
		int in = here ? (int)i : input_exactly(m->names, m->nnames, fld->key);
		in_order = in_order && here;
		if (in < 0) {
			if (listed(o->skip, o->nskip, fld->key))
				continue;
			char **keys = record_keys(rec);
			int col = key_column(m, keys, (int)rec->nfields, (int)i);
			free(keys);
			if (col >= 0 && field_of(m, col) < 0 && !m->fixed)
				return TSQ_MAP_NEW_COLUMNS;
			if (o->ignore_extra && col < 0)
				continue;
			tsq_buf_reset(&m->msg);
			if (m->fixed)
				tsq_buf_addf(&m->msg, "key \"%s\" is not in --columns", fld->key);
			else if (col < 0)
				tsq_buf_addf(&m->msg, "table %s has no column \"%s\"", t->quoted, fld->key);
			else
				tsq_buf_addf(&m->msg, "key \"%s\" names column \"%s\", which the load "
				    "fills otherwise", fld->key, t->cols[col].name);
			return reject(out, fld->key, m->msg.data);
		}
		int f = m->name_field[in];
		if (f < 0)
			continue;
		/* A key given twice in one object: which value was meant? */
		for (size_t j = 0; j < i && !in_order; j++) {
			if (strcmp(rec->fields[j].key, fld->key) == 0) {
				tsq_buf_reset(&m->msg);
				tsq_buf_addf(&m->msg, "key \"%s\" appears twice in the record", fld->key);
				return reject(out, fld->key, m->msg.data);
			}
		}
		m->values[f] = fld;
	}
	return TSQ_MAP_ROW;
}

/* The value of input field F of the record, NULL when it is null. */
static const char *
value_of(struct tsq_mapper *m, int f, bool keyed, const struct tsq_record *rec, size_t *len,
    bool *json)
{
	const struct tsq_source *s = &m->sources[f];

	*json = false;
	if (keyed || s->ninputs == 1) {
		const struct tsq_field *v = keyed ? m->values[f] : &rec->fields[s->inputs[0]];
		if (v == NULL || v->val == NULL)
			return NULL;
		*len = v->len;
		*json = v->json;
		return v->val;
	}
	/* Several input columns: their values joined by a space; any null makes it null. */
	tsq_buf_reset(&m->joined);
	for (int i = 0; i < s->ninputs; i++) {
		const struct tsq_field *v = &rec->fields[s->inputs[i]];
		if (v->val == NULL)
			return NULL;
		if (i)
			tsq_buf_addc(&m->joined, ' ');
		tsq_buf_add(&m->joined, v->val, v->len);
	}
	*len = m->joined.len;
	return m->joined.data;
}

/* Whether table column C is one of T's key columns. */
/*
 * Whether the record has no value but its key: every input field of a
 * column outside the key and the time column is NULL, --null, empty or NaN
 * (and there is one).
 */
static bool
empty_row(struct tsq_mapper *m, const struct tsq_record *rec, bool keyed)
{
	const char *null = m->o->null_string;
	int values = 0;

	for (int f = 0; f < m->ninput; f++) {
		if (f == m->time_field || is_key(m->table, m->field_col[f]))
			continue;
		values++;
		size_t len = 0;
		bool json;
		const char *v = value_of(m, f, keyed, rec, &len, &json);
		if (v == NULL || len == 0)
			continue;
		if (!json && null && len == strlen(null) && memcmp(v, null, len) == 0)
			continue;
		if (!json && len == 3 && strncasecmp(v, "nan", 3) == 0)
			continue;
		return false;
	}
	return values > 0;
}

/*
 * A feed's id that is not an integer (hex, a UUID), for a bigint column of
 * the table's key (trade_id, quote_id): the first 8 bytes of the SHA-256
 * of its text, big-endian, the top bit cleared, so that the same id is the
 * same key on every load (tsq.text_id computes it in SQL).
 */
static void
put_text_id(struct tsq_buf *tu, const char *v, size_t len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	uint64_t id = 0;

	SHA256((const unsigned char *)v, len, md);
	for (int i = 0; i < 8; i++)
		id = id << 8 | md[i];
	tsq_put_u32(tu, 8);
	tsq_put_u64(tu, id & (uint64_t)INT64_MAX);
}

/* The input column name(s) a field comes from, for messages. */
static const char *
source_name(const struct tsq_mapper *m, int f)
{
	const struct tsq_source *s = &m->sources[f];
	return s->ninputs > 0 && s->inputs[0] >= 0 ? m->names[s->inputs[0]] : "?";
}

/*
 * The numbered key field (--map's ordinal): the next number of the row's
 * group, the other key fields as encoded, appended to the tuple.
 */
static enum tsq_map_status
encode_ordinal(struct tsq_mapper *m, struct tsq_mapped *out)
{
	const struct tsq_table *t = m->table;
	struct tsq_buf *tu = &out->tuple;
	/* The group: the other key fields, as encoded (the numbered field comes last). */
	uint64_t h = UINT64_C(1469598103934665603);
	m->field_start[m->ordinal_field] = tu->len;
	for (int k = 0; k < m->nkey; k++) {
		int f = m->keypos[k];
		if (f != m->ordinal_field)
			h = h * UINT64_C(0x100000001b3) ^ tsq_key_hash(tu->data + m->field_start[f],
			    m->field_start[f + 1] - m->field_start[f]);
	}
	uint32_t n = ordinal_next(m->ordinals, h, out->has_time ? out->time : INT64_MIN);
	if (n == 0) {
		tsq_buf_reset(&m->msg);
		tsq_buf_addf(&m->msg, "no value for column \"%s\", and the row is more than an "
		    "hour earlier than rows read before it, so it cannot be numbered (sort the "
		    "input by time)", t->cols[m->field_col[m->ordinal_field]].name);
		return reject(out, t->cols[m->field_col[m->ordinal_field]].name, m->msg.data);
	}
	char text[24];
	snprintf(text, sizeof text, "-%u", n);
	int64_t usec;
	tsq_convert(&t->cols[m->field_col[m->ordinal_field]].type, text, strlen(text), false,
	    &m->o->conv, tu, &usec, &m->msg);
	return TSQ_MAP_ROW;
}

/* The row's key (its key fields as encoded) and the hashes that route it. */
static void
encode_key(struct tsq_mapper *m, const struct tsq_record *rec, struct tsq_mapped *out)
{
	const struct tsq_buf *tu = &out->tuple;

	tsq_buf_reset(&out->key);
	for (int k = 0; k < m->nkey; k++) {
		int f = m->keypos[k];
		tsq_buf_add(&out->key, tu->data + m->field_start[f],
		    m->field_start[f + 1] - m->field_start[f]);
	}
	out->key_hash = out->key.len ? tsq_key_hash(out->key.data, out->key.len) :
	    (uint64_t)rec->line;
	if (m->nroute == m->nkey && m->route_bucket == 0) {
		out->route_hash = out->key_hash;
	} else {
		uint64_t h = m->route_bucket && out->has_time ?
		    (uint64_t)(out->time / m->route_bucket - (out->time % m->route_bucket < 0)) : 0;
		for (int k = 0; k < m->nroute; k++) {
			int f = m->routepos[k];
			h = h * UINT64_C(0x100000001b3) ^ tsq_key_hash(tu->data + m->field_start[f],
			    m->field_start[f + 1] - m->field_start[f]);
		}
		out->route_hash = tsq_key_hash(&h, sizeof h);
	}
}

enum tsq_map_status
tsq_mapper_encode(struct tsq_mapper *m, const struct tsq_record *rec, bool keyed,
    struct tsq_mapped *out)
{
	const struct tsq_table *t = m->table;
	const struct tsq_mapper_opts *o = m->o;
	struct tsq_buf *tu = &out->tuple;
	enum tsq_map_status st;

	/* JSON numbers have their point: the marks are for CSV and TSV. */
	struct tsq_convert_opts conv_json = o->conv;
	conv_json.decimal_mark = conv_json.group_mark = 0;

	out->has_time = false;
	out->symbol_len = 0;
	out->absent = 0;
	out->empty = false;
	out->column = out->error = NULL;
	if (keyed) {
		for (int f = 0; f < m->ninput; f++)
			m->values[f] = NULL;
		if ((st = match_keys(m, rec, out)) != TSQ_MAP_ROW)
			return st;
		if (m->nmissing > 0) {
			const char *name = t->cols[m->missing[0]].name;
			tsq_buf_reset(&m->msg);
			tsq_buf_addf(&m->msg, "key \"%s\" is missing, and column \"%s\" needs a value",
			    name, name);
			return reject(out, name, m->msg.data);
		}
	} else if ((int)rec->nfields != m->nnames) {
		tsq_buf_reset(&m->msg);
		tsq_buf_addf(&m->msg, "expected %d fields, found %zu", m->nnames, rec->nfields);
		return reject(out, NULL, m->msg.data);
	}
	out->empty = empty_row(m, rec, keyed);
	if (out->empty && o->skip_empty)
		return TSQ_MAP_SKIP;

	tsq_buf_reset(tu);
	tsq_put_u16(tu, (uint16_t)m->nfields);
	for (int f = 0; f < m->ninput; f++) {
		const struct tsq_column *col = &t->cols[m->field_col[f]];
		size_t len = 0;
		bool json;
		const char *v = value_of(m, f, keyed, rec, &len, &json);
		m->field_start[f] = tu->len;
		if (v == NULL || (o->null_string && !json && len == strlen(o->null_string) &&
		    memcmp(v, o->null_string, len) == 0)) {
			/* A key the record lacks: its column's default, as before the key first came. */
			if (keyed && m->values[f] == NULL && col->default_expr && f < 64) {
				out->absent |= UINT64_C(1) << f;
				tsq_copy_null(tu);
				continue;
			}
			if (col->not_null) {
				tsq_buf_reset(&m->msg);
				if (keyed && m->values[f] == NULL)
					tsq_buf_addf(&m->msg, "key \"%s\" is missing, and column \"%s\" needs "
					    "a value", source_name(m, f), col->name);
				else
					tsq_buf_addf(&m->msg, "null value in column \"%s\" violates not-null "
					    "constraint", col->name);
				return reject(out, col->name, m->msg.data);
			}
			tsq_copy_null(tu);
			continue;
		}
		int64_t usec = 0;
		const char *e = tsq_convert(&col->type, v, len, json, keyed ? &conv_json : &o->conv, tu,
		    &usec, &m->msg);
		if (e && !json && col->type.conv == TSQ_CONV_INT8 && len > 0 &&
		    is_key(t, m->field_col[f])) {
			put_text_id(tu, v, len);
			e = NULL;
		}
		if (e)
			return reject(out, col->name, e);
		if (f == m->time_field) {
			out->time = usec;
			out->has_time = true;
		}
	}
	for (int s = 0; s < m->nsets; s++) {
		m->field_start[m->ninput + s] = tu->len;
		tsq_buf_add(tu, m->set_bytes.data + m->set_off[s], m->set_off[s + 1] - m->set_off[s]);
	}
	if (m->ordinal_field >= 0 && (st = encode_ordinal(m, out)) != TSQ_MAP_ROW)
		return st;
	m->field_start[m->nfields] = tu->len;
	if (m->symbol_field >= 0) {
		/* The field: its length (4 bytes, -1 for NULL), then the bytes. */
		size_t a = m->field_start[m->symbol_field], b = m->field_start[m->symbol_field + 1];
		out->symbol_off = a + 4;
		out->symbol_len = b > a + 4 ? b - a - 4 : 0;
	}

	encode_key(m, rec, out);
	return TSQ_MAP_ROW;
}

bool
tsq_mapper_extend(struct tsq_mapper *m, const struct tsq_record *rec, struct tsq_buf *err)
{
	bool ok = true;
	bool first = m->nnames == 0;

	/* New input fields go before the --set ones: shift those. */
	int nsets_fields = m->nfields - m->ninput - (m->ordinal_field >= 0 ? 1 : 0);
	int *set_cols = xcalloc((size_t)nsets_fields + 1, sizeof *set_cols);
	for (int s = 0; s < nsets_fields; s++)
		set_cols[s] = m->field_col[m->ninput + s];
	int ordinal_col = m->ordinal_field >= 0 ? m->field_col[m->ordinal_field] : -1;
	m->nfields = m->ninput;
	m->ordinal_field = -1;
	if (m->time_field >= m->ninput)
		m->time_field = -1;
	if (m->symbol_field >= m->ninput)
		m->symbol_field = -1;

	char **keys = record_keys(rec);
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *key = rec->fields[i].key;
		if (input_exactly(m->names, m->nnames, key) >= 0)
			continue;
		int col = key_column(m, keys, (int)rec->nfields, (int)i);
		if (col < 0 || field_of(m, col) >= 0 || listed(m->o->skip, m->o->nskip, key))
			continue;
		bool is_set = false;
		for (int s = 0; s < nsets_fields; s++)
			is_set |= set_cols[s] == col;
		if (is_set || col == ordinal_col)
			continue;	/* a key naming such a column is refused row by row */
		m->names = xreallocarray(m->names, (size_t)m->nnames + 2, sizeof *m->names);
		m->names[m->nnames] = xstrdup(key);
		m->nnames++;
		scratch(m);
		char **names = m->names;
		int f = map_input(m, names, m->nnames, m->nnames - 1, err);
		m->name_field[m->nnames - 1] = f >= 0 ? f : -1;
		if (f == -3)
			ok = false;
	}
	free(keys);
	m->ninput = m->nfields;
	for (int s = 0; s < nsets_fields; s++)
		add_field(m, set_cols[s]);
	free(set_cols);
	if (ordinal_col >= 0)
		m->ordinal_field = add_field(m, ordinal_col);
	/* The first record settles which key column is numbered. */
	check_required(m, first, NULL);
	scratch(m);
	tsq_buf_rtrim(err);
	return ok;
}
