/*
 * lookup.h - the one binary search: a key in a sorted table, and the first element
 * not below a key.
 *
 * May use: the C library only. Every table the library looks up by name (the
 * compiled program's facts and rules, the checker's declarations and statements)
 * and every sorted position table (line starts, comments, escapes the JSON reader
 * removed) is searched here, through a comparison the caller gives, so the loop
 * and its bounds are written and tested once.
 */
#ifndef SW_LOOKUP_H
#define SW_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

/* Compares element i of table with key: negative when the element sorts before
 * the key, 0 when it matches, positive after. */
typedef int (*sw_compare_at)(const void *table, size_t i, const void *key);

/* The first index in [0, n) whose element is not before key (n when every one
 * is): the lower bound. */
size_t sw_lower_bound(const void *table, size_t n, sw_compare_at cmp, const void *key);

/* The index of the element that matches key, or SIZE_MAX when none does. */
size_t sw_lookup(const void *table, size_t n, sw_compare_at cmp, const void *key);

/* A name (NUL-terminated) against a key of len bytes (not terminated), in strcmp
 * order: what the by-name comparisons are made of. */
int sw_name_compare(const char *name, const char *key, size_t len);

/* A name key for sw_lookup by name. */
typedef struct sw_name_key {
    const char *s;
    size_t len;
} sw_name_key;

#endif
