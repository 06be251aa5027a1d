/*
 * format.h - query results rendered for a pipe or a person, row by row.
 *
 *   table     aligned columns (a window of rows is held to size them), a
 *             "(N rows)" footer when asked
 *   csv       COPY's rules: NULL is an empty field, the empty string is "",
 *             quotes only where needed, so tsq-load reads back exactly
 *   tsv       tab-separated, \t \n \r \\ escaped, NULL as --null
 *   jsonl     one object per row; numbers stay numbers, NaN and Infinity
 *             become null, times ISO 8601, json columns stay JSON
 *   json      the same objects in one array
 *   markdown  a pipe table
 *   spark     a sparkline per series for rows (key, time, value)
 *   chart     a candlestick chart of rows with time, open, high, low and
 *             close (and volume), for a terminal (chart.h)
 */
#ifndef TSQ_FORMAT_H
#define TSQ_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libpq-fe.h>

#include "buf.h"
#include "opt.h"


enum tsq_out_format {
	TSQ_OUT_TABLE,
	TSQ_OUT_CSV,
	TSQ_OUT_TSV,
	TSQ_OUT_JSONL,
	TSQ_OUT_JSON,
	TSQ_OUT_MARKDOWN,
	TSQ_OUT_SPARK,
	TSQ_OUT_CHART,
};

struct tsq_out {
	FILE *f;
	enum tsq_out_format format;
	bool header;		/* column names first (table, csv, tsv, markdown) */
	bool footer;		/* table: "(N rows)" */
	const char *null_string;	/* table, tsv */
	/*
	 * table and markdown: floating-point values (real, double precision)
	 * shown to this many significant digits (172.9522, not
	 * 172.95219999999995); 0: as the server wrote them.  The other formats
	 * keep the exact value.
	 */
	int digits;
	/* chart: the terminal's size, whether to colour; the chart being filled */
	int term_width, term_height;
	bool colour;
	struct tsq_chart *chart;
	int ncols;
	char **names;
	unsigned int *types;	/* type OIDs */
	int *kinds;		/* how JSON shows each column */
	char **keys;		/* JSON: {"name": and ,"name": ready to write */
	uint64_t rows;
	/* table: the window of rows held to size the columns */
	char **window;
	size_t nwindow;
	size_t *width;
	bool widths_set;
	/* spark: the series being collected */
	struct tsq_buf key;
	double *values;
	size_t nvalues, cap;
	bool any_series;
};

/* Every output format by name (tsq-query's --format; the other tools take fewer). */
extern const struct tsq_opt_choice tsq_out_formats[];
/*
 * The formats of a report (tsq-compress's and tsq-stats's listings): every
 * one but the sparklines, for a choice table that may add its own.
 */
#define TSQ_OUT_REPORT_FORMATS \
	{ "table", TSQ_OUT_TABLE }, \
	{ "csv", TSQ_OUT_CSV }, \
	{ "tsv", TSQ_OUT_TSV }, \
	{ "jsonl", TSQ_OUT_JSONL }, \
	{ "json", TSQ_OUT_JSON }, \
	{ "markdown", TSQ_OUT_MARKDOWN }

/*
 * Whether the format can show a result with these columns (spark and chart
 * need some); false with ERR saying what it needs.
 */
bool tsq_out_check(const struct tsq_out *o, int ncols, char *const *names,
    const unsigned int *types, struct tsq_buf *err);
/* Start the output of a result with these columns (tsq_out_check first). */
void tsq_out_begin(struct tsq_out *o, int ncols, char *const *names, const unsigned int *types);
/* One row: VALS[i] NUL-terminated text, NULL when the value is NULL. */
void tsq_out_row(struct tsq_out *o, char *const *vals);
/* Finish (flush the table window, close the JSON array, the last sparkline). */
void tsq_out_end(struct tsq_out *o);
void tsq_out_free(struct tsq_out *o);
/* A whole result RES, begun and ended: its column names, types and rows. */
void tsq_out_result(struct tsq_out *o, const PGresult *res);


/*
 * V for a terminal, appended to B: control characters (C0, DEL, C1) shown
 * as escapes (\n, \t, \x1b), so that data cannot move the cursor, clear
 * the screen or change colours.
 */
void tsq_term_safe(struct tsq_buf *b, const char *v);

#endif
