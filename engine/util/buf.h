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

typedef struct sw_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} sw_buf;

#define SW_BUF_INIT {0, 0, 0, 0}

void sw_buf_append(sw_buf *b, const char *s, size_t n);
void sw_buf_puts(sw_buf *b, const char *s);
void sw_buf_putc(sw_buf *b, char c);
void sw_buf_printf(sw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sw_buf_vprintf(sw_buf *b, const char *fmt, va_list ap);
/* Appends n copies of c. */
void sw_buf_repeat(sw_buf *b, char c, size_t n);
int sw_buf_failed(const sw_buf *b);
/* Hands the data over (NUL-terminated, never NULL unless failed) and resets b. */
char *sw_buf_take(sw_buf *b, size_t *len);
void sw_buf_free(sw_buf *b);

#endif
