#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "prom.h"

enum { MAX_FIXED = 16 };

static struct {
	char *name, *value;
} fixed[MAX_FIXED];
static int nfixed;
static int nlabels;		/* labels written in the sample being written */

bool
tsq_prom_fix(const char *name, const char *value)
{
	for (int i = 0; i < nfixed; i++) {
		if (strcmp(fixed[i].name, name) == 0) {
			free(fixed[i].value);
			fixed[i].value = xstrdup(value);
			return true;
		}
	}
	if (nfixed == MAX_FIXED)
		return false;
	fixed[nfixed].name = xstrdup(name);
	fixed[nfixed++].value = xstrdup(value);
	return true;
}

void
tsq_prom_fix_clear(void)
{
	for (int i = 0; i < nfixed; i++) {
		free(fixed[i].name);
		free(fixed[i].value);
	}
	nfixed = 0;
}

bool
tsq_prom_label_name_ok(const char *name, const char **why)
{
	static const char *const own[] = { "database", "schema", "table", "action", "check",
	    "symbol", "version", "timescaledb", "license", NULL };

	if (!(*name == '_' || (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
	    strlen(name)) {
		*why = "a label name is a letter or _ followed by letters, digits and _";
		return false;
	}
	if (strncmp(name, "__", 2) == 0) {
		*why = "names starting with __ are Prometheus's own";
		return false;
	}
	for (int i = 0; own[i]; i++) {
		if (strcmp(name, own[i]) == 0) {
			*why = "tsq-stats writes that label itself";
			return false;
		}
	}
	return true;
}

void
tsq_prom_label(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s=\"", name);
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			fputc('\\', f), fputc(*c, f);
		else if (*c == '\n')
			fputs("\\n", f);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

void
tsq_prom_open(FILE *f, const char *name)
{
	fputs(name, f);
	fputc('{', f);
	for (int i = 0; i < nfixed; i++) {
		if (i > 0)
			fputc(',', f);
		tsq_prom_label(f, fixed[i].name, fixed[i].value);
	}
	nlabels = nfixed;
}

void
tsq_prom_next(FILE *f)
{
	if (nlabels++ > 0)
		fputc(',', f);
}

void
tsq_prom_close(FILE *f, double value)
{
	fprintf(f, "} %.17g\n", value);
}

void
tsq_prom_metric(FILE *f, const char *name, const char *type, const char *help,
    const struct tsq_prom_sample *v, int n)
{
	if (n == 0)
		return;
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (int i = 0; i < n; i++) {
		tsq_prom_open(f, name);
		if (v[i].schema) {
			tsq_prom_next(f);
			tsq_prom_label(f, "schema", v[i].schema);
			tsq_prom_next(f);
			tsq_prom_label(f, "table", v[i].table);
			if (v[i].extra) {
				tsq_prom_next(f);
				tsq_prom_label(f, v[i].extra_name ? v[i].extra_name : "action", v[i].extra);
			}
		}
		tsq_prom_close(f, v[i].value);
	}
}
