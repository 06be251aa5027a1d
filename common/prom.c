#include "prom.h"

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
tsq_prom_metric(FILE *f, const char *name, const char *type, const char *help,
    const struct tsq_prom_sample *v, int n)
{
	if (n == 0)
		return;
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (int i = 0; i < n; i++) {
		fputs(name, f);
		if (v[i].schema) {
			fputc('{', f);
			tsq_prom_label(f, "schema", v[i].schema);
			fputc(',', f);
			tsq_prom_label(f, "table", v[i].table);
			if (v[i].extra) {
				fputc(',', f);
				tsq_prom_label(f, v[i].extra_name ? v[i].extra_name : "action", v[i].extra);
			}
			fputc('}', f);
		}
		fprintf(f, " %.17g\n", v[i].value);
	}
}
