/*
 * json.c - the streaming JSON writer and the UTF-8 decoder (see json.h).
 *
 * Each value first calls begin_value, which checks that a value is allowed here
 * and writes the separator before it; keys do the same for object members. The
 * string escaper walks the input one UTF-8 sequence at a time so that ill-formed
 * bytes can be replaced and control characters escaped.
 */
#include "util/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_json_init(sw_json *w, sw_buf *out, int pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty != 0;
}

static void new_line(sw_json *w)
{
    if (!w->pretty)
        return;
    sw_buf_putc(w->out, '\n');
    sw_buf_repeat(w->out, ' ', 2 * (size_t)w->depth);
}

/* Before an element of an array: the comma and the line break. */
static void separate_item(sw_json *w)
{
    unsigned top = w->depth - 1;
    if (w->has_items[top])
        sw_buf_putc(w->out, ',');
    w->has_items[top] = 1;
    new_line(w);
}

/* Checks that a value may come now and writes what goes before it. */
static int begin_value(sw_json *w)
{
    if (w->misuse)
        return 0;
    if (w->depth == 0) {
        if (w->done)
            w->misuse = 1;
        return !w->misuse;
    }
    if (w->is_object[w->depth - 1]) {
        if (!w->key_written)
            w->misuse = 1;
        w->key_written = 0;
        return !w->misuse;
    }
    separate_item(w);
    return 1;
}

/* After a value: a top-level value completes the document. */
static void end_value(sw_json *w)
{
    if (w->depth == 0)
        w->done = 1;
}

static void begin_container(sw_json *w, int is_object)
{
    if (!begin_value(w))
        return;
    if (w->depth == SW_JSON_MAX_DEPTH) {
        w->misuse = 1;
        return;
    }
    sw_buf_putc(w->out, is_object ? '{' : '[');
    w->is_object[w->depth] = (unsigned char)is_object;
    w->has_items[w->depth] = 0;
    w->depth++;
}

static void end_container(sw_json *w, int is_object)
{
    if (w->misuse)
        return;
    if (w->depth == 0 || w->is_object[w->depth - 1] != is_object || w->key_written) {
        w->misuse = 1;
        return;
    }
    int had_items = w->has_items[w->depth - 1];
    w->depth--;
    if (had_items)
        new_line(w);
    sw_buf_putc(w->out, is_object ? '}' : ']');
    end_value(w);
}

void sw_json_begin_object(sw_json *w) { begin_container(w, 1); }
void sw_json_end_object(sw_json *w) { end_container(w, 1); }
void sw_json_begin_array(sw_json *w) { begin_container(w, 0); }
void sw_json_end_array(sw_json *w) { end_container(w, 0); }

void sw_json_key(sw_json *w, const char *key)
{
    if (w->misuse)
        return;
    if (w->depth == 0 || !w->is_object[w->depth - 1] || w->key_written || !key) {
        w->misuse = 1;
        return;
    }
    separate_item(w);
    sw_json_put_string(w->out, key, strlen(key));
    sw_buf_puts(w->out, w->pretty ? ": " : ":");
    w->key_written = 1;
}

void sw_json_string_n(sw_json *w, const char *s, size_t n)
{
    if (!begin_value(w))
        return;
    sw_json_put_string(w->out, s, n);
    end_value(w);
}

void sw_json_string(sw_json *w, const char *s)
{
    if (!s)
        sw_json_null(w);
    else
        sw_json_string_n(w, s, strlen(s));
}

void sw_json_stringf(sw_json *w, const char *fmt, ...)
{
    sw_buf text = SW_BUF_WITH(w->out->mem);
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    if (sw_buf_failed(&text)) {
        w->nomem = 1;
        sw_json_null(w);
    } else {
        sw_json_string_n(w, text.data ? text.data : "", text.len);
    }
    sw_buf_free(&text);
}

/* Writes a value that needs no escaping (a literal or a number). */
static void put_raw(sw_json *w, const char *text)
{
    if (!begin_value(w))
        return;
    sw_buf_puts(w->out, text);
    end_value(w);
}

void sw_json_null(sw_json *w) { put_raw(w, "null"); }

void sw_json_bool(sw_json *w, int value) { put_raw(w, value ? "true" : "false"); }

void sw_json_int(sw_json *w, int64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)value);
    put_raw(w, text);
}

void sw_json_uint(sw_json *w, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)value);
    put_raw(w, text);
}

/* A locale may write the decimal point as ','; JSON wants '.'. */
static void fix_decimal_point(char *text)
{
    for (char *p = text; *p; p++)
        if (!(*p >= '0' && *p <= '9') && *p != '-' && *p != '+' && *p != 'e')
            *p = '.';
}

void sw_json_number(sw_json *w, double value)
{
    if (!isfinite(value)) {
        sw_json_null(w);
        return;
    }
    char text[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, value);
        if (strtod(text, NULL) == value)
            break;
    }
    fix_decimal_point(text);
    put_raw(w, text);
}

sw_status sw_json_finish(const sw_json *w)
{
    if (w->nomem || sw_buf_failed(w->out))
        return SW_ERR_NOMEM;
    if (w->misuse || w->depth != 0 || !w->done)
        return SW_ERR_ARG;
    return SW_OK;
}

int sw_json_end_line(sw_json *w)
{
    if (sw_json_finish(w) != SW_OK)
        return -1;
    sw_buf_putc(w->out, '\n');
    return sw_buf_failed(w->out) ? -1 : 0;
}

/* ---- strings ---- */

/* The escape for code point cp, or NULL when its bytes are copied as they are. */
static const char *short_escape(uint32_t cp)
{
    switch (cp) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return NULL;
    }
}

int sw_unicode_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

void sw_json_put_string(sw_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    sw_buf_putc(out, '"');
    size_t i = 0;
    while (i < n) {
        /* a run of printable ASCII other than '"' and '\\' goes out in one piece */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            sw_buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        uint32_t cp;
        size_t len = sw_utf8_decode(p + i, n - i, &cp);
        const char *escape = short_escape(cp);
        if (escape)
            sw_buf_puts(out, escape);
        else if (cp == SW_UTF8_BAD)
            sw_buf_puts(out, "\\ufffd");
        else if (sw_unicode_is_control(cp))
            sw_buf_printf(out, "\\u%04x", (unsigned)cp);
        else
            sw_buf_append(out, s + i, len);
        i += len;
    }
    sw_buf_putc(out, '"');
}
