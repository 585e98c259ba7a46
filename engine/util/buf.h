/*
 * buf.h - a growable byte buffer, the one way the library builds text.
 *
 * Reporters, diagnostics rendering and canonical forms append to an sw_buf. An
 * allocation failure is sticky: later appends do nothing and sw_buf_failed() tells.
 * The buffer is always NUL-terminated when it holds anything.
 */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/mem.h"

typedef struct sw_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
    sw_mem mem;   /* where the data comes from; zero: the C library */
} sw_buf;

#define SW_BUF_INIT {0, 0, 0, 0, SW_MEM_DEFAULT}
/* An empty buffer whose data comes from m. */
#define SW_BUF_WITH(m) {0, 0, 0, 0, (m)}

void sw_buf_append(sw_buf *b, const char *s, size_t n);
void sw_buf_puts(sw_buf *b, const char *s);
void sw_buf_putc(sw_buf *b, char c);
void sw_buf_printf(sw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sw_buf_vprintf(sw_buf *b, const char *fmt, va_list ap);
/* Appends n copies of c. */
void sw_buf_repeat(sw_buf *b, char c, size_t n);
int sw_buf_failed(const sw_buf *b);
/* Hands the data over (NUL-terminated, never NULL unless failed) and resets b; the
 * data is freed with sw_mem_free(b->mem, data, 0) (free() for a zeroed mem). */
char *sw_buf_take(sw_buf *b, size_t *len);
/* The same for a buffer handed to a caller of the public API, who frees it with
 * sw_free (util/mem.h, sw_mem_give_resize); NULL when failed or out of memory. */
char *sw_buf_give(sw_buf *b, size_t *len);
void sw_buf_free(sw_buf *b);

#endif
