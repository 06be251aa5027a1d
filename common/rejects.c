#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "opt.h"
#include "rejects.h"

struct tsq_rejects {
	char *path;
	bool append;
	FILE *f;
	bool failed;		/* a write failed: nothing more is written */
};

json_t *
tsq_json_text(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);
	if (v)
		return v;
	/* Not UTF-8 (or a NUL inside): keep what can be kept, mark the rest. */
	struct tsq_buf b = TSQ_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		json_t *one = c >= 0x80 && i + n <= len ? json_stringn(s + i, n) : NULL;
		if (c != 0 && c < 0x80) {
			tsq_buf_addc(&b, (char)c);
		} else if (one) {
			tsq_buf_add(&b, s + i, n);
			i += n - 1;
		} else {
			tsq_buf_adds(&b, "\xef\xbf\xbd");
		}
		json_decref(one);
	}
	v = json_stringn(b.data, b.len);
	tsq_buf_free(&b);
	return v;
}

struct tsq_rejects *
tsq_rejects_new(const char *path, bool append)
{
	struct tsq_rejects *r = xcalloc(1, sizeof *r);

	r->path = xstrdup(path);
	r->append = append;
	return r;
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

bool
tsq_rejects_write(struct tsq_rejects *r, const struct tsq_reject *rj, struct tsq_buf *err)
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
	json_object_set_new(o, "column", rj->column ? tsq_json_text(rj->column, strlen(rj->column)) :
	    json_null());
	json_object_set_new(o, "error", tsq_json_text(rj->error, strlen(rj->error)));
	json_object_set_new(o, "sqlstate", rj->sqlstate ? json_string(rj->sqlstate) : json_null());
	json_object_set_new(o, "record", tsq_json_text(rj->raw, rawlen));
	if (rj->rawsize > (int64_t)rawlen) {
		json_object_set_new(o, "record_bytes", json_integer(rj->rawsize));
		json_object_set_new(o, "truncated", json_true());
	}
	json_object_set_new(o, "format", json_string(tsq_format_name(rj->format)));
	json_object_set_new(o, "header", rj->header && rj->format != TSQ_FORMAT_JSONL ?
	    tsq_json_text(rj->header, strlen(rj->header)) : json_null());
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
	if (r->f && (fclose(r->f) != 0 || r->failed))
		ok = r->failed ? false : failed(r, err);
	free(r->path);
	free(r);
	return ok;
}

long
tsq_rejects_prune(const char *path, const char *file, int64_t offset, struct tsq_buf *err)
{
	FILE *in, *out;
	struct tsq_buf tmp = TSQ_BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	long dropped = 0;

	if ((in = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : (tsq_buf_addf(err, "could not open \"%s\": %s", path,
		    strerror(errno)), -1);
	tsq_buf_addf(&tmp, "%s.tmp", path);
	if ((out = fopen(tmp.data, "w")) == NULL) {
		tsq_buf_addf(err, "could not write \"%s\": %s", tmp.data, strerror(errno));
		fclose(in);
		tsq_buf_free(&tmp);
		return -1;
	}
	bool ok = true;
	while (ok && getline(&line, &cap, in) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		json_t *f = o ? json_object_get(o, "file") : NULL;
		json_t *off = o ? json_object_get(o, "offset") : NULL;
		bool later = json_is_string(f) && strcmp(json_string_value(f), file) == 0 &&
		    json_is_integer(off) && json_integer_value(off) >= offset;
		json_decref(o);
		if (later)
			dropped++;
		else
			ok = fputs(line, out) >= 0;
	}
	free(line);
	fclose(in);
	if (fclose(out) != 0 || !ok || rename(tmp.data, path) != 0) {
		tsq_buf_addf(err, "could not rewrite \"%s\": %s", path, strerror(errno));
		unlink(tmp.data);
		dropped = -1;
	}
	tsq_buf_free(&tmp);
	return dropped;
}

bool
tsq_reject_parse(json_t *root, struct tsq_reject *rj, const char **error)
{
	json_t *record = json_object_get(root, "record");
	json_t *fmt = json_object_get(root, "format");
	json_t *header = json_object_get(root, "header");
	json_t *size = json_object_get(root, "record_bytes");

	memset(rj, 0, sizeof *rj);
	rj->format = TSQ_FORMAT_CSV;
	if (!json_is_object(root) || !json_is_string(record)) {
		*error = "a reject record needs a \"record\" string";
		return false;
	}
	rj->raw = json_string_value(record);
	rj->rawlen = json_string_length(record);
	rj->rawsize = json_is_integer(size) && json_integer_value(size) > (json_int_t)rj->rawlen ?
	    json_integer_value(size) : (int64_t)rj->rawlen;
	rj->header = json_is_string(header) ? json_string_value(header) : NULL;
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
