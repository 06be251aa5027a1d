#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "ident.h"
#include "log.h"
#include "mem.h"
#include "script.h"

struct step {
	char *name;
	char *unless;
	char *params;
	char *only;
	char **each;		/* "-- each:" lines: token settings, one run each */
	int neach;
	int version;		/* "-- version:": the schema version of its present form */
	struct tsq_buf sql;
};

bool
tsq_sql_header(char *line, const char *key, char **value)
{
	size_t n = strlen(key);

	line += strspn(line, " \t");
	if (strncmp(line, "--", 2) != 0)
		return false;
	line += 2 + strspn(line + 2, " \t");
	if (strncmp(line, key, n) != 0 || line[n] != ':')
		return false;
	line += n + 1;
	line += strspn(line, " \t");
	size_t len = strlen(line);
	while (len > 0 && strchr(" \t\r", line[len - 1]) != NULL)
		len--;
	line[len] = '\0';
	*value = line;
	return true;
}

/* The value of header KEY on LINE, copied; NULL when LINE is not that header. */
static char *
header_value(char *line, const char *key)
{
	char *v;
	return tsq_sql_header(line, key, &v) ? xstrdup(v) : NULL;
}

void
tsq_sql_substitute(struct tsq_buf *out, const char *sql, const struct tsq_script_var *tokens)
{
	const char *p = sql;

	while (*p) {
		const char *at = strchr(p, '@');
		if (at == NULL) {
			tsq_buf_adds(out, p);
			break;
		}
		tsq_buf_add(out, p, (size_t)(at - p));
		const char *end = strchr(at + 1, '@');
		bool done = false;
		for (int i = 0; end && tokens && tokens[i].name; i++) {
			size_t n = strlen(tokens[i].name);
			if ((size_t)(end - at - 1) == n && strncmp(at + 1, tokens[i].name, n) == 0) {
				tsq_buf_adds(out, tokens[i].value);
				p = end + 1;
				done = true;
				break;
			}
		}
		if (!done) {
			tsq_buf_addc(out, '@');
			p = at + 1;
		}
	}
}

/* Highest $N in SQL: the number of parameters the statement takes. */
static int
param_count(const char *sql)
{
	int max = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			int n = atoi(p + 1);
			if (n > max)
				max = n;
		}
	}
	return max;
}

static void
add_each(struct step *st, char *settings)
{
	st->each = xreallocarray(st->each, (size_t)st->neach + 1, sizeof *st->each);
	st->each[st->neach++] = settings;
}

/* The "-- each:" lines of list NAME (sql/lists/NAME.sql), copied, in order; NULL ends. */
static char **
list_lines(const char *name)
{
	char path[128];
	const char *text;
	char **lines = xcalloc(1, sizeof *lines);
	size_t n = 0;

	snprintf(path, sizeof path, "lists/%s.sql", name);
	if ((text = tsq_sql_file(path)) == NULL)
		return lines;
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = xstrndup(p, len), *v = header_value(line, "each");
		if (v) {
			lines = xreallocarray(lines, n + 2, sizeof *lines);
			lines[n++] = v;
			lines[n] = NULL;
		}
		free(line);
		p += len + (eol != NULL);
	}
	return lines;
}

/* Each line of list NAME as an "-- each:" line of ST. */
static void
add_list(struct step *st, const char *name)
{
	char **lines = list_lines(name);
	for (char **l = lines; *l; l++)
		add_each(st, *l);
	free(lines);
}

static size_t
parse_steps(const char *text, struct step **out)
{
	struct step *steps = NULL;
	size_t n = 0;
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = xstrndup(p, len);
		char *v;

		if ((v = header_value(line, "step")) != NULL) {
			steps = xreallocarray(steps, n + 1, sizeof *steps);
			memset(&steps[n], 0, sizeof steps[n]);
			tsq_buf_init(&steps[n].sql);
			steps[n++].name = v;
		} else if (n > 0 && (v = header_value(line, "unless")) != NULL) {
			free(steps[n - 1].unless);
			steps[n - 1].unless = v;
		} else if (n > 0 && (v = header_value(line, "params")) != NULL) {
			free(steps[n - 1].params);
			steps[n - 1].params = v;
		} else if (n > 0 && (v = header_value(line, "only")) != NULL) {
			free(steps[n - 1].only);
			steps[n - 1].only = v;
		} else if (n > 0 && (v = header_value(line, "each")) != NULL) {
			add_each(&steps[n - 1], v);
		} else if (n > 0 && (v = header_value(line, "each-of")) != NULL) {
			add_list(&steps[n - 1], v);
			free(v);
		} else if (n > 0 && (v = header_value(line, "version")) != NULL) {
			steps[n - 1].version = atoi(v);
			free(v);
		} else if (n > 0) {
			tsq_buf_adds(&steps[n - 1].sql, line);
			tsq_buf_addc(&steps[n - 1].sql, '\n');
		}
		free(line);
		p += len + (eol != NULL);
	}
	*out = steps;
	return n;
}

static bool
flag_enabled(const char *const *flags, const char *name)
{
	for (int i = 0; flags && flags[i]; i++)
		if (strcmp(flags[i], name) == 0)
			return true;
	return false;
}

static const char *
var_value(const struct tsq_script_var *vars, const char *name)
{
	for (int i = 0; vars && vars[i].name; i++)
		if (strcmp(vars[i].name, name) == 0)
			return vars[i].value;
	return NULL;
}

/* Values of the comma-separated variable names in LIST, in order. */
static int
bind_values(const char *list, const struct tsq_script_var *vars, const char **values, int max)
{
	int n = 0;
	char *copy, *save = NULL;

	if (list == NULL)
		return 0;
	copy = xstrdup(list);
	for (char *tok = strtok_r(copy, ", ", &save); tok && n < max; tok = strtok_r(NULL, ", ", &save))
		values[n++] = var_value(vars, tok);
	free(copy);
	return n;
}

static PGresult *
exec_with(PGconn *conn, const char *sql, const char **values, int nvalues)
{
	int need = param_count(sql);
	if (need == 0)
		return PQexec(conn, sql);
	return tsq_exec(conn, sql, need < nvalues ? need : nvalues, values);
}

/*
 * The tokens of one run of a step: the settings of its "-- each:" line
 * EACH ("name=value; name=value"; NULL: none) before the script's own.
 * Returns the array to free with its strings (NULL name ends).
 */
static struct tsq_script_var *
step_tokens(const char *each, const struct tsq_script_var *tokens, char **copy)
{
	size_t n = 0, ntok = 0, max;
	struct tsq_script_var *t;

	while (tokens && tokens[ntok].name)
		ntok++;
	max = ntok + 1 + (each ? strlen(each) / 2 + 1 : 0);
	t = xcalloc(max, sizeof *t);
	*copy = NULL;
	if (each) {
		char *save = NULL;
		*copy = xstrdup(each);
		for (char *kv = strtok_r(*copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
			char *eq = strchr(kv, '=');
			if (eq == NULL)
				continue;
			*eq = '\0';
			t[n].name = kv + strspn(kv, " ");
			t[n].value = eq + 1 + strspn(eq + 1, " ");
			n++;
		}
	}
	for (size_t i = 0; i < ntok; i++)
		t[n++] = tokens[i];
	return t;
}

/* Whether LINE is "-- end repeat", blanks allowed. */
static bool
is_end_repeat(const char *line)
{
	line += strspn(line, " \t");
	if (strncmp(line, "--", 2) != 0)
		return false;
	line += 2 + strspn(line + 2, " \t");
	if (strncmp(line, "end repeat", 10) != 0)
		return false;
	line += 10;
	return line[strspn(line, " \t\r")] == '\0';
}

/* LINE (without its line feed) as "-- repeat: NAME" of a list there is; its lines, else NULL. */
static char **
repeat_header(const char *line)
{
	char *copy = xstrdup(line), *name, **lines = NULL;

	if (tsq_sql_header(copy, "repeat", &name)) {
		lines = list_lines(name);
		if (*lines == NULL) {	/* no such list: the line is only a comment */
			free(lines);
			lines = NULL;
		}
	}
	free(copy);
	return lines;
}

static void
free_lines(char **lines)
{
	for (char **l = lines; l && *l; l++)
		free(*l);
	free(lines);
}

/*
 * Written so that writing its own output again changes nothing: a block
 * without its end, or with another block begun inside it, stays as it is
 * written (header included).
 */
char *
tsq_sql_repeat(const char *text)
{
	struct tsq_buf out = TSQ_BUF_INIT, block = TSQ_BUF_INIT;
	char **lines = NULL, **next;

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);
		char *line = xstrndup(p, len), *head = xstrndup(p, eol ? len - 1 : len);

		if ((next = repeat_header(head)) != NULL) {
			/* A block begun inside another: the other was not one. */
			tsq_buf_add(&out, block.data, block.len);
			tsq_buf_reset(&block);
			free_lines(lines);
			lines = next;
			tsq_buf_adds(&block, line);
		} else if (lines && is_end_repeat(head)) {
			const char *body = strchr(block.data, '\n') + 1;
			for (char **l = lines; *l; l++) {
				char *copy;
				struct tsq_script_var *tokens = step_tokens(*l, NULL, &copy);
				tsq_sql_substitute(&out, body, tokens);
				free(tokens);
				free(copy);
			}
			free_lines(lines);
			lines = NULL;
			tsq_buf_reset(&block);
		} else {
			tsq_buf_adds(lines ? &block : &out, line);
		}
		free(line);
		free(head);
		p += len;
	}
	/* No end: the block as written. */
	tsq_buf_add(&out, block.data, block.len);
	free_lines(lines);
	tsq_buf_free(&block);
	return tsq_buf_detach(&out);
}

/* One run of step S with TOKENS; NULL, or the failed result. */
static PGresult *
run_step(PGconn *conn, const struct step *s, const struct tsq_script_opts *opts,
    const struct tsq_script_var *tokens, struct tsq_script_outcome *out)
{
	const char *values[16];
	int nvalues = bind_values(s->params, opts->vars, values, 16);
	struct tsq_buf sql = TSQ_BUF_INIT, name = TSQ_BUF_INIT, unless = TSQ_BUF_INIT;
	PGresult *failed = NULL;

	tsq_sql_substitute(&name, s->name, tokens);
	/* A step whose object changed since the schema's version replaces it. */
	if (s->unless && s->version <= opts->from_version) {
		tsq_sql_substitute(&unless, s->unless, tokens);
		PGresult *res = exec_with(conn, unless.data, values, nvalues);
		bool skip = tsq_result_ok(res) && PQntuples(res) == 1 &&
		    strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		/* In a dry run a check may fail on objects the run would create. */
		if (!tsq_result_ok(res) && !opts->dry_run) {
			failed = res;
			goto out;
		}
		PQclear(res);
		if (skip) {
			out->skipped++;
			goto out;
		}
	}
	char *body = tsq_sql_repeat(s->sql.data);
	tsq_sql_substitute(&sql, body, tokens);
	free(body);
	tsq_buf_rtrim(&sql);
	if (opts->dry_run) {
		fprintf(opts->dry_run, "-- %s\n", name.data);
		for (int k = 0; k < nvalues && k < param_count(sql.data); k++) {
			/* One line each, escaped: a value cannot end the comment. */
			struct tsq_buf lit = TSQ_BUF_INIT;
			if (values[k])
				tsq_quote_literal(&lit, values[k]);
			fprintf(opts->dry_run, "--   $%d = %s\n", k + 1, values[k] ? lit.data : "NULL");
			tsq_buf_free(&lit);
		}
		fprintf(opts->dry_run, "%s\n\n", sql.data);
		out->executed++;
	} else {
		PGresult *res = exec_with(conn, sql.data, values, nvalues);
		if (!tsq_result_ok(res)) {
			failed = res;
			goto out;
		}
		PQclear(res);
		tsq_info("%s", name.data);
		out->executed++;
	}
out:
	if (failed)
		tsq_buf_adds(&out->failed_step, name.data);
	tsq_buf_free(&sql);
	tsq_buf_free(&name);
	tsq_buf_free(&unless);
	return failed;
}

PGresult *
tsq_script_run(PGconn *conn, const char *text, const struct tsq_script_opts *opts,
    struct tsq_script_outcome *out)
{
	struct step *steps;
	size_t n = parse_steps(text, &steps);
	PGresult *failed = NULL;

	for (size_t i = 0; i < n && failed == NULL; i++) {
		struct step *s = &steps[i];
		if (s->only && !flag_enabled(opts->flags, s->only))
			continue;
		for (int e = 0; e < (s->neach ? s->neach : 1) && failed == NULL; e++) {
			char *copy;
			struct tsq_script_var *tokens = step_tokens(s->neach ? s->each[e] : NULL,
			    opts->tokens, &copy);
			failed = run_step(conn, s, opts, tokens, out);
			free(tokens);
			free(copy);
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(steps[i].name);
		free(steps[i].unless);
		free(steps[i].params);
		free(steps[i].only);
		for (int e = 0; e < steps[i].neach; e++)
			free(steps[i].each[e]);
		free(steps[i].each);
		tsq_buf_free(&steps[i].sql);
	}
	free(steps);
	return failed;
}
