/*
 * facts_read.c - the facts reader: one client document (docs/facts-format.md) from
 * libyaml's events.
 *
 * A client document is a mapping of at most three keys: client, assessed_on and
 * facts. The reader pulls libyaml's events and walks the document the way a small
 * recursive parser would - top-level keys, then each fact, then the members of a
 * set - checking every value against the rule set's schema as it goes. No
 * document tree is built, so memory follows the facts kept, not the size of the
 * input. Every problem becomes a diagnostic with line, column and the field's
 * path, and reading goes on so that one pass reports them all; a document with
 * any problem yields no facts. Positions are worked out only for a problem told.
 *
 * Stage facts/ - one client's facts in the program's slots.
 * May use: util/, lang/, compile/. (tests/layout checks it.)
 */
#include "facts/facts_read.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lang/diag.h"
#include "lang/value.h"
#include "util/doc_split.h"
#include "util/text.h"
#include "compile/value_text.h"

/* ==== The reader: a stream's state and positions ============================ */

static void cursor_reset(line_cursor *c) { memset(c, 0, sizeof *c); }

static void cursor_next_line(line_cursor *c, size_t offset)
{
    c->offset = c->point = offset;
    c->line++;
    c->chars = 0;
}

/* Moves the cursor to the start of a 0-based line; 0 when the input has none. */
static int cursor_to_line(sw_facts_stream *st, size_t line)
{
    if (line < st->cursor.line)
        cursor_reset(&st->cursor);
    while (st->cursor.line < line) {
        size_t size, at = sw_split_find_break(st->data, st->len, st->cursor.offset, st->len, &size);
        if (at == st->len)
            return 0;
        cursor_next_line(&st->cursor, at + size);
    }
    return 1;
}

/* Moves the cursor to the start of the line holding offset. */
void sw_facts_cursor_to_offset(sw_facts_stream *st, size_t offset)
{
    if (offset < st->cursor.offset)
        cursor_reset(&st->cursor);
    for (;;) {
        size_t size, at = sw_split_find_break(st->data, st->len, st->cursor.point, offset, &size);
        if (at == offset || at + size > offset)
            return;
        cursor_next_line(&st->cursor, at + size);
    }
}

static size_t characters(const char *s, size_t n)
{
    return sw_utf8_count(s, n);
}

/* The 0-based column of offset, on the cursor's line; counts on from the last one. */
size_t sw_facts_cursor_column(sw_facts_stream *st, size_t offset)
{
    line_cursor *c = &st->cursor;
    if (offset < c->point) {
        c->point = c->offset;
        c->chars = 0;
    }
    c->chars += characters(st->data + c->point, offset - c->point);
    c->point = offset;
    return c->chars;
}

/* The text of the line starting at offset, NUL-terminated in st->line_text; NULL
 * when it is too long to quote. */
static const char *line_text(sw_facts_stream *st, size_t offset)
{
    size_t limit = st->len - offset > SOURCE_LINE_MAX ? offset + SOURCE_LINE_MAX + 1 : st->len;
    size_t size, end = sw_split_find_break(st->data, st->len, offset, limit, &size);
    if (end - offset > SOURCE_LINE_MAX)
        return NULL;
    buf_reset(&st->line_text);
    sw_buf_append(&st->line_text, st->data + offset, end - offset);
    sw_buf_putc(&st->line_text, '\0');
    return st->line_text.failed ? NULL : st->line_text.data;
}

/* Points s at a byte offset of the input. */
void sw_facts_site_at_offset(sw_facts_stream *st, site *s, size_t offset)
{
    s->pending = 0;
    sw_facts_cursor_to_offset(st, offset);
    s->line = (unsigned)(st->cursor.line + 1);
    s->column = (unsigned)(sw_facts_cursor_column(st, offset) + 1);
    s->source_line = line_text(st, st->cursor.offset);
}

/* Points s just past the last visible character of the current segment: libyaml
 * reports problems at the end of the input on the line after it. */
static void site_at_segment_end(sw_facts_stream *st, site *s)
{
    size_t end = st->seg.end;
    while (end > st->seg.start && sw_facts_is_blank(st->data[end - 1]))
        end--;
    sw_facts_site_at_offset(st, s, end);
}

static size_t absolute_line(const sw_facts_stream *st, yaml_mark_t m)
{
    return st->seg.line + m.line;
}

static size_t absolute_column(const sw_facts_stream *st, yaml_mark_t m)
{
    return (m.line == 0 ? st->seg.column : 0) + m.column;
}

/* Points s at a libyaml mark of the current segment. */
void sw_facts_site_at_mark(sw_facts_stream *st, site *s, yaml_mark_t m)
{
    s->pending = 0;
    size_t line = absolute_line(st, m);
    if (!cursor_to_line(st, line) ||
        (st->cursor.offset >= st->seg.end && st->seg.end > st->seg.start)) {
        site_at_segment_end(st, s);
        return;
    }
    s->line = (unsigned)(line + 1);
    s->column = (unsigned)(absolute_column(st, m) + 1);
    s->source_line = line_text(st, st->cursor.offset);
}

/* ==== The reader: one document ============================================== */

/* The reading of one document. */
typedef struct doc {
    sw_facts_stream *st;
    sw_facts *facts;
    site s;             /* reused for every problem, pointed at each in turn */
    const char *field_text; /* the path of the value being read, or NULL; */
    const char *field_name; /* or, when this is set, facts.NAME[INDEX] */
    long field_index;       /* -1: facts.NAME */
    sw_buf field;           /* the text of a field copied (field_copy) */
    size_t *given_line; /* per base slot: 1-based line where given, 0 = not yet */
    size_t top_line[3]; /* the same for client, assessed_on, facts */
    int broken;         /* libyaml stopped: a syntax error was reported */
    int stopped;        /* reading stopped where the nesting limit was crossed */
    int nomem;
    int reused;         /* facts is the caller's (sw_facts_stream_read) */
} doc;

static const char *const top_keys[] = {"client", "assessed_on", "facts"};
enum { TOP_CLIENT, TOP_ASSESSED_ON, TOP_FACTS, TOP_NONE = -1 };

/* The field is kept as what it is made of and written out ("facts.NAME[INDEX]")
 * only when a problem is reported (vreport), so reading a good value formats
 * nothing. */

/* A field that is a fixed text ("client", "facts"; "" for none). */
static void field_is(doc *d, const char *text)
{
    d->field_text = text && *text ? text : NULL;
    d->field_name = NULL;
}

/* A field whose text is only valid now (a key as written): copied. */
static void field_copy(doc *d, const char *text)
{
    buf_reset(&d->field);
    sw_buf_puts(&d->field, text);
    field_is(d, d->field.failed ? NULL : d->field.data);
}

/* "facts.NAME" for a name that is only valid now (a key as written): copied. */
static void field_copy_fact(doc *d, const char *name)
{
    buf_reset(&d->field);
    sw_buf_puts(&d->field, "facts.");
    sw_buf_puts(&d->field, name);
    field_is(d, d->field.failed ? NULL : d->field.data);
}

/* "facts.NAME", or "facts.NAME[INDEX]" when index >= 0; name must outlive the
 * reading of the value (the rule set's name of the fact). */
static void field_fact(doc *d, const char *name, long index)
{
    d->field_text = NULL;
    d->field_name = name;
    d->field_index = index;
}

/* Points the doc's site at an event's start and the current field. */
static site *at(doc *d, yaml_mark_t m)
{
    d->s.stream = d->st;
    d->s.mark = m;
    d->s.pending = 1;
    d->s.field = d->field_text;
    d->s.field_fact = d->field_name;
    d->s.field_index = d->field_index;
    return &d->s;
}

static void say(doc *d, yaml_mark_t m, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void say(doc *d, yaml_mark_t m, const char *code, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sw_facts_vreport(at(d, m), code, hint, fmt, ap);
    va_end(ap);
}

static void report_syntax(doc *d)
{
    sw_facts_stream *st = d->st;
    const yaml_parser_t *p = &st->parser;
    if (p->error == YAML_MEMORY_ERROR) {
        d->nomem = 1;
        return;
    }
    const char *hint =
        "check the brackets, quotes, colons and indentation here and on the line before";
    sw_buf context = SW_BUF_INIT;
    if (p->error == YAML_READER_ERROR) {
        sw_facts_site_at_offset(st, &d->s, st->seg.start + p->problem_offset);
        hint = "save the facts as UTF-8 text without control characters";
    } else {
        site opened = {0};
        sw_facts_site_at_mark(st, &opened, p->context_mark);
        sw_facts_site_at_mark(st, &d->s, p->problem_mark);
        if (p->context && (opened.line != d->s.line || opened.column != d->s.column))
            sw_buf_printf(&context, " (%s that starts at line %u, column %u)", p->context,
                          opened.line, opened.column);
        else if (p->context)
            sw_buf_printf(&context, " (%s)", p->context);
    }
    d->s.field = NULL;
    d->s.field_fact = NULL;
    sw_facts_report_malformed(&d->s, "F001", hint, "the facts are not valid YAML or JSON: %s%s",
           p->problem ? p->problem : "unreadable input", buf_text(&context));
    sw_buf_free(&context);
}

/* The next event; 0 after a syntax error (reported once) or when memory ran out. */
static int pull(doc *d, yaml_event_t *ev)
{
    if (d->broken || d->stopped || d->nomem)
        return 0;
    if (!yaml_parser_parse(&d->st->parser, ev)) {
        report_syntax(d);
        d->broken = 1;
        return 0;
    }
    return 1;
}

static int is_start(const yaml_event_t *ev)
{
    return ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
}

static int is_end(const yaml_event_t *ev)
{
    return ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT;
}

/* Skips the rest of the list or mapping ev opened (nothing for a scalar); level is
 * ev's nesting, 1 for the document's root. Crossing the nesting limit is told and
 * stops the reading of the document at once: nothing deeper is pulled, so the time
 * spent stays linear in what was read (libyaml's flow scanner costs time in
 * proportion to the depth for every token, so reading a deep value to its end
 * would be quadratic; docs/performance.md). */
static void skip_rest(doc *d, const yaml_event_t *ev, unsigned level)
{
    if (!is_start(ev))
        return;
    for (unsigned open = 1; open > 0;) {
        yaml_event_t next;
        if (!pull(d, &next))
            return;
        if (is_start(&next)) {
            open++;
            if (level + open - 1 > FACTS_MAX_NESTING) {
                say(d, next.start_mark, "F012", "client documents need three levels at most",
                    "lists and mappings are nested more than 16 levels deep; the rest of the "
                    "document is not read");
                d->stopped = 1;
            }
        } else if (is_end(&next)) {
            open--;
        }
        yaml_event_delete(&next);
    }
}

static const char *shape_of(const yaml_event_t *ev)
{
    return ev->type == YAML_SEQUENCE_START_EVENT ? "a list" : "a mapping";
}

/* The anchor and the tag of an event that can carry them (NULL where none). */
static void anchor_and_tag(const yaml_event_t *ev, const yaml_char_t **anchor, const yaml_char_t **tag)
{
    *anchor = *tag = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        *anchor = ev->data.scalar.anchor, *tag = ev->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        *anchor = ev->data.sequence_start.anchor, *tag = ev->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        *anchor = ev->data.mapping_start.anchor, *tag = ev->data.mapping_start.tag;
        break;
    default:
        break;
    }
}

#define CORE_TAGS "tag:yaml.org,2002:" /* what libyaml makes of "!!" */

static int core_tag(const yaml_char_t *tag)
{
    return strncmp((const char *)tag, CORE_TAGS, strlen(CORE_TAGS)) == 0;
}

/* Refuses aliases, anchors and tags, the YAML features a client document does not
 * use; returns 1 (and skips what ev opened) when ev was refused. */
static int refused(doc *d, const yaml_event_t *ev, unsigned level)
{
    const char *hint = "write each value out in full";
    const yaml_char_t *anchor, *tag;
    anchor_and_tag(ev, &anchor, &tag);
    if (ev->type == YAML_ALIAS_EVENT)
        say(d, ev->start_mark, "F011", hint,
            "the alias '*%s' is not allowed: client documents do not use anchors or aliases",
            (const char *)ev->data.alias.anchor);
    else if (anchor)
        say(d, ev->start_mark, "F011", hint,
            "the anchor '&%s' is not allowed: client documents do not use anchors or aliases",
            (const char *)anchor);
    else if (tag)
        say(d, ev->start_mark, "F004", "remove the tag; quote a value to make it text",
            "the tag '%s%s' is not allowed: client documents do not use YAML tags",
            core_tag(tag) ? "!!" : "", (const char *)tag + (core_tag(tag) ? strlen(CORE_TAGS) : 0));
    else
        return 0;
    skip_rest(d, ev, level);
    return 1;
}

typedef struct scalar {
    const char *text; /* NUL-terminated at len */
    size_t len;
    int plain; /* written without quotes */
} scalar;

static scalar scalar_of(const yaml_event_t *ev)
{
    scalar sc = {(const char *)ev->data.scalar.value, ev->data.scalar.length,
                 ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE};
    return sc;
}

static int scalar_is(const scalar *sc, const char *word)
{
    return sc->len == strlen(word) && memcmp(sc->text, word, sc->len) == 0;
}

static int scalar_is_null(const scalar *sc)
{
    return sc->plain && (sc->len == 0 || scalar_is(sc, "~") || scalar_is(sc, "null") ||
                         scalar_is(sc, "Null") || scalar_is(sc, "NULL"));
}

static char *keep_text(doc *d, const scalar *sc)
{
    char *copy = sw_arena_strndup(&d->facts->arena, sc->text, sc->len);
    if (!copy)
        d->nomem = 1;
    return copy;
}

/* -- fact values -- */

static void store(doc *d, const sw_fact_def *fd, sw_value v)
{
    v.known = 1;
    d->facts->values[fd->slot] = v;
}

static const char *quoted_number_hint(const sw_type *t)
{
    return t->kind == SW_T_BOOL ? "remove the quotes: true or false in quotes is text"
                                : "remove the quotes: a number in quotes is text";
}

static void read_bool(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (!sc->plain)
        sw_facts_report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 1,
                      quoted_number_hint(&fd->type));
    else if (scalar_is(sc, "true") || scalar_is(sc, "false"))
        store(d, fd, (sw_value){.u.i = scalar_is(sc, "true")});
    else
        sw_facts_report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                      "write true or false");
}

static void report_not_whole(doc *d, const sw_fact_def *fd, const scalar *sc, number_syntax why)
{
    const char *hint = why == NUM_LEADING_ZERO ? "write the number without leading zeros"
                       : sw_facts_number_shape(sc->text, sc->len) == NUM_OK
                           ? "a whole number has no decimal point"
                           : "write the number in digits, e.g. 12";
    sw_facts_report_scalar(&d->s, "F004", d->st->prog, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                           hint);
}

static void read_int(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (!sc->plain) {
        sw_facts_report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 1,
                      quoted_number_hint(&fd->type));
        return;
    }
    int64_t v;
    number_syntax syntax = sw_facts_parse_int(sc->text, sc->len, &v);
    if (syntax == NUM_OVERFLOW) {
        sw_type widest = fd->type;
        if (!widest.has_range) {
            widest.has_range = 1;
            widest.imin = INT64_MIN;
            widest.imax = INT64_MAX;
        }
        sw_facts_report_scalar(&d->s, "F005", p, fd->name, 0, &widest, sc->text, sc->len, 0, NULL);
    } else if (syntax != NUM_OK) {
        report_not_whole(d, fd, sc, syntax);
    } else if (sw_facts_check_int(&d->s, p, fd->name, &fd->type, v, sc->text)) {
        store(d, fd, (sw_value){.u.i = v});
    }
}

static void read_number(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (!sc->plain) {
        sw_facts_report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 1,
                      quoted_number_hint(&fd->type));
        return;
    }
    number_syntax syntax = sw_facts_number_shape(sc->text, sc->len);
    if (syntax != NUM_OK) {
        sw_facts_report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                      syntax == NUM_LEADING_ZERO ? "write the number without leading zeros"
                                                 : "write the number in digits, e.g. 3.5");
        return;
    }
    double v = sw_facts_decimal_value(sc->text, sc->len);
    if (v == 0)
        v = 0; /* -0 is 0: one spelling, one digest */
    sw_buf shown = SW_BUF_INIT;
    sw_facts_show_value(&shown, sc->text, sc->len);
    if (sw_facts_check_number(&d->s, p, fd->name, &fd->type, v, buf_text(&shown)))
        store(d, fd, (sw_value){.u.n = v});
    sw_buf_free(&shown);
}

static void read_scalar_fact(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (d->st->json && sc->plain && sc->len == 0) {
        /* JSON has no empty value: a template that failed to fill one must not pass
         * for a fact left unknown on purpose */
        sw_facts_report_value(&d->s, "F004", p, fd->name, 0, &fd->type, "nothing",
                     "write null to record that it is unknown");
        return;
    }
    if (scalar_is_null(sc))
        return; /* unknown: the value stays as it started */
    if (sc->len > FACTS_MAX_TEXT) {
        sw_facts_report_too_long(&d->s, fd->name);
        return;
    }
    switch ((sw_type_kind)fd->type.kind) {
    case SW_T_BOOL:
        read_bool(d, fd, sc);
        break;
    case SW_T_INT:
        read_int(d, fd, sc);
        break;
    case SW_T_NUMBER:
        read_number(d, fd, sc);
        break;
    case SW_T_ENUM: {
        int index;
        if (sw_facts_check_member(&d->s, p, fd->name, 0, &fd->type, sc->text, sc->len, &index))
            store(d, fd, (sw_value){.u.i = index});
        break;
    }
    case SW_T_SET: {
        sw_buf hint = SW_BUF_INIT;
        sw_buf_printf(&hint, "write a list, e.g. %s: [", fd->name);
        sw_facts_show_value(&hint, sc->text, sc->len);
        sw_buf_putc(&hint, ']');
        sw_facts_report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                      buf_text(&hint));
        sw_buf_free(&hint);
        break;
    }
    case SW_T_DATE: {
        int32_t days;
        if (sw_facts_check_date(&d->s, fd->name, sc->text, sc->len, &days))
            store(d, fd, (sw_value){.u.i = days});
        break;
    }
    case SW_T_TEXT: {
        const char *copy = keep_text(d, sc);
        if (copy)
            store(d, fd, (sw_value){.u.s = copy});
        break;
    }
    }
}

/* One entry of a set-of list (nesting level 4); adds its member to *bits. */
static void read_member(doc *d, const sw_fact_def *fd, const yaml_event_t *ev, size_t index,
                        uint64_t *bits)
{
    const sw_program *p = d->st->prog;
    field_fact(d, fd->name, (long)index);
    if (refused(d, ev, 4))
        return;
    sw_type member = fd->type;
    member.kind = SW_T_ENUM;
    at(d, ev->start_mark);
    if (ev->type != YAML_SCALAR_EVENT) {
        sw_facts_report_value(&d->s, "F004", p, fd->name, 1, &member, shape_of(ev), NULL);
        skip_rest(d, ev, 4);
    } else {
        scalar sc = scalar_of(ev);
        int index_of;
        if (sw_facts_check_member(&d->s, p, fd->name, 1, &member, sc.text, sc.len, &index_of)) {
            if (*bits & ((uint64_t)1 << index_of))
                sw_facts_report_duplicate_member(
                    &d->s, p->enums[fd->type.enumeration].members[index_of], fd->name);
            *bits |= (uint64_t)1 << index_of;
        }
    }
}

/* The entries of a set-of list, after its start event. */
static void read_members(doc *d, const sw_fact_def *fd)
{
    uint64_t bits = 0;
    for (size_t index = 0;; index++) {
        yaml_event_t ev;
        if (!pull(d, &ev))
            return;
        int done = ev.type == YAML_SEQUENCE_END_EVENT;
        if (!done)
            read_member(d, fd, &ev, index, &bits);
        yaml_event_delete(&ev);
        if (done)
            break;
    }
    store(d, fd, (sw_value){.u.bits = bits});
}

/* The value of one fact (nesting level 3). */
static void read_fact_value(doc *d, const sw_fact_def *fd, const yaml_event_t *ev)
{
    field_fact(d, fd->name, -1);
    if (refused(d, ev, 3))
        return;
    at(d, ev->start_mark);
    if (ev->type == YAML_SCALAR_EVENT) {
        scalar sc = scalar_of(ev);
        read_scalar_fact(d, fd, &sc);
    } else if (ev->type == YAML_SEQUENCE_START_EVENT && fd->type.kind == SW_T_SET) {
        read_members(d, fd);
    } else {
        sw_facts_report_value(&d->s, "F004", d->st->prog, fd->name, 0, &fd->type, shape_of(ev),
                              NULL);
        skip_rest(d, ev, 3);
    }
}

/* A key that is not a plain name: a list, a mapping, an alias, a tagged or anchored
 * scalar, or one too long. Returns 1 (and skips the key) when it was told. */
static int odd_key(doc *d, const yaml_event_t *key, unsigned level)
{
    if (refused(d, key, level))
        return 1;
    if (key->type != YAML_SCALAR_EVENT) {
        say(d, key->start_mark, "F004", "write the key as a plain name",
            "a key must be a name, not %s", shape_of(key));
        skip_rest(d, key, level);
        return 1;
    }
    if (key->data.scalar.length > FACTS_MAX_TEXT) {
        sw_facts_report_too_long(at(d, key->start_mark), NULL);
        return 1;
    }
    return 0;
}

/* The fact named name (NUL-terminated, no NUL inside), or NULL: the program's
 * table of facts by name (byte order, which strcmp keeps for such names) searched
 * in line, the first bytes compared before the call, as every key of every
 * document is looked up here. */
static const sw_fact_def *fact_named(const sw_program *p, const char *name)
{
    size_t lo = 0, hi = p->nfacts;
    const unsigned char first = (unsigned char)name[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sw_fact_def *fd = &p->facts[p->facts_by_name[mid]];
        int c = (int)(unsigned char)fd->name[0] - (int)first;
        if (c == 0)
            c = strcmp(fd->name, name);
        if (c == 0)
            return fd;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The fact a key of the facts mapping names, when its value is to be read. */
static const sw_fact_def *fact_key(doc *d, const yaml_event_t *key)
{
    field_is(d, "facts");
    if (odd_key(d, key, 3))
        return NULL;
    scalar sc = scalar_of(key);
    const sw_fact_def *fd =
        strlen(sc.text) != sc.len ? NULL : fact_named(d->st->prog, sc.text);
    if (!fd) {
        /* the key's text goes with its event, and the value is still to be
         * skipped (which may tell of its nesting): the field is a copy */
        field_copy_fact(d, sc.text);
        sw_facts_report_unknown_fact(at(d, key->start_mark), d->st->prog, sc.text);
        return NULL;
    }
    field_fact(d, fd->name, -1);
    if (fd->derived) {
        sw_facts_report_derived(at(d, key->start_mark), fd->name);
        return NULL;
    }
    if (d->given_line[fd->slot]) {
        say(d, key->start_mark, "F007", "keep one of them",
            "'%s' is given twice; the first is at line %zu", fd->name, d->given_line[fd->slot]);
        return NULL;
    }
    d->given_line[fd->slot] = absolute_line(d->st, key->start_mark) + 1;
    return fd;
}

/* The entries of the facts mapping, after its start event. */
static void read_fact_entries(doc *d)
{
    for (size_t count = 1;; count++) {
        yaml_event_t key, value;
        if (!pull(d, &key))
            return;
        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            return;
        }
        if (count == FACTS_MAX_KEYS + 1) {
            field_is(d, "facts");
            say(d, key.start_mark, "F012",
                "split the facts, or leave out those the rules do not use",
                "more than 10000 facts in one document");
        }
        const sw_fact_def *fd = count > FACTS_MAX_KEYS ? NULL : fact_key(d, &key);
        if (count > FACTS_MAX_KEYS)
            skip_rest(d, &key, 3);
        yaml_event_delete(&key);
        if (!pull(d, &value))
            return;
        if (fd)
            read_fact_value(d, fd, &value);
        else
            skip_rest(d, &value, 3);
        yaml_event_delete(&value);
    }
}

/* The value of the facts key (nesting level 2). */
static void read_facts(doc *d, const yaml_event_t *ev)
{
    field_is(d, "facts");
    if (refused(d, ev, 2))
        return;
    if (ev->type == YAML_MAPPING_START_EVENT) {
        read_fact_entries(d);
        return;
    }
    if (ev->type == YAML_SCALAR_EVENT) {
        scalar sc = scalar_of(ev);
        if (scalar_is_null(&sc))
            return;
    }
    sw_buf got = SW_BUF_INIT;
    if (ev->type == YAML_SCALAR_EVENT)
        sw_facts_show_value(&got, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    else
        sw_buf_puts(&got, shape_of(ev));
    say(d, ev->start_mark, "F004", "write each fact as name: value under facts:",
        "'facts' must be a mapping of fact names to their values, not %s", buf_text(&got));
    sw_buf_free(&got);
    skip_rest(d, ev, 2);
}

/* The value of a top-level key that must be a scalar of type kind: 1 with *out set
 * when there is a value to read; 0 when it was refused, reported or null. */
static int top_level_scalar(doc *d, const yaml_event_t *ev, const char *key,
                            sw_type_kind kind, scalar *out)
{
    field_is(d, key);
    if (refused(d, ev, 2))
        return 0;
    at(d, ev->start_mark);
    if (ev->type != YAML_SCALAR_EVENT) {
        const sw_type type = {.kind = (uint8_t)kind};
        sw_facts_report_value(&d->s, "F004", d->st->prog, key, 0, &type, shape_of(ev), NULL);
        skip_rest(d, ev, 2);
        return 0;
    }
    *out = scalar_of(ev);
    return !scalar_is_null(out);
}

static void read_client(doc *d, const yaml_event_t *ev)
{
    scalar sc;
    if (!top_level_scalar(d, ev, "client", SW_T_TEXT, &sc))
        return;
    if (sc.len > FACTS_MAX_TEXT)
        sw_facts_report_too_long(&d->s, "client");
    else if (sw_facts_blank_text(sc.text, sc.len))
        sw_facts_report(&d->s, "F004", "give the client's identifier, or leave client out",
               "'client' must be an identifier, not %s",
               sc.len ? "blank text" : "empty text");
    else
        d->facts->client = keep_text(d, &sc);
}

static void read_assessed_on(doc *d, const yaml_event_t *ev)
{
    scalar sc;
    if (!top_level_scalar(d, ev, "assessed_on", SW_T_DATE, &sc))
        return;
    int32_t days;
    if (sw_facts_check_date(&d->s, "assessed_on", sc.text, sc.len, &days)) {
        d->facts->assessed_on = days;
        d->facts->has_assessed_on = 1;
    }
}

/* Which top-level key this is, or TOP_NONE when its value is to be skipped. */
static int top_key(doc *d, const yaml_event_t *key)
{
    field_is(d, NULL);
    if (odd_key(d, key, 2))
        return TOP_NONE;
    scalar sc = scalar_of(key);
    for (int i = 0; i < 3; i++) {
        if (!scalar_is(&sc, top_keys[i]))
            continue;
        field_is(d, top_keys[i]);
        if (d->top_line[i]) {
            say(d, key->start_mark, "F007", "keep one of them",
                "'%s' is given twice; the first is at line %zu", top_keys[i], d->top_line[i]);
            return TOP_NONE;
        }
        d->top_line[i] = absolute_line(d->st, key->start_mark) + 1;
        return i;
    }
    sw_buf shown = SW_BUF_INIT, hint = SW_BUF_INIT;
    sw_facts_show_value(&shown, sc.text, sc.len);
    field_copy(d, buf_text(&shown));
    sw_facts_suggest(&hint, sc.text, top_keys, 3);
    say(d, key->start_mark, "F002", sw_facts_hint_or(&hint, NULL),
        "unknown key '%s': a client document has only client, assessed_on and facts",
        buf_text(&shown));
    sw_buf_free(&shown);
    sw_buf_free(&hint);
    return TOP_NONE;
}

/* The entries of the document's root mapping, after its start event. */
static void read_top_entries(doc *d)
{
    for (;;) {
        yaml_event_t key, value;
        if (!pull(d, &key))
            return;
        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            return;
        }
        int which = top_key(d, &key);
        yaml_event_delete(&key);
        if (!pull(d, &value))
            return;
        if (which == TOP_CLIENT)
            read_client(d, &value);
        else if (which == TOP_ASSESSED_ON)
            read_assessed_on(d, &value);
        else if (which == TOP_FACTS)
            read_facts(d, &value);
        else
            skip_rest(d, &value, 2);
        yaml_event_delete(&value);
    }
}

/* The document whose root event was just pulled, through its end event. */
static void read_document(doc *d, const yaml_event_t *root)
{
    field_is(d, NULL);
    if (!refused(d, root, 1)) {
        if (root->type == YAML_MAPPING_START_EVENT) {
            read_top_entries(d);
        } else {
            sw_buf got = SW_BUF_INIT;
            if (root->type == YAML_SCALAR_EVENT)
                sw_facts_show_value(&got, (const char *)root->data.scalar.value,
                                    root->data.scalar.length);
            else
                sw_buf_puts(&got, shape_of(root));
            field_is(d, NULL);
            say(d, root->start_mark, "F010",
                "write client:, assessed_on: and facts: at the top level",
                "a client document must be a mapping with client, assessed_on and facts, not %s",
                buf_text(&got));
            sw_buf_free(&got);
            skip_rest(d, root, 1);
        }
    }
    yaml_event_t end;
    if (pull(d, &end))
        yaml_event_delete(&end); /* DOCUMENT-END: nothing else can follow the root */
}

/* Starts reading a document into into (reset first), or into new facts when into
 * is NULL. */
static int doc_open(doc *d, sw_facts_stream *st, sw_diagnostics *diags, size_t line,
                    sw_facts *into)
{
    memset(d, 0, sizeof *d);
    d->st = st;
    d->field.mem = st->prog->arena.mem;
    d->field_index = -1;
    d->s.diags = diags;
    d->s.file = st->name;
    size_t nbase = st->prog->nbase ? st->prog->nbase : 1;
    if (!st->given_line)
        st->given_line = sw_mem_alloc(st->prog->arena.mem, nbase * sizeof *st->given_line);
    if (st->given_line)
        memset(st->given_line, 0, nbase * sizeof *st->given_line);
    d->given_line = st->given_line;
    if (into) {
        sw_facts_reset(into);
        d->facts = into;
        d->reused = 1;
    } else {
        d->facts = sw_facts_create(st->prog);
    }
    if (!d->facts || !d->given_line)
        return 0;
    d->facts->source_name = sw_arena_strdup(&d->facts->arena, st->name);
    d->facts->line = (unsigned)line;
    return d->facts->source_name != NULL;
}

/* Frees what the reading of a document made; facts the caller lent are left empty. */
static void doc_discard(doc *d)
{
    if (d->reused)
        sw_facts_reset(d->facts);
    else
        sw_facts_free(d->facts);
}

/* Hands the facts over when the document had no problem; frees the rest. */
static sw_status doc_close(doc *d, sw_facts **out)
{
    sw_status rc = d->nomem || !d->facts || !d->given_line ? SW_ERR_NOMEM
                   : d->s.errors || d->broken || d->stopped ? SW_ERR_FACTS
                                                           : SW_OK;
    if (rc == SW_OK) {
        *out = d->facts;
        d->facts = NULL;
    } else {
        doc_discard(d);
    }
    sw_buf_free(&d->field);
    return rc;
}

/* ==== The reader: a segment of a stream, with a parser of its own ========== */

/* A stream is cut into segments, each holding at most one document, and every
 * segment gets a parser of its own: libyaml decodes ahead of what it parses, so
 * with one parser a bad byte in one document would fail the one before it, and
 * after a syntax error it cannot go on. */

/* libyaml decodes a whole input buffer (16 KiB) ahead of the parser each time it
 * refills it; handing it the segment in small pieces keeps that work in step with
 * what a small client document needs, which makes reading one about ten times
 * faster (docs/performance.md). */
#define FEED_PIECE 512u

static int feed(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    sw_facts_stream *st = data;
    size_t left = st->seg.end - st->fed;
    size_t n = left < size ? left : size;
    if (n > FEED_PIECE)
        n = FEED_PIECE;
    memcpy(buffer, st->data + st->fed, n);
    st->fed += n;
    *size_read = n;
    return 1;
}

static int parser_start(sw_facts_stream *st, segment seg)
{
    if (!yaml_parser_initialize(&st->parser))
        return 0;
    st->parser_live = 1;
    st->seg = seg;
    st->fed = seg.start;
    yaml_parser_set_input(&st->parser, feed, st);
    return 1;
}

void sw_facts_parser_stop(sw_facts_stream *st)
{
    if (st->parser_live)
        yaml_parser_delete(&st->parser);
    st->parser_live = 0;
}

static int root_is_empty(const yaml_event_t *root)
{
    return root->type == YAML_SCALAR_EVENT && root->data.scalar.length == 0 &&
           root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !root->data.scalar.anchor &&
           !root->data.scalar.tag;
}

/* -- reading a segment -- */

/* Reads the segment's document, if it has one (*found); a segment with a syntax
 * error counts as a document. */
sw_status sw_facts_read_segment(sw_facts_stream *st, segment seg, sw_facts *into,
                              sw_facts **out, sw_diagnostics *diags, int *found)
{
    doc d;
    *found = 0;
    if (!parser_start(st, seg))
        return SW_ERR_NOMEM;
    if (!doc_open(&d, st, diags, seg.line + 1, into)) {
        sw_facts_parser_stop(st);
        return doc_close(&d, out);
    }
    yaml_event_t ev;
    int pulled;
    while ((pulled = pull(&d, &ev)) && ev.type == YAML_STREAM_START_EVENT)
        yaml_event_delete(&ev);
    if (pulled && ev.type == YAML_DOCUMENT_START_EVENT) {
        d.facts->line = (unsigned)(absolute_line(st, ev.start_mark) + 1);
        yaml_event_t root;
        if (pull(&d, &root)) {
            *found = !root_is_empty(&root);
            if (*found)
                read_document(&d, &root);
            yaml_event_delete(&root);
        }
    }
    if (pulled)
        yaml_event_delete(&ev);
    *found = *found || d.broken || d.stopped;
    sw_status rc = doc_close(&d, out);
    sw_facts_parser_stop(st);
    if (!*found && rc == SW_OK) {
        if (into)
            sw_facts_reset(into);
        else
            sw_facts_free(*out);
        *out = NULL;
    }
    return rc;
}

/* -- exactly one document -- */

/* Whether a YAML segment holds a document: 1 (told as F013, or as the syntax error
 * met looking for it), 0 when it is empty, -1 when memory ran out. */
int sw_facts_segment_has_document(sw_facts_stream *st, segment seg, sw_diagnostics *diags)
{
    if (!parser_start(st, seg))
        return -1;
    doc d;
    memset(&d, 0, sizeof d);
    d.st = st;
    d.s.diags = diags;
    d.s.file = st->name;
    int found = 0;
    yaml_event_t ev;
    while (!found && pull(&d, &ev)) {
        yaml_event_type_t type = ev.type;
        if (type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_t root;
            if (pull(&d, &root)) {
                found = !root_is_empty(&root);
                yaml_event_delete(&root);
            }
            if (found) {
                sw_diag_mark_malformed(d.s.diags);
                say(&d, ev.start_mark, "F013", SW_FACTS_ONE_PER_DOCUMENT, "%s",
                    SW_FACTS_SECOND_DOCUMENT);
            }
        }
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT || type == YAML_DOCUMENT_START_EVENT)
            break;
    }
    sw_buf_free(&d.field);
    sw_facts_parser_stop(st);
    return d.nomem ? -1 : found || d.broken;
}

