/*
 * grow.c - doubling growth of heap arrays (see grow.h).
 */
#include "util/grow.h"

#include <string.h>

/* Reallocates *items to want elements of size bytes (want * size checked by the
 * caller) and records the new capacity; 0 when the allocation fails, *items untouched. */
static int regrow(sw_mem m, void *items, size_t *cap, size_t want, size_t size)
{
    void *old;
    memcpy(&old, items, sizeof old);
    void *grown = sw_mem_realloc(m, old, *cap * size, want * size);
    if (grown == NULL)
        return 0;
    memcpy(items, &grown, sizeof grown);
    *cap = want;
    return 1;
}

int sw_grow_m(sw_mem m, void *items, size_t *cap, size_t n, size_t size, size_t first)
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
    return regrow(m, items, cap, want, size);
}

int sw_grow_to_m(sw_mem m, void *items, size_t *cap, size_t need, size_t size, size_t first,
                 size_t max)
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
    return regrow(m, items, cap, want, size);
}

int sw_grow32_m(sw_mem m, void *items, uint32_t *cap, uint32_t n, size_t size, uint32_t first)
{
    if (n < *cap)
        return 1;
    if (*cap > UINT32_MAX / 2)
        return 0;   /* doubling would leave uint32_t */
    size_t wide = *cap;
    if (!sw_grow_m(m, items, &wide, n, size, first))
        return 0;
    *cap = (uint32_t)wide;
    return 1;
}

static const sw_mem c_library = SW_MEM_DEFAULT;

int sw_grow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
    return sw_grow_m(c_library, items, cap, n, size, first);
}

int sw_grow_to(void *items, size_t *cap, size_t need, size_t size, size_t first, size_t max)
{
    return sw_grow_to_m(c_library, items, cap, need, size, first, max);
}

int sw_grow32(void *items, uint32_t *cap, uint32_t n, size_t size, uint32_t first)
{
    return sw_grow32_m(c_library, items, cap, n, size, first);
}
