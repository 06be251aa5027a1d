/*
 * prom.h - Prometheus's text exposition format, as node_exporter's textfile
 * collector reads it: each metric's HELP and TYPE once, then its samples,
 * label values escaped (\, " and line feeds).
 */
#ifndef TSQ_PROM_H
#define TSQ_PROM_H

#include <stdio.h>

/* One sample: labels schema and table (none when SCHEMA is NULL), and a third. */
struct tsq_prom_sample {
	const char *schema, *table;
	const char *extra;		/* the third label's value, or NULL */
	double value;
	const char *extra_name;		/* the third label's name: NULL for "action" */
};

/* NAME="VALUE", the value escaped. */
void tsq_prom_label(FILE *f, const char *name, const char *value);

/* Metric NAME of TYPE ("gauge") with its HELP and N samples; nothing when N is 0. */
void tsq_prom_metric(FILE *f, const char *name, const char *type, const char *help,
    const struct tsq_prom_sample *v, int n);

#endif
