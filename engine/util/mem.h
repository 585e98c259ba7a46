/*
 * mem.h - the library's one way to obtain memory: an allocator and its user data,
 * carried by value in every object that allocates (arena, buffer, rule set, facts,
 * result), so no allocation reaches malloc but through it and nothing is global.
 *
 * The function has lua_Alloc's contract (include/stagewise.h, sw_alloc_fn): nsize
 * 0 frees ptr and returns NULL; otherwise it returns a block of nsize bytes holding
 * ptr's first min(osize, nsize) bytes, or NULL leaving ptr intact. osize is the
 * size ptr was obtained with, or 0 where the caller did not keep it. A zeroed
 * sw_mem ({0}) is the C library's malloc, realloc and free.
 * May use: the C library only.
 */
#ifndef SW_MEM_H
#define SW_MEM_H

#include <stddef.h>

typedef void *(*sw_mem_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct sw_mem {
    sw_mem_fn fn;   /* NULL: the C library */
    void *ud;
} sw_mem;

#define SW_MEM_DEFAULT {0, 0}

/* n bytes (at least 1); NULL when memory runs out. */
void *sw_mem_alloc(sw_mem m, size_t n);
/* n elements of size bytes, zeroed; NULL on overflow or when memory runs out. */
void *sw_mem_calloc(sw_mem m, size_t n, size_t size);
/* Resizes p (NULL: allocates) from osize to n bytes (at least 1); NULL when memory
 * runs out, p then intact. */
void *sw_mem_realloc(sw_mem m, void *p, size_t osize, size_t n);
/* Frees p (NULL is ignored); osize as above. */
void sw_mem_free(sw_mem m, void *p, size_t osize);
/* Copies of a string and of its first n bytes, NUL-terminated; NULL when out of memory. */
char *sw_mem_strdup(sw_mem m, const char *s);
char *sw_mem_strndup(sw_mem m, const char *s, size_t n);

/* A buffer handed to a caller who frees it with sw_free (include/stagewise.h): a
 * header in front of it records the allocator and the size, so sw_free needs
 * neither. sw_mem_give_resize turns a block of osize bytes from sw_mem_alloc (p may
 * be NULL) into such a buffer of n bytes, keeping the first min(osize, n) bytes;
 * NULL when memory runs out, p then intact. sw_mem_given_free frees one. */
void *sw_mem_give_resize(sw_mem m, void *p, size_t osize, size_t n);
void sw_mem_given_free(void *given);
/* Resizes such a buffer (NULL: a new one from m) to n bytes, through the allocator
 * it came from; NULL when memory runs out, given then intact. */
void *sw_mem_given_realloc(sw_mem m, void *given, size_t n);

#endif
