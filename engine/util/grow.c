/*
 * grow.c - doubling growth of heap arrays (see grow.h).
 */
#include "util/grow.h"

#include <stdlib.h>
#include <string.h>

/* Reallocates *items to want elements of size bytes (want * size checked by the
 * caller) and records the new capacity; 0 when realloc fails, *items untouched. */
static int regrow(void *items, size_t *cap, size_t want, size_t size)
{
    void *old;
    memcpy(&old, items, sizeof old);
    void *grown = realloc(old, want * size);
    if (grown == NULL)
        return 0;
    memcpy(items, &grown, sizeof grown);
    *cap = want;
    return 1;
}

int sw_grow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return 1;
    size_t want;
    if (*cap == 0)
        want = first ? first : 1;
    else if (*cap > SIZE_MAX / 2)
        return 0;
    else
        want = *cap * 2;
    if (size == 0 || want > SIZE_MAX / size)
        return 0;
    return regrow(items, cap, want, size);
}

int sw_grow_to(void *items, size_t *cap, size_t need, size_t size, size_t first, size_t max)
{
    if (need <= *cap)
        return 1;
    if (need > max || size == 0)
        return 0;
    size_t want = *cap ? *cap : (first ? first : 1);
    while (want < need && want <= max / 2)
        want *= 2;
    if (want < need || want > max)
        want = max;   /* doubling would pass max (need <= max) */
    if (want > SIZE_MAX / size)
        return 0;
    return regrow(items, cap, want, size);
}

int sw_grow32(void *items, uint32_t *cap, uint32_t n, size_t size, uint32_t first)
{
    if (n < *cap)
        return 1;
    if (*cap > UINT32_MAX / 2)
        return 0;   /* doubling would leave uint32_t */
    size_t wide = *cap;
    if (!sw_grow(items, &wide, n, size, first))
        return 0;
    *cap = (uint32_t)wide;
    return 1;
}
