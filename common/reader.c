#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <poll.h>
#include <strings.h>

#include "mem.h"
#include "opt.h"
#include "reader.h"
#include "rejects.h"

#define DEFAULT_MAX_RECORD (8u * 1024 * 1024)
#define INITIAL_BUFSIZE (256u * 1024)
#define NO_VALUE UINT32_MAX
/* libcsv is fed at most this much at a time (see csv_feed). */
#define CSV_SLICE (64u * 1024)

/* Where a field of the record being built sits in vals. */
struct slot {
	uint32_t key;		/* offset of the key (JSON lines), or NO_VALUE */
	uint32_t val;		/* offset of the value, or NO_VALUE when it is null */
	uint32_t len;
	bool json;
};

struct tsq_reader {
	struct tsq_input *in;
	struct tsq_reader_opts o;
	enum tsq_format format;

	unsigned char *buf;
	size_t cap, start, end;
	size_t keep;		/* first byte that must stay in buf (record start) */
	int64_t base;		/* input offset of buf[0] */
	long line;		/* physical lines consumed */
	bool eof;

	struct csv_parser csv;
	struct csv_parser csv_text;	/* for tsq_reader_parse_text */
	int records_ended;		/* record ends seen by the CSV callback */

	/* The record being built: values in vals, found by offset. */
	struct tsq_buf vals;
	size_t nfields, fcap;
	struct slot *slots;
	struct tsq_field *fields;
	size_t fields_cap;
	bool too_many;		/* more than TSQ_MAX_FIELDS: the rest were not kept */
	bool skipping;		/* reading past an oversized record: keep nothing */

	struct tsq_buf raw;		/* raw text when it is not in buf */
	struct tsq_buf head;		/* rejects: a header decoded from base64 */
	json_t *pending;		/* rejects: a line read ahead by tsq_reader_header */
	long pending_line;
	int64_t pending_offset, pending_end;
	char *rejects_header;
	json_t *rejects_load;		/* rejects: the first record's "load", or NULL */
	char **load_elements;		/* its "columns", for records that are JSON arrays */
	bool delimiter_given, quote_given;
	struct tsq_buf msg;		/* the text of rec->error when it is built */
	bool one_column;		/* an empty line is a record of one NULL, as COPY reads it */
	/* One JSON array document: where the reading of its elements stands. */
	enum { ARRAY_NONE, ARRAY_FIRST, ARRAY_NEXT, ARRAY_AFTER_COMMA, ARRAY_CLOSED, ARRAY_BROKEN } array;
	int64_t elements;		/* elements read */
	/* The bytes read so far, up to the end of the last record: their CRC-32C. */
	uint32_t crc;
	int64_t hashed;
};

const struct tsq_opt_choice tsq_formats[] = {
	{ "auto", TSQ_FORMAT_AUTO },
	{ "csv", TSQ_FORMAT_CSV },
	{ "tsv", TSQ_FORMAT_TSV },
	{ "jsonl", TSQ_FORMAT_JSONL },
	{ "rejects", TSQ_FORMAT_REJECTS },
	{ NULL, 0 },
};

const char *
tsq_format_name(enum tsq_format f)
{
	for (int i = 0; tsq_formats[i].name; i++)
		if (tsq_formats[i].value == (int)f)
			return tsq_formats[i].name;
	return "?";
}

/* COPY does not trim blanks around fields, and neither do we. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
csv_setup(struct csv_parser *p, const struct tsq_reader_opts *o)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
		xmalloc(SIZE_MAX);	/* reports out of memory and exits */
	csv_set_delim(p, (unsigned char)o->delimiter);
	csv_set_quote(p, (unsigned char)o->quote);
	csv_set_space_func(p, no_space);
}

static void
fields_reset(struct tsq_reader *r)
{
	tsq_buf_reset(&r->vals);
	r->nfields = 0;
	r->too_many = false;
}

/*
 * Keep one field of the record being built.  A record is at most max_record
 * bytes, so the offsets fit 32 bits; the number of fields is capped too, so
 * that a record of commas costs a bounded amount of memory.
 */
static void
field_add(struct tsq_reader *r, const char *key, size_t keylen, const char *val, size_t len,
    bool json)
{
	if (r->skipping)
		return;
	if (r->nfields == TSQ_MAX_FIELDS) {
		r->too_many = true;
		return;
	}
	if (r->nfields == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 16;
		r->slots = xreallocarray(r->slots, r->fcap, sizeof *r->slots);
	}
	struct slot *s = &r->slots[r->nfields++];
	s->key = NO_VALUE;
	if (key) {
		s->key = (uint32_t)r->vals.len;
		tsq_buf_add(&r->vals, key, keylen);
		tsq_buf_addc(&r->vals, '\0');
	}
	s->val = NO_VALUE;
	s->len = (uint32_t)len;
	s->json = json;
	if (val) {
		s->val = (uint32_t)r->vals.len;
		tsq_buf_add(&r->vals, val, len);
		tsq_buf_addc(&r->vals, '\0');
	}
}

/* Point the fields at their values, now that vals has stopped moving. */
static void
fields_finish(struct tsq_reader *r, struct tsq_record *rec)
{
	if (r->nfields + 1 > r->fields_cap) {
		r->fields_cap = r->fcap + 1;
		r->fields = xreallocarray(r->fields, r->fields_cap, sizeof *r->fields);
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct slot *s = &r->slots[i];
		struct tsq_field *f = &r->fields[i];
		f->key = s->key == NO_VALUE ? NULL : r->vals.data + s->key;
		f->val = s->val == NO_VALUE ? NULL : r->vals.data + s->val;
		f->len = s->len;
		f->json = s->json;
	}
	rec->fields = r->fields;
	rec->nfields = r->nfields;
	if (r->too_many && rec->error == NULL)
		rec->error = "the record has more than " TSQ_STR(TSQ_MAX_FIELDS) " fields";
}

static void
csv_field_cb(void *s, size_t len, void *data)
{
	struct tsq_reader *r = data;
	field_add(r, NULL, 0, s, s ? len : 0, false);
}

static void
csv_record_cb(int c, void *data)
{
	(void)c;
	((struct tsq_reader *)data)->records_ended++;
}

/*
 * Feed libcsv N bytes of S, in slices.  libcsv grows its field buffer by a
 * fixed block at a time; before each slice the block is made the size of the
 * buffer, so that a field of megabytes costs a few doublings, not thousands
 * of copies.  Returns the bytes libcsv took (fewer: malformed).
 */
static size_t
csv_feed(struct tsq_reader *r, const unsigned char *s, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < CSV_SLICE ? n - done : CSV_SLICE;
		csv_set_blk_size(&r->csv, r->csv.entry_size > CSV_SLICE ? r->csv.entry_size : CSV_SLICE);
		size_t used = csv_parse(&r->csv, s + done, k, csv_field_cb, csv_record_cb, r);
		done += used;
		if (used < k)
			break;
	}
	return done;
}

static enum tsq_format
format_from_name(const char *name)
{
	static const struct { const char *ext; enum tsq_format f; } exts[] = {
		{".csv", TSQ_FORMAT_CSV}, {".tsv", TSQ_FORMAT_TSV}, {".tab", TSQ_FORMAT_TSV},
		{".jsonl", TSQ_FORMAT_JSONL}, {".ndjson", TSQ_FORMAT_JSONL},
		{".json", TSQ_FORMAT_JSONL},
	};
	size_t n = strlen(name);

	if (n > 3 && strcasecmp(name + n - 3, ".gz") == 0)
		n -= 3;
	else if (n > 4 && strcasecmp(name + n - 4, ".zst") == 0)
		n -= 4;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i].ext);
		if (n > e && strncasecmp(name + n - e, exts[i].ext, e) == 0)
			return exts[i].f;
	}
	return TSQ_FORMAT_AUTO;
}

/*
 * CRC-32C (Castagnoli) of the input, for the prefix hash: the CPU's own
 * instruction where there is one (a few hundredths of a second per million
 * candles, where zlib's CRC-32 and Adler-32 took a tenth of the client's
 * time), and the same value from a table elsewhere, so that a load resumed
 * on another machine finds the same hash.
 */
static uint32_t crc32c_table[256];

static uint32_t
crc32c_soft(uint32_t crc, const unsigned char *p, size_t n)
{
	if (crc32c_table[1] == 0)
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
			crc32c_table[i] = c;
		}
	while (n--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("sse4.2")))
static uint32_t
crc32c_sse(uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t c = crc;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	crc = (uint32_t)c;
	for (; n > 0; p++, n--)
		crc = __builtin_ia32_crc32qi(crc, *p);
	return crc;
}
#endif

static uint32_t
crc32c(uint32_t crc, const unsigned char *p, size_t n)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	static int sse = -1;
	if (sse < 0)
		sse = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	if (sse)
		return crc32c_sse(crc, p, n);
#endif
	return crc32c_soft(crc, p, n);
}

/* Take the bytes of the buffer up to input offset UPTO into the prefix hash. */
static void
hash_to(struct tsq_reader *r, int64_t upto)
{
	if (upto <= r->hashed || r->hashed < r->base)
		return;
	const unsigned char *p = r->buf + (r->hashed - r->base);
	r->crc = crc32c(r->crc, p, (size_t)(upto - r->hashed));
	r->hashed = upto;
}

static ssize_t refill(struct tsq_reader *r, struct tsq_buf *err);

bool
tsq_reader_ready(const struct tsq_reader *r)
{
	return r->eof || memchr(r->buf + r->start, '\n', r->end - r->start) != NULL;
}

int
tsq_reader_wait(struct tsq_reader *r, int timeout_ms, struct tsq_buf *err)
{
	struct pollfd pfd = { r->in->fd, POLLIN, 0 };

	if (r->eof)
		return 1;
	/* Bytes the input holds already (read to sniff its compression) need no wait. */
	if (r->in->raw_pos >= r->in->raw_len) {
		int n = poll(&pfd, 1, timeout_ms);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno != EINTR)
				tsq_buf_addf(err, "could not wait for \"%s\": %s", r->in->display,
				    strerror(errno));
			return -1;
		}
	}
	return refill(r, err) < 0 ? -1 : 1;
}

int64_t
tsq_reader_hashed(const struct tsq_reader *r)
{
	return r->hashed;
}

struct tsq_prefix
tsq_reader_prefix(const struct tsq_reader *r)
{
	return (struct tsq_prefix){ r->crc ^ 0xffffffffu, r->hashed };
}

void
tsq_prefix_format(const struct tsq_prefix *p, char out[TSQ_PREFIX_HASH_SIZE])
{
	snprintf(out, TSQ_PREFIX_HASH_SIZE, "crc32c:%08" PRIx32 "-%" PRId64, p->crc, p->bytes);
}

/* Drop the consumed bytes [keep, start) from the buffer and read more. */
static ssize_t
refill(struct tsq_reader *r, struct tsq_buf *err)
{
	hash_to(r, r->base + (int64_t)r->keep);
	if (r->keep > 0) {
		memmove(r->buf, r->buf + r->keep, r->end - r->keep);
		r->base += (int64_t)r->keep;
		r->start -= r->keep;
		r->end -= r->keep;
		r->keep = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	ssize_t n = tsq_input_read(r->in, r->buf + r->end, r->cap - r->end, err);
	if (n == 0)
		r->eof = true;
	if (n > 0)
		r->end += (size_t)n;
	return n;
}

/*
 * Make a whole physical line available at buf + start.  Returns its length
 * including the newline (the last line may have none), 0 at the end of the
 * input, -1 on a read error, -2 when the record, with this line, is larger
 * than max_record.
 */
static ssize_t
next_line(struct tsq_reader *r, struct tsq_buf *err)
{
	size_t scanned = r->start;

	for (;;) {
		unsigned char *nl = memchr(r->buf + scanned, '\n', r->end - scanned);
		size_t upto = nl ? (size_t)(nl - r->buf) + 1 : r->end;
		/* The record so far, this line included, is over the limit. */
		if (upto - r->keep > r->o.max_record)
			return -2;
		if (nl || r->eof)
			return (ssize_t)(upto - r->start);
		size_t seen = r->end - r->start;	/* no line end among these */
		if (refill(r, err) < 0)
			return -1;
		scanned = r->start + seen;
	}
}

static void
skip_bom(struct tsq_reader *r, struct tsq_buf *err)
{
	while (r->end - r->start < 3 && !r->eof) {
		ssize_t n = tsq_input_read(r->in, r->buf + r->end, r->cap - r->end, err);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->eof = n == 0;
			break;
		}
		r->end += (size_t)n;
	}
	if (r->end - r->start >= 3 && memcmp(r->buf + r->start, "\xef\xbb\xbf", 3) == 0)
		r->start = r->keep = 3;
}

/*
 * JSON input that is one array of records (a saved REST response, jq -s):
 * '[' and then, past blanks, '{', '[' or ']' (a line of a JSON-lines file of
 * arrays starts with a number or a string).  Its '[' is consumed.
 */
static void
open_array(struct tsq_reader *r)
{
	size_t i = r->start, j;

	while (i < r->end && strchr(" \t\r\n", r->buf[i]))
		i++;
	if (i == r->end || r->buf[i] != '[')
		return;
	for (j = i + 1; j < r->end && strchr(" \t\r\n", r->buf[j]); j++)
		;
	if (j < r->end && !strchr("{[]", r->buf[j]))
		return;
	for (size_t k = r->start; k <= i; k++)
		r->line += r->buf[k] == '\n';
	r->start = r->keep = i + 1;
	r->array = ARRAY_FIRST;
}

struct tsq_reader *
tsq_reader_open(struct tsq_input *in, const struct tsq_reader_opts *opts)
{
	struct tsq_reader *r = xcalloc(1, sizeof *r);
	struct tsq_buf err = TSQ_BUF_INIT;

	r->in = in;
	r->o = *opts;
	r->delimiter_given = opts->delimiter != 0;
	r->quote_given = opts->quote != 0;
	r->crc = 0xffffffffu;
	if (r->o.max_record == 0)
		r->o.max_record = DEFAULT_MAX_RECORD;
	if (r->o.quote == 0)
		r->o.quote = '"';
	r->cap = INITIAL_BUFSIZE;
	r->buf = xmalloc(r->cap);
	tsq_buf_init(&r->vals);
	tsq_buf_init(&r->raw);
	tsq_buf_init(&r->head);
	tsq_buf_init(&r->msg);
	skip_bom(r, &err);
	tsq_buf_free(&err);

	r->format = opts->format;
	if (r->format == TSQ_FORMAT_AUTO)
		r->format = format_from_name(in->name);
	if (r->format == TSQ_FORMAT_AUTO) {
		size_t i = r->start;
		while (i < r->end && strchr(" \t\r\n", r->buf[i]))
			i++;
		r->format = i < r->end && (r->buf[i] == '{' || r->buf[i] == '[') ? TSQ_FORMAT_JSONL :
		    TSQ_FORMAT_CSV;
	}
	if (r->format == TSQ_FORMAT_JSONL)
		open_array(r);
	if (r->o.delimiter == 0)
		r->o.delimiter = r->format == TSQ_FORMAT_TSV ? '\t' : ',';
	csv_setup(&r->csv, &r->o);
	csv_setup(&r->csv_text, &r->o);
	return r;
}

enum tsq_format
tsq_reader_format(const struct tsq_reader *r)
{
	return r->format;
}

int64_t
tsq_reader_offset(const struct tsq_reader *r)
{
	return r->base + (int64_t)r->start;
}

/* Strip the line end ("\n" or "\r\n") from the raw text of a record. */
static void
set_raw(struct tsq_record *rec, const unsigned char *p, size_t len)
{
	if (len > 0 && p[len - 1] == '\n')
		len--;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	rec->raw = (const char *)p;
	rec->rawlen = len;
	rec->rawsize = (int64_t)len;
}

static void
begin_record(struct tsq_reader *r, struct tsq_record *rec)
{
	memset(rec, 0, sizeof *rec);
	fields_reset(r);
	r->keep = r->start;
	rec->line = r->line + 1;
	rec->offset = r->base + (int64_t)r->start;
	rec->format = r->format;
	rec->element = -1;
}

static void
csv_restart(struct tsq_reader *r)
{
	csv_free(&r->csv);
	csv_setup(&r->csv, &r->o);
}

/*
 * The record that began at r->keep has outgrown max_record.  Keep its first
 * TSQ_RECORD_PREFIX bytes for the reject record and read on, holding no more
 * of it, to its real end: the end of the line for TSV and JSON lines, and for
 * CSV wherever libcsv, fed the rest, ends the record (a line break inside
 * quotes does not), so that its tail is never taken for records of its own.
 * The record comes back once, with rec->error set.
 */
static enum tsq_read_status
skip_oversized(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	bool csv = r->format == TSQ_FORMAT_CSV, broken = false, done = false;
	bool last_nl = false, last_cr = false;
	size_t before = r->start - r->keep;	/* the record's lines already read */

	tsq_buf_reset(&r->raw);
	tsq_buf_add(&r->raw, r->buf + r->keep, before < TSQ_RECORD_PREFIX ? before : TSQ_RECORD_PREFIX);
	fields_reset(r);
	r->skipping = true;
	while (!done) {
		while (r->start < r->end && !done) {
			unsigned char *p = r->buf + r->start;
			unsigned char *nl = memchr(p, '\n', r->end - r->start);
			size_t n = nl ? (size_t)(nl - p) + 1 : r->end - r->start;
			for (size_t fed = 0; csv && !broken && fed < n;) {
				size_t k = n - fed < CSV_SLICE ? n - fed : CSV_SLICE;
				if (csv_feed(r, p + fed, k) < k)
					broken = true;	/* malformed: the line ends the record, as in next_csv */
				fed += k;
				/* What libcsv holds of the field is not wanted: keep its buffer small. */
				r->csv.entry_pos = 0;
			}
			if (r->raw.len < TSQ_RECORD_PREFIX)
				tsq_buf_add(&r->raw, p, n < TSQ_RECORD_PREFIX - r->raw.len ? n :
				    TSQ_RECORD_PREFIX - r->raw.len);
			r->start += n;
			last_cr = n >= 2 && p[n - 2] == '\r';
			last_nl = nl != NULL;
			if (nl) {
				r->line++;
				done = !csv || broken || r->records_ended > 0;
			}
		}
		r->keep = r->start;
		if (!done && r->eof) {
			/* The last line, without its line end, is a line too. */
			if (!last_nl)
				r->line++;
			done = true;
		}
		if (!done && refill(r, err) < 0) {
			r->skipping = false;
			return TSQ_READ_ERROR;
		}
	}
	r->skipping = false;
	if (csv)
		csv_restart(r);
	fields_reset(r);
	rec->rawsize = r->base + (int64_t)r->start - rec->offset - (last_nl ? 1 : 0) - (last_cr ? 1 : 0);
	if ((int64_t)r->raw.len > rec->rawsize)
		tsq_buf_truncate(&r->raw, (size_t)rec->rawsize);	/* the line end */
	rec->raw = r->raw.data;
	rec->rawlen = r->raw.len;
	rec->end = r->base + (int64_t)r->start;
	tsq_buf_reset(&r->msg);
	tsq_buf_addf(&r->msg, "the record is larger than the limit of %zu bytes%s", r->o.max_record,
	    csv ? " (an unterminated quoted field?)" : "");
	rec->error = r->msg.data;
	return TSQ_READ_RECORD;
}

static enum tsq_read_status
read_error(ssize_t n, struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	if (n == -1)
		return TSQ_READ_ERROR;
	return skip_oversized(r, rec, err);
}

/*
 * A whole line without a quote, and without a carriage return but in its
 * ending: its fields are what lies between the delimiters, split here by
 * memchr rather than by libcsv, whose state machine looks at every byte
 * (a fifth of a load's client time).  An empty field is NULL, as libcsv
 * makes it.  False, with nothing added, for any other line.
 */
static bool
split_plain(struct tsq_reader *r, const unsigned char *line, size_t n)
{
	size_t len = n;

	if (len < 2 || line[len - 1] != '\n')
		return false;
	len--;
	if (line[len - 1] == '\r')
		len--;
	if (len == 0 || memchr(line, (unsigned char)r->o.quote, len) || memchr(line, '\r', len))
		return false;
	const unsigned char *p = line, *end = line + len;
	for (;;) {
		const unsigned char *d = memchr(p, (unsigned char)r->o.delimiter, (size_t)(end - p));
		const unsigned char *stop = d ? d : end;
		field_add(r, NULL, 0, stop > p ? (const char *)p : NULL, (size_t)(stop - p), false);
		if (d == NULL)
			return true;
		p = d + 1;
	}
}

static enum tsq_read_status
next_csv(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	begin_record(r, rec);
	r->records_ended = 0;
	for (;;) {
		ssize_t n = next_line(r, err);
		if (n < 0)
			return read_error(n, r, rec, err);
		if (n == 0) {
			if (r->nfields == 0 && r->csv.pstate == 0)
				return TSQ_READ_EOF;
			/* A last record without a line end, or an unterminated quote. */
			if (csv_fini(&r->csv, csv_field_cb, csv_record_cb, r) != 0) {
				rec->error = "unterminated quoted field at the end of the input";
				csv_restart(r);
			}
			set_raw(rec, r->buf + r->keep, r->start - r->keep);
			rec->end = r->base + (int64_t)r->start;
			fields_finish(r, rec);
			return TSQ_READ_RECORD;
		}
		const unsigned char *line = r->buf + r->start;
		if (r->nfields == 0 && r->csv.pstate == 0 && split_plain(r, line, (size_t)n)) {
			r->start += (size_t)n;
			r->line++;
			set_raw(rec, r->buf + r->keep, r->start - r->keep);
			rec->end = r->base + (int64_t)r->start;
			fields_finish(r, rec);
			return TSQ_READ_RECORD;
		}
		/*
		 * libcsv asks its space function about every character of an
		 * unquoted field; a line without blanks has nothing for it to
		 * find, and its built-in test (which would trim blanks) costs
		 * no call.
		 */
		bool blanks = memchr(line, ' ', (size_t)n) || memchr(line, '\t', (size_t)n);
		csv_set_space_func(&r->csv, blanks ? no_space : NULL);
		size_t used = csv_feed(r, line, (size_t)n);
		r->start += (size_t)n;
		r->line++;
		if (used < (size_t)n) {
			rec->error = "malformed quoted field: a quote must open and close the "
			    "whole field, and a quote inside it must be doubled";
			csv_restart(r);
		} else if (r->records_ended > 1 || (r->records_ended == 1 && r->csv.pstate != 0)) {
			/* A CR ended a record before the line did: what follows is not another. */
			rec->error = "carriage return inside an unquoted field";
			csv_restart(r);
		} else if (r->records_ended == 0) {
			if (r->nfields == 0 && r->csv.pstate == 0) {
				/* An empty line: one NULL when the input has one column, else not a record. */
				if (r->one_column) {
					field_add(r, NULL, 0, NULL, 0, false);
					set_raw(rec, r->buf + r->keep, r->start - r->keep);
					rec->end = r->base + (int64_t)r->start;
					fields_finish(r, rec);
					return TSQ_READ_RECORD;
				}
				begin_record(r, rec);
			}
			continue;
		}
		set_raw(rec, r->buf + r->keep, r->start - r->keep);
		rec->end = r->base + (int64_t)r->start;
		fields_finish(r, rec);
		return TSQ_READ_RECORD;
	}
}

/* Split one TSV line, decoding its escapes. */
static void
split_tsv(struct tsq_reader *r, const char *p, size_t len, char delim)
{
	struct tsq_buf v = TSQ_BUF_INIT;
	const char *end = p + len;

	for (;;) {
		const char *f = p;
		tsq_buf_reset(&v);
		while (p < end && *p != delim) {
			if (*p == '\\' && p + 1 < end) {
				char c = p[1];
				p += 2;
				switch (c) {
				case 't': tsq_buf_addc(&v, '\t'); break;
				case 'n': tsq_buf_addc(&v, '\n'); break;
				case 'r': tsq_buf_addc(&v, '\r'); break;
				case '\\': tsq_buf_addc(&v, '\\'); break;
				case 'N':
					if (p - f == 2 && (p == end || *p == delim))
						break;
					/* fall through */
				default:
					tsq_buf_addc(&v, '\\');
					tsq_buf_addc(&v, c);
					break;
				}
				continue;
			}
			tsq_buf_addc(&v, *p++);
		}
		bool is_null = p - f == 0 || (p - f == 2 && f[0] == '\\' && f[1] == 'N');
		field_add(r, NULL, 0, is_null ? NULL : v.data, v.len, false);
		if (p == end)
			break;
		p++;
	}
	tsq_buf_free(&v);
}

static bool
blank(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			return false;
	return true;
}

static bool
empty_line(const unsigned char *p, size_t n)
{
	return n == 0 || (n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n');
}

void
tsq_reader_one_column(struct tsq_reader *r, bool one)
{
	r->one_column = one;
}

static enum tsq_read_status
next_line_record(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	for (;;) {
		begin_record(r, rec);
		ssize_t n = next_line(r, err);
		if (n < 0)
			return read_error(n, r, rec, err);
		if (n == 0)
			return TSQ_READ_EOF;
		const unsigned char *p = r->buf + r->start;
		r->start += (size_t)n;
		r->line++;
		rec->end = r->base + (int64_t)r->start;
		/*
		 * TSV: only an empty line is not a record (one with a tab is a row of
		 * empty fields), and not even that when the input has one column.
		 */
		if (r->format == TSQ_FORMAT_TSV ? empty_line(p, (size_t)n) && !r->one_column :
		    blank(p, (size_t)n))
			continue;
		set_raw(rec, p, (size_t)n);
		return TSQ_READ_RECORD;
	}
}

/*
 * JSON lines are read by a scanner of our own rather than jansson: a flat
 * object is the common case, and taking numbers as the text they are written
 * in keeps them exact (and is several times faster than building a tree).
 * Nested objects and arrays are checked and handed on as JSON text.
 */
struct json_scan {
	const char *p, *start, *end;
	const char *error;
	struct tsq_buf *msg;
	struct tsq_buf str;	/* the last string, unescaped, when it had escapes */
	const char *s;		/* the last string: in the text when it had none, else str */
	size_t slen;
};

static bool
js_fail(struct json_scan *j, const char *what)
{
	if (j->error == NULL) {
		tsq_buf_reset(j->msg);
		tsq_buf_addf(j->msg, "invalid JSON at column %d: %s",
		    (int)(j->p - j->start) + 1, what);
		j->error = j->msg->data;
	}
	return false;
}

static void
js_ws(struct json_scan *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void
put_utf8(struct tsq_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	tsq_buf_add(b, u, n);
}

/*
 * A string at j->p (on its opening quote), as j->s and j->slen: where it
 * stands in the text when it has no escape (most keys and values: nothing
 * copied), else unescaped into j->str.
 */
static bool
js_string(struct json_scan *j)
{
	const char *q = ++j->p;

	while (q < j->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	if (q < j->end && *q == '"') {
		j->s = j->p;
		j->slen = (size_t)(q - j->p);
		j->p = q + 1;
		return true;
	}
	tsq_buf_reset(&j->str);
	for (;;) {
		q = j->p;
		while (q < j->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		tsq_buf_add(&j->str, j->p, (size_t)(q - j->p));
		j->p = q;
		if (q == j->end)
			return js_fail(j, "unterminated string");
		if (*q == '"') {
			j->p++;
			j->s = j->str.data;
			j->slen = j->str.len;
			return true;
		}
		if ((unsigned char)*q < 0x20)
			return js_fail(j, "control character in a string");
		if (q + 1 == j->end)
			return js_fail(j, "unterminated string");
		char c = q[1];
		j->p += 2;
		switch (c) {
		case '"': tsq_buf_addc(&j->str, '"'); break;
		case '\\': tsq_buf_addc(&j->str, '\\'); break;
		case '/': tsq_buf_addc(&j->str, '/'); break;
		case 'b': tsq_buf_addc(&j->str, '\b'); break;
		case 'f': tsq_buf_addc(&j->str, '\f'); break;
		case 'n': tsq_buf_addc(&j->str, '\n'); break;
		case 'r': tsq_buf_addc(&j->str, '\r'); break;
		case 't': tsq_buf_addc(&j->str, '\t'); break;
		case 'u': {
			int cp = j->end - j->p >= 4 ? hex4(j->p) : -1;
			if (cp < 0)
				return js_fail(j, "bad \\u escape");
			j->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				int lo = j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' ?
				    hex4(j->p + 2) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return js_fail(j, "unpaired surrogate in \\u escape");
				j->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return js_fail(j, "unpaired surrogate in \\u escape");
			}
			put_utf8(&j->str, (unsigned)cp);
			break;
		}
		default:
			j->p--;
			return js_fail(j, "bad escape in a string");
		}
	}
}

/* 0-9: JSON's digits, whatever the locale's isdigit() says, without its table. */
static inline bool
json_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static bool
js_number(struct json_scan *j)
{
	const char *p = j->p;

	if (p < j->end && *p == '-')
		p++;
	if (p < j->end && *p == '0')
		p++;
	else if (p < j->end && *p >= '1' && *p <= '9')
		while (p < j->end && json_digit(*p))
			p++;
	else
		return js_fail(j, "invalid number");
	if (p < j->end && *p == '.') {
		p++;
		if (p == j->end || !json_digit(*p))
			return js_fail(j, "invalid number");
		while (p < j->end && json_digit(*p))
			p++;
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		if (p == j->end || !json_digit(*p))
			return js_fail(j, "invalid number");
		while (p < j->end && json_digit(*p))
			p++;
	}
	j->p = p;
	return true;
}

static bool
js_literal(struct json_scan *j, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return js_fail(j, "unexpected character");
	j->p += n;
	return true;
}

/* Check any value, nested to a sane depth. */
static bool
js_value(struct json_scan *j, int depth)
{
	if (depth > 64)
		return js_fail(j, "nested too deeply");
	js_ws(j);
	if (j->p == j->end)
		return js_fail(j, "a value is missing");
	switch (*j->p) {
	case '"':
		return js_string(j);
	case 't':
		return js_literal(j, "true");
	case 'f':
		return js_literal(j, "false");
	case 'n':
		return js_literal(j, "null");
	case '[':
	case '{': {
		char close = *j->p == '[' ? ']' : '}';
		bool object = close == '}';
		j->p++;
		js_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			if (object) {
				js_ws(j);
				if (j->p == j->end || *j->p != '"' || !js_string(j))
					return js_fail(j, "a key is missing");
				js_ws(j);
				if (j->p == j->end || *j->p != ':')
					return js_fail(j, "':' is missing");
				j->p++;
			}
			if (!js_value(j, depth + 1))
				return false;
			js_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == close) {
				j->p++;
				return true;
			}
			return js_fail(j, object ? "',' or '}' expected" : "',' or ']' expected");
		}
	}
	default:
		return js_number(j);
	}
}

/* One value of a JSON record, from j->p, as the field named KEY. */
static bool
json_field(struct tsq_reader *r, struct json_scan *j, const char *key, size_t keylen)
{
	const char *v = j->p;

	if (v == j->end) {
		js_fail(j, "a value is missing");
		return false;
	}
	if (*v == '"') {
		if (!js_string(j))
			return false;
		field_add(r, key, keylen, j->s, j->slen, false);
	} else if (*v == 'n') {
		if (!js_literal(j, "null"))
			return false;
		field_add(r, key, keylen, NULL, 0, false);
	} else {
		if (!js_value(j, 1))
			return false;
		field_add(r, key, keylen, v, (size_t)(j->p - v), *v == '{' || *v == '[');
	}
	return true;
}

/*
 * A JSON record that is an array ([1704067200000, "42000.5", ...], as
 * ccxt's fetch_ohlcv gives candles): its elements are the fields named by
 * the reader's elements (--columns), in order, as many as they name.
 */
static void
parse_json_array(struct tsq_reader *r, struct json_scan *j)
{
	int n = 0;

	if (r->o.nelements == 0) {
		j->error = "a JSON array as a record needs --columns to name its elements";
		return;
	}
	j->p++;
	js_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
	} else {
		for (;;) {
			js_ws(j);
			const char *name = n < r->o.nelements ? r->o.elements[n] : "";
			if (!json_field(r, j, name, strlen(name)))
				return;
			n++;
			js_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				break;
			}
			js_fail(j, "',' or ']' expected");
			return;
		}
	}
	if (n != r->o.nelements) {
		tsq_buf_reset(j->msg);
		tsq_buf_addf(j->msg, "the JSON array has %d element%s, and --columns names %d", n,
		    n == 1 ? "" : "s", r->o.nelements);
		j->error = j->msg->data;
	}
}

/* One JSON-lines record: an object whose members become the fields, or an array. */
static const char *
parse_json_text(struct tsq_reader *r, const char *text, size_t len, struct tsq_buf *msg)
{
	struct json_scan j = { text, text, text + len, NULL, msg, TSQ_BUF_INIT, NULL, 0 };
	struct tsq_buf key = TSQ_BUF_INIT;

	js_ws(&j);
	if (j.p < j.end && *j.p == '[') {
		parse_json_array(r, &j);
		if (j.error == NULL)
			goto tail;
		goto out;
	}
	if (j.p == j.end || *j.p != '{') {
		js_fail(&j, r->o.nelements ? "expected a JSON object or array" : "expected a JSON object");
		goto out;
	}
	j.p++;
	js_ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto tail;
	}
	for (;;) {
		js_ws(&j);
		if (j.p == j.end || *j.p != '"') {
			js_fail(&j, "a key is missing");
			goto out;
		}
		if (!js_string(&j))
			goto out;
		/* A key in the text stays put; an unescaped one is kept from the value's string. */
		const char *kp = j.s;
		size_t klen = j.slen;
		if (kp == j.str.data) {
			tsq_buf_reset(&key);
			tsq_buf_add(&key, j.s, j.slen);
			kp = key.data;
		}
		js_ws(&j);
		if (j.p == j.end || *j.p != ':') {
			js_fail(&j, "':' is missing");
			goto out;
		}
		j.p++;
		js_ws(&j);
		if (!json_field(r, &j, kp, klen))
			goto out;
		js_ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}') {
			j.p++;
			break;
		}
		js_fail(&j, "',' or '}' expected");
		goto out;
	}
tail:
	js_ws(&j);
	if (j.p != j.end)
		js_fail(&j, "text after the object");
out:
	tsq_buf_free(&key);
	tsq_buf_free(&j.str);
	return j.error;
}

bool
tsq_reader_parse_text(struct tsq_reader *r, enum tsq_format f, const char *text, size_t len,
    struct tsq_record *rec)
{
	fields_reset(r);
	rec->error = NULL;
	if (f == TSQ_FORMAT_TSV) {
		split_tsv(r, text, len, r->o.delimiter == ',' ? '\t' : r->o.delimiter);
	} else {
		r->records_ended = 0;
		if (csv_parse(&r->csv_text, text, len, csv_field_cb, csv_record_cb, r) < len ||
		    csv_fini(&r->csv_text, csv_field_cb, csv_record_cb, r) != 0) {
			rec->error = "malformed quoted field";
			csv_free(&r->csv_text);
			csv_setup(&r->csv_text, &r->o);
		} else if (r->records_ended != 1) {
			rec->error = "the record text holds more than one record";
		}
	}
	fields_finish(r, rec);
	return rec->error == NULL;
}

/* One line of a reject file: its "record", read as the format it names. */
static void
reject_fields(struct tsq_reader *r, json_t *root, struct tsq_record *rec)
{
	struct tsq_reject rj;
	const char *error = NULL;
	/* The raw text of the record is what the user fixed: keep it. */
	bool ok = tsq_reject_parse(root, &rj, &r->raw, &r->head, &error);

	if (r->rejects_header == NULL && rj.header)
		r->rejects_header = xstrdup(rj.header);
	rec->raw = r->raw.data;
	rec->rawlen = r->raw.len;
	rec->rawsize = rj.rawsize > (int64_t)r->raw.len ? rj.rawsize : (int64_t)r->raw.len;
	rec->format = rj.format;
	if (!ok) {
		rec->error = error;
		return;
	}
	if (rj.format == TSQ_FORMAT_JSONL) {
		fields_reset(r);
		rec->error = parse_json_text(r, r->raw.data, r->raw.len, &r->msg);
		fields_finish(r, rec);
	} else {
		tsq_reader_parse_text(r, rj.format, r->raw.data, r->raw.len, rec);
	}
}

static enum tsq_read_status
next_rejects(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	json_t *root;
	json_error_t jerr;

	if (r->pending) {
		memset(rec, 0, sizeof *rec);
		rec->element = -1;
		root = r->pending;
		r->pending = NULL;
		rec->line = r->pending_line;
		rec->offset = r->pending_offset;
		rec->end = r->pending_end;
	} else {
		enum tsq_read_status st = next_line_record(r, rec, err);
		if (st != TSQ_READ_RECORD || rec->error)
			return st;
		root = json_loadb(rec->raw, rec->rawlen, 0, &jerr);
		if (root == NULL) {
			tsq_buf_reset(&r->msg);
			tsq_buf_addf(&r->msg, "invalid JSON at column %d: %s", jerr.column, jerr.text);
			rec->error = r->msg.data;
			rec->format = TSQ_FORMAT_JSONL;
			return TSQ_READ_RECORD;
		}
	}
	reject_fields(r, root, rec);
	json_decref(root);
	return TSQ_READ_RECORD;
}

/* The byte at r->start, reading more as needed: -1 at the end of the input, -2 on an error. */
static int
peek_byte(struct tsq_reader *r, struct tsq_buf *err)
{
	while (r->start == r->end) {
		if (r->eof)
			return -1;
		if (refill(r, err) < 0)
			return -2;
	}
	return r->buf[r->start];
}

/*
 * Past the record begun at r->keep, from buf + I on: to the end of a JSON
 * object or array (DEPTH 0 on entry: the first byte opens it), or of a
 * scalar (up to a ',', ']' or blank outside a string).  The index past it,
 * or 0 at the end of the input, (size_t)-1 on an error (in ERR).
 */
static size_t
scan_element(struct tsq_reader *r, size_t i, long *lines, struct tsq_buf *err)
{
	bool scalar = r->buf[i] != '{' && r->buf[i] != '[', str = false, esc = false;
	int depth = 0;

	for (;;) {
		if (i == r->end) {
			size_t off = i - r->keep;
			if (off > r->o.max_record) {
				tsq_buf_addf(err, "\"%s\": an element of the JSON array is larger than %zu "
				    "bytes", r->in->display, r->o.max_record);
				return (size_t)-1;
			}
			ssize_t n = refill(r, err);
			if (n < 0)
				return (size_t)-1;
			i = r->keep + off;
			if (n == 0)
				return scalar && !str ? i : 0;
			continue;
		}
		unsigned char c = r->buf[i];
		if (str) {
			*lines += c == '\n';
			i++;
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
			continue;
		}
		if (scalar && (c == ',' || c == ']' || strchr(" \t\r\n", c)))
			return i;
		*lines += c == '\n';
		i++;
		if (c == '"')
			str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0 && !scalar)
			return i;
	}
}

/*
 * The next element of a JSON array document as a record: blanks, ',' and
 * the closing ']' between elements are passed over; what the document
 * breaks is one record in error, after which nothing more is read.
 */
static enum tsq_read_status
next_array_element(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	const char *broken = NULL;

	for (;;) {
		r->keep = r->start;
		int c = peek_byte(r, err);
		if (c == -2)
			return TSQ_READ_ERROR;
		if (c == -1) {
			if (r->array == ARRAY_CLOSED || r->array == ARRAY_BROKEN)
				return TSQ_READ_EOF;
			broken = "the input ends inside the JSON array: its ']' is missing";
			break;
		}
		if (strchr(" \t\r\n", c) || r->array == ARRAY_BROKEN) {
			r->line += c == '\n';
			r->start++;
			continue;
		}
		if (r->array == ARRAY_CLOSED) {
			broken = "text after the JSON array";
			break;
		}
		if (c == ']' && r->array != ARRAY_AFTER_COMMA) {
			r->array = ARRAY_CLOSED;
			r->start++;
			continue;
		}
		if (c == ',' && r->array == ARRAY_NEXT) {
			r->array = ARRAY_AFTER_COMMA;
			r->start++;
			continue;
		}
		if (r->array == ARRAY_NEXT)
			broken = "',' or ']' expected after an element of the JSON array";
		break;
	}
	begin_record(r, rec);
	if (broken) {
		r->array = ARRAY_BROKEN;
		rec->error = broken;
		rec->end = rec->offset;
		return TSQ_READ_RECORD;
	}
	long lines = 0;
	rec->element = r->elements++;
	size_t end = scan_element(r, r->start, &lines, err);
	if (end == (size_t)-1)
		return TSQ_READ_ERROR;
	if (end == 0) {
		end = r->end;
		rec->error = "the input ends inside an element of the JSON array";
		r->array = ARRAY_BROKEN;
	} else {
		r->array = ARRAY_NEXT;
	}
	r->line += lines;
	r->start = end;
	rec->end = r->base + (int64_t)end;
	set_raw(rec, r->buf + r->keep, end - r->keep);
	return TSQ_READ_RECORD;
}

static enum tsq_read_status
next_record(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	enum tsq_read_status st;

	switch (r->format) {
	case TSQ_FORMAT_JSONL:
		st = r->array != ARRAY_NONE ? next_array_element(r, rec, err) :
		    next_line_record(r, rec, err);
		if (st == TSQ_READ_RECORD && !rec->error) {
			rec->error = parse_json_text(r, rec->raw, rec->rawlen, &r->msg);
			fields_finish(r, rec);
		}
		if (st == TSQ_READ_RECORD && rec->error && rec->element >= 0) {
			/* Which element: its index, from 0, as jq and JavaScript count. */
			char *why = xstrdup(rec->error);
			tsq_buf_reset(&r->msg);
			tsq_buf_addf(&r->msg, "element %" PRId64 " of the JSON array: %s", rec->element, why);
			free(why);
			rec->error = r->msg.data;
		}
		return st;
	case TSQ_FORMAT_TSV:
		st = next_line_record(r, rec, err);
		if (st == TSQ_READ_RECORD && !rec->error) {
			split_tsv(r, rec->raw, rec->rawlen, r->o.delimiter);
			fields_finish(r, rec);
		}
		return st;
	case TSQ_FORMAT_REJECTS:
		return next_rejects(r, rec, err);
	default:
		return next_csv(r, rec, err);
	}
}

enum tsq_read_status
tsq_reader_next(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	enum tsq_read_status st = next_record(r, rec, err);

	/*
	 * Every line consumed so far belongs to this record or an earlier one;
	 * an element of a JSON array document ends on the line after the line
	 * ends consumed (r->line counts them), maybe before its end.
	 */
	if (st == TSQ_READ_RECORD) {
		rec->last_line = r->array != ARRAY_NONE ? r->line + 1 : r->line;
		hash_to(r, rec->end);
	}
	return st;
}

/*
 * For rejects input the header sits in the first line: read it ahead, parse
 * its "header" and leave the line for tsq_reader_next.
 */
const json_t *
tsq_reader_rejects_load(const struct tsq_reader *r)
{
	return r->rejects_load;
}

enum tsq_read_status
tsq_reader_header(struct tsq_reader *r, struct tsq_record *rec, struct tsq_buf *err)
{
	json_error_t jerr;

	if (r->format == TSQ_FORMAT_CSV || r->format == TSQ_FORMAT_TSV)
		return tsq_reader_next(r, rec, err);
	memset(rec, 0, sizeof *rec);
	fields_reset(r);
	if (r->format == TSQ_FORMAT_JSONL)
		return TSQ_READ_RECORD;
	enum tsq_read_status st = next_line_record(r, rec, err);
	if (st != TSQ_READ_RECORD)
		return st;
	if (rec->error)
		return st;
	r->pending_line = rec->line;
	r->pending_offset = rec->offset;
	r->pending_end = rec->end;
	r->pending = json_loadb(rec->raw, rec->rawlen, 0, &jerr);
	if (r->pending == NULL) {
		/* Let tsq_reader_next report it as a bad record. */
		r->start = (size_t)(rec->offset - r->base);
		r->line--;
		memset(rec, 0, sizeof *rec);
		return TSQ_READ_RECORD;
	}
	struct tsq_reject rj;
	const char *error;
	memset(rec, 0, sizeof *rec);
	if (tsq_reject_parse(r->pending, &rj, &r->raw, &r->head, &error) &&
	    rj.format != TSQ_FORMAT_JSONL && rj.header == NULL &&
	    json_object_get(r->pending, "header") == NULL) {
		/* A line cut out of a reject file: the header stayed with the first of its input. */
		tsq_buf_addf(err, "the first record of a reject file names its input's header, and "
		    "this one does not (lines taken out of a reject file need the first one of "
		    "their input, which holds the header)");
		return TSQ_READ_ERROR;
	}
	/* How the input was read: its delimiter and quote, unless given again. */
	json_t *load = json_object_get(r->pending, "load");
	if (json_is_object(load)) {
		json_decref(r->rejects_load);
		r->rejects_load = json_incref(load);
		const char *d = json_string_value(json_object_get(load, "delimiter"));
		const char *q = json_string_value(json_object_get(load, "quote"));
		if (d && strlen(d) == 1 && !r->delimiter_given)
			r->o.delimiter = *d;
		if (q && strlen(q) == 1 && !r->quote_given)
			r->o.quote = *q;
		csv_free(&r->csv_text);
		csv_setup(&r->csv_text, &r->o);
		json_t *cols = json_object_get(load, "columns");
		if (r->o.nelements == 0 && json_is_array(cols) && json_array_size(cols) > 0) {
			size_t n = json_array_size(cols);
			free(r->load_elements);
			r->load_elements = xcalloc(n + 1, sizeof *r->load_elements);
			for (size_t i = 0; i < n; i++) {
				const char *v = json_string_value(json_array_get(cols, i));
				r->load_elements[i] = (char *)(v ? v : "");
			}
			r->o.elements = r->load_elements;
			r->o.nelements = (int)n;
		}
	}
	if (rj.format != TSQ_FORMAT_JSONL && rj.header) {
		free(r->rejects_header);
		r->rejects_header = xstrdup(rj.header);
		tsq_reader_parse_text(r, rj.format, r->rejects_header, strlen(r->rejects_header), rec);
		rec->raw = r->rejects_header;
		rec->rawlen = strlen(r->rejects_header);
		rec->rawsize = (int64_t)rec->rawlen;
		rec->format = rj.format;
	}
	return TSQ_READ_RECORD;
}

bool
tsq_reader_skip_to(struct tsq_reader *r, int64_t offset, long line, struct tsq_buf *err)
{
	while (r->base + (int64_t)r->end < offset) {
		if (r->eof) {
			tsq_buf_addf(err, "\"%s\" ends before byte %lld", r->in->display,
			    (long long)offset);
			return false;
		}
		hash_to(r, r->base + (int64_t)r->end);
		r->base += (int64_t)r->end;
		r->start = r->end = r->keep = 0;
		ssize_t n = tsq_input_read(r->in, r->buf, r->cap, err);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			r->eof = true;
		r->end = (size_t)n;
	}
	if (offset < r->base + (int64_t)r->start) {
		tsq_buf_addf(err, "cannot go back to byte %lld", (long long)offset);
		return false;
	}
	r->start = r->keep = (size_t)(offset - r->base);
	r->line = line - 1;
	hash_to(r, offset);
	return true;
}

void
tsq_reader_close(struct tsq_reader *r)
{
	if (r == NULL)
		return;
	csv_free(&r->csv);
	csv_free(&r->csv_text);
	free(r->buf);
	tsq_buf_free(&r->vals);
	tsq_buf_free(&r->raw);
	tsq_buf_free(&r->head);
	tsq_buf_free(&r->msg);
	free(r->slots);
	free(r->fields);
	if (r->pending)
		json_decref(r->pending);
	free(r->rejects_header);
	json_decref(r->rejects_load);
	free(r->load_elements);
	free(r);
}
