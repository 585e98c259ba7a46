/*
 * serve_json.c - the growable buffer and the JSON writer of the service (see
 * serve_json.h). The reader is in serve_jread.c.
 *
 * The writer's layout and escapes follow the library's result document, so that
 * every JSON answer of the service reads the same way.
 */
#include "serve_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffer ---- */

static int buf_reserve(serve_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (extra < b->cap - b->len)
        return 1;
    if (extra > ((size_t)-1) / 2 - b->len) {
        b->failed = 1;
        return 0;
    }
    size_t cap = b->cap < 256 ? 256 : b->cap;
    while (cap - b->len <= extra)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (grown == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = grown;
    b->cap = cap;
    return 1;
}

void serve_buf_add(serve_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void serve_buf_puts(serve_buf *b, const char *s)
{
    serve_buf_add(b, s, strlen(s));
}

void serve_buf_printf(serve_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        serve_buf_add(b, small, (size_t)n);
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *serve_buf_take(serve_buf *b, size_t *len)
{
    char *data = b->data;
    size_t n = b->len;

    if (!b->failed && data == NULL) {
        data = malloc(1);
        if (data != NULL)
            data[0] = '\0';
    }
    if (b->failed || data == NULL) {
        free(b->failed ? b->data : NULL);
        data = NULL;
        n = 0;
    }
    *b = (serve_buf){0};
    if (len != NULL)
        *len = n;
    return data;
}

void serve_buf_free(serve_buf *b)
{
    free(b->data);
    *b = (serve_buf){0};
}

/* ---- UTF-8 ---- */

/* The range the byte after the lead byte b0 must fall in, and how many
 * continuation bytes follow in all; 0 for a byte that cannot start a sequence. */
static size_t utf8_lead(unsigned char b0, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        return 1;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (b0 == 0xE0)
            *lo = 0xA0;
        else if (b0 == 0xED)
            *hi = 0x9F;
        return 2;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (b0 == 0xF0)
            *lo = 0x90;
        else if (b0 == 0xF4)
            *hi = 0x8F;
        return 3;
    }
    return 0;
}

size_t serve_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char lo, hi;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t more = utf8_lead(s[0], &lo, &hi);
    *cp = SERVE_UTF8_BAD;
    if (more == 0)
        return 1;
    uint32_t value = s[0] & (0x3Fu >> more);
    for (size_t i = 1; i <= more; i++) {
        if (i >= n || s[i] < lo || s[i] > hi)
            return i;
        value = (value << 6) | (s[i] & 0x3Fu);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = value;
    return more + 1;
}

/* ---- escaping ---- */

static void put_escape(serve_buf *b, uint32_t cp)
{
    static const char hex[] = "0123456789abcdef";
    char esc[7] = {'\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15],
                   hex[cp & 15], '\0'};
    const char *named = NULL;

    switch (cp) {
    case '"': named = "\\\""; break;
    case '\\': named = "\\\\"; break;
    case '\b': named = "\\b"; break;
    case '\f': named = "\\f"; break;
    case '\n': named = "\\n"; break;
    case '\r': named = "\\r"; break;
    case '\t': named = "\\t"; break;
    default: break;
    }
    serve_buf_puts(b, named != NULL ? named : esc);
}

static int needs_escape(uint32_t cp)
{
    return cp < 0x20 || cp == '"' || cp == '\\' || (cp >= 0x7F && cp <= 0x9F) ||
           cp == 0x2028 || cp == 0x2029;
}

void serve_json_quote(serve_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;

    serve_buf_add(b, "\"", 1);
    while (i < n) {
        uint32_t cp;
        size_t len = serve_utf8_decode(u + i, n - i, &cp);
        if (cp != SERVE_UTF8_BAD && !needs_escape(cp)) {
            i += len;
            continue;
        }
        serve_buf_add(b, s + run, i - run);
        if (cp == SERVE_UTF8_BAD)
            serve_buf_puts(b, "\\ufffd");
        else
            put_escape(b, cp);
        i += len;
        run = i;
    }
    serve_buf_add(b, s + run, n - run);
    serve_buf_add(b, "\"", 1);
}

/* ---- writer ---- */

void serve_json_init(serve_json *w, serve_buf *out)
{
    *w = (serve_json){0};
    w->out = out;
}

void serve_json_init_compact(serve_json *w, serve_buf *out)
{
    serve_json_init(w, out);
    w->compact = 1;
}

static void newline_indent(serve_json *w)
{
    if (w->compact)
        return;
    serve_buf_add(w->out, "\n", 1);
    for (unsigned i = 0; i < w->depth; i++)
        serve_buf_add(w->out, "  ", 2);
}

/* Everything that comes before a value: a comma and a new line inside containers. */
static void before_value(serve_json *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0) {
        if (w->started)
            w->misuse = 1;
        w->started = 1;
        return;
    }
    if (w->items[w->depth - 1] & 2) /* an object needs a key first */
        w->misuse = 1;
    if (w->items[w->depth - 1] & 1)
        serve_buf_add(w->out, ",", 1);
    w->items[w->depth - 1] |= 1;
    newline_indent(w);
}

static void begin(serve_json *w, const char *open, int is_object)
{
    before_value(w);
    if (w->depth >= SERVE_JSON_DEPTH) {
        w->misuse = 1;
        return;
    }
    serve_buf_puts(w->out, open);
    w->items[w->depth++] = (unsigned char)(is_object ? 2 : 0);
}

static void end(serve_json *w, const char *close, int is_object)
{
    if (w->depth == 0 || w->after_key || ((w->items[w->depth - 1] & 2) != 0) != is_object) {
        w->misuse = 1;
        return;
    }
    int had_items = w->items[w->depth - 1] & 1;
    w->depth--;
    if (had_items)
        newline_indent(w);
    serve_buf_puts(w->out, close);
}

void serve_json_begin_object(serve_json *w) { begin(w, "{", 1); }
void serve_json_end_object(serve_json *w) { end(w, "}", 1); }
void serve_json_begin_array(serve_json *w) { begin(w, "[", 0); }
void serve_json_end_array(serve_json *w) { end(w, "]", 0); }

void serve_json_key(serve_json *w, const char *key)
{
    if (w->depth == 0 || !(w->items[w->depth - 1] & 2) || w->after_key) {
        w->misuse = 1;
        return;
    }
    /* Let before_value treat the key as the member's start. */
    w->items[w->depth - 1] &= (unsigned char)~2;
    before_value(w);
    w->items[w->depth - 1] |= 2;
    serve_json_quote(w->out, key, strlen(key));
    serve_buf_add(w->out, ": ", w->compact ? 1 : 2);
    w->after_key = 1;
}

void serve_json_string_n(serve_json *w, const char *s, size_t n)
{
    before_value(w);
    serve_json_quote(w->out, s, n);
}

void serve_json_string(serve_json *w, const char *s)
{
    if (s == NULL)
        serve_json_null(w);
    else
        serve_json_string_n(w, s, strlen(s));
}

void serve_json_int(serve_json *w, long long value)
{
    before_value(w);
    serve_buf_printf(w->out, "%lld", value);
}

void serve_json_bool(serve_json *w, int value)
{
    before_value(w);
    serve_buf_puts(w->out, value ? "true" : "false");
}

void serve_json_null(serve_json *w)
{
    before_value(w);
    serve_buf_puts(w->out, "null");
}

int serve_json_finish(serve_json *w)
{
    if (w->depth != 0 || w->after_key || !w->started)
        w->misuse = 1;
    serve_buf_add(w->out, "\n", 1);
    return w->misuse || w->out->failed ? -1 : 0;
}
