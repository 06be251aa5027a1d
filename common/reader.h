/*
 * reader.h - records out of CSV, TSV and JSON-lines input, one at a time.
 *
 * Every record knows where it came from: the first physical line (1-based,
 * header included), the byte offset of its first byte and its raw text, so
 * that a rejected record can be reported exactly and fixed by hand.  The
 * size of one record is capped: a runaway quote costs one rejected record,
 * not all of memory.
 *
 *   CSV    RFC 4180 through libcsv; an empty unquoted field is NULL, "" is
 *          the empty string; CRLF or LF; a UTF-8 byte order mark is skipped.
 *   TSV    one record per line, fields split at tabs, the escapes \t \n \r
 *          and \\ decoded; an empty field and \N are NULL.
 *   JSONL  one object per line; keys name columns; nested objects and arrays
 *          are passed on as JSON text.
 *   rejects  a reject file written by tsq-load: the "record" of each line is
 *          read again, as the format its "format" key names.
 */
#ifndef TSQ_READER_H
#define TSQ_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "input.h"
#include "opt.h"


enum tsq_format {
	TSQ_FORMAT_AUTO,
	TSQ_FORMAT_CSV,
	TSQ_FORMAT_TSV,
	TSQ_FORMAT_JSONL,
	TSQ_FORMAT_REJECTS,
};

struct tsq_field {
	const char *key;	/* JSON lines: the key; otherwise NULL */
	const char *val;	/* NUL terminated; NULL when null */
	size_t len;
	bool json;		/* val is JSON text (a nested object or array) */
};

/*
 * Limits of one record: its size (tsq_reader_opts.max_record, 8 MiB by
 * default) and its number of fields.  Of a record over the size limit only
 * the first TSQ_RECORD_PREFIX bytes are kept, for the reject record.
 */
#define TSQ_MAX_FIELDS 65535
#define TSQ_RECORD_PREFIX (64u * 1024)
#define TSQ_STR(x) TSQ_STR_(x)
#define TSQ_STR_(x) #x

struct tsq_record {
	long line;		/* first physical line, 1-based */
	long last_line;		/* last physical line (records may span lines) */
	int64_t offset;		/* byte offset of the first byte */
	int64_t end;		/* byte offset just past the record and its line end */
	const char *raw;	/* the record as read, without its line end */
	size_t rawlen;
	int64_t rawsize;	/* its size in the input: more than rawlen when only a prefix is kept */
	size_t nfields;
	struct tsq_field *fields;
	const char *error;	/* set when the record is malformed */
	enum tsq_format format;	/* what the record text is (for rejects: the original) */
	int64_t element;	/* its index in a JSON array document (0-based), or -1 */
};

struct tsq_reader_opts {
	enum tsq_format format;	/* AUTO is settled by tsq_reader_open */
	char delimiter;		/* 0: ',' for CSV, tab for TSV */
	char quote;		/* 0: '"' */
	size_t max_record;	/* 0: 8 MiB */
	/* JSON records that are arrays ([ms, open, ...]): their elements' names (--columns) */
	char *const *elements;
	int nelements;
};

struct tsq_reader;

enum tsq_read_status {
	TSQ_READ_RECORD,
	TSQ_READ_EOF,
	TSQ_READ_ERROR,		/* I/O or decompression error, or EINTR: see err */
};

/*
 * Start reading IN.  With format AUTO the name's extension decides (.csv,
 * .tsv, .jsonl, .ndjson, .json, under .gz or .zst), else the first non-blank
 * byte: '{' or '[' means JSON.  JSON input is JSON lines (one object, or one
 * array named by elements, a line), or one JSON array of such records (a
 * document that opens with '[' and then '{', '[' or ']'), read element by
 * element however it is laid out over lines.
 */
struct tsq_reader *tsq_reader_open(struct tsq_input *in, const struct tsq_reader_opts *opts);
enum tsq_format tsq_reader_format(const struct tsq_reader *r);
const char *tsq_format_name(enum tsq_format f);
/* The input formats by name: tsq-load's --format, and a reject record's "format". */
extern const struct tsq_opt_choice tsq_formats[];

/*
 * The next record.  It stays valid until the next call.  A malformed record
 * comes back as TSQ_READ_RECORD with rec->error set.
 */
enum tsq_read_status tsq_reader_next(struct tsq_reader *r, struct tsq_record *rec,
    struct tsq_buf *err);

/*
 * Of a reject file, after tsq_reader_header: how its input was read and
 * mapped (the first record's "load": tsq-load's options), or NULL.  Its
 * delimiter, quote and columns (JSON array records) the reader takes by
 * itself, where not given again.
 */
const json_t *tsq_reader_rejects_load(const struct tsq_reader *r);

/*
 * The header: for CSV and TSV the first record; for JSON lines a record
 * without fields (keys name the columns); for a reject file the original
 * header that its first line carries (no fields if it has none).  Call it
 * once, before tsq_reader_next.
 */
enum tsq_read_status tsq_reader_header(struct tsq_reader *r, struct tsq_record *rec,
    struct tsq_buf *err);

/*
 * The input has ONE column (CSV, TSV): an empty line is then a record of one
 * NULL, as COPY reads it (and as tsq-query writes such a row), not a line to
 * skip.
 */
void tsq_reader_one_column(struct tsq_reader *r, bool one);

/*
 * Parse a single CSV or TSV record text (as a reject file keeps it) into REC,
 * whose storage belongs to R.
 */
bool tsq_reader_parse_text(struct tsq_reader *r, enum tsq_format f, const char *text,
    size_t len, struct tsq_record *rec);

/*
 * Skip ahead to byte OFFSET, which is the start of physical line LINE (both
 * from a checkpoint).  False with ERR set if the input ends first.
 */
bool tsq_reader_skip_to(struct tsq_reader *r, int64_t offset, long line, struct tsq_buf *err);

/*
 * What identifies the input up to the end of the last record read (or the
 * offset tsq_reader_skip_to went to): a CRC-32C of those bytes and their
 * number.  A resumed load compares it with the one
 * committed, so that it never continues an input that changed.
 */
struct tsq_prefix {
	uint32_t crc;		/* CRC-32C */
	int64_t bytes;
};
struct tsq_prefix tsq_reader_prefix(const struct tsq_reader *r);
/* A prefix as the text that records keep: "crc32c:", 8 hex digits, '-', the bytes. */
#define TSQ_PREFIX_HASH_SIZE 40
void tsq_prefix_format(const struct tsq_prefix *p, char out[TSQ_PREFIX_HASH_SIZE]);
/* The offset that hash reaches. */
int64_t tsq_reader_hashed(const struct tsq_reader *r);

/*
 * Live input (a pipe that never ends): whether tsq_reader_next() has a whole
 * line to read, or the end, without waiting; and wait up to TIMEOUT_MS for
 * more bytes, taking what came.  Returns 1 when something came (or the end),
 * 0 when nothing did, -1 on an error or a signal (EINTR, ERR not set).
 */
bool tsq_reader_ready(const struct tsq_reader *r);
int tsq_reader_wait(struct tsq_reader *r, int timeout_ms, struct tsq_buf *err);

/* Decompressed bytes consumed so far. */
int64_t tsq_reader_offset(const struct tsq_reader *r);

void tsq_reader_close(struct tsq_reader *r);

#endif
