/*
 * libFuzzer target: the query-file parser (its header of description and
 * typed parameters, and the :name placeholders), then binding every
 * parameter from the rest of the input.  Invariant: parsing is a function
 * of the text (its own text parses to the same SQL and parameters).
 */
#include <stdlib.h>
#include <string.h>

#include "tsq.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct tsq_query q;
	struct tsq_buf err = TSQ_BUF_INIT;

	memcpy(text, data, size);
	text[size] = '\0';
	if (tsq_query_parse("fuzz", "fuzz", text, &q, &err)) {
		/* Parsing is a function of the text: the same text, the same query. */
		struct tsq_query again;
		if (!tsq_query_parse("fuzz", "fuzz", q.text, &again, &err) ||
		    strcmp(again.sql, q.sql) != 0 || again.nparams != q.nparams)
			abort();
		tsq_query_free(&again);
		for (int i = 0; i < q.nparams; i++) {
			tsq_buf_reset(&err);
			tsq_query_set(&q, q.params[i].name, text + size / 2, INT64_C(1700000000000000), &err);
		}
		tsq_buf_reset(&err);
		tsq_query_bind(&q, INT64_C(1700000000000000), &err);
		tsq_query_free(&q);
	}
	free(text);
	tsq_buf_free(&err);
	return 0;
}
