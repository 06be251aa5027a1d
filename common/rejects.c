#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "opt.h"
#include "outfile.h"
#include "rejects.h"

struct tsq_rejects {
	pthread_mutex_t lock;	/* the workers write the rows the server refused */
	char *path;
	bool append;
	FILE *f;
	bool failed;		/* a write failed: nothing more is written */
	char *last_file;	/* the input of the last record written, and its header */
	char *last_header;
	json_t *load;		/* how the input was read and mapped, or NULL */
};

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static bool
is_utf8(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);
	bool ok = v != NULL;

	json_decref(v);
	return ok;
}

/* S in base64 (RFC 4648, padded). */
static json_t *
base64(const char *s, size_t len)
{
	struct tsq_buf b = TSQ_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) |
		    (i + 2 < len ? p[i + 2] : 0);
		tsq_buf_addc(&b, b64[v >> 18 & 63]);
		tsq_buf_addc(&b, b64[v >> 12 & 63]);
		tsq_buf_addc(&b, i + 1 < len ? b64[v >> 6 & 63] : '=');
		tsq_buf_addc(&b, i + 2 < len ? b64[v & 63] : '=');
	}
	json_t *j = json_stringn(b.data, b.len);
	tsq_buf_free(&b);
	return j;
}

/* Base64 text back into OUT; false when it is not base64. */
static bool
unbase64(const char *s, size_t len, struct tsq_buf *out)
{
	uint32_t v = 0;
	int bits = 0;

	tsq_buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		const char *c = s[i] ? strchr(b64, s[i]) : NULL;
		if (s[i] == '=')
			break;
		if (c == NULL)
			return false;
		v = v << 6 | (uint32_t)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			tsq_buf_addc(out, (char)(v >> bits & 0xff));
		}
	}
	return true;
}

/*
 * Text KEY: S as a JSON string when it is UTF-8; otherwise a readable copy
 * under KEY (bad bytes as U+FFFD) and the exact bytes under KEY_base64.
 */
static void
set_text(json_t *o, const char *key, const char *s, size_t len)
{
	json_object_set_new(o, key, tsq_json_text(s, len));
	if (!is_utf8(s, len)) {
		char name[64];
		snprintf(name, sizeof name, "%s_base64", key);
		json_object_set_new(o, name, base64(s, len));
	}
}

struct tsq_rejects *
tsq_rejects_new(const char *path, bool append)
{
	struct tsq_rejects *r = xcalloc(1, sizeof *r);

	pthread_mutex_init(&r->lock, NULL);
	r->path = xstrdup(path);
	r->append = append;
	return r;
}

void
tsq_rejects_set_load(struct tsq_rejects *r, json_t *load)
{
	pthread_mutex_lock(&r->lock);
	json_decref(r->load);
	r->load = load ? json_incref(load) : NULL;
	pthread_mutex_unlock(&r->lock);
}

const char *
tsq_rejects_path(const struct tsq_rejects *r)
{
	return r->path;
}

bool
tsq_rejects_written(const struct tsq_rejects *r)
{
	return r->f != NULL;
}

static bool
failed(struct tsq_rejects *r, struct tsq_buf *err)
{
	r->failed = true;
	tsq_buf_addf(err, "could not write reject file \"%s\": %s", r->path, strerror(errno));
	return false;
}

static bool write_locked(struct tsq_rejects *r, const struct tsq_reject *rj, struct tsq_buf *err);

bool
tsq_rejects_write(struct tsq_rejects *r, const struct tsq_reject *rj, struct tsq_buf *err)
{
	pthread_mutex_lock(&r->lock);
	bool ok = write_locked(r, rj, err);
	pthread_mutex_unlock(&r->lock);
	return ok;
}

static bool
write_locked(struct tsq_rejects *r, const struct tsq_reject *rj, struct tsq_buf *err)
{
	if (r->failed) {
		tsq_buf_addf(err, "could not write reject file \"%s\"", r->path);
		return false;
	}
	if (r->f == NULL && (r->f = fopen(r->path, r->append ? "a" : "w")) == NULL)
		return failed(r, err);

	size_t rawlen = rj->rawlen < TSQ_RECORD_PREFIX ? rj->rawlen : TSQ_RECORD_PREFIX;
	json_t *o = json_object();
	json_object_set_new(o, "file", tsq_json_text(rj->file, strlen(rj->file)));
	json_object_set_new(o, "line", json_integer(rj->line));
	json_object_set_new(o, "offset", json_integer(rj->offset));
	if (rj->element > 0)
		json_object_set_new(o, "element", json_integer(rj->element - 1));
	json_object_set_new(o, "column", rj->column ? tsq_json_text(rj->column, strlen(rj->column)) :
	    json_null());
	json_object_set_new(o, "error", tsq_json_text(rj->error, strlen(rj->error)));
	json_object_set_new(o, "sqlstate", rj->sqlstate ? json_string(rj->sqlstate) : json_null());
	if (rj->worker >= 0)
		json_object_set_new(o, "worker", json_integer(rj->worker));
	set_text(o, "record", rj->raw, rawlen);
	if (rj->rawsize > (int64_t)rawlen) {
		json_object_set_new(o, "record_bytes", json_integer(rj->rawsize));
		json_object_set_new(o, "truncated", json_true());
	}
	json_object_set_new(o, "format", json_string(tsq_format_name(rj->format)));
	/*
	 * The header goes with the first record of each input, not with every
	 * one: a header of megabytes repeated for each bad row would make the
	 * reject file far larger than the input.
	 */
	const char *header = rj->header && rj->format != TSQ_FORMAT_JSONL ? rj->header : NULL;
	bool same = r->last_file && strcmp(r->last_file, rj->file) == 0 &&
	    ((header == NULL && r->last_header == NULL) ||
	    (header && r->last_header && strcmp(header, r->last_header) == 0));
	if (!same) {
		free(r->last_file);
		free(r->last_header);
		r->last_file = xstrdup(rj->file);
		r->last_header = header ? xstrdup(header) : NULL;
		if (header)
			set_text(o, "header", header, strlen(header));
		else
			json_object_set_new(o, "header", json_null());
		/* And how it was read: --format rejects reloads it without the options again. */
		if (r->load && json_object_size(r->load) > 0)
			json_object_set(o, "load", r->load);
	}
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	/* One record per write, flushed: a killed load keeps what it reported. */
	bool ok = line && fputs(line, r->f) >= 0 && fputc('\n', r->f) != EOF && fflush(r->f) == 0;
	free(line);
	return ok ? true : failed(r, err);
}

bool
tsq_rejects_close(struct tsq_rejects *r, struct tsq_buf *err)
{
	bool ok = true;

	if (r == NULL)
		return true;
	/* A write that failed was reported when it did: only a new failure is. */
	if (r->f && fclose(r->f) != 0 && !r->failed)
		ok = failed(r, err);
	free(r->path);
	free(r->last_file);
	free(r->last_header);
	json_decref(r->load);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return ok;
}

long
tsq_rejects_prune(const char *path, const char *file, int64_t offset, const int64_t *committed,
    int nworkers, struct tsq_buf *err)
{
	FILE *in;
	struct tsq_outfile out;
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	long dropped = 0;

	/* A device or a FIFO holds nothing to read back: nothing to prune. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return 0;
	if ((in = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : (tsq_buf_addf(err, "could not open \"%s\": %s", path,
		    strerror(errno)), -1);
	if (!tsq_outfile_open(&out, path, err)) {
		fclose(in);
		return -1;
	}
	while (getline(&line, &cap, in) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		json_t *f = o ? json_object_get(o, "file") : NULL;
		json_t *off = o ? json_object_get(o, "offset") : NULL;
		json_t *w = o ? json_object_get(o, "worker") : NULL;
		bool later = json_is_string(f) && strcmp(json_string_value(f), file) == 0 &&
		    json_is_integer(off) && json_integer_value(off) >= offset;
		/* A row a worker's committed batch refused stays refused: it is not read again. */
		if (later && json_is_integer(w) && json_integer_value(w) >= 0 &&
		    json_integer_value(w) < nworkers && committed &&
		    json_integer_value(off) < committed[json_integer_value(w)])
			later = false;
		json_decref(o);
		if (later)
			dropped++;
		else
			fputs(line, out.f);
	}
	free(line);
	fclose(in);
	if (!tsq_outfile_commit(&out, err))
		dropped = -1;
	return dropped;
}

bool
tsq_reject_parse(json_t *root, struct tsq_reject *rj, struct tsq_buf *raw, struct tsq_buf *head,
    const char **error)
{
	json_t *record = json_object_get(root, "record");
	json_t *record64 = json_object_get(root, "record_base64");
	json_t *fmt = json_object_get(root, "format");
	json_t *header = json_object_get(root, "header");
	json_t *header64 = json_object_get(root, "header_base64");
	json_t *size = json_object_get(root, "record_bytes");

	memset(rj, 0, sizeof *rj);
	rj->format = TSQ_FORMAT_CSV;
	if (!json_is_object(root) || !json_is_string(record)) {
		*error = "a reject record needs a \"record\" string";
		return false;
	}
	/* Bytes that are not UTF-8 come back exactly from their base64 copy. */
	if (json_is_string(record64)) {
		if (!unbase64(json_string_value(record64), json_string_length(record64), raw)) {
			*error = "\"record_base64\" of the reject record is not base64";
			return false;
		}
	} else {
		tsq_buf_reset(raw);
		tsq_buf_add(raw, json_string_value(record), json_string_length(record));
	}
	rj->raw = raw->data;
	rj->rawlen = raw->len;
	rj->rawsize = json_is_integer(size) && json_integer_value(size) > (json_int_t)rj->rawlen ?
	    json_integer_value(size) : (int64_t)rj->rawlen;
	if (json_is_string(header64) &&
	    unbase64(json_string_value(header64), json_string_length(header64), head))
		rj->header = head->data;
	else if (json_is_string(header))
		rj->header = json_string_value(header);
	if (json_is_string(fmt)) {
		int f;
		if (!tsq_opt_lookup(json_string_value(fmt), tsq_formats, &f)) {
			*error = "unknown \"format\" in the reject record";
			return false;
		}
		rj->format = (enum tsq_format)f;
	}
	if (json_is_true(json_object_get(root, "truncated"))) {
		*error = "the reject record keeps only the start of the record, which cannot be "
		    "loaded from it";
		return false;
	}
	return true;
}
