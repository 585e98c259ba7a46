/*
 * grow.h - the one growable-array step: room for one more element, by doubling.
 *
 * May use: the C library only. Every heap array the library, the command and the
 * service build element by element grows through here, so each checks for a size
 * that would overflow and leaves the array as it was when memory runs out.
 */
#ifndef SW_GROW_H
#define SW_GROW_H

#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

/* items is the address of the array pointer (a T **, given as void *). When n has
 * reached *cap, reallocates the array to twice *cap elements of size bytes (first
 * when it is empty) and updates *cap. Returns 1 when there is room for element n,
 * 0 when the allocation failed or the size would overflow; the array and *cap are
 * then unchanged. */
int sw_grow(void *items, size_t *cap, size_t n, size_t size, size_t first);

/* Room for need elements at once (a buffer read or appended to in chunks):
 * doubles *cap, from first when it is 0, until it holds need, but never past max
 * (and never below need). Returns 1 when there is room, 0 when need exceeds max,
 * the size would overflow or the allocation failed; the array and *cap are then
 * unchanged. */
int sw_grow_to(void *items, size_t *cap, size_t need, size_t size, size_t first, size_t max);

/* The same for a uint32_t capacity (the compiled program's counts). */
int sw_grow32(void *items, uint32_t *cap, uint32_t n, size_t size, uint32_t first);

/* The same, through the allocator m (the rule set's, util/mem.h); the old block's
 * size, *cap * size, is given to it. sw_grow(...) is sw_grow_m with a zeroed sw_mem.
 * Free such an array with sw_mem_free(m, items, cap * size). */
int sw_grow_m(sw_mem m, void *items, size_t *cap, size_t n, size_t size, size_t first);
int sw_grow_to_m(sw_mem m, void *items, size_t *cap, size_t need, size_t size, size_t first,
                 size_t max);
int sw_grow32_m(sw_mem m, void *items, uint32_t *cap, uint32_t n, size_t size, uint32_t first);

#endif
