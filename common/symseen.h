/*
 * symseen.h - the symbols of the rows a batch holds, each with the oldest
 * and newest time written for it: what tsq-load adds to the symbols table
 * (tsq.note_symbols) in the batch's own transaction.
 */
#ifndef TSQ_SYMSEEN_H
#define TSQ_SYMSEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct tsq_symseen_entry {
	size_t off;		/* the symbol's bytes in the arena, NUL-terminated */
	uint64_t hash;
	int64_t first, last;	/* microseconds since the Unix epoch */
};

struct tsq_symseen {
	struct tsq_buf arena;
	struct tsq_symseen_entry *e;
	size_t n, cap;
	size_t *slots;		/* open addressing: entry index + 1, 0 free */
	size_t nslots;
};

void tsq_symseen_init(struct tsq_symseen *s);
/* Forget every symbol (keeping the memory). */
void tsq_symseen_reset(struct tsq_symseen *s);
void tsq_symseen_free(struct tsq_symseen *s);

/* A row of symbol SYM (LEN bytes, no NUL among them) at TIME. */
void tsq_symseen_add(struct tsq_symseen *s, const char *sym, size_t len, int64_t time);

/* Whether SYM (LEN bytes) is among S's symbols. */
bool tsq_symseen_has(const struct tsq_symseen *s, const char *sym, size_t len);
/* Every symbol of FROM added to INTO, with its oldest and newest time. */
void tsq_symseen_merge(struct tsq_symseen *into, const struct tsq_symseen *from);
/* Whether every symbol of S is among KNOWN's. */
bool tsq_symseen_within(const struct tsq_symseen *s, const struct tsq_symseen *known);

/*
 * The symbols as three array literals for text[], timestamptz[] and
 * timestamptz[] parameters, in byte order of the symbols (so that two
 * loads lock the symbols' rows in the same order).
 */
void tsq_symseen_arrays(const struct tsq_symseen *s, struct tsq_buf *names,
    struct tsq_buf *firsts, struct tsq_buf *lasts);

#endif
