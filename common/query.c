#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "datetime.h"
#include "query.h"
#include "script.h"
#include "ident.h"
#include "pgcodes.h"

/* Each parameter type, indexed by its enum: the name in "-- param:" lines and its OID. */
static const struct {
	const char *name;
	unsigned int oid;
} param_types[] = {
	[TSQ_PARAM_TEXT] = {"text", TSQ_OID_TEXT},
	[TSQ_PARAM_INT] = {"int", TSQ_OID_INT8},
	[TSQ_PARAM_FLOAT] = {"float", TSQ_OID_FLOAT8},
	[TSQ_PARAM_NUMERIC] = {"numeric", TSQ_OID_NUMERIC},
	[TSQ_PARAM_BOOL] = {"bool", TSQ_OID_BOOL},
	[TSQ_PARAM_TIMESTAMPTZ] = {"timestamptz", TSQ_OID_TIMESTAMPTZ},
	[TSQ_PARAM_INTERVAL] = {"interval", TSQ_OID_INTERVAL},
	[TSQ_PARAM_TEXT_ARRAY] = {"text[]", TSQ_OID_TEXT_ARRAY},
};

const char *
tsq_param_type_name(enum tsq_param_type t)
{
	return param_types[t].name;
}

unsigned int
tsq_param_type_oid(enum tsq_param_type t)
{
	return param_types[t].oid;
}

void
tsq_query_path_init(struct tsq_query_path *p, const char *queries_dir)
{
	const char *env = getenv("TSQ_QUERY_PATH");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct tsq_buf b = TSQ_BUF_INIT;

	memset(p, 0, sizeof *p);
	p->dirs = xcalloc(64, sizeof *p->dirs);
	if (queries_dir)
		p->dirs[p->ndirs++] = xstrdup(queries_dir);
	if (env && *env) {
		char *copy = xstrdup(env), *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d && p->ndirs < 62; d = strtok_r(NULL, ":", &save))
			p->dirs[p->ndirs++] = xstrdup(d);
		free(copy);
	}
	if (xdg && *xdg)
		tsq_buf_addf(&b, "%s/tsq/queries", xdg);
	else if (home && *home)
		tsq_buf_addf(&b, "%s/.config/tsq/queries", home);
	if (b.len)
		p->dirs[p->ndirs++] = tsq_buf_detach(&b);
	tsq_buf_free(&b);
}

void
tsq_query_path_free(struct tsq_query_path *p)
{
	for (int i = 0; i < p->ndirs; i++)
		free(p->dirs[i]);
	free(p->dirs);
	memset(p, 0, sizeof *p);
}

char *
tsq_query_read_text(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct tsq_buf b = TSQ_BUF_INIT;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		tsq_buf_add(&b, chunk, n);
	if (f != stdin)
		fclose(f);
	return tsq_buf_detach(&b);
}

static bool
valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static char *
trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int
find_param(const struct tsq_query *q, const char *name, size_t len)
{
	for (int i = 0; i < q->nparams; i++)
		if (strlen(q->params[i].name) == len && strncmp(q->params[i].name, name, len) == 0)
			return i;
	return -1;
}

/* "param: NAME TYPE [= DEFAULT]" */
/* Whether VALUE is one of P's values ("a|b|c"), exactly. */
static bool
is_choice(const struct tsq_param *p, const char *value)
{
	size_t n = strlen(value);

	for (const char *c = p->choices; *c;) {
		size_t len = strcspn(c, "|");
		if (len == n && strncmp(c, value, n) == 0)
			return true;
		c += len + (c[len] == '|');
	}
	return false;
}

/*
 * The parameter type TYPE names (tsq's names, and PostgreSQL's for them:
 * "integer", "double precision", "timestamp with time zone"), or -1.
 * TYPE's words are separated by single blanks.
 */
static int
param_type_named(const char *type)
{
	static const struct {
		const char *name;
		enum tsq_param_type type;
	} aliases[] = {
		{"varchar", TSQ_PARAM_TEXT}, {"character varying", TSQ_PARAM_TEXT},
		{"integer", TSQ_PARAM_INT}, {"bigint", TSQ_PARAM_INT}, {"smallint", TSQ_PARAM_INT},
		{"int2", TSQ_PARAM_INT}, {"int4", TSQ_PARAM_INT}, {"int8", TSQ_PARAM_INT},
		{"double precision", TSQ_PARAM_FLOAT}, {"float8", TSQ_PARAM_FLOAT},
		{"real", TSQ_PARAM_FLOAT}, {"float4", TSQ_PARAM_FLOAT},
		{"decimal", TSQ_PARAM_NUMERIC}, {"boolean", TSQ_PARAM_BOOL},
		{"timestamp with time zone", TSQ_PARAM_TIMESTAMPTZ},
		{"character varying[]", TSQ_PARAM_TEXT_ARRAY}, {"varchar[]", TSQ_PARAM_TEXT_ARRAY},
	};

	for (size_t i = 0; i < sizeof param_types / sizeof param_types[0]; i++)
		if (strcasecmp(type, param_types[i].name) == 0)
			return (int)i;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(type, aliases[i].name) == 0)
			return (int)aliases[i].type;
	return -1;
}

static bool
parse_param(struct tsq_query *q, char *spec, struct tsq_buf *err)
{
	char *eq, *def = NULL, *choices = NULL;
	size_t len = strlen(spec);

	/* "(a|b|c)" at the end: the only values it takes. */
	if (len > 2 && spec[len - 1] == ')') {
		char *open = strrchr(spec, '(');
		if (open && (open == spec || isspace((unsigned char)open[-1]))) {
			spec[len - 1] = '\0';
			choices = open + 1;
			*open = '\0';
			if (*choices == '\0' || strspn(choices, "|") > 0 || choices[strlen(choices) - 1] == '|' ||
			    strstr(choices, "||") || strpbrk(choices, " \t")) {
				tsq_buf_addf(err, "bad list of values \"(%s)\": expected (VALUE|VALUE...)",
				    choices);
				return false;
			}
		}
	}
	eq = strchr(spec, '=');

	if (eq) {
		*eq = '\0';
		def = trim(eq + 1);
	}
	/* NAME, then the type's words (PostgreSQL's names have several). */
	char *save = NULL, *name = strtok_r(spec, " \t", &save), *word;
	struct tsq_buf words = TSQ_BUF_INIT;
	while ((word = strtok_r(NULL, " \t", &save)) != NULL) {
		tsq_buf_adds(&words, words.len ? " " : "");
		tsq_buf_adds(&words, word);
	}
	if (name == NULL || words.len == 0) {
		tsq_buf_free(&words);
		tsq_buf_addf(err, "bad parameter line: expected \"param: NAME TYPE [= DEFAULT]\"");
		return false;
	}
	char type[64];
	snprintf(type, sizeof type, "%s", words.data);
	tsq_buf_free(&words);
	int t = param_type_named(type);
	if (t < 0) {
		tsq_buf_addf(err, "parameter \"%s\" has an unknown type \"%s\"", name, type);
		return false;
	}
	if (find_param(q, name, strlen(name)) >= 0) {
		tsq_buf_addf(err, "parameter \"%s\" is declared twice", name);
		return false;
	}
	q->params = xreallocarray(q->params, (size_t)q->nparams + 1, sizeof *q->params);
	struct tsq_param *p = &q->params[q->nparams++];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->type = (enum tsq_param_type)t;
	if (def) {
		p->def_null = strcmp(def, "null") == 0;
		p->def = xstrdup(def);
	}
	if (choices) {
		p->choices = xstrdup(choices);
		if (def && !p->def_null && !is_choice(p, def)) {
			tsq_buf_addf(err, "the default \"%s\" of parameter \"%s\" is not one of its "
			    "values (%s)", def, name, choices);
			return false;
		}
	}
	return true;
}

/*
 * The end of the string literal, quoted identifier, comment or
 * dollar-quoted body that starts at S, or NULL when none starts there.  An
 * unterminated one runs to the end of the text.
 */
static const char *
quoted_end(const char *text, const char *s)
{
	/* E'...': a backslash escapes the next character, \' included. */
	if ((*s == 'E' || *s == 'e') && s[1] == '\'' && (s == text ||
	    !(isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '$'))) {
		const char *e = s + 2;
		while (*e && !(*e == '\'' && e[1] != '\''))
			e += (*e == '\\' || *e == '\'') && e[1] ? 2 : 1;
		return *e ? e + 1 : e;
	}
	if (*s == '\'' || *s == '"') {
		char quote = *s;
		const char *e = s + 1;
		while (*e && !(*e == quote && e[1] != quote))
			e += *e == quote ? 2 : 1;
		return *e ? e + 1 : e;
	}
	if (s[0] == '-' && s[1] == '-') {
		const char *e = strchr(s, '\n');
		return e ? e : s + strlen(s);
	}
	if (s[0] == '/' && s[1] == '*') {
		const char *e = strstr(s + 2, "*/");
		return e ? e + 2 : s + strlen(s);
	}
	if (*s == '$' && (s[1] == '$' || isalpha((unsigned char)s[1]) || s[1] == '_')) {
		const char *t = s + 1;
		while (isalnum((unsigned char)*t) || *t == '_')
			t++;
		size_t taglen = (size_t)(t - s) + 1;
		char tag[64];
		if (*t != '$' || taglen >= sizeof tag)
			return NULL;
		memcpy(tag, s, taglen);
		tag[taglen] = '\0';
		const char *e = strstr(s + taglen, tag);
		return e ? e + taglen : s + strlen(s);
	}
	return NULL;
}

/* Whether only blanks and comments follow S in TEXT. */
static bool
nothing_after(const char *text, const char *s)
{
	const char *e;

	while (*s) {
		if (isspace((unsigned char)*s))
			s++;
		else if ((s[0] == '-' && s[1] == '-') || (s[0] == '/' && s[1] == '*'))
			s = (e = quoted_end(text, s)) ? e : s + 1;
		else
			return false;
	}
	return true;
}

/*
 * Turn :name into $N, leaving string literals, quoted identifiers, comments,
 * dollar-quoted bodies and :: casts alone.  One statement: a ';' with more
 * SQL after it is refused.
 */
static bool
number_params(struct tsq_query *q, struct tsq_buf *err)
{
	const char *s = q->text, *e, *text_start = q->text;
	struct tsq_buf out = TSQ_BUF_INIT;

	while (*s) {
		if ((e = quoted_end(text_start, s)) != NULL) {
			tsq_buf_add(&out, s, (size_t)(e - s));
			s = e;
		} else if (*s == ';' && !nothing_after(text_start, s + 1)) {
			int line = 1;
			for (const char *l = text_start; l < s; l++)
				line += *l == '\n';
			tsq_buf_addf(err, "the SQL holds more than one statement (a \";\" on line %d has "
			    "more after it): tsq-query runs one, its parameters bound; give each its "
			    "own -c, or run the file with psql -f", line);
			tsq_buf_free(&out);
			return false;
		} else if (s[0] == ':' && s[1] == ':') {
			tsq_buf_add(&out, s, 2);
			s += 2;
		} else if (*s == ':' && (isalpha((unsigned char)s[1]) || s[1] == '_')) {
			e = s + 1;
			while (isalnum((unsigned char)*e) || *e == '_')
				e++;
			int i = find_param(q, s + 1, (size_t)(e - s - 1));
			if (i < 0) {
				tsq_buf_addf(err, "the SQL uses :%.*s, which is not a declared parameter",
				    (int)(e - s - 1), s + 1);
				tsq_buf_free(&out);
				return false;
			}
			tsq_buf_addf(&out, "$%d", i + 1);
			s = e;
		} else {
			tsq_buf_addc(&out, *s++);
		}
	}
	q->sql = tsq_buf_detach(&out);
	return true;
}

/*
 * TEXT with each @name@ of a shipped fragment (sql/queries/fragments/) in
 * its SQL replaced by the fragment's text: SQL that several queries share,
 * such as the candles or bars an indicator reads; the repeat blocks of both
 * written out (tsq_sql_repeat).  Comments, literals and quoted names are
 * left as they are.
 */
static char *
expand_fragments(const char *text)
{
	static const char *const names[] = { "candles" };
	struct tsq_buf out = TSQ_BUF_INIT;
	const char *s = text, *e, *text_start = text;

	while (*s) {
		if ((e = quoted_end(text_start, s)) != NULL) {
			tsq_buf_add(&out, s, (size_t)(e - s));
			s = e;
			continue;
		}
		if (*s == '@') {
			bool done = false;
			for (size_t i = 0; i < sizeof names / sizeof names[0] && !done; i++) {
				size_t n = strlen(names[i]);
				if (strncmp(s + 1, names[i], n) == 0 && s[n + 1] == '@') {
					char file[64];
					snprintf(file, sizeof file, "queries/fragments/%s.sql", names[i]);
					char *fragment = tsq_sql_repeat(tsq_sql_file(file));
					tsq_buf_adds(&out, fragment);
					free(fragment);
					s += n + 2;
					done = true;
				}
			}
			if (done)
				continue;
		}
		tsq_buf_addc(&out, *s++);
	}
	return tsq_buf_detach(&out);
}

static bool
parse_query(const char *name, const char *source, const char *text, struct tsq_query *q,
    struct tsq_buf *err)
{
	const char *p = text;

	memset(q, 0, sizeof *q);
	q->name = xstrdup(name);
	q->source = xstrdup(source);
	q->description = xstrdup("");
	/* The header: leading comment lines. */
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = xstrndup(p, len), *l = trim(line);
		if (*l == '\0') {
			free(line);
			p += len + (eol != NULL);
			continue;
		}
		if (strncmp(l, "--", 2) != 0) {
			free(line);
			break;
		}
		bool ok = true;
		char *v;
		if (tsq_sql_header(l, "description", &v)) {
			free(q->description);
			q->description = xstrdup(v);
		} else if (tsq_sql_header(l, "name", &v)) {
			free(q->name);
			q->name = xstrdup(v);
		} else if (tsq_sql_header(l, "compute", &v)) {
			free(q->compute);
			q->compute = xstrdup(v);
		} else if (tsq_sql_header(l, "param", &v)) {
			ok = parse_param(q, v, err);
		}
		free(line);
		if (!ok)
			return false;
		p += len + (eol != NULL);
	}
	char *repeated = tsq_sql_repeat(text);
	q->text = expand_fragments(repeated);
	free(repeated);
	return number_params(q, err);
}

bool
tsq_query_parse(const char *name, const char *source, const char *text, struct tsq_query *q,
    struct tsq_buf *err)
{
	if (parse_query(name, source, text, q, err))
		return true;
	tsq_query_free(q);
	return false;
}

void
tsq_query_free(struct tsq_query *q)
{
	for (int i = 0; i < q->nparams; i++) {
		TSQ_FREE(q->params[i].name, q->params[i].def, q->params[i].value,
		    q->params[i].choices);
	}
	TSQ_FREE(q->params, q->name, q->description, q->source, q->compute, q->text, q->sql);
	memset(q, 0, sizeof *q);
}

static char *
shipped_path(const char *name, const char *backend)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	if (backend) {
		tsq_buf_addf(&b, "queries/%s/%s.sql", backend, name);
		if (tsq_sql_file(b.data))
			return tsq_buf_detach(&b);
		tsq_buf_reset(&b);
	}
	tsq_buf_addf(&b, "queries/%s.sql", name);
	if (tsq_sql_file(b.data))
		return tsq_buf_detach(&b);
	tsq_buf_free(&b);
	return NULL;
}

enum tsq_query_found
tsq_query_load(const struct tsq_query_path *p, const char *name, const char *backend,
    struct tsq_query *q, struct tsq_buf *err)
{
	struct tsq_buf path = TSQ_BUF_INIT, perr = TSQ_BUF_INIT;
	bool ok;

	if (!valid_name(name)) {
		tsq_buf_addf(err, "\"%s\" is not a query name", name);
		return TSQ_QUERY_INVALID;
	}
	for (int i = 0; i < p->ndirs; i++) {
		tsq_buf_reset(&path);
		tsq_buf_addf(&path, "%s/%s.sql", p->dirs[i], name);
		char *text = tsq_query_read_text(path.data);
		if (text == NULL)
			continue;
		ok = tsq_query_parse(name, path.data, text, q, &perr);
		if (!ok)
			tsq_buf_addf(err, "%s: %s", path.data, perr.data);
		free(text);
		tsq_buf_free(&path);
		tsq_buf_free(&perr);
		return ok ? TSQ_QUERY_LOADED : TSQ_QUERY_INVALID;
	}
	tsq_buf_free(&path);
	char *sp = shipped_path(name, backend);
	if (sp == NULL) {
		tsq_buf_addf(err, "no query named \"%s\"", name);
		return TSQ_QUERY_NOT_FOUND;
	}
	ok = tsq_query_parse(name, "(shipped)", tsq_sql_file(sp), q, &perr);
	if (ok)
		q->shipped = true;
	else
		tsq_buf_addf(err, "%s: %s", sp, perr.data);
	free(sp);
	tsq_buf_free(&perr);
	return ok ? TSQ_QUERY_LOADED : TSQ_QUERY_INVALID;
}

static void
list_add(struct tsq_query_entry **out, int *n, const char *name, const char *text,
    const char *source)
{
	struct tsq_query q;
	struct tsq_buf err = TSQ_BUF_INIT;

	for (int i = 0; i < *n; i++)
		if (strcmp((*out)[i].name, name) == 0)
			return;	/* an earlier directory has it */
	bool ok = tsq_query_parse(name, source, text, &q, &err);
	*out = xreallocarray(*out, (size_t)*n + 1, sizeof **out);
	(*out)[*n].name = xstrdup(name);
	(*out)[*n].description = xstrdup(ok ? q.description : err.data);
	(*out)[*n].source = xstrdup(source);
	(*n)++;
	tsq_query_free(&q);
	tsq_buf_free(&err);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tsq_query_entry *)a)->name,
	    ((const struct tsq_query_entry *)b)->name);
}

int
tsq_query_list(const struct tsq_query_path *p, struct tsq_query_entry **out)
{
	int n = 0;

	*out = NULL;
	for (int i = 0; i < p->ndirs; i++) {
		DIR *d = opendir(p->dirs[i]);
		struct dirent *e;
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			size_t len = strlen(e->d_name);
			if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
				continue;
			char *name = xstrndup(e->d_name, len - 4);
			struct tsq_buf path = TSQ_BUF_INIT;
			tsq_buf_addf(&path, "%s/%s", p->dirs[i], e->d_name);
			char *text = valid_name(name) ? tsq_query_read_text(path.data) : NULL;
			if (text)
				list_add(out, &n, name, text, path.data);
			free(text);
			free(name);
			tsq_buf_free(&path);
		}
		closedir(d);
	}
	const char *path;
	for (size_t i = 0; (path = tsq_sql_file_name(i)) != NULL; i++) {
		if (strncmp(path, "queries/", 8) != 0 || strchr(path + 8, '/'))
			continue;
		char *name = xstrndup(path + 8, strlen(path + 8) - 4);
		list_add(out, &n, name, tsq_sql_file(path), "(shipped)");
		free(name);
	}
	qsort(*out, (size_t)n, sizeof **out, entry_cmp);
	return n;
}

void
tsq_query_list_free(struct tsq_query_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		TSQ_FREE(e[i].name, e[i].description, e[i].source);
	}
	free(e);
}

/* Check VALUE for its type and return the text to bind, or NULL with ERR set. */
static char *
normalise(const struct tsq_param *p, const char *value, int64_t now, struct tsq_buf *err)
{
	struct tsq_buf b = TSQ_BUF_INIT;
	size_t pos;
	int64_t i;

	switch (p->type) {
	case TSQ_PARAM_INT:
		if (tsq_parse_int64(value, INT64_MIN, INT64_MAX, &i, &pos) != TSQ_PARSE_OK)
			goto bad;
		tsq_buf_addf(&b, "%" PRId64, i);
		break;
	case TSQ_PARAM_FLOAT:
	case TSQ_PARAM_NUMERIC: {
		char *end;
		errno = 0;
		double d = strtod(value, &end);
		(void)d;
		if (end == value || *trim(end) != '\0' || errno == ERANGE)
			goto bad;
		tsq_buf_adds(&b, value);
		break;
	}
	case TSQ_PARAM_BOOL: {
		static const char *const yes[] = {"true", "t", "yes", "y", "on", "1"};
		static const char *const no[] = {"false", "f", "no", "n", "off", "0"};
		for (int k = 0; k < 6 && b.len == 0; k++) {
			if (strcasecmp(value, yes[k]) == 0)
				tsq_buf_adds(&b, "true");
			else if (strcasecmp(value, no[k]) == 0)
				tsq_buf_adds(&b, "false");
		}
		if (b.len == 0)
			goto bad;
		break;
	}
	case TSQ_PARAM_TIMESTAMPTZ: {
		struct tsq_time t;
		char out[TSQ_TIME_BUFSIZE];
		if (tsq_parse_time(value, now, &t, &pos) != TSQ_PARSE_OK)
			goto bad;
		tsq_format_time(t.usec, out);
		tsq_buf_adds(&b, out);
		break;
	}
	case TSQ_PARAM_INTERVAL:
		/* A length of time, or calendar months (buckets of whole months). */
		if (tsq_parse_duration(value, &i, &pos) == TSQ_PARSE_OK && i > 0)
			tsq_buf_addf(&b, "%" PRId64 " microseconds", i);
		else if (tsq_parse_months(value, &i, &pos) == TSQ_PARSE_OK && i > 0)
			tsq_buf_addf(&b, "%" PRId64 " months", i);
		else
			goto bad;
		break;
	case TSQ_PARAM_TEXT_ARRAY: {
		char *copy = xstrdup(value), *save = NULL;
		char **elems = xcalloc(strlen(value) + 1, sizeof *elems);
		int k = 0;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			t = trim(t);
			if (*t != '\0')
				elems[k++] = t;
		}
		tsq_array_literal(&b, (const char *const *)elems, k);
		free(elems);
		free(copy);
		break;
	}
	default:
		tsq_buf_adds(&b, value);
		break;
	}
	return tsq_buf_detach(&b);
bad:
	tsq_buf_free(&b);
	tsq_buf_addf(err, "invalid value \"%s\" for parameter \"%s\" (%s)", value, p->name,
	    tsq_param_type_name(p->type));
	return NULL;
}

bool
tsq_query_set(struct tsq_query *q, const char *name, const char *value, int64_t now_usec,
    struct tsq_buf *err)
{
	int i = find_param(q, name, strlen(name));

	if (i < 0) {
		tsq_buf_addf(err, "query \"%s\" has no parameter \"%s\"", q->name, name);
		return false;
	}
	struct tsq_param *p = &q->params[i];
	free(p->value);
	p->value = NULL;
	p->is_null = false;
	if (p->choices && !is_choice(p, value)) {
		struct tsq_buf list = TSQ_BUF_INIT;
		for (const char *c = p->choices; *c;) {
			size_t len = strcspn(c, "|");
			tsq_buf_addf(&list, "%s%.*s", list.len ? (c[len] ? ", " : " or ") : "", (int)len, c);
			c += len + (c[len] == '|');
		}
		tsq_buf_addf(err, "invalid value \"%s\" for parameter \"%s\" of query \"%s\": expected "
		    "%s", value, name, q->name, list.data);
		tsq_buf_free(&list);
		return false;
	}
	p->value = normalise(p, value, now_usec, err);
	return p->value != NULL;
}

bool
tsq_query_bind(struct tsq_query *q, int64_t now_usec, struct tsq_buf *err)
{
	for (int i = 0; i < q->nparams; i++) {
		struct tsq_param *p = &q->params[i];
		if (p->value || p->is_null)
			continue;
		if (p->def == NULL) {
			tsq_buf_addf(err, "query \"%s\" needs parameter \"%s\" (%s)", q->name, p->name,
			    tsq_param_type_name(p->type));
			return false;
		}
		if (p->def_null) {
			p->is_null = true;
			continue;
		}
		p->value = normalise(p, p->def, now_usec, err);
		if (p->value == NULL)
			return false;
	}
	return true;
}
