#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "ident.h"
#include "loader.h"
#include "mem.h"
#include "symseen.h"

void
tsq_symseen_init(struct tsq_symseen *s)
{
	memset(s, 0, sizeof *s);
	tsq_buf_init(&s->arena);
}

void
tsq_symseen_reset(struct tsq_symseen *s)
{
	tsq_buf_reset(&s->arena);
	s->n = 0;
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof *s->slots);
}

void
tsq_symseen_free(struct tsq_symseen *s)
{
	tsq_buf_free(&s->arena);
	free(s->e);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

/* The slot of SYM: where it is, or the free slot where it goes. */
static size_t
slot_of(const struct tsq_symseen *s, const char *sym, size_t len, uint64_t hash)
{
	size_t i = (size_t)hash & (s->nslots - 1);

	while (s->slots[i]) {
		const struct tsq_symseen_entry *e = &s->e[s->slots[i] - 1];
		const char *name = s->arena.data + e->off;
		if (e->hash == hash && strlen(name) == len && memcmp(name, sym, len) == 0)
			break;
		i = (i + 1) & (s->nslots - 1);
	}
	return i;
}

static void
grow(struct tsq_symseen *s)
{
	free(s->slots);
	s->nslots = s->nslots ? s->nslots * 2 : 64;
	s->slots = xcalloc(s->nslots, sizeof *s->slots);
	for (size_t k = 0; k < s->n; k++) {
		const struct tsq_symseen_entry *e = &s->e[k];
		const char *name = s->arena.data + e->off;
		s->slots[slot_of(s, name, strlen(name), e->hash)] = k + 1;
	}
}

void
tsq_symseen_add(struct tsq_symseen *s, const char *sym, size_t len, int64_t time)
{
	uint64_t hash = tsq_key_hash(sym, len);

	if (2 * (s->n + 1) > s->nslots)
		grow(s);
	size_t i = slot_of(s, sym, len, hash);
	if (s->slots[i]) {
		struct tsq_symseen_entry *e = &s->e[s->slots[i] - 1];
		if (time < e->first)
			e->first = time;
		if (time > e->last)
			e->last = time;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->e = xreallocarray(s->e, s->cap, sizeof *s->e);
	}
	s->e[s->n] = (struct tsq_symseen_entry){ s->arena.len, hash, time, time };
	tsq_buf_add(&s->arena, sym, len);
	tsq_buf_addc(&s->arena, '\0');
	s->slots[i] = ++s->n;
}

bool
tsq_symseen_has(const struct tsq_symseen *s, const char *sym, size_t len)
{
	return s->n > 0 && s->slots[slot_of(s, sym, len, tsq_key_hash(sym, len))] != 0;
}

void
tsq_symseen_merge(struct tsq_symseen *into, const struct tsq_symseen *from)
{
	for (size_t k = 0; k < from->n; k++) {
		const struct tsq_symseen_entry *e = &from->e[k];
		const char *name = from->arena.data + e->off;
		tsq_symseen_add(into, name, strlen(name), e->first);
		tsq_symseen_add(into, name, strlen(name), e->last);
	}
}

bool
tsq_symseen_within(const struct tsq_symseen *s, const struct tsq_symseen *known)
{
	for (size_t k = 0; k < s->n; k++) {
		const char *name = s->arena.data + s->e[k].off;
		if (!tsq_symseen_has(known, name, strlen(name)))
			return false;
	}
	return true;
}

/* qsort_r: the workers sort at once, each its own. */
static int
by_name(const void *a, const void *b, void *arena)
{
	const struct tsq_symseen_entry *x = a, *y = b;
	return strcmp((const char *)arena + x->off, (const char *)arena + y->off);
}

void
tsq_symseen_arrays(const struct tsq_symseen *s, struct tsq_buf *names, struct tsq_buf *firsts,
    struct tsq_buf *lasts)
{
	struct tsq_symseen_entry *e = xcalloc(s->n + 1, sizeof *e);
	const char **v = xcalloc(3 * s->n + 1, sizeof *v);
	char (*times)[TSQ_TIME_BUFSIZE] = xcalloc(2 * s->n + 1, sizeof *times);

	memcpy(e, s->e, s->n * sizeof *e);
	qsort_r(e, s->n, sizeof *e, by_name, s->arena.data);
	for (size_t k = 0; k < s->n; k++) {
		v[k] = s->arena.data + e[k].off;
		tsq_format_time(e[k].first, times[2 * k]);
		tsq_format_time(e[k].last, times[2 * k + 1]);
		v[s->n + k] = times[2 * k];
		v[2 * s->n + k] = times[2 * k + 1];
	}
	tsq_array_literal(names, v, (int)s->n);
	tsq_array_literal(firsts, v + s->n, (int)s->n);
	tsq_array_literal(lasts, v + 2 * s->n, (int)s->n);
	TSQ_FREE(times, v, e);
}
