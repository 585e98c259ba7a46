/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

static int reserve(sw_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = 1;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = sw_mem_realloc(b->mem, b->data, b->cap, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void sw_buf_append(sw_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sw_buf_puts(sw_buf *b, const char *s) { sw_buf_append(b, s, strlen(s)); }

void sw_buf_putc(sw_buf *b, char c) { sw_buf_append(b, &c, 1); }

void sw_buf_repeat(sw_buf *b, char c, size_t n)
{
    if (!reserve(b, n))
        return;
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sw_buf_vprintf(sw_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sw_buf_printf(sw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

int sw_buf_failed(const sw_buf *b) { return b->failed; }

char *sw_buf_take(sw_buf *b, size_t *len)
{
    if (b->failed) {
        sw_buf_free(b);
        return NULL;
    }
    if (!b->data && !reserve(b, 0))
        return NULL;
    b->data[b->len] = '\0';
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

char *sw_buf_give(sw_buf *b, size_t *len)
{
    if (b->failed) {
        sw_buf_free(b);
        return NULL;
    }
    char *p = sw_mem_give_resize(b->mem, b->data, b->cap, b->len + 1);
    if (!p) {
        sw_buf_free(b);
        return NULL;
    }
    p[b->len] = '\0';
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void sw_buf_free(sw_buf *b)
{
    sw_mem_free(b->mem, b->data, b->cap);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
