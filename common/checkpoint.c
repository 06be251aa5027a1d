#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "mem.h"
#include "outfile.h"

struct tsq_checkpoint {
	char *path;
	json_t *root;		/* {"table": ..., "files": {input: {...}}} */
};

struct tsq_checkpoint *
tsq_checkpoint_load(const char *path, bool read, struct tsq_buf *warn)
{
	struct tsq_checkpoint *c = xcalloc(1, sizeof *c);
	json_error_t jerr;

	c->path = xstrdup(path);
	if (read && access(path, F_OK) == 0) {
		c->root = json_load_file(path, 0, &jerr);
		if (c->root == NULL || !json_is_object(c->root) ||
		    (json_object_get(c->root, "files") && !json_is_object(json_object_get(c->root, "files")))) {
			tsq_buf_addf(warn, "ignoring checkpoint \"%s\": %s", path,
			    c->root ? "not a tsq-load checkpoint" : jerr.text);
			json_decref(c->root);
			c->root = NULL;
		}
	}
	if (c->root == NULL)
		c->root = json_object();
	return c;
}

void
tsq_checkpoint_free(struct tsq_checkpoint *c)
{
	if (c == NULL)
		return;
	json_decref(c->root);
	free(c->path);
	free(c);
}

static json_t *
entry(const struct tsq_checkpoint *c, const char *input)
{
	json_t *files = json_object_get(c->root, "files");
	json_t *e = json_is_object(files) ? json_object_get(files, input) : NULL;
	return json_is_object(e) ? e : NULL;
}

enum tsq_resume
tsq_checkpoint_find(const struct tsq_checkpoint *c, const char *input,
    struct tsq_resume_point *rp)
{
	json_t *e = entry(c, input);

	memset(rp, 0, sizeof *rp);
	if (e == NULL)
		return TSQ_RESUME_NONE;
	json_t *hash = json_object_get(e, "hash");
	json_t *off = json_object_get(e, "offset"), *ln = json_object_get(e, "line");
	if (!json_is_string(hash) || json_string_length(hash) >= sizeof rp->hash)
		return TSQ_RESUME_OLD;
	if (!json_is_integer(off) || !json_is_integer(ln) || json_integer_value(off) < 0 ||
	    json_integer_value(ln) < 1)
		return TSQ_RESUME_NONE;
	rp->offset = json_integer_value(off);
	rp->line = (long)json_integer_value(ln);
	rp->done = json_is_true(json_object_get(e, "done"));
	snprintf(rp->hash, sizeof rp->hash, "%s", json_string_value(hash));
	return TSQ_RESUME_AT;
}

bool
tsq_checkpoint_save(struct tsq_checkpoint *c, const char *table, const char *input,
    const struct tsq_resume_point *rp, const char *rejects, struct tsq_buf *err)
{
	json_t *files = json_object_get(c->root, "files");
	if (!json_is_object(files)) {
		files = json_object();
		json_object_set_new(c->root, "files", files);
	}
	json_t *e = json_object();
	json_object_set_new(c->root, "table", json_string(table));
	json_object_set_new(e, "offset", json_integer(rp->offset));
	json_object_set_new(e, "line", json_integer(rp->line));
	json_object_set_new(e, "hash", json_string(rp->hash));
	json_object_set_new(e, "done", json_boolean(rp->done));
	if (rejects)
		json_object_set_new(e, "rejects", json_string(rejects));
	json_object_set_new(files, input, e);

	char *text = json_dumps(c->root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	struct tsq_buf why = TSQ_BUF_INIT;
	bool ok = tsq_outfile_write(c->path, text, strlen(text), &why);
	if (!ok)
		tsq_buf_addf(err, "checkpoint: %s", why.data);
	tsq_buf_free(&why);
	free(text);
	return ok;
}
