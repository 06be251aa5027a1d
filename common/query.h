/*
 * query.h - named query files: SQL with a header of comment lines.
 *
 *	-- description: OHLCV bars at any interval for one symbol
 *	-- param: symbol text
 *	-- param: interval interval = 1h
 *	-- param: from timestamptz = -24h
 *	SELECT ... WHERE symbol = :symbol AND time >= :from ...
 *
 * "-- compute: NAME" has tsq-query compute indicator NAME over the rows as
 * they stream (indicator.h).
 *
 * A parameter without "= DEFAULT" is required; "= null" makes it NULL when
 * not given.  In the SQL, :name marks where a parameter goes; tsq turns each
 * into a positional parameter ($1 ...) bound with the declared type, so
 * values never become SQL text.  Types: text, int, float, numeric, bool,
 * timestamptz, interval and text[] (given as a comma list).
 *
 * Files are looked up in --queries-dir, then each directory of
 * TSQ_QUERY_PATH, then $XDG_CONFIG_HOME/tsq/queries (~/.config/tsq/queries),
 * then the queries shipped with tsq; the first file of a name wins.
 */
#ifndef TSQ_QUERY_H
#define TSQ_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

enum tsq_param_type {
	TSQ_PARAM_TEXT,
	TSQ_PARAM_INT,
	TSQ_PARAM_FLOAT,
	TSQ_PARAM_NUMERIC,
	TSQ_PARAM_BOOL,
	TSQ_PARAM_TIMESTAMPTZ,
	TSQ_PARAM_INTERVAL,
	TSQ_PARAM_TEXT_ARRAY,
};

struct tsq_param {
	char *name;
	enum tsq_param_type type;
	char *def;		/* default as written; NULL: required */
	bool def_null;		/* "= null" */
	char *value;		/* the bound text, after tsq_query_bind */
	bool is_null;
	char *choices;		/* "auto|raw": the values it takes (a "(a|b)" after its
				 * declaration), or NULL: any of its type */
};

struct tsq_query {
	char *name;
	char *description;
	char *source;		/* the file it came from, or "(shipped)" */
	bool shipped;		/* one of tsq's own, compiled in */
	char *compute;		/* "-- compute: NAME": an indicator of indicator.h, or NULL */
	char *text;		/* the SQL as written, fragment tokens (@candles@) expanded */
	char *sql;		/* with :name turned into $N */
	struct tsq_param *params;
	int nparams;
};

/* Directories searched before the shipped queries, from the options and the environment. */
struct tsq_query_path {
	char **dirs;
	int ndirs;
};

void tsq_query_path_init(struct tsq_query_path *p, const char *queries_dir);
void tsq_query_path_free(struct tsq_query_path *p);

enum tsq_query_found {
	TSQ_QUERY_LOADED,
	TSQ_QUERY_NOT_FOUND,	/* no file and no shipped query of that name */
	TSQ_QUERY_INVALID,	/* not a valid name, or a file that does not parse */
};

/*
 * Find and parse query NAME: in the directories of P, then among the
 * shipped ones (BACKEND's own version first when BACKEND is not NULL).
 * Anything but TSQ_QUERY_LOADED sets ERR.
 */
enum tsq_query_found tsq_query_load(const struct tsq_query_path *p, const char *name,
    const char *backend, struct tsq_query *q, struct tsq_buf *err);
/* Parse TEXT (ad-hoc SQL or a file given with -f) as a query; Q is left empty on failure. */
bool tsq_query_parse(const char *name, const char *source, const char *text,
    struct tsq_query *q, struct tsq_buf *err);
void tsq_query_free(struct tsq_query *q);
/* The whole of file PATH ("-": standard input), or NULL with errno set. */
char *tsq_query_read_text(const char *path);

/* Every query name with its description, sorted, user files first in precedence. */
struct tsq_query_entry {
	char *name, *description, *source;
};
int tsq_query_list(const struct tsq_query_path *p, struct tsq_query_entry **out);
void tsq_query_list_free(struct tsq_query_entry *e, int n);

const char *tsq_param_type_name(enum tsq_param_type t);
/* The PostgreSQL type OID a parameter is bound as. */
unsigned int tsq_param_type_oid(enum tsq_param_type t);

/*
 * Give parameter NAME the value VALUE (NULL: take the default).  Values are
 * checked and normalised for their type (times accept "now", "-24h", "7d",
 * epoch and ISO 8601).  False with ERR set.
 */
bool tsq_query_set(struct tsq_query *q, const char *name, const char *value, int64_t now_usec,
    struct tsq_buf *err);
/* Fill every parameter not set from its default; false if a required one is missing. */
bool tsq_query_bind(struct tsq_query *q, int64_t now_usec, struct tsq_buf *err);

#endif
