/*
 * prom.h - Prometheus's text exposition format, as node_exporter's textfile
 * collector reads it: each metric's HELP and TYPE once, then its samples,
 * label values escaped (\, " and line feeds).  Every sample starts with the
 * fixed labels (tsq_prom_fix: the database, and those of --label), so that
 * files of several databases can stand in one textfile directory.
 */
#ifndef TSQ_PROM_H
#define TSQ_PROM_H

#include <stdbool.h>
#include <stdio.h>

/* One sample: labels schema and table (none when SCHEMA is NULL), and a third. */
struct tsq_prom_sample {
	const char *schema, *table;
	const char *extra;		/* the third label's value, or NULL */
	double value;
	const char *extra_name;		/* the third label's name: NULL for "action" */
};

/*
 * Add label NAME="VALUE" to every sample written from now on (copied; a
 * NAME given again takes the new VALUE).  False when there are too many.
 */
bool tsq_prom_fix(const char *name, const char *value);
/* Forget the fixed labels. */
void tsq_prom_fix_clear(void);
/*
 * Whether NAME can be a label of --label: Prometheus's label grammar
 * ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"), and not one of the
 * labels tsq writes itself (database, schema, table ...).
 */
bool tsq_prom_label_name_ok(const char *name, const char **why);

/* NAME="VALUE", the value escaped. */
void tsq_prom_label(FILE *f, const char *name, const char *value);

/*
 * Open a sample of metric NAME: the name, "{" and the fixed labels; the
 * caller adds its own labels (each after tsq_prom_next), then
 * tsq_prom_close with the value.
 */
void tsq_prom_open(FILE *f, const char *name);
/* The separator before a label of the caller's (nothing before the first). */
void tsq_prom_next(FILE *f);
void tsq_prom_close(FILE *f, double value);

/* Metric NAME of TYPE ("gauge") with its HELP and N samples; nothing when N is 0. */
void tsq_prom_metric(FILE *f, const char *name, const char *type, const char *help,
    const struct tsq_prom_sample *v, int n);

#endif
