#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "conn.h"
#include "ident.h"
#include "log.h"
#include "mem.h"
#include "script.h"
#include "pgcodes.h"

static bool
fetch(PGconn *conn, const char *path, int nparams, const char *const *params, PGresult **res,
    struct tsq_buf *err)
{
	*res = tsq_exec(conn, tsq_sql_file(path), nparams, params);
	if (tsq_result_ok(*res))
		return true;
	tsq_buf_adds(err, "could not read the catalog: ");
	tsq_result_message(*res, conn, err);
	PQclear(*res);
	*res = NULL;
	return false;
}

static bool
read_key(PGconn *conn, const char *oid, struct tsq_table *t, struct tsq_buf *err)
{
	const char *params[1] = { oid };
	PGresult *res;

	if (!fetch(conn, "catalog/key.sql", 1, params, &res, err))
		return false;
	if (PQntuples(res) == 1) {
		char *p = PQgetvalue(res, 0, 0), *end;
		t->key = xcalloc(strlen(p) + 1, sizeof *t->key);
		t->key_is_primary = PQgetvalue(res, 0, 1)[0] == 't';
		for (;;) {
			long attnum = strtol(p, &end, 10);
			if (end == p)
				break;
			for (int i = 0; i < t->ncols; i++)
				if (t->cols[i].attnum == attnum)
					t->key[t->nkey++] = i;
			p = end;
		}
	}
	PQclear(res);
	return true;
}

static bool
read_time_column(PGconn *conn, const struct tsq_backend *b, const char *oid,
    struct tsq_table *t, struct tsq_buf *err)
{
	PGresult *res;
	const char *params[2] = { t->schema, t->name };
	const char *pg_params[1] = { oid };

	t->time_col = -1;
	t->nsegmentby = -1;
	if (b->kind == TSQ_BACKEND_TIMESCALEDB) {
		if (!fetch(conn, "timescaledb/time_column.sql", 2, params, &res, err))
			return false;
		if (PQntuples(res) == 1) {
			t->hypertable = true;
			t->time_col = tsq_table_column(t, PQgetvalue(res, 0, 0));
			if (!PQgetisnull(res, 0, 1))
				t->chunk_usec = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
			if (PQgetvalue(res, 0, 2)[0] == 't') {
				char *list = xstrdup(PQgetvalue(res, 0, 3)), *save = NULL;
				t->segmentby = xcalloc((size_t)t->ncols + 1, sizeof *t->segmentby);
				t->nsegmentby = 0;
				for (char *c = strtok_r(list, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
					int attnum = atoi(c);
					for (int i = 0; i < t->ncols; i++)
						if (t->cols[i].attnum == attnum)
							t->segmentby[t->nsegmentby++] = i;
				}
				free(list);
			}
		}
		PQclear(res);
		if (t->hypertable)
			return true;
	}
	if (!fetch(conn, "postgres/time_column.sql", 1, pg_params, &res, err))
		return false;
	if (PQntuples(res) == 1)
		t->time_col = tsq_table_column(t, PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/*
 * NAME did not name a table.  Say why a name that does not parse is refused,
 * and hint at the quotes a mixed-case name needs (PostgreSQL folds unquoted
 * names to lower case).
 */
static void
explain_name(PGconn *conn, const char *name, const PGresult *failed, struct tsq_buf *err,
    struct tsq_buf *hint)
{
	const char *params[1] = { name };

	if (failed) {
		tsq_buf_addf(err, "invalid table name \"%s\": ", name);
		tsq_result_message(failed, conn, err);
		tsq_buf_adds(hint, "write a name as SQL does: schema.table, with double quotes around "
		    "a name that has capitals, blanks or dots (\"My Table\")");
		return;
	}
	tsq_buf_addf(err, "table \"%s\" does not exist", name);
	PGresult *res = tsq_exec(conn, "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
	    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE c.relname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1 LIMIT 1", 1, params);
	if (tsq_result_ok(res) && PQntuples(res) == 1)
		tsq_buf_addf(hint, "unquoted names are folded to lower case: to name the table %s, "
		    "write '\"%s\"'", PQgetvalue(res, 0, 0), name);
	PQclear(res);
}

bool
tsq_relation_find(PGconn *conn, const struct tsq_backend *b, const char *name, const char *kinds,
    struct tsq_relation *r, struct tsq_buf *err, struct tsq_buf *hint)
{
	const char *params[2] = { name, NULL };
	PGresult *res;

	memset(r, 0, sizeof *r);
	res = tsq_exec(conn, tsq_sql_file("catalog/table.sql"), 1, params);
	if (!tsq_result_ok(res)) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state && (strcmp(state, TSQ_STATE_INVALID_NAME) == 0 || strcmp(state, TSQ_STATE_SYNTAX_ERROR) == 0 ||
		    strcmp(state, TSQ_STATE_INVALID_SCHEMA_NAME) == 0 || strcmp(state, TSQ_STATE_FEATURE_NOT_SUPPORTED) == 0 ||
		    strcmp(state, TSQ_STATE_INVALID_CATALOG_NAME) == 0))
			explain_name(conn, name, res, err, hint);
		else {
			tsq_buf_adds(err, "could not read the catalog: ");
			tsq_result_message(res, conn, err);
		}
		PQclear(res);
		return false;
	}
	if (PQntuples(res) != 1) {
		explain_name(conn, name, NULL, err, hint);
		PQclear(res);
		return false;
	}
	r->relkind = PQgetvalue(res, 0, 3)[0];
	if (strchr(kinds, r->relkind) == NULL) {
		tsq_buf_addf(err, "\"%s\" is not a table", name);
		PQclear(res);
		return false;
	}
	snprintf(r->oid_text, sizeof r->oid_text, "%s", PQgetvalue(res, 0, 0));
	r->oid = (uint32_t)strtoul(r->oid_text, NULL, 10);
	r->schema = xstrdup(PQgetvalue(res, 0, 1));
	r->name = xstrdup(PQgetvalue(res, 0, 2));
	r->display = xstrdup(PQgetvalue(res, 0, 4));
	PQclear(res);
	if (b && b->kind == TSQ_BACKEND_TIMESCALEDB) {
		params[0] = r->schema;
		params[1] = r->name;
		if (!fetch(conn, "timescaledb/is_hypertable.sql", 2, params, &res, err))
			return false;
		r->hypertable = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
	}
	return true;
}

bool
tsq_relation_lookup(PGconn *conn, const struct tsq_backend *b, const char *name,
    struct tsq_relation *r)
{
	struct tsq_buf err = TSQ_BUF_INIT, hint = TSQ_BUF_INIT;
	bool ok = tsq_relation_find(conn, b, name, "rpvm", r, &err, &hint);

	if (!ok) {
		tsq_error("%s", err.data);
		if (hint.len)
			tsq_hint("%s", hint.data);
		tsq_relation_free(r);
	}
	tsq_buf_free(&err);
	tsq_buf_free(&hint);
	return ok;
}

void
tsq_relation_free(struct tsq_relation *r)
{
	TSQ_FREE(r->schema, r->name, r->display);
	memset(r, 0, sizeof *r);
}

bool
tsq_table_describe(PGconn *conn, const struct tsq_backend *b, const char *name,
    struct tsq_table *t, struct tsq_buf *err, struct tsq_buf *hint)
{
	const char *params[1];
	struct tsq_relation r;
	PGresult *res;
	char oid[16];

	memset(t, 0, sizeof *t);
	t->time_col = -1;
	t->dist_col = -1;
	t->nsegmentby = -1;
	if (!tsq_relation_find(conn, NULL, name, "rp", &r, err, hint)) {
		tsq_relation_free(&r);
		return false;
	}
	snprintf(oid, sizeof oid, "%s", r.oid_text);
	t->oid = r.oid;
	t->relkind = r.relkind;
	t->schema = r.schema;
	t->name = r.name;
	free(r.display);
	struct tsq_buf q = TSQ_BUF_INIT;
	tsq_quote_ident(&q, t->schema);
	tsq_buf_addc(&q, '.');
	tsq_quote_ident(&q, t->name);
	t->quoted = tsq_buf_detach(&q);

	params[0] = oid;
	if (!fetch(conn, "catalog/columns.sql", 1, params, &res, err))
		return false;
	t->ncols = PQntuples(res);
	t->cols = xcalloc((size_t)t->ncols + 1, sizeof *t->cols);
	for (int i = 0; i < t->ncols; i++) {
		struct tsq_column *c = &t->cols[i];
		c->name = xstrdup(PQgetvalue(res, i, 0));
		c->attnum = atoi(PQgetvalue(res, i, 1));
		c->type_name = xstrdup(PQgetvalue(res, i, 7));
		tsq_type_init(&c->type, (uint32_t)strtoul(PQgetvalue(res, i, 2), NULL, 10),
		    (uint32_t)strtoul(PQgetvalue(res, i, 3), NULL, 10), c->type_name);
		c->not_null = PQgetvalue(res, i, 4)[0] == 't';
		c->has_default = PQgetvalue(res, i, 5)[0] == 't';
		c->generated = PQgetvalue(res, i, 6)[0] == 't';
		c->serial = PQgetvalue(res, i, 8)[0] == 't';
		if (!PQgetisnull(res, i, 9))
			c->default_expr = xstrdup(PQgetvalue(res, i, 9));
		c->comparable = PQgetvalue(res, i, 10)[0] == 't';
	}
	PQclear(res);
	if (b->kind == TSQ_BACKEND_CITUS) {
		if (!fetch(conn, "citus/distributed.sql", 1, params, &res, err))
			return false;
		t->distributed = PQgetvalue(res, 0, 0)[0] == 't';
		if (!PQgetisnull(res, 0, 1))
			t->dist_col = tsq_table_column(t, PQgetvalue(res, 0, 1));
		PQclear(res);
	}
	return read_key(conn, oid, t, err) && read_time_column(conn, b, oid, t, err);
}

int
tsq_table_column(const struct tsq_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	for (int i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

void
tsq_table_free(struct tsq_table *t)
{
	for (int i = 0; i < t->ncols; i++) {
		TSQ_FREE(t->cols[i].name, t->cols[i].type_name, t->cols[i].default_expr);
	}
	TSQ_FREE(t->cols, t->key, t->segmentby, t->schema, t->name, t->quoted);
	memset(t, 0, sizeof *t);
}
