/*
 * arena.c - bump allocator (see arena.h).
 *
 * Stage util/ - the bottom of the library: arena, growable buffer, SHA-256 and HMAC
 * through libcrypto (digest.c), the JSON writer (json.c) and reader (jsonread.c).
 * May use: the C library, libcrypto, libyaml; nothing else of engine/. (tests/layout checks it.)
 */
#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

struct sw_arena_block {
    sw_arena_block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_BLOCK 16384u

void *sw_arena_alloc(sw_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n > SIZE_MAX / 2) {
        a->failed = 1;
        return NULL;
    }
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    sw_arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = sw_mem_alloc(a->mem, sizeof *b + cap);
        if (!b) {
            a->failed = 1;
            return NULL;
        }
        b->used = 0;
        b->cap = cap;
        if (a->head && n > ARENA_BLOCK) {
            /* a large one-off: keep the current block for small allocations */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
        a->total += sizeof *b + cap;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

void *sw_arena_array(sw_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        a->failed = 1;
        return NULL;
    }
    return sw_arena_alloc(a, n * size);
}

char *sw_arena_strndup(sw_arena *a, const char *s, size_t n)
{
    char *p = sw_arena_alloc(a, n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *sw_arena_strdup(sw_arena *a, const char *s) { return sw_arena_strndup(a, s, strlen(s)); }

void *sw_arena_memdup(sw_arena *a, const void *src, size_t n)
{
    void *p = sw_arena_alloc(a, n);
    if (p && n)
        memcpy(p, src, n);
    return p;
}

void sw_arena_free(sw_arena *a)
{
    sw_arena_block *b = a->head;
    while (b) {
        sw_arena_block *next = b->next;
        sw_mem_free(a->mem, b, sizeof *b + b->cap);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
    a->failed = 0;
}

void sw_arena_clear(sw_arena *a)
{
    sw_arena_block *keep = a->head;
    while (keep && keep->next) {
        sw_arena_block *next = keep->next;
        sw_mem_free(a->mem, keep, sizeof *keep + keep->cap);
        keep = next;
    }
    if (keep)
        keep->used = 0;
    a->head = keep;
    a->total = keep ? sizeof *keep + keep->cap : 0;
    a->failed = 0;
}
