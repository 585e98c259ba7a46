/*
 * lookup.c - the one binary search (lookup.h).
 */
#include "util/lookup.h"

#include <string.h>

size_t sw_lower_bound(const void *table, size_t n, sw_compare_at cmp, const void *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp(table, mid, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t sw_lookup(const void *table, size_t n, sw_compare_at cmp, const void *key)
{
    size_t at = sw_lower_bound(table, n, cmp, key);
    return at < n && cmp(table, at, key) == 0 ? at : SIZE_MAX;
}

int sw_name_compare(const char *name, const char *key, size_t len)
{
    size_t n = strlen(name);
    int c = memcmp(name, key, n < len ? n : len);
    if (c != 0)
        return c;
    return (n > len) - (n < len);
}
