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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The most a separator takes: ", " or ",", a line break and the indent. */
#define SEPARATOR_MAX (3 + 2 * SW_JSON_MAX_DEPTH)

/* ---- writing into the buffer in place ---- */

/* Every piece is written straight into the output buffer: room() makes space for
 * at most n bytes and answers where they go (NULL once memory ran out, which the
 * buffer remembers), commit() counts the k written and keeps the NUL after them.
 * A piece - a separator with a key and its colon, or with a short value - is thus
 * one check of the capacity and plain stores, not a chain of appends. */
static char *grow(sw_buf *out, size_t n)
{
    sw_buf_repeat(out, ' ', n);   /* makes the room (the bytes are written over) */
    if (sw_buf_failed(out))
        return NULL;
    out->len -= n;
    return out->data + out->len;
}

static inline char *room(sw_buf *out, size_t n)
{
    if (!out->failed && n < out->cap - out->len)   /* n bytes and the NUL */
        return out->data + out->len;
    return grow(out, n);
}

static inline void commit(sw_buf *out, size_t k)
{
    out->len += k;
    out->data[out->len] = '\0';
}

void sw_json_init(sw_json *w, sw_buf *out, int pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty != 0;
}

/* Writes into p what goes before an element of an array or a member of an object
 * and returns its length: the comma, then the line break and indent (in a pretty
 * document; inside a flat container a space after the comma instead). At most
 * separator_max(w) bytes. */
static inline size_t separator(sw_json *w, char *p)
{
    unsigned top = w->depth - 1;
    int flat = w->flat_from != 0;
    size_t k = 0;
    if (w->has_items[top]) {
        p[k++] = ',';
        if (w->pretty && flat)
            p[k++] = ' ';
    }
    w->has_items[top] = 1;
    if (w->pretty && !flat) {
        p[k++] = '\n';
        /* up to 8 levels, 16 spaces of a constant size: two stores, no call */
        if (w->depth <= 8)
            memcpy(p + k, "                ", 16);
        else
            memset(p + k, ' ', 2 * (size_t)w->depth);
        k += 2 * (size_t)w->depth;
    }
    return k;
}

/* The room a separator needs (with what the 16 spaces may write past it). */
static inline size_t separator_max(const sw_json *w) { return 3 + 16 + 2 * (size_t)w->depth; }

/* Checks that a value may come now; returns room for what goes before it and n
 * bytes of the value, with *k the length of the separator already written there
 * (NULL: nothing is to be written). */
static inline char *begin_value(sw_json *w, size_t n, size_t *k)
{
    *k = 0;
    if (w->misuse)
        return NULL;
    if (w->depth == 0) {
        if (w->done)
            w->misuse = 1;
        return w->misuse ? NULL : room(w->out, n);
    }
    if (w->is_object[w->depth - 1]) {
        if (!w->key_written)
            w->misuse = 1;
        w->key_written = 0;
        return w->misuse ? NULL : room(w->out, n);
    }
    char *p = room(w->out, separator_max(w) + n);
    if (p)
        *k = separator(w, p);
    else
        w->has_items[w->depth - 1] = 1;
    return p;
}

/* After a value: a top-level value completes the document. */
static inline void end_value(sw_json *w)
{
    if (w->depth == 0)
        w->done = 1;
}

/* A value that needs no escaping (a literal or a number), n bytes. */
static void put_raw_n(sw_json *w, const char *text, size_t n)
{
    size_t k;
    char *p = begin_value(w, n, &k);
    if (p) {
        memcpy(p + k, text, n);
        commit(w->out, k + n);
    }
    if (!w->misuse)
        end_value(w);
}

static void begin_container(sw_json *w, int is_object, int flat)
{
    if (w->misuse)
        return;
    if (w->depth == SW_JSON_MAX_DEPTH) {
        size_t k;
        begin_value(w, 0, &k);   /* what was wrong before the depth is told first */
        w->misuse = 1;
        return;
    }
    size_t k;
    char *p = begin_value(w, 1, &k);
    if (w->misuse)
        return;
    if (p) {
        p[k] = is_object ? '{' : '[';
        commit(w->out, k + 1);
    }
    w->is_object[w->depth] = (unsigned char)is_object;
    w->has_items[w->depth] = 0;
    w->depth++;
    if (flat && !w->flat_from)
        w->flat_from = w->depth;
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
    int flat = w->flat_from != 0;   /* this container is flat, or inside a flat one */
    if (w->flat_from == w->depth)
        w->flat_from = 0;
    w->depth--;
    /* before the closing bracket of a container that had items: the line break and
     * the indent of the level it closes to (none in compact mode or when flat) */
    size_t indent = had_items && !flat && w->pretty ? 1 + 2 * (size_t)w->depth : 0;
    char *p = room(w->out, indent + 1);
    if (p) {
        if (indent) {
            p[0] = '\n';
            memset(p + 1, ' ', indent - 1);
        }
        p[indent] = is_object ? '}' : ']';
        commit(w->out, indent + 1);
    }
    end_value(w);
}

void sw_json_begin_object(sw_json *w) { begin_container(w, 1, 0); }
void sw_json_end_object(sw_json *w) { end_container(w, 1); }
void sw_json_begin_array(sw_json *w) { begin_container(w, 0, 0); }
void sw_json_begin_flat_object(sw_json *w) { begin_container(w, 1, 1); }
void sw_json_begin_flat_array(sw_json *w) { begin_container(w, 0, 1); }
void sw_json_end_array(sw_json *w) { end_container(w, 0); }

/* What the escaper does with each byte (see below). */
static const unsigned char byte_class[256];

void sw_json_key(sw_json *w, const char *key)
{
    if (w->misuse)
        return;
    if (w->depth == 0 || !w->is_object[w->depth - 1] || w->key_written || !key) {
        w->misuse = 1;
        return;
    }
    w->key_written = 1;
    /* the separator, the quoted key and the colon in one piece, the key copied as
     * it is checked, when it needs no escaping (every key the library writes) */
    enum { KEY_FAST = 64 };
    char *p = room(w->out, separator_max(w) + KEY_FAST + 4);
    if (!p)
        return;
    size_t k = separator(w, p);
    const unsigned char *u = (const unsigned char *)key;
    char *q = p + k + 1;
    size_t i = 0;
    while (i < KEY_FAST && u[i] && byte_class[u[i]] == 0) {
        q[i] = (char)u[i];
        i++;
    }
    if (u[i] == '\0') {
        q[-1] = '"';
        q[i++] = '"';
        q[i++] = ':';
        if (w->pretty)
            q[i++] = ' ';
        commit(w->out, k + 1 + i);
        return;
    }
    commit(w->out, k);
    sw_json_put_string(w->out, key, strlen(key));
    sw_buf_puts(w->out, w->pretty ? ": " : ":");
}

/* A string that needs no escaping goes out with its separator and quotes in one
 * piece; any other through the escaper. */
void sw_json_string_n(sw_json *w, const char *s, size_t n)
{
    size_t k;
    char *p = begin_value(w, n + 2, &k);
    if (w->misuse)
        return;
    if (p && sw_json_plain_prefix(s, n) == n) {
        p[k] = '"';
        memcpy(p + k + 1, s, n);
        p[k + 1 + n] = '"';
        commit(w->out, k + n + 2);
    } else if (p) {
        commit(w->out, k);
        sw_json_put_string(w->out, s, n);
    }
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

void sw_json_null(sw_json *w) { put_raw_n(w, "null", 4); }

void sw_json_bool(sw_json *w, int value)
{
    if (value)
        put_raw_n(w, "true", 4);
    else
        put_raw_n(w, "false", 5);
}

/* Writes the decimal digits of v ending just before end; returns where they start. */
static char *decimal(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void put_digits(sw_json *w, uint64_t magnitude, int negative)
{
    char text[24];
    char *start = decimal(text + sizeof text, magnitude);
    if (negative)
        *--start = '-';
    put_raw_n(w, start, (size_t)(text + sizeof text - start));
}

void sw_json_int(sw_json *w, int64_t value)
{
    /* the magnitude of INT64_MIN does not fit an int64_t; it does a uint64_t */
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    put_digits(w, magnitude, value < 0);
}

void sw_json_uint(sw_json *w, uint64_t value) { put_digits(w, value, 0); }

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
    put_raw_n(w, text, strlen(text));
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

/* What the escaper does with each byte: 0 copies it (printable ASCII but '"' and
 * '\\'), 1 writes a short escape, 2 a \u00XX escape, 3 starts a sequence of
 * non-ASCII UTF-8 (decoded, then copied, escaped or replaced). */
static const unsigned char byte_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2,   /* \b \t \n \f \r short */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,   /* '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,   /* DEL */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

static char short_escape(unsigned char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    default: return 't';
    }
}

int sw_unicode_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

/* "\\u" and four lower-case hex digits of cp (at most 0xFFFF). */
static void put_u_escape(sw_buf *out, uint32_t cp)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15],
                 hex[cp & 15]};
    sw_buf_append(out, e, sizeof e);
}

/* Whether any byte of the 8 in v is below 0x20, '"', '\\\\', 0x7F or above (exact for
 * "any": the borrow tricks give no false negative, and a false positive only in a
 * word that also holds a true one). */
static int word_needs_care(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t below_space = (v - ones * 0x20) & ~v;
    uint64_t quote = v ^ (ones * '"'), backslash = v ^ (ones * '\\'), del = v ^ (ones * 0x7F);
    uint64_t zero = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                    ((del - ones) & ~del);
    return ((below_space | zero | v) & highs) != 0;
}

#ifdef __SSE2__
/* The same for 16 bytes at once: whether any byte is outside ' '..'~' or is '"'
 * or '\\' (bytes compared as signed after flipping their top bit). */
static inline int block_needs_care(const unsigned char *p)
{
    const __m128i flip = _mm_set1_epi8((char)0x80);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i t = _mm_xor_si128(v, flip);
    __m128i low = _mm_cmplt_epi8(t, _mm_set1_epi8((char)(0x20 ^ 0x80)));
    __m128i high = _mm_cmpgt_epi8(t, _mm_set1_epi8((char)(0x7E ^ 0x80)));
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    __m128i any = _mm_or_si128(_mm_or_si128(low, high), _mm_or_si128(quote, backslash));
    return _mm_movemask_epi8(any) != 0;
}
#endif

size_t sw_json_plain_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 16 <= n; i += 16)
        if (block_needs_care(p + i))
            break;
    if (i < n && n >= 16 && i + 16 > n && !block_needs_care(p + n - 16))
        return n;   /* the last 16 bytes, overlapping those checked */
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (word_needs_care(v))
            break;
    }
    if (i < n && n >= 8 && i + 8 > n) {
        /* the last 8 bytes as one word (overlapping those checked): the tail of a
         * plain string in one test rather than byte by byte */
        uint64_t v;
        memcpy(&v, p + n - 8, 8);
        if (!word_needs_care(v))
            return n;
    }
    while (i < n && byte_class[p[i]] == 0)
        i++;
    return i;
}

/* Copies runs of bytes that need nothing (printable ASCII, and well-formed
 * non-ASCII UTF-8 that is not a control or a JavaScript line break) with one
 * append each; the rest goes out escaped or replaced. A short string that needs
 * nothing is one append with its quotes. */
void sw_json_put_string(sw_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = sw_json_plain_prefix(s, n);
    if (i == n) {
        char *q = room(out, n + 2);
        if (q) {
            q[0] = '"';
            memcpy(q + 1, s, n);
            q[n + 1] = '"';
            commit(out, n + 2);
        }
        return;
    }
    sw_buf_putc(out, '"');
    size_t run = 0;   /* where the bytes not yet written begin */
    while (i < n) {
        unsigned char cls = byte_class[p[i]];
        if (cls == 0) {
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t len = 1;
        if (cls == 3) {
            len = sw_utf8_decode(p + i, n - i, &cp);
            if (cp != SW_UTF8_BAD && !sw_unicode_is_control(cp)) {
                i += len;   /* well-formed and shown as it is: part of the run */
                continue;
            }
        }
        if (i > run)
            sw_buf_append(out, s + run, i - run);
        if (cls == 1) {
            char e[2] = {'\\', short_escape(p[i])};
            sw_buf_append(out, e, 2);
        } else if (cls == 2) {
            put_u_escape(out, p[i]);
        } else {
            put_u_escape(out, cp == SW_UTF8_BAD ? 0xFFFD : cp);
        }
        i += len;
        run = i;
    }
    if (i > run)
        sw_buf_append(out, s + run, i - run);
    sw_buf_putc(out, '"');
}
