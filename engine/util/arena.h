/*
 * arena.h - bump allocation for everything that lives and dies together.
 *
 * A compilation's AST, symbols and diagnostics live in one arena freed in one call;
 * a compiled rule set owns another, and each evaluation result a third. Allocation
 * failure returns NULL; callers check.
 */
#ifndef SW_ARENA_H
#define SW_ARENA_H

#include <stddef.h>

#include "util/mem.h"

typedef struct sw_arena_block sw_arena_block;

typedef struct sw_arena {
    sw_arena_block *head;
    size_t total;      /* bytes obtained for blocks, for memory accounting */
    int failed;        /* an allocation failed: set once, never cleared but by free */
    sw_mem mem;        /* where blocks come from; zero: the C library */
} sw_arena;

#define SW_ARENA_INIT {0, 0, 0, SW_MEM_DEFAULT}
/* An empty arena whose blocks come from m. */
#define SW_ARENA_WITH(m) {0, 0, 0, (m)}

/* Zeroed, aligned for any type; NULL when memory runs out. */
void *sw_arena_alloc(sw_arena *a, size_t n);
/* n elements of size each, checking for overflow. */
void *sw_arena_array(sw_arena *a, size_t n, size_t size);
char *sw_arena_strndup(sw_arena *a, const char *s, size_t n);
char *sw_arena_strdup(sw_arena *a, const char *s);
void *sw_arena_memdup(sw_arena *a, const void *p, size_t n);
void sw_arena_free(sw_arena *a);
/* Forgets everything allocated but keeps the first block obtained, for reuse: the
 * first allocation made after a clear, if no larger than the arena's first ever,
 * is served from it without malloc (a facts object reused client after client). */
void sw_arena_clear(sw_arena *a);

#endif
