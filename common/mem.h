/*
 * mem.h - allocation that cannot fail: on exhaustion, or when a size
 * computation would overflow, these print one line and exit(1).  This is the
 * one place in common/ allowed to exit, because no caller could do better.
 */
#ifndef TSQ_MEM_H
#define TSQ_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * free() every pointer given, NULL ones too: TSQ_FREE(r->schema, r->name).
 * For the members of a struct that owns them, freed in one line.
 */
void tsq_free_each(void *const *ptrs, size_t n);
#define TSQ_FREE(...)									\
	tsq_free_each((void *const[]){ __VA_ARGS__ },					\
	    sizeof((void *const[]){ __VA_ARGS__ }) / sizeof(void *))

#endif
