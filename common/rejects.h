/*
 * rejects.h - the reject file of tsq-load: one JSON object per line for each
 * record that did not go into the table, saying where it was and why, with
 * the record's text so that it can be fixed and loaded again:
 *
 *   {"file": "x.csv", "line": 3, "offset": 120, "column": "volume",
 *    "error": "...", "sqlstate": null, "record": "...", "format": "csv",
 *    "header": "time,symbol,..."}
 *
 * "header" is written with the first record of each input (and whenever it
 * changes), not with every record: a reject file is read back (--format
 * rejects) with the header of its first line.  A record or header that is
 * not valid UTF-8 is written readably (bad bytes as U+FFFD) and exactly,
 * in base64, under "record_base64" / "header_base64", which the reader
 * prefers.
 *
 * Of a record's text at most TSQ_RECORD_PREFIX bytes are kept; a longer one
 * adds "record_bytes" (its full size) and "truncated": true, and cannot be
 * loaded back.  This module is the one owner of the format: the writer, the
 * pruner a resumed load uses, and the parser the reader (--format rejects)
 * uses.
 */
#ifndef TSQ_REJECTS_H
#define TSQ_REJECTS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "json.h"
#include "reader.h"

struct tsq_reject {
	const char *file;	/* the input, as messages name it */
	long line;		/* its first physical line */
	int64_t offset;		/* its first byte */
	const char *column;	/* the column at fault, or NULL */
	const char *error;
	const char *sqlstate;	/* when the server refused it, else NULL */
	const char *raw;	/* the record's text */
	size_t rawlen;
	int64_t rawsize;	/* the record's full size: more than rawlen when truncated */
	enum tsq_format format;	/* what the text is */
	const char *header;	/* the input's header record (CSV, TSV), or NULL */
	int worker;		/* the server refused it in this worker's batch; -1: tsq-load did */
	int64_t element;	/* 1 + its index in a JSON array document; 0: none */
};

struct tsq_rejects;

/*
 * A reject file at PATH, created (or with APPEND added to) when the first
 * record is written, so that a load that rejects nothing leaves no file.
 */
struct tsq_rejects *tsq_rejects_new(const char *path, bool append);
/*
 * How the input was read and mapped (the options of tsq-load that a reload
 * of the reject file needs: see tsq_ingest), written as "load" with the
 * first record of each input.
 */
void tsq_rejects_set_load(struct tsq_rejects *r, json_t *load);
const char *tsq_rejects_path(const struct tsq_rejects *r);
/* True once the file was opened: something was written. */
bool tsq_rejects_written(const struct tsq_rejects *r);

/*
 * Write one record, flushed at once (a killed load keeps every reject it
 * reported); several threads may write.  False with ERR set when it could not be written: the file
 * cannot be created, the disk is full.
 */
bool tsq_rejects_write(struct tsq_rejects *r, const struct tsq_reject *rj, struct tsq_buf *err);

/* Close and free.  False with ERR set when the last writes failed (and no earlier one did). */
bool tsq_rejects_close(struct tsq_rejects *r, struct tsq_buf *err);

/*
 * Drop the records of input FILE at OFFSET or later from the reject file at
 * PATH (a resumed load reads those records again), except those refused in
 * the batch of worker W (of NWORKERS) before COMMITTED[W]: that batch was
 * committed, and its rows are not read again.  Returns how many were
 * dropped, or -1 with ERR set.
 */
long tsq_rejects_prune(const char *path, const char *file, int64_t offset, const int64_t *committed,
    int nworkers, struct tsq_buf *err);

/*
 * Read one line of a reject file back: the record's text (into RAW), its
 * format and the header it came with (into HEAD or the JSON's storage; NULL
 * when the record has none).  False with *ERROR set when the object is not
 * a usable reject record (a truncated one included; RJ is filled as far as
 * it could be).
 */
bool tsq_reject_parse(json_t *root, struct tsq_reject *rj, struct tsq_buf *raw, struct tsq_buf *head,
    const char **error);


#endif
