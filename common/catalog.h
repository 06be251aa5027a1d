/*
 * catalog.h - what a table looks like, read from the server's catalog.
 *
 * The table is found by the server from the name the user gave (a bind
 * parameter to to_regclass), and every identifier tsq later writes into SQL
 * is the catalog's own spelling, quoted.
 */
#ifndef TSQ_CATALOG_H
#define TSQ_CATALOG_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "backend.h"
#include "buf.h"
#include "convert.h"

/* A relation named by the user, as tools other than tsq-load need it. */
struct tsq_relation {
	uint32_t oid;
	char oid_text[16];
	char *schema, *name;
	char *display;		/* schema.name quoted only where it must be: messages, regclass */
	char relkind;		/* 'r' table, 'p' partitioned, 'v' view, 'm' materialized view */
	bool hypertable;	/* only when looked up with a backend */
};

/*
 * Find relation NAME (search_path applies) of one of the pg_class kinds in
 * KINDS ("rp": tables).  With B, whether it is a hypertable too.  False
 * with ERR set when there is none, it is of another kind, or the catalog
 * cannot be read; HINT may then say what was meant (a mixed-case name
 * without its quotes).  R is to be freed either way.
 */
bool tsq_relation_find(PGconn *conn, const struct tsq_backend *b, const char *name,
    const char *kinds, struct tsq_relation *r, struct tsq_buf *err, struct tsq_buf *hint);
/*
 * tsq_relation_find of tables, partitioned tables, views and materialized
 * views, its failure reported (the error, and the hint when there is one);
 * R is to be freed only when found.
 */
bool tsq_relation_lookup(PGconn *conn, const struct tsq_backend *b, const char *name,
    struct tsq_relation *r);
void tsq_relation_free(struct tsq_relation *r);

struct tsq_column {
	char *name;
	int attnum;
	struct tsq_type type;
	char *type_name;	/* with modifiers: "numeric(12,4)", for casts */
	bool not_null;
	bool has_default;	/* default or identity */
	bool generated;		/* cannot be written */
	bool comparable;	/* has a default btree opclass (equality) */
	bool serial;		/* identity or nextval() default: numbers rows itself */
	char *default_expr;	/* the default as the catalog prints it, or NULL */
};

struct tsq_table {
	uint32_t oid;
	char *schema, *name;
	char *quoted;		/* "schema"."name", ready for SQL */
	char relkind;		/* 'r' table, 'p' partitioned table */
	struct tsq_column *cols;
	int ncols;
	int *key;		/* column indices of the conflict key */
	int nkey;
	bool key_is_primary;
	int time_col;		/* partition / hypertable time column, or -1 */
	bool hypertable;
	bool distributed;	/* a Citus distributed or reference table */
	int dist_col;		/* the column it is hash-distributed by, or -1 */
	int64_t chunk_usec;	/* hypertable: the chunk width, when its time is a timestamp */
	int *segmentby;		/* compressed hypertable: the segmenting columns */
	int nsegmentby;		/* -1 when the table is not compressed */
};

/*
 * Describe table NAME.  False with ERR set when it does not exist, is not a
 * table, or the catalog cannot be read; HINT may then say what was meant
 * (a mixed-case name without its quotes, say).
 */
bool tsq_table_describe(PGconn *conn, const struct tsq_backend *b, const char *name,
    struct tsq_table *t, struct tsq_buf *err, struct tsq_buf *hint);
/* The index of the column named NAME, compared case-insensitively; -1 if none. */
int tsq_table_column(const struct tsq_table *t, const char *name);
void tsq_table_free(struct tsq_table *t);

#endif
