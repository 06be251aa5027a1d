/*
 * mapper.h - how the fields of input records become the columns of a COPY row.
 *
 * The input's column names (its header, --columns, or the keys of JSON
 * lines) are matched to the table's columns:
 *
 *   --skip-columns NAME,...   those input columns are dropped
 *   --map SRC=DST,...         input column SRC loads table column DST; SRC
 *                             may join several input columns, A+B=DST, whose
 *                             values are read as one, separated by a space
 *                             (a date and a time in two columns)
 *   --set COLUMN=VALUE        every row gets VALUE in COLUMN
 *   --ignore-extra            input columns the table lacks are dropped
 *
 * Names match exactly first; an input name that matches no column (or
 * --map source) exactly matches the one that is equal ignoring case, if
 * there is exactly one and no other input name has it already.
 *
 * A key column of an integer type that the input does not fill and that has
 * no default (the trade_id of a feed without trade ids) is numbered instead:
 * the n-th row of the input sharing the rest of the key gets -n, so that
 * distinct rows are all kept and loading the same input again changes
 * nothing.  Rows sharing the rest of the key must come within an hour (of
 * the time column) of the latest row read; an earlier one is a reject.
 *
 * tsq_mapper_encode turns one record into its binary COPY tuple, the bytes
 * of its conflict key and its routing key.  Nothing here prints or exits.
 */
#ifndef TSQ_MAPPER_H
#define TSQ_MAPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "catalog.h"
#include "convert.h"
#include "opt.h"
#include "reader.h"

struct tsq_mapper_opts {
	char **skip;			/* --skip-columns */
	int nskip;
	struct tsq_pair *maps;		/* --map */
	int nmaps;
	struct tsq_pair *sets;		/* --set */
	int nsets;
	bool ignore_extra;
	bool skip_empty;		/* --skip-empty-rows */
	const char *null_string;	/* --null */
	struct tsq_convert_opts conv;
};

/* Where a row field's value comes from. */
struct tsq_source {
	int *inputs;		/* input columns, joined with a space when more than one */
	int ninputs;
};

struct tsq_ordinals;

struct tsq_mapper {
	const struct tsq_table *table;
	const struct tsq_mapper_opts *o;
	char **names;		/* input column names */
	int nnames;
	/* The row's fields: those from the input first, then --set ones, then
	 * the numbered key column, if any. */
	int *field_col;		/* row field -> table column */
	struct tsq_source *sources;	/* per input field */
	int nfields, ninput;
	int ordinal_field;	/* the numbered key column's field, or -1 */
	struct tsq_buf set_bytes;	/* the --set fields, encoded once */
	size_t *set_off;
	int nsets;
	/* Conflict key and routing key, as row fields. */
	int *keypos, nkey;
	int *routepos, nroute;
	int64_t route_bucket;	/* microseconds: time is part of the route in these units */
	int time_field;		/* the row field of the table's time column, or -1 */
	int symbol_field;	/* the row field of a text column named symbol, or -1 */
	/* Scratch, reused for every record. */
	bool keyed;		/* JSON lines: names are keys, matched exactly */
	bool fixed;		/* JSON lines with --columns: no key joins the load */
	int *missing;		/* JSON lines: columns that need a value and are not loaded */
	int nmissing;
	int *name_field;	/* input column -> row field, -1 when dropped */
	const struct tsq_field **values;
	struct tsq_buf joined, msg;
	size_t *field_start;
	struct tsq_ordinals *ordinals;
};

/*
 * Match input column NAMES (N of them; JSON lines start with none and add
 * keys as they come) to the table.  False with ERR set, one line a problem,
 * when the mapping cannot work; that is a usage error, found before any row.
 */
bool tsq_mapper_init(struct tsq_mapper *m, const struct tsq_table *t,
    const struct tsq_mapper_opts *o, char *const *names, int n, bool keyed, struct tsq_buf *err);
void tsq_mapper_free(struct tsq_mapper *m);

/*
 * The conflict key (KEYCOLS, table columns, as the load plan settles them)
 * and how rows are routed to workers: by the compression segment and chunk
 * of a compressed hypertable (so that two workers never write the same
 * compressed batch), else by the key.
 */
void tsq_mapper_set_key(struct tsq_mapper *m, const int *keycols, int nkey);

enum tsq_map_status {
	TSQ_MAP_ROW,		/* tuple, key and route encoded */
	TSQ_MAP_REJECT,		/* the record is refused: column and error say why */
	TSQ_MAP_NEW_COLUMNS,	/* JSON lines: keys name table columns not in the load yet */
	TSQ_MAP_SKIP,		/* --skip-empty-rows: a row with no value but its key */
};

struct tsq_mapped {
	struct tsq_buf tuple;	/* the binary COPY tuple */
	struct tsq_buf key;	/* the bytes of the conflict key fields */
	uint64_t key_hash;	/* of key, or of the record's line when there is no key */
	uint64_t route_hash;	/* which worker writes the row */
	int64_t time;		/* the time column's value (convert.h's units), when has_time */
	bool has_time;
	/* the symbol column's bytes in tuple (symbol_field), when symbol_len > 0 */
	size_t symbol_off, symbol_len;
	/*
	 * JSON lines: the row fields (bit F for field F < 64) whose key the
	 * record lacks and whose column has a default: they are sent as NULL
	 * and the writer gives them the default, as to the records read before
	 * the key first came (one rule for every record).
	 */
	uint64_t absent;
	/*
	 * Every field outside the table's key and time column is empty: NULL,
	 * --null, "" or NaN (a vendor's filler row).  TSQ_MAP_SKIP with
	 * skip_empty; else noted, and the row goes on.
	 */
	bool empty;
	const char *column;	/* TSQ_MAP_REJECT: the column at fault, or NULL */
	const char *error;	/* TSQ_MAP_REJECT: why */
};

void tsq_mapped_init(struct tsq_mapped *out);
void tsq_mapped_free(struct tsq_mapped *out);

/* Encode record REC (KEYED: its fields carry names, JSON lines). */
enum tsq_map_status tsq_mapper_encode(struct tsq_mapper *m, const struct tsq_record *rec,
    bool keyed, struct tsq_mapped *out);

/*
 * After TSQ_MAP_NEW_COLUMNS: take the keys of REC that name table columns
 * into the load.  False with ERR set when one cannot be (a generated column).
 */
bool tsq_mapper_extend(struct tsq_mapper *m, const struct tsq_record *rec, struct tsq_buf *err);

#endif
