/*
 * facts.c - one client's facts: the YAML/JSON reader, the setters of the public
 * API, and the canonical text the facts digest is taken over.
 *
 * A client document (docs/facts-format.md) is a mapping of at most three keys:
 * client, assessed_on and facts. The reader pulls libyaml's events and walks the
 * document the way a small recursive parser would - top-level keys, then each fact,
 * then the members of a set - checking every value against the rule set's schema
 * as it goes. No document tree is built, so memory follows the facts kept, not the
 * size of the input. Every problem becomes a diagnostic with line, column and the
 * field's path, and reading goes on so that one pass reports them all; a document
 * with any problem yields no facts.
 *
 * A stream holds several documents: a YAML stream (--- separated), or JSON objects
 * one after another (JSON lines). Both are cut into one segment per document here -
 * YAML at its document markers, JSON by string-aware bracket matching, since
 * libyaml stops after one JSON value - and each segment is parsed by a parser of
 * its own, with its line and column offsets kept so that positions are relative to
 * the whole input. A syntax error or a bad byte thus stays in its own document, and
 * the stream goes on with the next.
 *
 * The setters check values with the same functions, so they say the same things.
 * sw_facts_merge joins a second source of one client's facts (FHIR) to a first
 * (the facts document): the first wins a conflict, which is told (F114).
 *
 * Stage facts/ - one client's facts in the program's slots.
 * May use: util/, lang/, compile/. (tests/layout checks it.)
 */
#include "facts/facts.h"

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

/* Documented limits (docs/facts-format.md, code F012). */
#define FACTS_MAX_INPUT ((size_t)SW_LIMIT_FACTS_BYTES)
#define FACTS_MAX_NESTING SW_LIMIT_FACTS_NESTING
#define FACTS_MAX_KEYS SW_LIMIT_FACTS_KEYS
#define FACTS_MAX_TEXT ((size_t)SW_LIMIT_FACTS_TEXT)

#define SOURCE_LINE_MAX 4096u /* longer lines are not quoted in diagnostics */
#define SHOWN_MAX 40u         /* characters of a value repeated in a message */

#define DATE_HINT "write a real date as YYYY-MM-DD, " SW_DATE_RANGE_TEXT ", e.g. 2026-11-20"

/* ==== Facts: lifetime, client, canonical text ================================ */

static sw_facts *facts_create(const sw_program *p)
{
    sw_facts *f = sw_mem_calloc(p->arena.mem, 1, sizeof *f);
    if (!f)
        return NULL;
    f->prog = p;
    f->arena.mem = p->arena.mem;
    f->values = sw_arena_array(&f->arena, p->nbase ? p->nbase : 1, sizeof *f->values);
    if (!f->values) {
        sw_arena_free(&f->arena);
        sw_mem_free(p->arena.mem, f, 0);
        return NULL;
    }
    return f;
}

sw_status sw_facts_new(const sw_ruleset *rules, sw_facts **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules)
        return SW_ERR_ARG;
    *out = facts_create(&rules->prog);
    return *out ? SW_OK : SW_ERR_NOMEM;
}

void sw_facts_free(sw_facts *f)
{
    if (!f)
        return;
    sw_arena_free(&f->arena);
    sw_mem_free(f->prog->arena.mem, f, 0);
}

void sw_facts_reset(sw_facts *f)
{
    if (!f)
        return;
    /* the values are the arena's first allocation, so the block sw_arena_clear
     * keeps gives the same memory back (zeroed) without a call to malloc */
    sw_arena_clear(&f->arena);
    f->values = sw_arena_array(&f->arena, f->prog->nbase ? f->prog->nbase : 1, sizeof *f->values);
    f->source_name = NULL;
    f->line = 0;
    f->client = NULL;
    f->has_assessed_on = 0;
    f->assessed_on = 0;
    f->origin = NULL;
}

static int blank_text(const char *text, size_t len);

sw_status sw_facts_set_client(sw_facts *f, const char *client_id)
{
    if (!f)
        return SW_ERR_ARG;
    if (!client_id) {
        f->client = NULL;
        return SW_OK;
    }
    if (strlen(client_id) > FACTS_MAX_TEXT)
        return SW_ERR_LIMIT;
    if (blank_text(client_id, strlen(client_id)))
        return SW_ERR_ARG; /* no identifier: give NULL for none */
    const char *copy = sw_arena_strdup(&f->arena, client_id);
    if (!copy)
        return SW_ERR_NOMEM;
    f->client = copy;
    return SW_OK;
}

const char *sw_facts_client(const sw_facts *f) { return f ? f->client : NULL; }

int sw_facts_assessed_on(const sw_facts *f, char date[11])
{
    if (!f || !date || !f->has_assessed_on)
        return 0;
    sw_date_format(f->assessed_on, date);
    return 1;
}

/* ==== Merging two sources of one client's facts ============================== */

static int same_known_value(const sw_type *t, const sw_value *a, const sw_value *b)
{
    switch (t->kind) {
    case SW_T_NUMBER:
        return a->u.n == b->u.n;
    case SW_T_TEXT:
        return strcmp(a->u.s, b->u.s) == 0;
    case SW_T_SET:
        return a->u.bits == b->u.bits;
    default:
        return a->u.i == b->u.i;
    }
}

static sw_status copy_origin(sw_facts *dst, uint32_t slot, const sw_fact_origin *o)
{
    if (!dst->origin)
        dst->origin = sw_arena_array(&dst->arena, dst->prog->nbase ? dst->prog->nbase : 1,
                                     sizeof *dst->origin);
    if (!dst->origin)
        return SW_ERR_NOMEM;
    sw_fact_origin *to = &dst->origin[slot];
    *to = *o;
    to->resource = sw_arena_strdup(&dst->arena, o->resource);
    to->path = o->path ? sw_arena_strdup(&dst->arena, o->path) : NULL;
    to->file = o->file ? sw_arena_strdup(&dst->arena, o->file) : NULL;
    to->source_line = o->source_line ? sw_arena_strdup(&dst->arena, o->source_line) : NULL;
    if (!to->resource || (o->path && !to->path) || (o->file && !to->file) ||
        (o->source_line && !to->source_line))
        return SW_ERR_NOMEM;
    return SW_OK;
}

/* A conflict: dst's value stays, and a warning names both values and where the
 * other was read (F114, docs/errors.md). */
static sw_status report_conflict(const sw_facts *dst, const sw_fact_def *fd, const sw_value *mine,
                                 const sw_value *theirs, const sw_fact_origin *o,
                                 sw_diagnostics *diags)
{
    if (!diags)
        return SW_OK;
    sw_buf a = SW_BUF_INIT, b = SW_BUF_INIT, field = SW_BUF_INIT;
    sw_value_format(dst->prog, &fd->type, *mine, &a);
    sw_value_format(dst->prog, &fd->type, *theirs, &b);
    sw_buf_printf(&field, "facts.%s", fd->name);
    int ok = !a.failed && !b.failed && !field.failed;
    if (ok && o)
        ok = sw_diag_add_at(diags, SW_SEV_WARNING, "F114", o->file, o->line, o->column,
                            o->source_line, o->path, "correct the record or the assessment; "
                            "the assessment's value is the one evaluated and recorded",
                            "'%s' is %s in the facts document but %s in %s; the facts "
                            "document's value, %s, is used (at %s)", fd->name, a.data, b.data,
                            o->resource, a.data, o->path ? o->path : "?");
    else if (ok)
        ok = sw_diag_add_at(diags, SW_SEV_WARNING, "F114", NULL, 0, 0, NULL, field.data,
                            "correct one of the two sources",
                            "'%s' is %s in the facts document but %s in the other source; the "
                            "facts document's value, %s, is used", fd->name, a.data, b.data,
                            a.data);
    sw_buf_free(&a);
    sw_buf_free(&b);
    sw_buf_free(&field);
    return ok || !sw_diag_nomem(diags) ? SW_OK : SW_ERR_NOMEM;
}

sw_status sw_facts_merge(sw_facts *dst, const sw_facts *src, sw_diagnostics *diags)
{
    if (!dst || !src || dst->prog != src->prog || dst == src)
        return SW_ERR_ARG;
    const sw_program *p = dst->prog;
    if (!dst->client && src->client) {
        dst->client = sw_arena_strdup(&dst->arena, src->client);
        if (!dst->client)
            return SW_ERR_NOMEM;
    }
    if (!dst->has_assessed_on && src->has_assessed_on) {
        dst->assessed_on = src->assessed_on;
        dst->has_assessed_on = 1;
    }
    for (uint32_t i = 0; i < p->nbase; i++) {
        const sw_fact_def *fd = &p->facts[i];
        const sw_value *theirs = &src->values[fd->slot];
        sw_value *mine = &dst->values[fd->slot];
        const sw_fact_origin *o = src->origin && src->origin[fd->slot].resource
                                      ? &src->origin[fd->slot] : NULL;
        if (!theirs->known)
            continue;   /* unknown in src never overrides, nor clears, dst */
        if (!mine->known) {
            sw_value v = *theirs;
            if (fd->type.kind == SW_T_TEXT) {
                v.u.s = sw_arena_strdup(&dst->arena, theirs->u.s);
                if (!v.u.s)
                    return SW_ERR_NOMEM;
            }
            if (o && copy_origin(dst, fd->slot, o) != SW_OK)
                return SW_ERR_NOMEM;
            *mine = v;
            continue;
        }
        if (same_known_value(&fd->type, mine, theirs))
            continue;
        if (report_conflict(dst, fd, mine, theirs, o, diags) != SW_OK)
            return SW_ERR_NOMEM;
    }
    return SW_OK;
}

void sw_facts_canonical(const sw_facts *f, sw_buf *out)
{
    if (f->has_assessed_on) {
        char date[11];
        sw_date_format(f->assessed_on, date);
        sw_buf_printf(out, "assessed_on=%s\n", date);
    } else {
        sw_buf_puts(out, "assessed_on=unknown\n");
    }
    for (uint32_t i = 0; i < f->prog->nbase; i++) {
        const sw_fact_def *fd = &f->prog->facts[i];
        sw_buf_puts(out, fd->name);
        sw_buf_putc(out, '=');
        sw_value_format(f->prog, &fd->type, f->values[fd->slot], out);
        sw_buf_putc(out, '\n');
    }
}

/* ==== Reporting: where a value came from, and what is said about it ========== */

/* Where the value being checked came from. Setters have no file; the reader fills
 * in the position of the event it is looking at before each check. */
typedef struct site {
    sw_diagnostics *diags; /* may be NULL: problems are then only counted */
    const char *file;
    unsigned line, column; /* 1-based; 0 when there is no position */
    const char *source_line;
    const char *field; /* "facts.housing", or NULL */
    /* setters: the field ("facts.NAME[INDEX]") is written out only when a problem
     * is reported, so that setting a good value formats nothing */
    const char *field_fact;
    long field_index;  /* -1: the whole fact */
    unsigned errors;   /* problems reported through this site */
    /* the reader points a site at a libyaml mark before each check, but works
     * the line, column and source line out only when a problem is reported */
    sw_facts_stream *stream;
    yaml_mark_t mark;
    int pending;
} site;

static void site_at_mark(sw_facts_stream *st, site *s, yaml_mark_t m);

static void vreport(site *s, const char *code, const char *hint, const char *fmt, va_list ap)
{
    s->errors++;
    if (!s->diags)
        return;
    if (s->pending) {
        const char *field = s->field;
        site_at_mark(s->stream, s, s->mark);
        s->field = field;
    }
    sw_buf field = SW_BUF_INIT;
    if (s->field_fact) {
        sw_buf_printf(&field, "facts.%s", s->field_fact);
        if (s->field_index >= 0)
            sw_buf_printf(&field, "[%ld]", s->field_index);
        s->field = field.failed ? NULL : field.data;
    }
    sw_buf msg = SW_BUF_INIT;
    sw_buf_vprintf(&msg, fmt, ap);
    const char *text = msg.data && !msg.failed ? msg.data : "(out of memory describing a problem)";
    sw_diag_add_at(s->diags, SW_SEV_ERROR, code, s->file, s->line, s->column, s->source_line,
                   s->field, hint, "%s", text);
    sw_buf_free(&msg);
    if (s->field_fact) {
        s->field = NULL;
        sw_buf_free(&field);
    }
}

static void report(site *s, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(site *s, const char *code, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(s, code, hint, fmt, ap);
    va_end(ap);
}

/* A problem that makes the input not a facts document at all (not YAML or JSON, or
 * not one document): the diagnostics say so (sw_diagnostics_malformed), which is
 * how the service tells 400 from 422 without reading codes. */
static void report_malformed(site *s, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report_malformed(site *s, const char *code, const char *hint, const char *fmt, ...)
{
    sw_diag_mark_malformed(s->diags);
    va_list ap;
    va_start(ap, fmt);
    vreport(s, code, hint, fmt, ap);
    va_end(ap);
}

static void buf_reset(sw_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static const char *buf_text(const sw_buf *b) { return b->data && !b->failed ? b->data : ""; }

/* A value as the message repeats it: at most SHOWN_MAX characters, on one line. */
static void show_value(sw_buf *b, const char *text, size_t len)
{
    if (len == 0) {
        sw_buf_puts(b, "an empty value");
        return;
    }
    unsigned chars = 0;
    size_t i = 0;
    for (; i < len && chars < SHOWN_MAX; i++) {
        unsigned char c = (unsigned char)text[i];
        chars += !sw_utf8_continues(c);
        sw_buf_putc(b, c < 0x20 || c == 0x7F ? ' ' : (char)c);
    }
    while (i < len && sw_utf8_continues((unsigned char)text[i]))
        sw_buf_putc(b, text[i++]);
    if (i < len)
        sw_buf_puts(b, "...");
}

static void show_quoted_text(sw_buf *b, const char *text, size_t len)
{
    sw_buf_puts(b, "the text \"");
    show_value(b, text, len);
    sw_buf_putc(b, '"');
}

static void describe_members(const sw_enum *e, sw_buf *b)
{
    for (uint32_t i = 0; i < e->nmembers; i++) {
        if (i)
            sw_buf_puts(b, ", ");
        sw_buf_puts(b, e->members[i]);
    }
}

/* What a value of type t must be, completing "phq9 must be ...". */
static void describe_type(const sw_program *p, const sw_type *t, sw_buf *b)
{
    switch ((sw_type_kind)t->kind) {
    case SW_T_BOOL:
        sw_buf_puts(b, "true or false");
        break;
    case SW_T_INT:
        sw_buf_puts(b, "a whole number");
        if (t->has_range)
            sw_buf_printf(b, " from %" PRId64 " to %" PRId64, t->imin, t->imax);
        break;
    case SW_T_NUMBER: {
        sw_buf_puts(b, "a number");
        if (t->has_range)
            sw_buf_printf(b, " from %.15g to %.15g", t->nmin, t->nmax);
        break;
    }
    case SW_T_ENUM:
        sw_buf_puts(b, "one of ");
        describe_members(&p->enums[t->enumeration], b);
        break;
    case SW_T_SET:
        sw_buf_puts(b, "a list drawn from ");
        describe_members(&p->enums[t->enumeration], b);
        break;
    case SW_T_DATE:
        sw_buf_puts(b, "a date written YYYY-MM-DD");
        break;
    case SW_T_TEXT:
        sw_buf_puts(b, "text");
        break;
    }
}

/* "'phq9' must be TYPE, not GOT" - or "each member of 'substances' must be ..." -
 * the one shape of every value problem. */
static void report_value(site *s, const char *code, const sw_program *p, const char *name,
                         int member, const sw_type *t, const char *got, const char *hint)
{
    sw_buf want = SW_BUF_INIT;
    describe_type(p, t, &want);
    report(s, code, hint, "%s'%s' must be %s, not %s", member ? "each member of " : "", name,
           buf_text(&want), got);
    sw_buf_free(&want);
}

/* As report_value, with the offending scalar shown (as quoted text when asked). */
static void report_scalar(site *s, const char *code, const sw_program *p, const char *name,
                          int member, const sw_type *t, const char *text, size_t len, int as_text,
                          const char *hint)
{
    sw_buf got = SW_BUF_INIT;
    if (as_text)
        show_quoted_text(&got, text, len);
    else
        show_value(&got, text, len);
    report_value(s, code, p, name, member, t, buf_text(&got), hint);
    sw_buf_free(&got);
}

/* "did you mean X?" into hint, or nothing when no candidate is close. */
static void suggest(sw_buf *hint, const char *word, const char *const *candidates, size_t n)
{
    const char *near = sw_suggest(word, candidates, n);
    if (near)
        sw_buf_printf(hint, "did you mean '%s'?", near);
}

static const char *hint_or(const sw_buf *hint, const char *otherwise)
{
    return hint->len && !hint->failed ? hint->data : otherwise;
}

static void report_unknown_fact(site *s, const sw_program *p, const char *name)
{
    sw_buf hint = SW_BUF_INIT;
    const char **names = sw_mem_alloc(p->arena.mem, (p->nbase ? p->nbase : 1) * sizeof *names);
    if (names) {
        for (uint32_t i = 0; i < p->nbase; i++)
            names[i] = p->facts[i].name;
        suggest(&hint, name, names, p->nbase);
        sw_mem_free(p->arena.mem, names, 0);
    }
    sw_buf shown = SW_BUF_INIT;
    show_value(&shown, name, strlen(name));
    report(s, "F003", hint_or(&hint, "check the name against the facts the rule set declares"),
           "unknown fact '%s': the rule set declares no fact of that name", buf_text(&shown));
    sw_buf_free(&shown);
    sw_buf_free(&hint);
}

static void report_derived(site *s, const char *name)
{
    sw_buf hint = SW_BUF_INIT;
    sw_buf_printf(&hint, "remove '%s' from the facts", name);
    report(s, "F008", buf_text(&hint),
           "'%s' is a derived fact: the rules work it out, so it cannot be given", name);
    sw_buf_free(&hint);
}

/* name NULL: a key is too long. */
static void report_too_long(site *s, const char *name)
{
    report(s, "F012", "keep long notes outside the facts",
           "%s%s%s is longer than the limit of 64 KiB (65536 bytes)", name ? "'" : "",
           name ? name : "a key", name ? "'" : "");
}

/* ==== Checking values against the schema (shared by reader and setters) ===== */

static int int_fits(const sw_type *t, int64_t v)
{
    return !t->has_range || (v >= t->imin && v <= t->imax);
}

static int number_fits(const sw_type *t, double v)
{
    return isfinite(v) && (!t->has_range || (v >= t->nmin && v <= t->nmax));
}

static int check_int(site *s, const sw_program *p, const char *name, const sw_type *t, int64_t v,
                     const char *shown)
{
    if (int_fits(t, v))
        return 1;
    report_value(s, "F005", p, name, 0, t, shown, NULL);
    return 0;
}

static int check_number(site *s, const sw_program *p, const char *name, const sw_type *t, double v,
                        const char *shown)
{
    if (number_fits(t, v))
        return 1;
    report_value(s, "F005", p, name, 0, t, shown, NULL);
    return 0;
}

/* A member of t's enumeration (t is ENUM or SET; member: one entry of a set's
 * list); text is NUL-terminated at len. */
static int check_member(site *s, const sw_program *p, const char *name, int member,
                        const sw_type *t, const char *text, size_t len, int *index)
{
    const sw_enum *e = &p->enums[t->enumeration];
    int i = sw_enum_find(e, text, len);
    if (i >= 0) {
        *index = i;
        return 1;
    }
    sw_type one_of = *t;
    one_of.kind = SW_T_ENUM;
    sw_buf hint = SW_BUF_INIT;
    suggest(&hint, text, e->members, e->nmembers);
    report_scalar(s, "F006", p, name, member, &one_of, text, len, 0, hint_or(&hint, NULL));
    sw_buf_free(&hint);
    return 0;
}

static int shaped_like_date(const char *t, size_t len)
{
    static const char shape[] = "dddd-dd-dd";
    if (len != sizeof shape - 1)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != '-')
            return 0;
    return 1;
}

static int check_date(site *s, const char *name, const char *text, size_t len, int32_t *days)
{
    sw_date_status ds = sw_date_read(text, len, days);
    if (ds == SW_DATE_OK)
        return 1;
    sw_buf got = SW_BUF_INIT;
    show_value(&got, text, len);
    if (ds == SW_DATE_TOO_EARLY)
        report(s, "F009", DATE_HINT, "'%s' must be a date " SW_DATE_RANGE_TEXT ", not %s", name,
               buf_text(&got));
    else if (shaped_like_date(text, len))
        report(s, "F009", DATE_HINT, "'%s' must be a real calendar date, not %s", name,
               buf_text(&got));
    else
        report(s, "F009", DATE_HINT, "'%s' must be a date written YYYY-MM-DD, not %s", name,
               buf_text(&got));
    sw_buf_free(&got);
    return 0;
}

static void report_duplicate_member(site *s, const char *member, const char *fact)
{
    report(s, "F007", "list each member once", "'%s' is listed twice in '%s'", member, fact);
}

/* ==== Setters =============================================================== */

/* Setting a good value stores it and nothing else: no lookup (by handle), no
 * formatting, no allocation (but for the copy of a text fact's value). The text a
 * problem is told in - the field, the value as shown - is made only when there is
 * a problem to tell. The setters by name look the fact up, then do the same. */

/* One setter call that found a problem: the fact and the site it is told at. */
typedef struct setter {
    sw_facts *f;
    const sw_fact_def *fd;
    site s;
} setter;

static void setter_init(setter *st, sw_facts *f, const sw_fact_def *fd, sw_diagnostics *diags)
{
    memset(st, 0, sizeof *st);
    st->f = f;
    st->fd = fd;
    st->s.diags = diags;
    st->s.field_fact = fd->name;
    st->s.field_index = -1;
}

/* The fact a setter by name names; SW_OK when it may be set. */
static sw_status fact_by_name(sw_facts *f, const char *name, sw_diagnostics *diags,
                              const sw_fact_def **out)
{
    if (!f || !name)
        return SW_ERR_ARG;
    site s = {.diags = diags, .field_fact = name, .field_index = -1};
    *out = sw_program_fact(f->prog, name, strlen(name));
    if (!*out) {
        report_unknown_fact(&s, f->prog, name);
        return SW_ERR_ARG;
    }
    if ((*out)->derived) {
        report_derived(&s, (*out)->name);
        return SW_ERR_FACTS;
    }
    return SW_OK;
}

sw_fact_handle sw_ruleset_fact(const sw_ruleset *rules, const char *name)
{
    sw_fact_handle h = {NULL, 0};
    if (!rules || !name)
        return h;
    const sw_fact_def *fd = sw_program_fact(&rules->prog, name, strlen(name));
    if (fd && !fd->derived) {
        h.program = &rules->prog;
        h.index = (uint32_t)(fd - rules->prog.facts);
    }
    return h;
}

/* The fact a handle names, when it is a base fact of f's rule set; else NULL. */
static const sw_fact_def *fact_of(const sw_facts *f, sw_fact_handle h)
{
    if (!f || h.program != f->prog || h.index >= f->prog->nbase)
        return NULL;
    return &f->prog->facts[h.index];
}

static const char *setter_for(sw_type_kind kind)
{
    switch (kind) {
    case SW_T_BOOL:
        return "set it with sw_facts_set_bool";
    case SW_T_INT:
        return "set it with sw_facts_set_int";
    case SW_T_NUMBER:
        return "set it with sw_facts_set_number or sw_facts_set_int";
    case SW_T_SET:
        return "set it with sw_facts_set_members";
    default:
        return "set it with sw_facts_set_text";
    }
}

static sw_status setter_wrong_type(setter *st, const char *got)
{
    report_value(&st->s, "F004", st->f->prog, st->fd->name, 0, &st->fd->type, got,
                 setter_for((sw_type_kind)st->fd->type.kind));
    return SW_ERR_FACTS;
}

static sw_status put(sw_facts *f, const sw_fact_def *fd, sw_value v)
{
    v.known = 1;
    f->values[fd->slot] = v;
    return SW_OK;
}

static sw_status set_bool(sw_facts *f, const sw_fact_def *fd, int value, sw_diagnostics *diags)
{
    if (fd->type.kind == SW_T_BOOL)
        return put(f, fd, (sw_value){.u.i = value != 0});
    setter st;
    setter_init(&st, f, fd, diags);
    return setter_wrong_type(&st, value ? "true" : "false");
}

static sw_status set_int(sw_facts *f, const sw_fact_def *fd, int64_t value, sw_diagnostics *diags)
{
    const sw_type *t = &fd->type;
    if (t->kind == SW_T_INT && int_fits(t, value))
        return put(f, fd, (sw_value){.u.i = value});
    if (t->kind == SW_T_NUMBER && number_fits(t, (double)value))
        return put(f, fd, (sw_value){.u.n = (double)value});
    setter st;
    setter_init(&st, f, fd, diags);
    char shown[32];
    snprintf(shown, sizeof shown, "%" PRId64, value);
    if (t->kind != SW_T_INT && t->kind != SW_T_NUMBER)
        return setter_wrong_type(&st, shown);
    report_value(&st.s, "F005", f->prog, fd->name, 0, t, shown, NULL);
    return SW_ERR_FACTS;
}

static sw_status set_number(sw_facts *f, const sw_fact_def *fd, double value,
                            sw_diagnostics *diags)
{
    const sw_type *t = &fd->type;
    if (t->kind == SW_T_NUMBER && number_fits(t, value))
        return put(f, fd, (sw_value){.u.n = value});
    setter st;
    setter_init(&st, f, fd, diags);
    char shown[40];
    if (isnan(value))
        strcpy(shown, "NaN");
    else if (isinf(value))
        strcpy(shown, value > 0 ? "infinity" : "-infinity");
    else
        snprintf(shown, sizeof shown, "%.15g", value);
    if (t->kind != SW_T_NUMBER || !isfinite(value))
        return setter_wrong_type(&st, shown);
    report_value(&st.s, "F005", f->prog, fd->name, 0, t, shown, NULL);
    return SW_ERR_FACTS;
}

static sw_status set_text(sw_facts *f, const sw_fact_def *fd, const char *value,
                          sw_diagnostics *diags)
{
    if (!value)
        return SW_ERR_ARG;
    setter st;
    setter_init(&st, f, fd, diags);
    const sw_program *p = f->prog;
    const sw_type *t = &fd->type;
    size_t len = strlen(value);
    switch ((sw_type_kind)t->kind) {
    case SW_T_ENUM: {
        int index;
        if (!check_member(&st.s, p, fd->name, 0, t, value, len, &index))
            return SW_ERR_FACTS;
        return put(f, fd, (sw_value){.u.i = index});
    }
    case SW_T_DATE: {
        int32_t days;
        if (!check_date(&st.s, fd->name, value, len, &days))
            return SW_ERR_FACTS;
        return put(f, fd, (sw_value){.u.i = days});
    }
    case SW_T_TEXT: {
        if (len > FACTS_MAX_TEXT) {
            report_too_long(&st.s, fd->name);
            return SW_ERR_LIMIT;
        }
        const char *copy = sw_arena_strndup(&f->arena, value, len);
        return copy ? put(f, fd, (sw_value){.u.s = copy}) : SW_ERR_NOMEM;
    }
    default: {
        sw_buf got = SW_BUF_INIT;
        show_quoted_text(&got, value, len);
        sw_status rc = setter_wrong_type(&st, buf_text(&got));
        sw_buf_free(&got);
        return rc;
    }
    }
}

static sw_status set_members(sw_facts *f, const sw_fact_def *fd, const char *const *members,
                             size_t n, sw_diagnostics *diags)
{
    setter st;
    setter_init(&st, f, fd, diags);
    if (fd->type.kind != SW_T_SET)
        return setter_wrong_type(&st, "a list");
    const sw_type *t = &fd->type;
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        st.s.field_index = (long)i;
        int index;
        if (!check_member(&st.s, f->prog, fd->name, 1, t, members[i], strlen(members[i]), &index))
            continue;
        if (bits & ((uint64_t)1 << index))
            report_duplicate_member(&st.s, members[i], fd->name);
        bits |= (uint64_t)1 << index;
    }
    if (st.s.errors)
        return SW_ERR_FACTS;
    return put(f, fd, (sw_value){.u.bits = bits});
}

static int members_ok(const char *const *members, size_t n)
{
    if (n && !members)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!members[i])
            return 0;
    return 1;
}

/* -- by name -- */

sw_status sw_facts_set_bool(sw_facts *f, const char *fact, int value, sw_diagnostics *diags)
{
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_bool(f, fd, value, diags);
}

sw_status sw_facts_set_int(sw_facts *f, const char *fact, int64_t value, sw_diagnostics *diags)
{
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_int(f, fd, value, diags);
}

sw_status sw_facts_set_number(sw_facts *f, const char *fact, double value, sw_diagnostics *diags)
{
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_number(f, fd, value, diags);
}

sw_status sw_facts_set_text(sw_facts *f, const char *fact, const char *value, sw_diagnostics *diags)
{
    if (!value)
        return SW_ERR_ARG;
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_text(f, fd, value, diags);
}

sw_status sw_facts_set_members(sw_facts *f, const char *fact, const char *const *members,
                               size_t nmembers, sw_diagnostics *diags)
{
    if (!members_ok(members, nmembers))
        return SW_ERR_ARG;
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_members(f, fd, members, nmembers, diags);
}

sw_status sw_facts_set_unknown(sw_facts *f, const char *fact)
{
    if (!f || !fact)
        return SW_ERR_ARG;
    const sw_fact_def *fd = sw_program_fact(f->prog, fact, strlen(fact));
    if (!fd || fd->derived)
        return SW_ERR_ARG;
    memset(&f->values[fd->slot], 0, sizeof f->values[fd->slot]);
    return SW_OK;
}

/* -- by handle -- */

sw_status sw_facts_set_bool_h(sw_facts *f, sw_fact_handle fact, int value, sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_bool(f, fd, value, diags) : SW_ERR_ARG;
}

sw_status sw_facts_set_int_h(sw_facts *f, sw_fact_handle fact, int64_t value,
                             sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_int(f, fd, value, diags) : SW_ERR_ARG;
}

sw_status sw_facts_set_number_h(sw_facts *f, sw_fact_handle fact, double value,
                                sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_number(f, fd, value, diags) : SW_ERR_ARG;
}

sw_status sw_facts_set_text_h(sw_facts *f, sw_fact_handle fact, const char *value,
                              sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_text(f, fd, value, diags) : SW_ERR_ARG;
}

sw_status sw_facts_set_members_h(sw_facts *f, sw_fact_handle fact, const char *const *members,
                                 size_t nmembers, sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    if (!fd || !members_ok(members, nmembers))
        return SW_ERR_ARG;
    return set_members(f, fd, members, nmembers, diags);
}

sw_status sw_facts_set_unknown_h(sw_facts *f, sw_fact_handle fact)
{
    const sw_fact_def *fd = fact_of(f, fact);
    if (!fd)
        return SW_ERR_ARG;
    memset(&f->values[fd->slot], 0, sizeof f->values[fd->slot]);
    return SW_OK;
}

sw_status sw_facts_set_assessed_on(sw_facts *f, const char *iso_date, sw_diagnostics *diags)
{
    if (!f)
        return SW_ERR_ARG;
    if (!iso_date) {
        f->has_assessed_on = 0;
        return SW_OK;
    }
    site s = {.diags = diags, .field = "assessed_on"};
    int32_t days;
    if (!check_date(&s, "assessed_on", iso_date, strlen(iso_date), &days))
        return SW_ERR_FACTS;
    f->assessed_on = days;
    f->has_assessed_on = 1;
    return SW_OK;
}

/* ==== Reading numbers as written ============================================ */

typedef enum number_syntax { NUM_OK, NUM_SYNTAX, NUM_LEADING_ZERO, NUM_OVERFLOW } number_syntax;

static size_t skip_digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* [+-]digits, decimal, no leading zeros. */
static number_syntax parse_int(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    size_t first = i;
    if (skip_digits(s, len, i) != len || first == len)
        return NUM_SYNTAX;
    if (s[first] == '0' && len - first > 1)
        return NUM_LEADING_ZERO;
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, mag = 0;
    for (; i < len; i++) {
        unsigned digit = (unsigned)(s[i] - '0');
        if (mag > (limit - digit) / 10)
            return NUM_OVERFLOW;
        mag = mag * 10 + digit;
    }
    *out = !negative ? (int64_t)mag : mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
    return NUM_OK;
}

/* [+-]digits[.digits][(e|E)[+-]digits], no leading zeros. */
static number_syntax number_shape(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t first = i;
    i = skip_digits(s, len, i);
    if (i == first)
        return NUM_SYNTAX;
    int leading_zero = s[first] == '0' && i - first > 1;
    if (i < len && s[i] == '.') {
        size_t frac = ++i;
        i = skip_digits(s, len, i);
        if (i == frac)
            return NUM_SYNTAX;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp = i;
        i = skip_digits(s, len, i);
        if (i == exp)
            return NUM_SYNTAX;
    }
    if (i != len)
        return NUM_SYNTAX;
    return leading_zero ? NUM_LEADING_ZERO : NUM_OK;
}

/* Exact when the digits fit in 53 bits and the power of ten is small (Clinger's fast
 * path), which covers clinical values without depending on the C locale's decimal
 * point; anything else goes through strtod. s is NUL-terminated at len. */
static double decimal_value(const char *s, size_t len)
{
    static const double tens[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int negative = 0;
    if (s[i] == '-' || s[i] == '+')
        negative = s[i++] == '-';
    uint64_t digits = 0;
    int ndigits = 0;
    long scale = 0;
    for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            scale = -1;
            continue;
        }
        if (ndigits || s[i] != '0')
            ndigits++;
        digits = digits * 10 + (uint64_t)(s[i] - '0');
        if (ndigits > 15)
            return strtod(s, NULL);
        if (scale < 0)
            scale--;
    }
    long exponent = scale < 0 ? scale + 1 : 0;
    if (i < len) {
        long written = strtol(s + i + 1, NULL, 10); /* saturates; clamp before adding */
        exponent += written > 9999 ? 9999 : written < -9999 ? -9999 : written;
    }
    if (exponent < -22 || exponent > 22)
        return strtod(s, NULL);
    double v = (double)digits;
    v = exponent < 0 ? v / tens[-exponent] : v * tens[exponent];
    return negative && v != 0 ? -v : v;
}

/* ==== The reader: a stream's state and positions ============================ */

/* The part of the input one libyaml parser reads, and where it starts. */
typedef struct segment {
    size_t start, end;   /* bytes of the input */
    size_t line, column; /* 0-based line and column (characters) of start */
} segment;

/* A line start, remembered so that positions are found in one pass over the input,
 * and a point on that line with the characters before it, for columns. */
typedef struct line_cursor {
    size_t offset;       /* where the line starts */
    size_t line;         /* its 0-based number */
    size_t point, chars; /* an offset on the line, and its column (0-based) */
} line_cursor;

struct sw_facts_stream {
    const sw_program *prog;
    char *name; /* for diagnostics */
    const char *data;
    size_t len;
    int json;             /* JSON objects one after another */
    yaml_parser_t parser; /* reads the current segment */
    int parser_live;
    segment seg;
    size_t fed; /* how much of the segment the parser has been given */
    size_t next; /* where the next segment is looked for */
    line_cursor cursor;
    size_t position; /* documents returned or refused so far */
    int finished;
    sw_buf line_text; /* the source line quoted by the diagnostic being made */
    size_t *given_line; /* per base slot, for the document being read (doc) */
};

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
static void cursor_to_offset(sw_facts_stream *st, size_t offset)
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
static size_t cursor_column(sw_facts_stream *st, size_t offset)
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
static void site_at_offset(sw_facts_stream *st, site *s, size_t offset)
{
    s->pending = 0;
    cursor_to_offset(st, offset);
    s->line = (unsigned)(st->cursor.line + 1);
    s->column = (unsigned)(cursor_column(st, offset) + 1);
    s->source_line = line_text(st, st->cursor.offset);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Points s just past the last visible character of the current segment: libyaml
 * reports problems at the end of the input on the line after it. */
static void site_at_segment_end(sw_facts_stream *st, site *s)
{
    size_t end = st->seg.end;
    while (end > st->seg.start && is_blank(st->data[end - 1]))
        end--;
    site_at_offset(st, s, end);
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
static void site_at_mark(sw_facts_stream *st, site *s, yaml_mark_t m)
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

/* "facts.NAME", or "facts.NAME[INDEX]" when index >= 0; name must outlive the
 * reading of the value. */
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
    vreport(at(d, m), code, hint, fmt, ap);
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
        site_at_offset(st, &d->s, st->seg.start + p->problem_offset);
        hint = "save the facts as UTF-8 text without control characters";
    } else {
        site opened = {0};
        site_at_mark(st, &opened, p->context_mark);
        site_at_mark(st, &d->s, p->problem_mark);
        if (p->context && (opened.line != d->s.line || opened.column != d->s.column))
            sw_buf_printf(&context, " (%s that starts at line %u, column %u)", p->context,
                          opened.line, opened.column);
        else if (p->context)
            sw_buf_printf(&context, " (%s)", p->context);
    }
    d->s.field = NULL;
    d->s.field_fact = NULL;
    report_malformed(&d->s, "F001", hint, "the facts are not valid YAML or JSON: %s%s",
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

static const yaml_char_t *anchor_of(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return ev->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT:
        return ev->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT:
        return ev->data.mapping_start.anchor;
    default:
        return NULL;
    }
}

static const yaml_char_t *tag_of(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return ev->data.scalar.tag;
    case YAML_SEQUENCE_START_EVENT:
        return ev->data.sequence_start.tag;
    case YAML_MAPPING_START_EVENT:
        return ev->data.mapping_start.tag;
    default:
        return NULL;
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
    const yaml_char_t *anchor = anchor_of(ev), *tag = tag_of(ev);
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
        report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 1,
                      quoted_number_hint(&fd->type));
    else if (scalar_is(sc, "true") || scalar_is(sc, "false"))
        store(d, fd, (sw_value){.u.i = scalar_is(sc, "true")});
    else
        report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                      "write true or false");
}

static void report_not_whole(doc *d, const sw_fact_def *fd, const scalar *sc, number_syntax why)
{
    const char *hint = why == NUM_LEADING_ZERO ? "write the number without leading zeros"
                       : number_shape(sc->text, sc->len) == NUM_OK
                           ? "a whole number has no decimal point"
                           : "write the number in digits, e.g. 12";
    report_scalar(&d->s, "F004", d->st->prog, fd->name, 0, &fd->type, sc->text, sc->len, 0, hint);
}

static void read_int(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (!sc->plain) {
        report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 1,
                      quoted_number_hint(&fd->type));
        return;
    }
    int64_t v;
    number_syntax syntax = parse_int(sc->text, sc->len, &v);
    if (syntax == NUM_OVERFLOW) {
        sw_type widest = fd->type;
        if (!widest.has_range) {
            widest.has_range = 1;
            widest.imin = INT64_MIN;
            widest.imax = INT64_MAX;
        }
        report_scalar(&d->s, "F005", p, fd->name, 0, &widest, sc->text, sc->len, 0, NULL);
    } else if (syntax != NUM_OK) {
        report_not_whole(d, fd, sc, syntax);
    } else if (check_int(&d->s, p, fd->name, &fd->type, v, sc->text)) {
        store(d, fd, (sw_value){.u.i = v});
    }
}

static void read_number(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (!sc->plain) {
        report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 1,
                      quoted_number_hint(&fd->type));
        return;
    }
    number_syntax syntax = number_shape(sc->text, sc->len);
    if (syntax != NUM_OK) {
        report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                      syntax == NUM_LEADING_ZERO ? "write the number without leading zeros"
                                                 : "write the number in digits, e.g. 3.5");
        return;
    }
    double v = decimal_value(sc->text, sc->len);
    if (v == 0)
        v = 0; /* -0 is 0: one spelling, one digest */
    sw_buf shown = SW_BUF_INIT;
    show_value(&shown, sc->text, sc->len);
    if (check_number(&d->s, p, fd->name, &fd->type, v, buf_text(&shown)))
        store(d, fd, (sw_value){.u.n = v});
    sw_buf_free(&shown);
}

static void read_scalar_fact(doc *d, const sw_fact_def *fd, const scalar *sc)
{
    const sw_program *p = d->st->prog;
    if (d->st->json && sc->plain && sc->len == 0) {
        /* JSON has no empty value: a template that failed to fill one must not pass
         * for a fact left unknown on purpose */
        report_value(&d->s, "F004", p, fd->name, 0, &fd->type, "nothing",
                     "write null to record that it is unknown");
        return;
    }
    if (scalar_is_null(sc))
        return; /* unknown: the value stays as it started */
    if (sc->len > FACTS_MAX_TEXT) {
        report_too_long(&d->s, fd->name);
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
        if (check_member(&d->s, p, fd->name, 0, &fd->type, sc->text, sc->len, &index))
            store(d, fd, (sw_value){.u.i = index});
        break;
    }
    case SW_T_SET: {
        sw_buf hint = SW_BUF_INIT;
        sw_buf_printf(&hint, "write a list, e.g. %s: [", fd->name);
        show_value(&hint, sc->text, sc->len);
        sw_buf_putc(&hint, ']');
        report_scalar(&d->s, "F004", p, fd->name, 0, &fd->type, sc->text, sc->len, 0,
                      buf_text(&hint));
        sw_buf_free(&hint);
        break;
    }
    case SW_T_DATE: {
        int32_t days;
        if (check_date(&d->s, fd->name, sc->text, sc->len, &days))
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
        report_value(&d->s, "F004", p, fd->name, 1, &member, shape_of(ev), NULL);
        skip_rest(d, ev, 4);
    } else {
        scalar sc = scalar_of(ev);
        int index_of;
        if (check_member(&d->s, p, fd->name, 1, &member, sc.text, sc.len, &index_of)) {
            if (*bits & ((uint64_t)1 << index_of))
                report_duplicate_member(&d->s, p->enums[fd->type.enumeration].members[index_of],
                                        fd->name);
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
        report_value(&d->s, "F004", d->st->prog, fd->name, 0, &fd->type, shape_of(ev), NULL);
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
        report_too_long(at(d, key->start_mark), NULL);
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
    field_fact(d, sc.text, -1);
    const sw_fact_def *fd =
        strlen(sc.text) != sc.len ? NULL : fact_named(d->st->prog, sc.text);
    if (!fd) {
        report_unknown_fact(at(d, key->start_mark), d->st->prog, sc.text);
        return NULL;
    }
    if (fd->derived) {
        report_derived(at(d, key->start_mark), fd->name);
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
        show_value(&got, (const char *)ev->data.scalar.value, ev->data.scalar.length);
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
        report_value(&d->s, "F004", d->st->prog, key, 0, &type, shape_of(ev), NULL);
        skip_rest(d, ev, 2);
        return 0;
    }
    *out = scalar_of(ev);
    return !scalar_is_null(out);
}

/* Whether text is empty or only blank space: no identifier at all. */
static int blank_text(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank(text[i]))
            return 0;
    return 1;
}

static void read_client(doc *d, const yaml_event_t *ev)
{
    scalar sc;
    if (!top_level_scalar(d, ev, "client", SW_T_TEXT, &sc))
        return;
    if (sc.len > FACTS_MAX_TEXT)
        report_too_long(&d->s, "client");
    else if (blank_text(sc.text, sc.len))
        report(&d->s, "F004", "give the client's identifier, or leave client out",
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
    if (check_date(&d->s, "assessed_on", sc.text, sc.len, &days)) {
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
    show_value(&shown, sc.text, sc.len);
    field_copy(d, buf_text(&shown));
    suggest(&hint, sc.text, top_keys, 3);
    say(d, key->start_mark, "F002", hint_or(&hint, NULL),
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
                show_value(&got, (const char *)root->data.scalar.value, root->data.scalar.length);
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
        d->facts = facts_create(st->prog);
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

/* ==== The reader: streams =================================================== */

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

static void parser_stop(sw_facts_stream *st)
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

/* -- cutting YAML at document markers -- */

/* The next YAML segment: from st->next up to the next line opening a document once
 * this one has begun, or through a line ending one. 0 at the end of the input. */
static int yaml_next_segment(sw_facts_stream *st, segment *seg)
{
    size_t off = st->next;
    if (off >= st->len)
        return 0;
    cursor_to_offset(st, off);
    *seg = (segment){off, st->len, st->cursor.line, 0};
    seg->end = st->next = sw_split_yaml_end(st->data, st->len, off);
    return 1;
}

/* -- cutting JSON objects apart -- */

/* What may stand between JSON objects, a byte order mark at the start too. */
static size_t json_skip_between(const sw_facts_stream *st, size_t i)
{
    return sw_split_json_between(st->data, st->len, i, i == 0);
}

/* Something that is not an object where one should start: told, and reading goes
 * on at the next opening brace. */
static void json_junk(sw_facts_stream *st, size_t start, sw_diagnostics *diags)
{
    const char *brace = memchr(st->data + start, '{', st->len - start);
    size_t next = brace ? (size_t)(brace - st->data) : st->len;
    size_t shown_end = sw_split_line_end(st->data, next, start);
    site s = {.diags = diags, .file = st->name};
    site_at_offset(st, &s, start);
    sw_buf got = SW_BUF_INIT;
    show_value(&got, st->data + start, shown_end - start);
    report_malformed(&s, "F001", "write one JSON object after another, with nothing between them",
           "expected { to start the next JSON object, found %s", buf_text(&got));
    sw_buf_free(&got);
    st->next = next;
}

/* The next JSON segment, one object; 0 at the end of the input. *junk when what
 * stood there was not an object (told, and skipped). */
static int json_next_segment(sw_facts_stream *st, segment *seg, sw_diagnostics *diags, int *junk)
{
    size_t start = json_skip_between(st, st->next);
    *junk = 0;
    if (start >= st->len)
        return 0;
    if (st->data[start] != '{') {
        json_junk(st, start, diags);
        *junk = 1;
        return 1;
    }
    cursor_to_offset(st, start);
    *seg = (segment){start, sw_split_json_object_end(st->data, st->len, start, NULL),
                     st->cursor.line, cursor_column(st, start)};
    st->next = seg->end;
    return 1;
}

/* -- reading a segment -- */

/* Reads the segment's document, if it has one (*found); a segment with a syntax
 * error counts as a document. */
static sw_status read_segment(sw_facts_stream *st, segment seg, sw_facts *into,
                              sw_facts **out, sw_diagnostics *diags, int *found)
{
    doc d;
    *found = 0;
    if (!parser_start(st, seg))
        return SW_ERR_NOMEM;
    if (!doc_open(&d, st, diags, seg.line + 1, into)) {
        parser_stop(st);
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
    parser_stop(st);
    if (!*found && rc == SW_OK) {
        if (into)
            sw_facts_reset(into);
        else
            sw_facts_free(*out);
        *out = NULL;
    }
    return rc;
}

static sw_status stream_failed(sw_facts_stream *st, sw_status rc)
{
    parser_stop(st);
    st->finished = 1;
    return rc;
}

static sw_status next_in_stream(sw_facts_stream *st, sw_facts *into, sw_facts **out,
                                sw_diagnostics *diags)
{
    for (;;) {
        segment seg;
        int junk = 0, found = 0;
        int more =
            st->json ? json_next_segment(st, &seg, diags, &junk) : yaml_next_segment(st, &seg);
        if (!more) {
            st->finished = 1;
            return SW_END;
        }
        if (junk) {
            st->position++;
            return SW_ERR_FACTS;
        }
        sw_status rc = read_segment(st, seg, into, out, diags, &found);
        if (rc == SW_ERR_NOMEM)
            return stream_failed(st, rc);
        if (found) {
            st->position++;
            return rc;
        }
    }
}

/* -- the public stream -- */

sw_status sw_facts_stream_open(const sw_ruleset *rules, const char *name, const char *data,
                               size_t len, sw_facts_stream **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules || (!data && len))
        return SW_ERR_ARG;
    sw_facts_stream *st = sw_mem_calloc(rules->prog.arena.mem, 1, sizeof *st);
    if (!st)
        return SW_ERR_NOMEM;
    const char *shown = name ? name : "<facts>";
    st->name = sw_mem_alloc(rules->prog.arena.mem, strlen(shown) + 1);
    if (!st->name) {
        sw_mem_free(rules->prog.arena.mem, st, 0);
        return SW_ERR_NOMEM;
    }
    strcpy(st->name, shown);
    st->prog = &rules->prog;
    st->data = data ? data : "";
    st->len = len;
    size_t first = json_skip_between(st, 0);
    st->json = first < len && st->data[first] == '{';
    *out = st;
    return SW_OK;
}

/* The next document into into (reset first), or into new facts when into is NULL. */
static sw_status stream_next(sw_facts_stream *st, sw_facts *into, sw_facts **out,
                             sw_diagnostics *diags)
{
    if (st->finished)
        return SW_END;
    if (st->len > FACTS_MAX_INPUT) {
        site s = {.diags = diags, .file = st->name};
        site_at_offset(st, &s, FACTS_MAX_INPUT);
        report(&s, "F012", "split the input into smaller files",
               "the input is larger than the limit of 64 MiB (67108864 bytes): it is %zu bytes, "
               "and byte 67108865, here, is past the limit",
               st->len);
        return stream_failed(st, SW_ERR_LIMIT);
    }
    return next_in_stream(st, into, out, diags);
}

sw_status sw_facts_stream_next(sw_facts_stream *st, sw_facts **out, sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!st)
        return SW_ERR_ARG;
    return stream_next(st, NULL, out, diags);
}

sw_status sw_facts_stream_read(sw_facts_stream *st, sw_facts *facts, sw_diagnostics *diags)
{
    if (!st || !facts || facts->prog != st->prog)
        return SW_ERR_ARG;
    sw_facts *out = NULL;
    sw_status rc = stream_next(st, facts, &out, diags);
    if (rc != SW_OK)
        sw_facts_reset(facts);
    return rc;
}

size_t sw_facts_stream_position(const sw_facts_stream *st) { return st ? st->position : 0; }

void sw_facts_stream_free(sw_facts_stream *st)
{
    if (!st)
        return;
    parser_stop(st);
    sw_mem_free(st->prog->arena.mem, st->given_line, 0);
    sw_mem_free(st->prog->arena.mem, st->name, 0);
    sw_buf_free(&st->line_text);
    sw_mem_free(st->prog->arena.mem, st, 0);
}

/* -- exactly one document -- */

static const char SECOND_DOCUMENT[] =
    "more than one client document in the input; the second starts here";
static const char ONE_PER_DOCUMENT[] =
    "give one client per document, or read the input as a stream";

/* Whether a YAML segment holds a document: 1 (told as F013, or as the syntax error
 * met looking for it), 0 when it is empty, -1 when memory ran out. */
static int segment_has_document(sw_facts_stream *st, segment seg, sw_diagnostics *diags)
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
                say(&d, ev.start_mark, "F013", ONE_PER_DOCUMENT, "%s", SECOND_DOCUMENT);
            }
        }
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT || type == YAML_DOCUMENT_START_EVENT)
            break;
    }
    sw_buf_free(&d.field);
    parser_stop(st);
    return d.nomem ? -1 : found || d.broken;
}

/* After the first document of sw_facts_parse: 1 when another follows, -1 when
 * memory ran out. */
static int more_documents(sw_facts_stream *st, sw_diagnostics *diags)
{
    if (st->json) {
        size_t start = json_skip_between(st, st->next);
        if (start >= st->len)
            return 0;
        site s = {.diags = diags, .file = st->name};
        site_at_offset(st, &s, start);
        report_malformed(&s, "F013", ONE_PER_DOCUMENT, "%s", SECOND_DOCUMENT);
        return 1;
    }
    segment seg;
    while (!st->finished && yaml_next_segment(st, &seg)) {
        int found = segment_has_document(st, seg, diags);
        if (found)
            return found;
    }
    return 0;
}

sw_status sw_facts_parse(const sw_ruleset *rules, const char *name, const char *data, size_t len,
                         sw_facts **out, sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    sw_facts_stream *st;
    sw_status rc = sw_facts_stream_open(rules, name, data, len, &st);
    if (rc != SW_OK)
        return rc;
    sw_facts *f = NULL;
    rc = sw_facts_stream_next(st, &f, diags);
    if (rc == SW_END) {
        site s = {.diags = diags, .file = st->name};
        report_malformed(&s, "F013", "give the client's facts, e.g. facts: {phq9: 12}",
               "no client document in the input");
        rc = SW_ERR_FACTS;
    } else if (rc == SW_OK || rc == SW_ERR_FACTS) {
        int more = more_documents(st, diags);
        if (more)
            rc = more < 0 ? SW_ERR_NOMEM : SW_ERR_FACTS;
    }
    sw_facts_stream_free(st);
    if (rc != SW_OK) {
        sw_facts_free(f);
        f = NULL;
    }
    *out = f;
    return rc;
}
