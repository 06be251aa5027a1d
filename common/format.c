#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chart.h"
#include "format.h"
#include "json.h"
#include "mem.h"
#include "opt.h"
#include "pgcodes.h"

#define TABLE_WINDOW 1000
#define SPARK_WIDTH 60

const struct tsq_opt_choice tsq_out_formats[] = {
	TSQ_OUT_REPORT_FORMATS,
	{ "spark", TSQ_OUT_SPARK },
	{ "chart", TSQ_OUT_CHART },
	{ NULL, 0 },
};

enum kind { K_TEXT, K_NUMBER, K_BOOL, K_JSON, K_TIMESTAMPTZ, K_TIMESTAMP };

static enum kind
kind_of(unsigned int oid)
{
	switch (oid) {
	case TSQ_OID_INT8: case TSQ_OID_INT2: case TSQ_OID_INT4: case TSQ_OID_OID:
	case TSQ_OID_FLOAT4: case TSQ_OID_FLOAT8: case TSQ_OID_NUMERIC:
		return K_NUMBER;
	case TSQ_OID_BOOL:
		return K_BOOL;
	case TSQ_OID_JSON: case TSQ_OID_JSONB:
		return K_JSON;
	case TSQ_OID_TIMESTAMPTZ:
		return K_TIMESTAMPTZ;
	case TSQ_OID_TIMESTAMP:
		return K_TIMESTAMP;
	default:
		return K_TEXT;
	}
}

/* Characters on screen of a UTF-8 string. */
static size_t
display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void
csv_field(FILE *f, const char *v)
{
	if (v == NULL)
		return;
	if (*v != '\0' && strpbrk(v, ",\"\r\n") == NULL && strcmp(v, "\\.") != 0) {
		fputs(v, f);
		return;
	}
	putc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			putc('"', f);
		putc(*v, f);
	}
	putc('"', f);
}

static void
tsv_field(FILE *f, const char *v, const char *null_string)
{
	if (v == NULL) {
		fputs(null_string, f);
		return;
	}
	for (; *v; v++) {
		switch (*v) {
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\\': fputs("\\\\", f); break;
		default: putc(*v, f);
		}
	}
}

/* V as a JSON string on F, through one buffer kept for the whole output. */
static void
out_json_string(FILE *f, const char *v)
{
	static struct tsq_buf b = TSQ_BUF_INIT;

	tsq_buf_reset(&b);
	tsq_json_quote(&b, v, strlen(v));
	fwrite(b.data, 1, b.len, f);
}

/* "2024-03-01 12:00:00+00" -> "2024-03-01T12:00:00Z"; "+05:30" stays; "+02" -> "+02:00". */
static void
json_time(FILE *f, const char *v, bool zoned)
{
	size_t n = strlen(v);

	if (n < 19 || v[10] != ' ' || !isdigit((unsigned char)v[0]) || strchr(v, 'B') != NULL) {
		out_json_string(f, v);	/* a date, infinity, BC: as the server wrote it */
		return;
	}
	putc('"', f);
	fwrite(v, 1, 10, f);
	putc('T', f);
	if (!zoned) {
		fwrite(v + 11, 1, n - 11, f);
	} else if (n >= 22 && strcmp(v + n - 3, "+00") == 0) {
		fwrite(v + 11, 1, n - 14, f);
		putc('Z', f);
	} else if (n >= 22 && (v[n - 3] == '+' || v[n - 3] == '-')) {
		fwrite(v + 11, 1, n - 11, f);
		fputs(":00", f);
	} else {
		fwrite(v + 11, 1, n - 11, f);
	}
	putc('"', f);
}

static void
json_row(struct tsq_out *o, char *const *vals)
{
	FILE *f = o->f;

	if (o->ncols == 0)
		putc('{', f);
	for (int i = 0; i < o->ncols; i++) {
		fputs(o->keys[i], f);
		const char *v = vals[i];
		if (v == NULL) {
			fputs("null", f);
			continue;
		}
		switch (o->kinds[i]) {
		case K_NUMBER:
			if (strcasecmp(v, "NaN") == 0 || strcasecmp(v, "Infinity") == 0 ||
			    strcasecmp(v, "-Infinity") == 0)
				fputs("null", f);
			else
				fputs(v, f);
			break;
		case K_BOOL:
			fputs(*v == 't' ? "true" : "false", f);
			break;
		case K_JSON:
			fputs(v, f);
			break;
		case K_TIMESTAMPTZ:
			json_time(f, v, true);
			break;
		case K_TIMESTAMP:
			json_time(f, v, false);
			break;
		default:
			out_json_string(f, v);
		}
	}
	putc('}', f);
}

/* See format.h: C1 controls are the UTF-8 pairs 0xc2 0x80-0x9f. */
void
tsq_term_safe(struct tsq_buf *b, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\n')
			tsq_buf_adds(b, "\\n");
		else if (*p == '\r')
			tsq_buf_adds(b, "\\r");
		else if (*p == '\t')
			tsq_buf_adds(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			tsq_buf_addf(b, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			tsq_buf_addf(b, "\\u%04x", *++p);
		else
			tsq_buf_addc(b, (char)*p);
	}
}

/*
 * V in a Markdown table cell: a pipe escaped, a line break as <br>, the
 * characters HTML gives meaning to as entities (a renderer would pass raw
 * HTML on), control characters as for a terminal.
 */
static void
markdown_field(FILE *f, const char *v)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	if (v == NULL)
		return;
	for (; *v; v++) {
		if (*v == '|')
			fputs("\\|", f);
		else if (*v == '\n')
			fputs("<br>", f);
		else if (*v == '<')
			fputs("&lt;", f);
		else if (*v == '>')
			fputs("&gt;", f);
		else if (*v == '&')
			fputs("&amp;", f);
		else if (*v == '\r')
			continue;
		else if ((unsigned char)*v < 0x20 || *v == 0x7f ||
		    ((unsigned char)*v == 0xc2 && (unsigned char)v[1] >= 0x80 &&
		    (unsigned char)v[1] <= 0x9f)) {
			char one[3] = { *v, 0, 0 };
			if (*v == (char)0xc2)
				one[1] = *++v;
			tsq_buf_reset(&b);
			tsq_term_safe(&b, one);
			fputs(b.data, f);
		} else {
			putc(*v, f);
		}
	}
	tsq_buf_free(&b);
}

/*
 * V, a floating-point value as the server writes it, to DIGITS significant
 * digits for a person, into BUF: in plain notation between 1e-5 and 1e15
 * (trailing zeros dropped), else in exponent notation; words (NaN,
 * Infinity) as they are.
 */
static const char *
human_float(const char *v, int digits, char *buf, size_t size)
{
	char *end;
	double d = strtod(v, &end);

	if (digits <= 0 || end == v || *end != '\0' || !isfinite(d))
		return v;
	if (d == 0) {
		snprintf(buf, size, "%s", signbit(d) ? "-0" : "0");
		return buf;
	}
	int e = (int)floor(log10(fabs(d)));
	if (e < -5 || e >= 15) {
		snprintf(buf, size, "%.*g", digits, d);
		return buf;
	}
	int decimals = digits - 1 - e;
	snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, d);
	/* Rounding may carry into a new digit (9.9999 -> 10.000): fine, fewer decimals shown. */
	if (strchr(buf, '.')) {
		char *z = buf + strlen(buf) - 1;
		while (*z == '0')
			*z-- = '\0';
		if (*z == '.')
			*z = '\0';
	}
	return buf;
}

/* V of column C as a person reads it: floats to o->digits. */
static const char *
human_value(const struct tsq_out *o, int c, const char *v, char *buf, size_t size)
{
	if (v && o->digits > 0 && (o->types[c] == TSQ_OID_FLOAT8 || o->types[c] == TSQ_OID_FLOAT4))
		return human_float(v, o->digits, buf, size);
	return v;
}

/* ---- table ---- */

static const char *
table_text(struct tsq_out *o, const char *v)
{
	return v ? v : o->null_string;
}

static void
table_flush(struct tsq_out *o)
{
	FILE *f = o->f;

	if (!o->widths_set) {
		for (int c = 0; c < o->ncols; c++)
			o->width[c] = o->header ? display_width(o->names[c]) : 0;
		for (size_t r = 0; r < o->nwindow; r++)
			for (int c = 0; c < o->ncols; c++) {
				size_t w = display_width(o->window[r * (size_t)o->ncols + (size_t)c]);
				if (w > o->width[c])
					o->width[c] = w;
			}
		o->widths_set = true;
		if (o->header) {
			for (int c = 0; c < o->ncols; c++) {
				size_t w = display_width(o->names[c]);
				size_t left = (o->width[c] - w) / 2;
				fprintf(f, "%s%*s%s%*s", c ? " | " : " ", (int)left, "", o->names[c],
				    c == o->ncols - 1 ? 0 : (int)(o->width[c] - w - left), "");
			}
			fputc('\n', f);
			for (int c = 0; c < o->ncols; c++) {
				fputs(c ? "-+-" : "-", f);
				for (size_t k = 0; k < o->width[c]; k++)
					putc('-', f);
			}
			fputs("-\n", f);
		}
	}
	for (size_t r = 0; r < o->nwindow; r++) {
		for (int c = 0; c < o->ncols; c++) {
			char *v = o->window[r * (size_t)o->ncols + (size_t)c];
			size_t w = display_width(v), pad = w < o->width[c] ? o->width[c] - w : 0;
			fputs(c ? " | " : " ", f);
			if (kind_of(o->types[c]) == K_NUMBER)
				fprintf(f, "%*s%s", (int)pad, "", v);
			else if (c == o->ncols - 1)
				fputs(v, f);
			else
				fprintf(f, "%s%*s", v, (int)pad, "");
			free(v);
		}
		fputc('\n', f);
	}
	o->nwindow = 0;
}

static void
table_row(struct tsq_out *o, char *const *vals)
{
	if (o->window == NULL)
		o->window = xcalloc((size_t)TABLE_WINDOW * (size_t)(o->ncols ? o->ncols : 1),
		    sizeof *o->window);
	for (int c = 0; c < o->ncols; c++) {
		struct tsq_buf b = TSQ_BUF_INIT;
		char num[64];
		tsq_term_safe(&b, table_text(o, human_value(o, c, vals[c], num, sizeof num)));
		o->window[o->nwindow * (size_t)o->ncols + (size_t)c] = tsq_buf_detach(&b);
	}
	if (++o->nwindow == TABLE_WINDOW)
		table_flush(o);
}

/* ---- spark ---- */

static void
spark_flush(struct tsq_out *o)
{
	static const char *const bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	double lo = INFINITY, hi = -INFINITY, last = NAN;
	size_t n = o->nvalues, width = n < SPARK_WIDTH ? n : SPARK_WIDTH;

	if (!o->any_series)
		return;
	for (size_t i = 0; i < n; i++) {
		if (isnan(o->values[i]))
			continue;
		lo = o->values[i] < lo ? o->values[i] : lo;
		hi = o->values[i] > hi ? o->values[i] : hi;
		last = o->values[i];
	}
	if (o->key.len) {
		struct tsq_buf k = TSQ_BUF_INIT;
		tsq_term_safe(&k, o->key.data);
		fprintf(o->f, "%s ", k.data);
		tsq_buf_free(&k);
	}
	for (size_t b = 0; b < width; b++) {
		/* Each character is the mean of its share of the values. */
		size_t from = b * n / width, to = (b + 1) * n / width;
		double sum = 0;
		size_t cnt = 0;
		for (size_t i = from; i < to; i++)
			if (!isnan(o->values[i]))
				sum += o->values[i], cnt++;
		if (cnt == 0) {
			putc(' ', o->f);
			continue;
		}
		double v = sum / (double)cnt;
		int level = hi > lo ? (int)((v - lo) / (hi - lo) * 7.0 + 0.5) : 3;
		fputs(bars[level < 0 ? 0 : level > 7 ? 7 : level], o->f);
	}
	if (isnan(last))
		fprintf(o->f, "  (no values)\n");
	else
		fprintf(o->f, "  min %.10g  max %.10g  last %.10g\n", lo, hi, last);
	o->nvalues = 0;
	o->any_series = false;
}

static void
spark_row(struct tsq_out *o, char *const *vals)
{
	const char *key = o->ncols >= 3 && vals[0] ? vals[0] : "";
	const char *v = vals[o->ncols - 1];

	if (o->any_series && strcmp(key, o->key.data) != 0)
		spark_flush(o);
	if (!o->any_series) {
		tsq_buf_reset(&o->key);
		if (o->ncols >= 3)
			tsq_buf_adds(&o->key, key);
		o->any_series = true;
	}
	if (o->nvalues == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->values = xreallocarray(o->values, o->cap, sizeof *o->values);
	}
	char *end = NULL;
	double d = v ? strtod(v, &end) : NAN;
	o->values[o->nvalues++] = v && end != v ? d : NAN;
}

/* ---- dispatch ---- */

bool
tsq_out_check(const struct tsq_out *o, int ncols, char *const *names, const unsigned int *types,
    struct tsq_buf *err)
{
	if (o->format == TSQ_OUT_CHART) {
		struct tsq_chart *c = tsq_chart_new(ncols, names, 80, 24, false, err);
		tsq_chart_free(c);
		return c != NULL;
	}
	if (o->format != TSQ_OUT_SPARK)
		return true;
	enum kind t = ncols >= 2 ? kind_of(types[ncols - 2]) : K_TEXT;
	if ((ncols == 2 || ncols == 3) && kind_of(types[ncols - 1]) == K_NUMBER &&
	    (t == K_TIMESTAMPTZ || t == K_TIMESTAMP || t == K_NUMBER || types[ncols - 2] == TSQ_OID_DATE))
		return true;
	tsq_buf_addf(err, "-F spark draws a line per series: the result needs the columns (time, value) "
	    "or (key, time, value), the time a time or a number and the value a number; it has ");
	for (int i = 0; i < ncols; i++)
		tsq_buf_addf(err, "%s%s", i ? ", " : "", names[i]);
	if (ncols == 0)
		tsq_buf_adds(err, "none");
	return false;
}

void
tsq_out_begin(struct tsq_out *o, int ncols, char *const *names, const unsigned int *types)
{
	FILE *f = o->f;

	o->ncols = ncols;
	o->names = xcalloc((size_t)ncols + 1, sizeof *o->names);
	o->types = xcalloc((size_t)ncols + 1, sizeof *o->types);
	o->width = xcalloc((size_t)ncols + 1, sizeof *o->width);
	o->kinds = xcalloc((size_t)ncols + 1, sizeof *o->kinds);
	for (int i = 0; i < ncols; i++) {
		struct tsq_buf b = TSQ_BUF_INIT;
		tsq_term_safe(&b, names[i]);
		o->names[i] = tsq_buf_detach(&b);
		o->types[i] = types[i];
		o->kinds[i] = (int)kind_of(types[i]);
	}
	/* Each member's key as JSON text, with what goes before it: {"a": ,"b": */
	o->keys = xcalloc((size_t)ncols + 1, sizeof *o->keys);
	for (int i = 0; i < ncols; i++) {
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		putc(i ? ',' : '{', m);
		out_json_string(m, names[i]);
		putc(':', m);
		fclose(m);
		o->keys[i] = text;
	}
	if (o->null_string == NULL)
		o->null_string = "";
	tsq_buf_init(&o->key);
	if (o->header && (o->format == TSQ_OUT_CSV || o->format == TSQ_OUT_TSV)) {
		for (int i = 0; i < ncols; i++) {
			if (i)
				putc(o->format == TSQ_OUT_CSV ? ',' : '\t', f);
			if (o->format == TSQ_OUT_CSV)
				csv_field(f, names[i]);
			else
				tsv_field(f, names[i], "");
		}
		putc('\n', f);
	} else if (o->header && o->format == TSQ_OUT_MARKDOWN) {
		fputc('|', f);
		for (int i = 0; i < ncols; i++) {
			putc(' ', f);
			markdown_field(f, names[i]);
			fputs(" |", f);
		}
		fputs("\n|", f);
		for (int i = 0; i < ncols; i++)
			fputs(kind_of(types[i]) == K_NUMBER ? " ---: |" : " --- |", f);
		putc('\n', f);
	}
	if (o->format == TSQ_OUT_JSON)
		fputs("[", f);
	if (o->format == TSQ_OUT_CHART) {
		struct tsq_buf err = TSQ_BUF_INIT;
		o->chart = tsq_chart_new(ncols, names, o->term_width > 0 ? o->term_width : 80,
		    o->term_height > 0 ? o->term_height : 24, o->colour, &err);
		tsq_buf_free(&err);
	}
}

void
tsq_out_row(struct tsq_out *o, char *const *vals)
{
	FILE *f = o->f;

	switch (o->format) {
	case TSQ_OUT_TABLE:
		table_row(o, vals);
		break;
	case TSQ_OUT_CSV:
	case TSQ_OUT_TSV:
		for (int i = 0; i < o->ncols; i++) {
			if (i)
				putc(o->format == TSQ_OUT_CSV ? ',' : '\t', f);
			if (o->format == TSQ_OUT_CSV)
				csv_field(f, vals[i]);
			else
				tsv_field(f, vals[i], o->null_string);
		}
		putc('\n', f);
		break;
	case TSQ_OUT_JSONL:
		json_row(o, vals);
		putc('\n', f);
		break;
	case TSQ_OUT_JSON:
		fputs(o->rows ? ",\n" : "\n", f);
		json_row(o, vals);
		break;
	case TSQ_OUT_MARKDOWN:
		putc('|', f);
		for (int i = 0; i < o->ncols; i++) {
			char num[64];
			putc(' ', f);
			markdown_field(f, human_value(o, i, vals[i], num, sizeof num));
			fputs(" |", f);
		}
		putc('\n', f);
		break;
	case TSQ_OUT_SPARK:
		spark_row(o, vals);
		break;
	case TSQ_OUT_CHART:
		if (o->chart)
			tsq_chart_row(o->chart, vals);
		break;
	}
	o->rows++;
}

void
tsq_out_end(struct tsq_out *o)
{
	switch (o->format) {
	case TSQ_OUT_TABLE:
		table_flush(o);
		if (o->footer)
			fprintf(o->f, "(%llu row%s)\n", (unsigned long long)o->rows, o->rows == 1 ? "" : "s");
		break;
	case TSQ_OUT_JSON:
		fputs(o->rows ? "\n]\n" : "]\n", o->f);
		break;
	case TSQ_OUT_SPARK:
		spark_flush(o);
		break;
	case TSQ_OUT_CHART:
		if (o->chart)
			tsq_chart_draw(o->chart, o->f);
		o->chart = NULL;
		break;
	default:
		break;
	}
}

void
tsq_out_free(struct tsq_out *o)
{
	for (int i = 0; i < o->ncols; i++)
		free(o->names[i]);
	free(o->names);
	free(o->types);
	free(o->kinds);
	for (int i = 0; o->keys && i < o->ncols; i++)
		free(o->keys[i]);
	free(o->keys);
	free(o->width);
	/* Rows held for a table that did not end (a pager left early, a failure). */
	for (size_t i = 0; o->window && i < o->nwindow * (size_t)o->ncols; i++)
		free(o->window[i]);
	free(o->window);
	free(o->values);
	tsq_buf_free(&o->key);
	tsq_chart_free(o->chart);
	o->chart = NULL;
}

void
tsq_out_result(struct tsq_out *o, const PGresult *res)
{
	int ncols = PQnfields(res);
	char **names = xcalloc((size_t)ncols + 1, sizeof *names);
	char **vals = xcalloc((size_t)ncols + 1, sizeof *vals);
	unsigned int *types = xcalloc((size_t)ncols + 1, sizeof *types);

	for (int c = 0; c < ncols; c++) {
		names[c] = PQfname(res, c);
		types[c] = PQftype(res, c);
	}
	tsq_out_begin(o, ncols, names, types);
	for (int r = 0; r < PQntuples(res); r++) {
		for (int c = 0; c < ncols; c++)
			vals[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
		tsq_out_row(o, vals);
	}
	tsq_out_end(o);
	free(names);
	free(vals);
	free(types);
}
