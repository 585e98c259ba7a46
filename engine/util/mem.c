/*
 * mem.c - allocation through the caller's allocator or the C library (see mem.h).
 */
#include "util/mem.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *call(sw_mem m, void *p, size_t osize, size_t n)
{
    if (m.fn != NULL)
        return m.fn(m.ud, p, osize, n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    return p == NULL ? malloc(n) : realloc(p, n);
}

void *sw_mem_alloc(sw_mem m, size_t n) { return call(m, NULL, 0, n ? n : 1); }

void *sw_mem_calloc(sw_mem m, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = sw_mem_alloc(m, bytes);
    if (p != NULL)
        memset(p, 0, bytes > 0 ? bytes : 1);
    return p;
}

void *sw_mem_realloc(sw_mem m, void *p, size_t osize, size_t n)
{
    return call(m, p, p ? osize : 0, n ? n : 1);
}

void sw_mem_free(sw_mem m, void *p, size_t osize)
{
    if (p != NULL)
        call(m, p, osize, 0);
}

char *sw_mem_strndup(sw_mem m, const char *s, size_t n)
{
    char *p = sw_mem_alloc(m, n + 1);
    if (p != NULL) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *sw_mem_strdup(sw_mem m, const char *s) { return sw_mem_strndup(m, s, strlen(s)); }

/* ---- buffers handed to callers ---- */

typedef union given_header {
    struct {
        sw_mem mem;
        size_t size;   /* the whole block's, header included */
    } h;
    max_align_t align;
} given_header;

void *sw_mem_give_resize(sw_mem m, void *p, size_t osize, size_t n)
{
    if (n > SIZE_MAX - sizeof(given_header))
        return NULL;
    size_t size = sizeof(given_header) + (n ? n : 1);
    given_header *g = sw_mem_realloc(m, p, osize, size);
    if (g == NULL)
        return NULL;
    size_t keep = osize < n ? osize : n;
    if (p != NULL && keep)
        memmove(g + 1, g, keep);
    g->h.mem = m;
    g->h.size = size;
    return g + 1;
}

void sw_mem_given_free(void *given)
{
    if (given == NULL)
        return;
    given_header *g = (given_header *)given - 1;
    sw_mem_free(g->h.mem, g, g->h.size);
}

void *sw_mem_given_realloc(sw_mem m, void *given, size_t n)
{
    if (given == NULL)
        return sw_mem_give_resize(m, NULL, 0, n);
    given_header *g = (given_header *)given - 1;
    if (n > SIZE_MAX - sizeof(given_header))
        return NULL;
    size_t size = sizeof(given_header) + (n ? n : 1);
    given_header *grown = sw_mem_realloc(g->h.mem, g, g->h.size, size);
    if (grown == NULL)
        return NULL;
    grown->h.size = size;
    return grown + 1;
}
