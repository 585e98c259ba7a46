/*
 * diag.c - the diagnostics list: queuing records and rendering them as text.
 *
 * Records are queued where problems are found (checker, parser, facts reader) and
 * printed only by whoever renders them: "file:line:col: error[CODE]: message", the
 * source line, a caret under the span, and a hint line.
 */
#include "lang/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/grow.h"

struct sw_diagnostics {
    sw_arena arena;
    sw_diagnostic **items;
    size_t count, cap, errors;
    int truncated;         /* memory ran out while queuing, or SW_DIAG_MAX was reached */
    int nomem;             /* memory ran out: a diagnostic was lost */
    int last_queued;       /* the last sw_diag_add was kept: sw_diag_relate may add to it */
    int malformed;         /* a facts input was not a well-formed document */
    /* where the last position was found, so that the lines of a file's
     * diagnostics, found in order, are counted once rather than each from the
     * start (which made a file with many errors quadratic) */
    const char *seen_text, *seen_file;
    size_t seen_len, seen_off, seen_line, seen_start;
};

#define SW_DIAG_MAX SW_LIMIT_DIAGNOSTICS   /* more than this is noise; the list says it stopped */

sw_diagnostics *sw_diagnostics_new(void) { return sw_diagnostics_new_with(NULL, NULL); }

/* The list, its records (in its arena) and its index all come from mem. */
sw_diagnostics *sw_diagnostics_new_with(sw_alloc_fn alloc, void *ud)
{
    sw_mem mem = {alloc, ud};
    sw_diagnostics *d = sw_mem_calloc(mem, 1, sizeof *d);
    if (d)
        d->arena.mem = mem;
    return d;
}

void sw_diagnostics_clear(sw_diagnostics *d)
{
    if (!d)
        return;
    sw_mem mem = d->arena.mem;
    sw_arena_free(&d->arena);
    sw_mem_free(mem, d->items, d->cap * sizeof *d->items);
    memset(d, 0, sizeof *d);
    d->arena.mem = mem;
}

void sw_diagnostics_free(sw_diagnostics *d)
{
    if (!d)
        return;
    sw_diagnostics_clear(d);
    sw_mem_free(d->arena.mem, d, sizeof *d);
}

size_t sw_diagnostics_count(const sw_diagnostics *d) { return d ? d->count : 0; }
size_t sw_diagnostics_error_count(const sw_diagnostics *d) { return d ? d->errors : 0; }

const sw_diagnostic *sw_diagnostics_at(const sw_diagnostics *d, size_t i)
{
    return d && i < d->count ? d->items[i] : NULL;
}

static int push(sw_diagnostics *d, sw_diagnostic *item)
{
    if (!sw_grow_m(d->arena.mem, &d->items, &d->cap, d->count, sizeof *d->items, 16))
        return 0;
    d->items[d->count++] = item;
    if (item->severity == SW_SEV_ERROR)
        d->errors++;
    return 1;
}

static unsigned columns_of(const char *s, size_t n)
{
    /* count UTF-8 code points, so carets line up under non-ASCII text */
    return (unsigned)sw_utf8_count(s, n);
}

static int queue(sw_diagnostics *d, sw_severity sev, const char *code, const char *file,
                 unsigned line, unsigned col, unsigned span, const char *src, size_t srclen,
                 const char *field, const char *hint, const char *fmt, va_list ap)
{
    if (d)
        d->last_queued = 0;
    if (!d || d->truncated)
        return 0;
    if (d->count >= SW_DIAG_MAX) {
        d->truncated = 1;
        return 0;
    }
    sw_buf msg = SW_BUF_WITH(d->arena.mem);
    sw_buf_vprintf(&msg, fmt, ap);
    sw_diagnostic *it = sw_arena_alloc(&d->arena, sizeof *it);
    char *message = msg.failed ? NULL : sw_arena_strndup(&d->arena, msg.data ? msg.data : "", msg.len);
    sw_buf_free(&msg);
    if (!it || !message) {
        d->truncated = 1;
        d->nomem = 1;
        return 0;
    }
    it->severity = sev;
    it->code = sw_arena_strdup(&d->arena, code);
    it->message = message;
    it->hint = hint ? sw_arena_strdup(&d->arena, hint) : NULL;
    it->file = file ? sw_arena_strdup(&d->arena, file) : NULL;
    it->line = line;
    it->column = col;
    it->span = span ? span : 1;
    it->source_line = src ? sw_arena_strndup(&d->arena, src, srclen) : NULL;
    it->field = field ? sw_arena_strdup(&d->arena, field) : NULL;
    it->related_note = it->related_file = it->related_source_line = NULL;
    it->related_line = it->related_column = 0;
    if (!it->code || (hint && !it->hint) || (file && !it->file) || (src && !it->source_line) ||
        (field && !it->field) || !push(d, it)) {
        d->truncated = 1;
        d->nomem = 1;
        return 0;
    }
    d->last_queued = 1;
    return 1;
}

/* Line, column, span and source line of a place (0 and NULL without a text). */
typedef struct located {
    unsigned line, col, span;
    const char *src;
    size_t srclen;
} located;

static located locate(sw_diagnostics *d, sw_where w)
{
    located at = {0, 0, 0, NULL, 0};
    if (w.file && w.text && d && !d->truncated) {
        size_t off = w.offset <= w.textlen ? w.offset : w.textlen;
        size_t start = 0, from = 0;
        unsigned line = 1;
        if (d->seen_text == w.text && d->seen_len == w.textlen && d->seen_off <= off &&
            d->seen_file && strcmp(d->seen_file, w.file) == 0) {
            from = d->seen_off;
            line = (unsigned)d->seen_line;
            start = d->seen_start;
        }
        for (size_t i = from; i < off; i++)
            if (w.text[i] == '\n') {
                line++;
                start = i + 1;
            }
        d->seen_text = w.text;
        d->seen_len = w.textlen;
        if (!d->seen_file || strcmp(d->seen_file, w.file) != 0)
            d->seen_file = sw_arena_strdup(&d->arena, w.file);
        d->seen_off = off;
        d->seen_line = line;
        d->seen_start = start;
        size_t end = start;
        while (end < w.textlen && w.text[end] != '\n' && w.text[end] != '\r')
            end++;
        at.line = line;
        at.col = columns_of(w.text + start, off - start) + 1;
        size_t spanend = off + w.length;
        if (spanend > end)
            spanend = end;
        at.span = spanend > off ? columns_of(w.text + off, spanend - off) : 1;
        at.src = w.text + start;
        at.srclen = end - start;
    }
    return at;
}

int sw_diag_add(sw_diagnostics *d, sw_severity sev, const char *code, sw_where w,
                const char *field, const char *hint, const char *fmt, ...)
{
    located at = d && d->count < SW_DIAG_MAX ? locate(d, w) : (located){0, 0, 0, NULL, 0};
    va_list ap;
    va_start(ap, fmt);
    int ok = queue(d, sev, code, w.file, at.line, at.col, at.span, at.src, at.srclen, field, hint, fmt, ap);
    va_end(ap);
    return ok;
}

int sw_diag_add_at(sw_diagnostics *d, sw_severity sev, const char *code, const char *file,
                   unsigned line, unsigned column, const char *source_line,
                   const char *field, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ok = queue(d, sev, code, file, line, column, 1, source_line,
                   source_line ? strlen(source_line) : 0, field, hint, fmt, ap);
    va_end(ap);
    return ok;
}

void sw_diag_relate(sw_diagnostics *d, sw_where w, const char *note)
{
    if (!d || !d->last_queued || d->count == 0 || !w.file)
        return;
    sw_diagnostic *it = d->items[d->count - 1];
    located at = locate(d, w);
    it->related_note = sw_arena_strdup(&d->arena, note ? note : "related");
    it->related_file = sw_arena_strdup(&d->arena, w.file);
    it->related_line = at.line;
    it->related_column = at.col;
    it->related_source_line = at.src ? sw_arena_strndup(&d->arena, at.src, at.srclen) : NULL;
    if (!it->related_note || !it->related_file || (at.src && !it->related_source_line)) {
        it->related_file = NULL;   /* the diagnostic stands without it */
        d->nomem = 1;
    }
}

static const char *severity_word(sw_severity s)
{
    switch (s) {
    case SW_SEV_ERROR: return "error";
    case SW_SEV_WARNING: return "warning";
    default: return "note";
    }
}

static void render_one(const sw_diagnostic *it, sw_buf *b)
{
    if (it->file) {
        sw_buf_puts(b, it->file);
        if (it->line)
            sw_buf_printf(b, ":%u:%u", it->line, it->column);
        sw_buf_puts(b, ": ");
    }
    sw_buf_printf(b, "%s[%s]: %s\n", severity_word(it->severity), it->code, it->message);
    if (it->source_line && it->line) {
        sw_buf_printf(b, "%5u | ", it->line);
        for (const char *p = it->source_line; *p; p++)
            sw_buf_putc(b, *p == '\t' ? ' ' : *p);
        sw_buf_puts(b, "\n      | ");
        sw_buf_repeat(b, ' ', it->column > 0 ? it->column - 1 : 0);
        sw_buf_putc(b, '^');
        if (it->span > 1)
            sw_buf_repeat(b, '~', it->span - 1);
        sw_buf_putc(b, '\n');
    }
    if (it->hint)
        sw_buf_printf(b, "      = hint: %s\n", it->hint);
    if (it->related_file) {
        sw_buf_puts(b, it->related_file);
        if (it->related_line)
            sw_buf_printf(b, ":%u:%u", it->related_line, it->related_column);
        sw_buf_printf(b, ": note: %s\n", it->related_note);
        if (it->related_source_line && it->related_line) {
            sw_buf_printf(b, "%5u | ", it->related_line);
            for (const char *p = it->related_source_line; *p; p++)
                sw_buf_putc(b, *p == '\t' ? ' ' : *p);
            sw_buf_puts(b, "\n      | ");
            sw_buf_repeat(b, ' ', it->related_column > 0 ? it->related_column - 1 : 0);
            sw_buf_puts(b, "^\n");
        }
    }
}

int sw_diag_nomem(const sw_diagnostics *d)
{
    return d != NULL && d->nomem;
}

sw_status sw_diagnostics_render(const sw_diagnostics *d, char **out, size_t *len)
{
    if (!out)
        return SW_ERR_ARG;
    sw_buf b = SW_BUF_WITH(d ? d->arena.mem : (sw_mem)SW_MEM_DEFAULT);
    for (size_t i = 0; d && i < d->count; i++)
        render_one(d->items[i], &b);
    if (d && d->truncated)
        sw_buf_printf(&b, "note: stopped after %zu diagnostics\n", d->count);
    *out = sw_buf_give(&b, len);
    return *out ? SW_OK : SW_ERR_NOMEM;
}

void sw_diag_mark_malformed(sw_diagnostics *d)
{
    if (d)
        d->malformed = 1;
}

int sw_diagnostics_malformed(const sw_diagnostics *d)
{
    return d ? d->malformed : 0;
}
