/*
 * ident.h - SQL identifiers for the few places where a statement must name an
 * object.  Values never go through here: they are bind parameters.
 */
#ifndef TSQ_IDENT_H
#define TSQ_IDENT_H

#include "buf.h"

/*
 * Append NAME as a double-quoted identifier, doubling any '"' inside, so any
 * text at all names exactly that object and nothing else.
 */
void tsq_quote_ident(struct tsq_buf *out, const char *name);

/*
 * Append S as a string literal that stays on one line: E'...' with quotes,
 * backslashes and control characters escaped.  For SQL that tsq prints for
 * a person to read or run (tsq-init --dry-run), never for SQL it sends.
 */
void tsq_quote_literal(struct tsq_buf *out, const char *s);

/*
 * Append the N texts of ELEMS as one array literal, '{"a","b\\"c"}', each
 * element double-quoted with its quotes and backslashes escaped, as
 * array_in reads it: the value of a text[] (or regclass[], oid[])
 * parameter.
 */
void tsq_array_literal(struct tsq_buf *out, const char *const *elems, int n);

#endif
