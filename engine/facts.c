/*
 * facts.c - one client's facts: the YAML/JSON reader, the setters of the public
 * API, and the canonical text the facts digest is taken over.
 *
 * A client document is a mapping (docs/facts-format.md):
 *
 *     client: C-0042              optional
 *     assessed_on: 2026-11-20     optional; "days since" needs it
 *     facts:                      required, may be {}
 *       housing: rough_sleeping
 *       substances: [opioids, alcohol]
 *       phq9: null                null, or leaving the fact out, means unknown
 *
 * Every value is checked against the rule set's schema as it is read, and every
 * problem in a document is reported, not just the first. The reader consumes
 * libyaml's event stream directly: no document tree is built, nothing recurses and
 * aliases are refused rather than expanded. Each document gets a fresh libyaml
 * parser that starts where the previous document ended; that is how JSON lines are
 * read (libyaml alone stops after one JSON value) and how a stream moves past a
 * document with a syntax error (to the next line that can start a document).
 *
 * libyaml marks count characters; diagnostics want byte offsets, so marks are
 * mapped back through the text with a cursor that only moves forward.
 */
#include "buf.h" /* before facts.h, whose prototype names struct sw_buf */
#include "facts.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "diag.h"
#include "value.h"

/* Diagnostic codes of the facts reader (docs/errors.md). */
#define E_SYNTAX "E301"       /* not valid YAML or JSON */
#define E_NOT_CLIENT "E302"   /* no client document, or it is not a mapping */
#define E_UNKNOWN_KEY "E303"  /* a top-level key other than client, assessed_on, facts */
#define E_UNKNOWN_FACT "E304" /* a fact the schema does not declare */
#define E_DERIVED "E305"      /* a derived fact given as input */
#define E_TWICE "E306"        /* a key, or a set member, given twice */
#define E_TYPE "E307"         /* a value of the wrong kind */
#define E_RANGE "E308"        /* a number outside the declared range */
#define E_MEMBER "E309"       /* not a member of the one-of or set-of */
#define E_DATE "E310"         /* not a real date written YYYY-MM-DD */
#define E_UNSUPPORTED "E311"  /* YAML aliases and tags */
#define E_SECOND_DOC "E312"   /* sw_facts_parse given more than one document */
#define E_NO_FACTS "E313"     /* the document has no facts key */
#define E_TOO_DEEP "E314"     /* nesting beyond SW_FACTS_MAX_DEPTH */

/* Client documents nest three levels; anything far deeper is refused before
 * libyaml's own stacks can grow without bound. */
#define SW_FACTS_MAX_DEPTH 64
/* How much of a wrong value a message quotes. */
#define FOUND_MAX 40
/* How many members a message lists before it shortens the list. */
#define MEMBERS_SHOWN 10

static const char *const top_keys[] = {"client", "assessed_on", "facts"};
enum { KEY_CLIENT, KEY_ASSESSED_ON, KEY_FACTS, NKEYS };

/* ---- where problems go ---------------------------------------------------- */

/* Collects the problems of one operation: counts them and queues them. */
typedef struct sink {
    sw_diagnostics *diags;  /* may be NULL: problems are only counted */
    const char *file;       /* NULL for facts set in code: no location */
    const char *text;
    size_t len;
    unsigned errors;
    int nomem;
} sink;

static void emit(sink *s, const char *code, sw_where w, const char *field, const char *hint,
                 sw_buf *msg)
{
    s->errors++;
    if (sw_buf_failed(msg)) {
        s->nomem = 1;
        return;
    }
    if (s->diags)
        sw_diag_add(s->diags, SW_SEV_ERROR, code, w, field, hint, "%s", msg->data ? msg->data : "");
}

static void report(sink *s, const char *code, sw_where w, const char *field, const char *hint,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report(sink *s, const char *code, sw_where w, const char *field, const char *hint,
                   const char *fmt, ...)
{
    sw_buf msg = SW_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    emit(s, code, w, field, hint, &msg);
    sw_buf_free(&msg);
}

static sw_where nowhere(void)
{
    sw_where w = {NULL, NULL, 0, 0, 0};
    return w;
}

static sw_where where_at(const sink *s, size_t offset, size_t length)
{
    sw_where w = {s->file, s->text, s->len, offset, length};
    return s->file ? w : nowhere();
}

/* ---- describing values in messages ---------------------------------------- */

/* What a value is read for, to name it in diagnostics. */
typedef struct subject {
    const sw_program *prog;
    const sw_type *type;
    const char *name;     /* "phq9", "client", "assessed_on" */
    const char *expects;  /* overrides the type's description, or NULL */
    int is_fact;          /* the field path is "facts.<name>" */
} subject;

static void field_path(sw_buf *b, const subject *sub, long index)
{
    sw_buf_puts(b, sub->is_fact ? "facts." : "");
    sw_buf_puts(b, sub->name);
    if (index >= 0)
        sw_buf_printf(b, "[%ld]", index);
}

static void describe_members(const sw_enum *e, sw_buf *b)
{
    uint32_t shown = e->nmembers < MEMBERS_SHOWN ? e->nmembers : MEMBERS_SHOWN;
    for (uint32_t i = 0; i < shown; i++) {
        sw_buf_puts(b, i ? ", " : "");
        sw_buf_puts(b, e->members[i]);
    }
    if (shown < e->nmembers)
        sw_buf_printf(b, ", ... (%u in all)", (unsigned)e->nmembers);
}

/* "a whole number from 0 to 27", "one of stable, temporary", "a date written ..." */
static void describe_type(const subject *sub, sw_buf *b)
{
    const sw_type *t = sub->type;
    if (sub->expects) {
        sw_buf_puts(b, sub->expects);
        return;
    }
    switch ((sw_type_kind)t->kind) {
    case SW_T_BOOL:
        sw_buf_puts(b, "true or false");
        break;
    case SW_T_INT:
        sw_buf_puts(b, "a whole number");
        if (t->has_range)
            sw_buf_printf(b, " from %lld to %lld", (long long)t->imin, (long long)t->imax);
        break;
    case SW_T_NUMBER:
        sw_buf_puts(b, "a number");
        if (t->has_range)
            sw_buf_printf(b, " from %g to %g", t->nmin, t->nmax);
        break;
    case SW_T_ENUM:
        sw_buf_puts(b, "one of ");
        describe_members(&sub->prog->enums[t->enumeration], b);
        break;
    case SW_T_SET:
        sw_buf_puts(b, "a list of members of {");
        describe_members(&sub->prog->enums[t->enumeration], b);
        sw_buf_putc(b, '}');
        break;
    case SW_T_DATE:
        sw_buf_puts(b, "a date written YYYY-MM-DD");
        break;
    case SW_T_TEXT:
        sw_buf_puts(b, "text");
        break;
    }
}

/* Appends at most FOUND_MAX bytes of s, cut at a character boundary, with control
 * characters shown as '?', so a message quotes a wrong value safely. */
static void quote_found(sw_buf *b, const char *s, size_t n, int quoted)
{
    size_t shown = n;
    if (shown > FOUND_MAX) {
        shown = FOUND_MAX;
        while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
            shown--;
    }
    sw_buf_puts(b, quoted ? "\"" : "");
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        sw_buf_putc(b, c < 0x20 || c == 0x7F ? '?' : (char)c);
    }
    sw_buf_puts(b, shown < n ? "..." : "");
    sw_buf_puts(b, quoted ? "\"" : "");
}

/* "'phq9' must be a whole number from 0 to 27, not 40" */
static void report_value(sink *s, const char *code, sw_where w, const subject *sub,
                         const char *found, const char *hint)
{
    sw_buf msg = SW_BUF_INIT, field = SW_BUF_INIT;
    sw_buf_printf(&msg, "'%s' must be ", sub->name);
    describe_type(sub, &msg);
    sw_buf_printf(&msg, ", not %s", found);
    field_path(&field, sub, -1);
    emit(s, code, w, field.data, hint, &msg);
    if (sw_buf_failed(&field))
        s->nomem = 1;
    sw_buf_free(&msg);
    sw_buf_free(&field);
}

/* The "did you mean" hint for word among candidates, in hint (empty when none). */
static void suggestion(sw_buf *hint, const char *word, const char *const *candidates, size_t n)
{
    const char *best = sw_suggest(word, candidates, n);
    if (best)
        sw_buf_printf(hint, "did you mean '%s'?", best);
}

static const char *hint_text(const sw_buf *hint) { return hint->len ? hint->data : NULL; }

/* "'housing' must be one of stable, temporary, rough_sleeping, not rough_sleping" */
static void report_not_member(sink *s, sw_where w, const subject *sub, const char *word,
                              const char *found, const char *otherwise)
{
    const sw_enum *e = &sub->prog->enums[sub->type->enumeration];
    sw_buf hint = SW_BUF_INIT;
    suggestion(&hint, word, e->members, e->nmembers);
    report_value(s, E_MEMBER, w, sub, found, hint.len ? hint.data : otherwise);
    sw_buf_free(&hint);
}

/* "'substances' lists opiods, which is not one of opioids, alcohol" */
static void report_not_in_set(sink *s, const char *code, sw_where w, const subject *sub,
                              long index, const char *word, const char *found)
{
    const sw_enum *e = &sub->prog->enums[sub->type->enumeration];
    sw_buf hint = SW_BUF_INIT, msg = SW_BUF_INIT, field = SW_BUF_INIT;
    suggestion(&hint, word, e->members, e->nmembers);
    sw_buf_printf(&msg, "'%s' lists %s, which is not one of ", sub->name, found);
    describe_members(e, &msg);
    field_path(&field, sub, index);
    emit(s, code, w, field.data, hint_text(&hint), &msg);
    if (sw_buf_failed(&field) || sw_buf_failed(&hint))
        s->nomem = 1;
    sw_buf_free(&hint);
    sw_buf_free(&msg);
    sw_buf_free(&field);
}

static void report_member_twice(sink *s, sw_where w, const subject *sub, long index,
                                const char *member)
{
    sw_buf field = SW_BUF_INIT;
    field_path(&field, sub, index);
    report(s, E_TWICE, w, field.data, NULL, "'%s' lists %s twice", sub->name, member);
    if (sw_buf_failed(&field))
        s->nomem = 1;
    sw_buf_free(&field);
}

static void report_unknown_fact(sink *s, sw_where w, const sw_program *p, const char *name)
{
    const char **names = malloc((p->nbase ? p->nbase : 1) * sizeof *names);
    sw_buf hint = SW_BUF_INIT, field = SW_BUF_INIT, shown = SW_BUF_INIT;
    if (names) {
        for (uint32_t i = 0; i < p->nbase; i++)
            names[i] = p->facts[i].name;
        suggestion(&hint, name, names, p->nbase);
        free(names);
    }
    sw_buf_printf(&field, "facts.%s", name);
    quote_found(&shown, name, strlen(name), 0);
    report(s, E_UNKNOWN_FACT, w, field.data, hint_text(&hint), "unknown fact '%s'", shown.data);
    if (!names || sw_buf_failed(&hint) || sw_buf_failed(&field) || sw_buf_failed(&shown))
        s->nomem = 1;
    sw_buf_free(&hint);
    sw_buf_free(&field);
    sw_buf_free(&shown);
}

static void report_derived(sink *s, sw_where w, const char *name)
{
    sw_buf field = SW_BUF_INIT;
    sw_buf_printf(&field, "facts.%s", name);
    report(s, E_DERIVED, w, field.data, "leave it out of the facts",
           "'%s' is a derived fact: the rules work it out, so it cannot be given", name);
    if (sw_buf_failed(&field))
        s->nomem = 1;
    sw_buf_free(&field);
}

/* ---- numbers as written ---------------------------------------------------- */

/* An optional sign and decimal digits. 1: *out set; 0: not an integer; -1: an
 * integer too large for 64 bits. */
static int parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    if (i == n)
        return 0;
    uint64_t v = 0;
    int overflow = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
    }
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (overflow || v > limit)
        return -1;
    *out = negative ? (v == limit ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return 1;
}

static size_t skip_digits(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* Whether s is a decimal number: [-+]? (digits [. digits?] | . digits) [e [-+]? digits] */
static int is_decimal(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t int_end = skip_digits(s, n, i);
    size_t frac_end = int_end;
    if (frac_end < n && s[frac_end] == '.')
        frac_end = skip_digits(s, n, frac_end + 1);
    if (int_end == i && frac_end <= int_end + 1)
        return 0; /* no digits at all */
    i = frac_end;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp_end = skip_digits(s, n, i);
        if (exp_end == i)
            return 0;
        i = exp_end;
    }
    return i == n;
}

/* strtod reads the locale's decimal point; a host program may have set one other
 * than '.', so the number is read again with it if the first reading stops short. */
static double read_decimal(const char *s, size_t n)
{
    char tmp[128];
    if (n >= sizeof tmp)
        return HUGE_VAL; /* 127 characters exceed any double worth writing */
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    if ((size_t)(end - tmp) != n) {
        const char *point = localeconv()->decimal_point;
        char *dot = strchr(tmp, '.');
        if (dot && point && point[0] && !point[1])
            *dot = point[0];
        v = strtod(tmp, &end);
    }
    return v;
}

/* 1: *out set; 0: not a number; -1: too large for a double. */
static int parse_number(const char *s, size_t n, double *out)
{
    if (!is_decimal(s, n))
        return 0;
    double v = read_decimal(s, n);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 1;
}

static int int_in_range(const sw_type *t, int64_t v)
{
    return !t->has_range || (v >= t->imin && v <= t->imax);
}

static int number_in_range(const sw_type *t, double v)
{
    return isfinite(v) && (!t->has_range || (v >= t->nmin && v <= t->nmax));
}

/* ---- values from scalars ------------------------------------------------- */

/* A scalar as the document wrote it. */
typedef struct scalar {
    const char *text;  /* NUL-terminated; may also hold NULs (JSON "\u0000") */
    size_t len;
    int quoted;        /* any style but plain: always a string */
    sw_where where;
} scalar;

static int is_word(const scalar *sc, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == sc->len && memcmp(*words, sc->text, sc->len) == 0)
            return 1;
    return 0;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};
static const char *const unknown_words[] = {"unknown", "Unknown", "UNKNOWN", NULL};

static int is_null(const scalar *sc) { return !sc->quoted && is_word(sc, null_words); }

static int has_nul(const scalar *sc) { return memchr(sc->text, '\0', sc->len) != NULL; }

/* The hint for a scalar of the wrong kind, when one helps. */
static const char *wrong_scalar_hint(const scalar *sc, const sw_type *t)
{
    if (!sc->quoted && is_word(sc, unknown_words))
        return "leave the fact out, or write null, to record that it is unknown";
    if (sc->quoted && t->kind == SW_T_BOOL && (is_word(sc, true_words) || is_word(sc, false_words)))
        return "quoted values are text: write true or false without quotes";
    if (sc->quoted && (t->kind == SW_T_INT || t->kind == SW_T_NUMBER) && is_decimal(sc->text, sc->len))
        return "quoted values are text: write the number without quotes";
    return NULL;
}

static void report_scalar(sink *s, const char *code, const scalar *sc, const subject *sub,
                          const char *hint)
{
    sw_buf found = SW_BUF_INIT;
    quote_found(&found, sc->text, sc->len, sc->quoted);
    report_value(s, code, sc->where, sub, found.data, hint);
    if (sw_buf_failed(&found))
        s->nomem = 1;
    sw_buf_free(&found);
}

static int scalar_bool(sink *s, const scalar *sc, const subject *sub, sw_value *out)
{
    int is_true = !sc->quoted && is_word(sc, true_words);
    if (!is_true && (sc->quoted || !is_word(sc, false_words))) {
        report_scalar(s, E_TYPE, sc, sub, wrong_scalar_hint(sc, sub->type));
        return 0;
    }
    out->u.i = is_true;
    return 1;
}

static int scalar_int(sink *s, const scalar *sc, const subject *sub, sw_value *out)
{
    int64_t v = 0;
    int rc = sc->quoted ? 0 : parse_int(sc->text, sc->len, &v);
    if (rc == 0) {
        report_scalar(s, E_TYPE, sc, sub, wrong_scalar_hint(sc, sub->type));
        return 0;
    }
    if (rc < 0 || !int_in_range(sub->type, v)) {
        report_scalar(s, E_RANGE, sc, sub, NULL);
        return 0;
    }
    out->u.i = v;
    return 1;
}

static int scalar_number(sink *s, const scalar *sc, const subject *sub, sw_value *out)
{
    double v = 0;
    int rc = sc->quoted ? 0 : parse_number(sc->text, sc->len, &v);
    if (rc == 0) {
        report_scalar(s, E_TYPE, sc, sub, wrong_scalar_hint(sc, sub->type));
        return 0;
    }
    if (rc < 0 || !number_in_range(sub->type, v)) {
        report_scalar(s, E_RANGE, sc, sub, NULL);
        return 0;
    }
    out->u.n = v;
    return 1;
}

static int scalar_member(sink *s, const scalar *sc, const subject *sub, sw_value *out)
{
    int index = sw_enum_find(&sub->prog->enums[sub->type->enumeration], sc->text, sc->len);
    if (index < 0) {
        sw_buf found = SW_BUF_INIT;
        quote_found(&found, sc->text, sc->len, sc->quoted);
        report_not_member(s, sc->where, sub, sc->text, found.data, wrong_scalar_hint(sc, sub->type));
        if (sw_buf_failed(&found))
            s->nomem = 1;
        sw_buf_free(&found);
        return 0;
    }
    out->u.i = index;
    return 1;
}

static int scalar_date(sink *s, const scalar *sc, const subject *sub, sw_value *out)
{
    int32_t days;
    if (!sw_date_parse(sc->text, sc->len, &days)) {
        report_scalar(s, E_DATE, sc, sub, wrong_scalar_hint(sc, sub->type));
        return 0;
    }
    out->u.i = days;
    return 1;
}

static int scalar_text(sink *s, const scalar *sc, const subject *sub, sw_arena *arena,
                       sw_value *out)
{
    if (has_nul(sc)) {
        report_value(s, E_TYPE, sc->where, sub, "text holding a NUL character", NULL);
        return 0;
    }
    out->u.s = sw_arena_strndup(arena, sc->text, sc->len);
    if (!out->u.s) {
        s->nomem = 1;
        return 0;
    }
    return 1;
}

/* Reads a non-null scalar as a value of sub's type; 1 when *out is now known. */
static int scalar_value(sink *s, const scalar *sc, const subject *sub, sw_arena *arena,
                        sw_value *out)
{
    sw_value v = {0, {0}};
    int ok = 0;
    switch ((sw_type_kind)sub->type->kind) {
    case SW_T_BOOL: ok = scalar_bool(s, sc, sub, &v); break;
    case SW_T_INT: ok = scalar_int(s, sc, sub, &v); break;
    case SW_T_NUMBER: ok = scalar_number(s, sc, sub, &v); break;
    case SW_T_ENUM: ok = scalar_member(s, sc, sub, &v); break;
    case SW_T_DATE: ok = scalar_date(s, sc, sub, &v); break;
    case SW_T_TEXT: ok = scalar_text(s, sc, sub, arena, &v); break;
    case SW_T_SET:
        report_scalar(s, E_TYPE, sc, sub, "write the members as a list, such as [a, b], or [] for none");
        break;
    }
    if (ok) {
        v.known = 1;
        *out = v;
    }
    return ok;
}

/* ---- text libyaml's reader refuses ------------------------------------------ */

/* The length of the UTF-8 sequence at s that libyaml's reader accepts (a
 * well-formed, printable YAML character), or 0. */
static size_t readable_char(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t width = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (width == 0 || width > n)
        return 0;
    uint32_t cp = width == 1 ? c : width == 2 ? c & 0x1Fu : width == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t i = 1; i < width; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[width])
        return 0; /* overlong */
    int printable = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0x7E) ||
                    cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
                    (cp >= 0x10000 && cp <= 0x10FFFF);
    return printable ? width : 0;
}

/* The offset of the first character at or after from that libyaml would refuse,
 * or len. libyaml decodes its input in large chunks, so a bad byte far ahead
 * would fail the document being read; each parser is given text up to here only. */
static size_t first_unreadable(const char *text, size_t len, size_t from)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = from;
    while (i < len) {
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            i++;
            continue;
        }
        size_t w = readable_char(s + i, len - i);
        if (w == 0)
            return i;
        i += w;
    }
    return len;
}

/* ---- the document reader ---------------------------------------------------- */

/* A 1-based line number at a byte offset; moves forward, restarts when asked to go back. */
typedef struct line_cursor {
    size_t offset;
    unsigned line;
} line_cursor;

static unsigned line_at(const char *text, line_cursor *c, size_t offset)
{
    if (offset < c->offset || c->line == 0) {
        c->offset = 0;
        c->line = 1;
    }
    for (; c->offset < offset; c->offset++)
        if (text[c->offset] == '\n')
            c->line++;
    return c->line;
}

/* libyaml decodes every byte its read handler hands over before it parses any of
 * them, and a string input hands over 16 KiB at a time: for a short document in a
 * long stream most of that work is thrown away with the parser. Handing the text
 * over in small pieces makes a document cost about its own length. */
#define FEED_PIECE 512

typedef struct feed {
    const char *next;
    size_t left;
} feed;

static int feed_read(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    feed *f = data;
    size_t n = size < FEED_PIECE ? size : FEED_PIECE;
    if (n > f->left)
        n = f->left;
    memcpy(buffer, f->next, n);
    f->next += n;
    f->left -= n;
    *size_read = n;
    return 1;
}

/* One document being read by one libyaml parser. */
typedef struct reader {
    sink sink;
    const sw_program *prog;
    yaml_parser_t parser;
    feed feed;                /* the parser's input */
    size_t base;              /* byte offset where the parser's input starts */
    size_t limit;             /* ... and where it ends: the text or a refused character */
    size_t cursor_chars;      /* a character index ... */
    size_t cursor_bytes;      /* ... and its byte offset from base */
    size_t last_end;          /* character index where the last event ended */
    line_cursor doc_lines;    /* positioned at the document's start */
    size_t *first_at;         /* per base slot: where it was given, or SIZE_MAX */
    sw_facts *facts;
    int json;                 /* the input is JSON: no blank values */
    int begun;                /* the document has been counted */
    int broken;               /* a syntax error: the parser cannot go on */
    size_t error_at;          /* byte offset of that error */
} reader;

/* The byte offset of a libyaml character index. */
static size_t byte_offset(reader *r, size_t chars)
{
    const unsigned char *s = (const unsigned char *)r->sink.text + r->base;
    size_t n = r->sink.len - r->base;
    if (chars < r->cursor_chars)
        r->cursor_chars = r->cursor_bytes = 0;
    while (r->cursor_chars < chars && r->cursor_bytes < n) {
        r->cursor_bytes++;
        while (r->cursor_bytes < n && (s[r->cursor_bytes] & 0xC0) == 0x80)
            r->cursor_bytes++;
        r->cursor_chars++;
    }
    return r->base + r->cursor_bytes;
}

static sw_where event_where(reader *r, const yaml_event_t *ev)
{
    size_t start = byte_offset(r, ev->start_mark.index);
    size_t end = byte_offset(r, ev->end_mark.index);
    return where_at(&r->sink, start, end > start ? end - start : 0);
}

static scalar scalar_of(reader *r, const yaml_event_t *ev)
{
    scalar sc;
    sc.text = (const char *)ev->data.scalar.value;
    sc.len = ev->data.scalar.length;
    sc.quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    sc.where = event_where(r, ev);
    return sc;
}

static const char *node_kind(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SEQUENCE_START_EVENT: return "a list";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    default: return "an alias";
    }
}

static void report_unreadable(reader *r, size_t at)
{
    size_t n = r->sink.len - at;
    const unsigned char *c = (const unsigned char *)r->sink.text + at;
    uint32_t cp = c[0];
    int is_control = cp < 0x80 || (n >= 2 && cp == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F);
    r->broken = 1;
    r->error_at = at;
    if (is_control && cp == 0xC2)
        cp = c[1];
    if (is_control)
        report(&r->sink, E_SYNTAX, where_at(&r->sink, at, 1), NULL,
               "remove it, or write it as an escape in a quoted string",
               "invalid YAML or JSON: control character U+%04X", (unsigned)cp);
    else
        report(&r->sink, E_SYNTAX, where_at(&r->sink, at, 1), NULL, "save the file as UTF-8",
               "invalid YAML or JSON: the text is not valid UTF-8");
}

static void syntax_error(reader *r)
{
    const yaml_parser_t *p = &r->parser;
    if (p->error == YAML_MEMORY_ERROR) {
        r->sink.nomem = 1;
        return;
    }
    size_t at = p->error == YAML_READER_ERROR ? r->base + p->problem_offset
                                              : byte_offset(r, p->problem_mark.index);
    if (at >= r->limit && r->limit < r->sink.len) {
        report_unreadable(r, r->limit); /* libyaml ran into the end of what it was given */
        return;
    }
    r->broken = 1;
    r->error_at = at < r->sink.len ? at : r->sink.len;
    const char *problem = p->problem ? p->problem : "unreadable input";
    if (p->context)
        report(&r->sink, E_SYNTAX, where_at(&r->sink, r->error_at, 1), NULL, NULL,
               "invalid YAML or JSON: %s (%s)", problem, p->context);
    else
        report(&r->sink, E_SYNTAX, where_at(&r->sink, r->error_at, 1), NULL, NULL,
               "invalid YAML or JSON: %s", problem);
}

static const yaml_char_t *event_tag(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: return ev->data.scalar.tag;
    case YAML_SEQUENCE_START_EVENT: return ev->data.sequence_start.tag;
    case YAML_MAPPING_START_EVENT: return ev->data.mapping_start.tag;
    default: return NULL;
    }
}

/* Aliases would let a small document expand without bound, and tags would change
 * how a value reads; client documents need neither. */
static void refuse_unsupported(reader *r, const yaml_event_t *ev)
{
    const yaml_char_t *tag = event_tag(ev);
    if (ev->type == YAML_ALIAS_EVENT)
        report(&r->sink, E_UNSUPPORTED, event_where(r, ev), NULL, "write the value out in full",
               "YAML aliases (*%s) are not supported in client documents",
               (const char *)ev->data.alias.anchor);
    else if (tag)
        report(&r->sink, E_UNSUPPORTED, event_where(r, ev), NULL, "remove the tag",
               "YAML tags (%s) are not supported in client documents", (const char *)tag);
}

/* The next event. 0 when the document cannot be read further: a syntax error (now
 * reported) or no memory; ev then holds nothing to delete. */
static int pull(reader *r, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&r->parser, ev)) {
        syntax_error(r);
        return 0;
    }
    r->last_end = ev->end_mark.index;
    refuse_unsupported(r, ev);
    if (r->sink.nomem) {
        yaml_event_delete(ev);
        return 0;
    }
    return 1;
}

/* Consumes the rest of a node whose first event is ev. */
static int skip_node(reader *r, const yaml_event_t *ev)
{
    if (ev->type != YAML_SEQUENCE_START_EVENT && ev->type != YAML_MAPPING_START_EVENT)
        return 1;
    unsigned depth = 1;
    while (depth > 0) {
        yaml_event_t e;
        if (!pull(r, &e))
            return 0;
        if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT)
            depth--;
        if (depth > SW_FACTS_MAX_DEPTH) {
            r->broken = 1;
            r->error_at = byte_offset(r, e.start_mark.index);
            report(&r->sink, E_TOO_DEEP, event_where(r, &e), NULL, NULL,
                   "the document nests deeper than %d levels", SW_FACTS_MAX_DEPTH);
            yaml_event_delete(&e);
            return 0;
        }
        yaml_event_delete(&e);
    }
    return 1;
}

/* Reads the value after a key that is being ignored. */
static int skip_value(reader *r)
{
    yaml_event_t ev;
    if (!pull(r, &ev))
        return 0;
    int ok = skip_node(r, &ev);
    yaml_event_delete(&ev);
    return ok;
}

/* A value that is a list or a mapping where a scalar was due. */
static int wrong_node(reader *r, const yaml_event_t *ev, const subject *sub)
{
    if (ev->type != YAML_ALIAS_EVENT) /* an alias is already reported */
        report_value(&r->sink, E_TYPE, event_where(r, ev), sub, node_kind(ev), NULL);
    return skip_node(r, ev);
}

static void add_member(reader *r, const subject *sub, long index, const yaml_event_t *ev,
                       uint64_t *bits, int *bad)
{
    scalar sc = scalar_of(r, ev);
    const sw_enum *e = &sub->prog->enums[sub->type->enumeration];
    int k = sw_enum_find(e, sc.text, sc.len);
    if (k >= 0 && !(*bits & (UINT64_C(1) << k))) {
        *bits |= UINT64_C(1) << k;
        return;
    }
    *bad = 1;
    if (k >= 0) {
        report_member_twice(&r->sink, sc.where, sub, index, e->members[k]);
        return;
    }
    sw_buf found = SW_BUF_INIT;
    quote_found(&found, sc.text, sc.len, sc.quoted);
    report_not_in_set(&r->sink, E_MEMBER, sc.where, sub, index, sc.text, found.data);
    if (sw_buf_failed(&found))
        r->sink.nomem = 1;
    sw_buf_free(&found);
}

/* The members of a set-of fact, after its SEQUENCE-START. */
static int read_members(reader *r, const subject *sub, sw_value *out)
{
    uint64_t bits = 0;
    int bad = 0;
    for (long index = 0;; index++) {
        yaml_event_t ev;
        if (!pull(r, &ev))
            return 0;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        int ok = 1;
        if (ev.type == YAML_SCALAR_EVENT) {
            add_member(r, sub, index, &ev, &bits, &bad);
        } else {
            bad = 1;
            if (ev.type != YAML_ALIAS_EVENT)
                report_not_in_set(&r->sink, E_TYPE, event_where(r, &ev), sub, index, "",
                                  node_kind(&ev));
            ok = skip_node(r, &ev);
        }
        yaml_event_delete(&ev);
        if (!ok || r->sink.nomem)
            return 0;
    }
    if (!bad) {
        out->known = 1;
        out->u.bits = bits;
    }
    return 1;
}

/* YAML reads "phq9:" with nothing after it as null; in JSON ("phq9": }) a value
 * is missing, which is a mistake to show rather than an unknown to assume. */
static int blank_in_json(const reader *r, const scalar *sc)
{
    return r->json && !sc->quoted && sc->len == 0;
}

static void report_blank(reader *r, const scalar *sc, const subject *sub)
{
    report_value(&r->sink, E_TYPE, sc->where, sub, "nothing",
                 "write null to record that it is unknown");
}

/* Reads the value node ev for sub into *out (left unknown for null or a problem). */
static int read_value(reader *r, const subject *sub, const yaml_event_t *ev, sw_value *out)
{
    if (ev->type == YAML_SEQUENCE_START_EVENT && sub->type->kind == SW_T_SET)
        return read_members(r, sub, out);
    if (ev->type != YAML_SCALAR_EVENT)
        return wrong_node(r, ev, sub);
    scalar sc = scalar_of(r, ev);
    if (blank_in_json(r, &sc))
        report_blank(r, &sc, sub);
    else if (!is_null(&sc))
        scalar_value(&r->sink, &sc, sub, &r->facts->arena, out);
    return !r->sink.nomem;
}

static int read_fact(reader *r, const sw_fact_def *def)
{
    subject sub = {r->prog, &def->type, def->name, NULL, 1};
    yaml_event_t ev;
    if (!pull(r, &ev))
        return 0;
    sw_value v = {0, {0}};
    int ok = read_value(r, &sub, &ev, &v);
    yaml_event_delete(&ev);
    r->facts->values[def->slot] = v;
    return ok;
}

static unsigned doc_line_of(reader *r, size_t offset)
{
    line_cursor c = r->doc_lines;
    return line_at(r->sink.text, &c, offset);
}

/* "'housing' is given twice (first at line 3)" */
static void report_twice(reader *r, sw_where w, const char *field, const char *name,
                         size_t first)
{
    report(&r->sink, E_TWICE, w, field, "give each key once", "'%s' is given twice (first at line %u)",
           name, doc_line_of(r, first));
}

/* A key that is a list or mapping: reported, skipped with its value. */
static int odd_key(reader *r, const yaml_event_t *key)
{
    if (key->type != YAML_ALIAS_EVENT)
        report(&r->sink, E_UNKNOWN_KEY, event_where(r, key), NULL, NULL,
               "a key must be a name, not %s", node_kind(key));
    return skip_node(r, key) && skip_value(r);
}

/* Decides what to do with one key of the facts mapping: the fact to read, or NULL
 * when the key was reported and its value is to be skipped. */
static const sw_fact_def *fact_for_key(reader *r, const yaml_event_t *key)
{
    scalar sc = scalar_of(r, key);
    const sw_fact_def *def = has_nul(&sc) ? NULL : sw_program_fact(r->prog, sc.text, sc.len);
    if (!def) {
        report_unknown_fact(&r->sink, sc.where, r->prog, sc.text);
        return NULL;
    }
    if (def->derived) {
        report_derived(&r->sink, sc.where, def->name);
        return NULL;
    }
    if (r->first_at[def->slot] != SIZE_MAX) {
        sw_buf field = SW_BUF_INIT;
        sw_buf_printf(&field, "facts.%s", def->name);
        report_twice(r, sc.where, field.data, def->name, r->first_at[def->slot]);
        if (sw_buf_failed(&field))
            r->sink.nomem = 1;
        sw_buf_free(&field);
        return NULL;
    }
    r->first_at[def->slot] = sc.where.offset;
    return def;
}

static int read_fact_entries(reader *r)
{
    for (;;) {
        yaml_event_t key;
        if (!pull(r, &key))
            return 0;
        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            return 1;
        }
        int ok;
        if (key.type != YAML_SCALAR_EVENT) {
            ok = odd_key(r, &key);
        } else {
            const sw_fact_def *def = fact_for_key(r, &key);
            ok = !r->sink.nomem && (def ? read_fact(r, def) : skip_value(r));
        }
        yaml_event_delete(&key);
        if (!ok)
            return 0;
    }
}

/* "facts:" holds a scalar: null means nothing recorded, anything else is wrong. */
static int facts_scalar(reader *r, const yaml_event_t *ev, const subject *sub)
{
    scalar sc = scalar_of(r, ev);
    if (blank_in_json(r, &sc))
        report_blank(r, &sc, sub);
    else if (!is_null(&sc))
        report_scalar(&r->sink, E_TYPE, &sc, sub, NULL);
    return !r->sink.nomem;
}

static int read_facts(reader *r)
{
    static const sw_type any = {SW_T_TEXT, 0, 0, 0, 0, 0, 0};
    subject sub = {r->prog, &any, "facts", "a mapping of fact names to values", 0};
    yaml_event_t ev;
    if (!pull(r, &ev))
        return 0;
    int ok;
    if (ev.type == YAML_MAPPING_START_EVENT)
        ok = read_fact_entries(r);
    else if (ev.type == YAML_SCALAR_EVENT)
        ok = facts_scalar(r, &ev, &sub);
    else
        ok = wrong_node(r, &ev, &sub);
    yaml_event_delete(&ev);
    return ok;
}

static int read_client(reader *r)
{
    static const sw_type text = {SW_T_TEXT, 0, 0, 0, 0, 0, 0};
    subject sub = {r->prog, &text, "client", "a client identifier", 0};
    yaml_event_t ev;
    if (!pull(r, &ev))
        return 0;
    sw_value v = {0, {0}};
    int ok = 1;
    if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
        ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        scalar sc = scalar_of(r, &ev);
        report_scalar(&r->sink, E_TYPE, &sc, &sub, "leave the client out when there is none");
    } else {
        ok = read_value(r, &sub, &ev, &v);
    }
    yaml_event_delete(&ev);
    if (v.known)
        r->facts->client = v.u.s;
    return ok && !r->sink.nomem;
}

static int read_assessed_on(reader *r)
{
    static const sw_type date = {SW_T_DATE, 0, 0, 0, 0, 0, 0};
    subject sub = {r->prog, &date, "assessed_on", NULL, 0};
    yaml_event_t ev;
    if (!pull(r, &ev))
        return 0;
    sw_value v = {0, {0}};
    int ok = read_value(r, &sub, &ev, &v);
    yaml_event_delete(&ev);
    if (v.known) {
        r->facts->assessed_on = (int32_t)v.u.i;
        r->facts->has_assessed_on = 1;
    }
    return ok;
}

static int top_key_index(const scalar *sc)
{
    for (int i = 0; i < NKEYS; i++)
        if (strlen(top_keys[i]) == sc->len && memcmp(top_keys[i], sc->text, sc->len) == 0)
            return i;
    return -1;
}

static void report_unknown_key(reader *r, const scalar *sc)
{
    sw_buf hint = SW_BUF_INIT, found = SW_BUF_INIT;
    suggestion(&hint, sc->text, top_keys, NKEYS);
    quote_found(&found, sc->text, sc->len, 0);
    report(&r->sink, E_UNKNOWN_KEY, sc->where, found.data,
           hint.len ? hint.data : "a client document has the keys client, assessed_on and facts",
           "unknown key '%s'", found.data);
    if (sw_buf_failed(&hint) || sw_buf_failed(&found))
        r->sink.nomem = 1;
    sw_buf_free(&hint);
    sw_buf_free(&found);
}

/* One key of the client mapping and its value. */
static int read_top_entry(reader *r, const yaml_event_t *key, size_t seen[NKEYS])
{
    scalar sc = scalar_of(r, key);
    int which = top_key_index(&sc);
    if (which < 0) {
        report_unknown_key(r, &sc);
        return skip_value(r);
    }
    if (seen[which] != SIZE_MAX) {
        report_twice(r, sc.where, top_keys[which], top_keys[which], seen[which]);
        return skip_value(r);
    }
    seen[which] = sc.where.offset;
    switch (which) {
    case KEY_CLIENT: return read_client(r);
    case KEY_ASSESSED_ON: return read_assessed_on(r);
    default: return read_facts(r);
    }
}

static int read_client_map(reader *r, const yaml_event_t *root)
{
    size_t seen[NKEYS] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    for (;;) {
        yaml_event_t key;
        if (!pull(r, &key))
            return 0;
        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            break;
        }
        int ok = key.type == YAML_SCALAR_EVENT ? read_top_entry(r, &key, seen) : odd_key(r, &key);
        yaml_event_delete(&key);
        if (!ok)
            return 0;
    }
    if (seen[KEY_FACTS] == SIZE_MAX)
        report(&r->sink, E_NO_FACTS, event_where(r, root), NULL,
               "write 'facts: {}' when nothing has been recorded",
               "the client document has no 'facts' key");
    return !r->sink.nomem;
}

static int is_empty_document(const yaml_event_t *ev)
{
    return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == 0 &&
           ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag &&
           !ev->data.scalar.anchor;
}

static void report_not_client(reader *r, const yaml_event_t *ev)
{
    sw_buf found = SW_BUF_INIT;
    if (ev->type == YAML_SCALAR_EVENT)
        quote_found(&found, (const char *)ev->data.scalar.value, ev->data.scalar.length,
                    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
    else
        sw_buf_puts(&found, node_kind(ev));
    report(&r->sink, E_NOT_CLIENT, event_where(r, ev), NULL, NULL,
           "a client document must be a mapping with a 'facts' key, not %s", found.data);
    if (sw_buf_failed(&found))
        r->sink.nomem = 1;
    sw_buf_free(&found);
}

/* The document's root node. *empty is set for a document with nothing in it. */
static int read_root(reader *r, int *empty)
{
    yaml_event_t ev;
    if (!pull(r, &ev))
        return 0;
    int ok = 1;
    if (ev.type == YAML_MAPPING_START_EVENT) {
        ok = read_client_map(r, &ev);
    } else if (is_empty_document(&ev)) {
        *empty = 1;
    } else {
        if (ev.type != YAML_ALIAS_EVENT)
            report_not_client(r, &ev);
        ok = skip_node(r, &ev);
    }
    yaml_event_delete(&ev);
    return ok && !r->sink.nomem;
}

/* ---- streams --------------------------------------------------------------- */

struct sw_facts_stream {
    const sw_ruleset *rules;
    const sw_program *prog;
    char *name;             /* for diagnostics */
    const char *data;       /* borrowed */
    size_t len;
    size_t next;            /* where the next document starts */
    size_t unreadable;      /* first refused character at or after next, or len */
    size_t position;        /* documents met so far */
    size_t last_start;      /* where the last document started */
    int json;               /* JSON: a document ends where its value ends */
    int done;
    line_cursor lines;
    size_t *first_at;       /* per base slot, for the document being read */
};

static int has_bom(const char *s, size_t n) { return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0; }

static int starts_json(const char *s, size_t n)
{
    size_t i = has_bom(s, n) ? 3 : 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i < n && s[i] == '{';
}

/* Whether a document can start at the beginning of the line at p: "---" in YAML,
 * "{" in JSON lines. */
static int document_line(const sw_facts_stream *s, size_t p)
{
    if (s->json)
        return s->data[p] == '{';
    if (s->len - p < 3 || memcmp(s->data + p, "---", 3) != 0)
        return 0;
    char c = p + 3 < s->len ? s->data[p + 3] : '\n';
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where reading resumes after a document that could not be parsed: the first line
 * that can start a document, past the broken document's start and not before the
 * line of the error. */
static size_t resync(const sw_facts_stream *s, size_t doc_at, size_t error_at)
{
    size_t from = error_at;
    while (from > 0 && s->data[from - 1] != '\n')
        from--;
    if (from <= doc_at)
        from = doc_at + 1;
    for (size_t p = from; p < s->len; p++)
        if (s->data[p - 1] == '\n' && document_line(s, p))
            return p;
    return s->len;
}

static sw_status begin_document(sw_facts_stream *s, reader *r, size_t doc_at)
{
    s->position++;
    s->last_start = doc_at;
    r->begun = 1;
    sw_status st = sw_facts_new(s->rules, &r->facts);
    if (st != SW_OK)
        return st;
    r->facts->source_name = sw_arena_strdup(&r->facts->arena, s->name);
    if (!r->facts->source_name)
        return SW_ERR_NOMEM;
    r->facts->line = line_at(s->data, &s->lines, doc_at);
    r->doc_lines = s->lines;
    for (uint32_t i = 0; i < s->prog->nbase; i++)
        s->first_at[i] = SIZE_MAX;
    return SW_OK;
}

/* Runs the parser over one document: SW_OK with r->facts filled (its errors
 * counted in r->sink), SW_END, or SW_ERR_FACTS when r->broken. */
static sw_status parse_document(sw_facts_stream *s, reader *r, size_t limit, int *empty)
{
    yaml_event_t ev;
    if (!pull(r, &ev)) /* STREAM-START */
        return SW_ERR_FACTS;
    yaml_event_delete(&ev);
    if (!pull(r, &ev))
        return SW_ERR_FACTS;
    int stream_end = ev.type == YAML_STREAM_END_EVENT;
    size_t doc_at = byte_offset(r, ev.start_mark.index);
    yaml_event_delete(&ev);
    if (stream_end && limit == s->len)
        return SW_END;
    sw_status st = begin_document(s, r, stream_end ? limit : doc_at);
    if (st != SW_OK) {
        r->sink.nomem = 1;
        return st;
    }
    if (stream_end) { /* nothing readable before a refused character */
        report_unreadable(r, limit);
        return SW_ERR_FACTS;
    }
    if (!read_root(r, empty))
        return SW_ERR_FACTS;
    if (!s->json) { /* DOCUMENT-END, which may find a syntax error after the value */
        if (!pull(r, &ev))
            return SW_ERR_FACTS;
        yaml_event_delete(&ev);
    }
    s->next = byte_offset(r, r->last_end);
    if (!s->json && limit < s->len && s->next >= limit) {
        report_unreadable(r, limit); /* the refused character belongs to this document */
        return SW_ERR_FACTS;
    }
    return SW_OK;
}

static void reader_init(reader *r, sw_facts_stream *s, sw_diagnostics *diags)
{
    memset(r, 0, sizeof *r);
    r->sink.diags = diags;
    r->sink.file = s->name;
    r->sink.text = s->data;
    r->sink.len = s->len;
    r->prog = s->prog;
    r->json = s->json;
    r->base = s->next;
    r->limit = s->unreadable;
    r->first_at = s->first_at;
}

/* Reads the document at s->next with a fresh parser. */
static sw_status next_document(sw_facts_stream *s, sw_diagnostics *diags, sw_facts **out, int *empty)
{
    if (s->unreadable < s->next)
        s->unreadable = first_unreadable(s->data, s->len, s->next);
    size_t limit = s->unreadable;
    reader r;
    reader_init(&r, s, diags);
    if (!yaml_parser_initialize(&r.parser))
        return SW_ERR_NOMEM;
    yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
    r.feed.next = s->data + s->next;
    r.feed.left = limit - s->next;
    yaml_parser_set_input(&r.parser, feed_read, &r.feed);
    sw_status st = parse_document(s, &r, limit, empty);
    yaml_parser_delete(&r.parser);
    if (r.sink.nomem) {
        st = SW_ERR_NOMEM;
    } else if (r.broken) {
        if (!r.begun) { /* broken before libyaml saw where it starts */
            s->position++;
            s->last_start = r.error_at;
        }
        s->next = resync(s, s->last_start, r.error_at);
    } else if (st == SW_OK && r.sink.errors) {
        st = SW_ERR_FACTS;
    }
    if (st == SW_OK && !*empty)
        *out = r.facts;
    else
        sw_facts_free(r.facts);
    return st;
}

static char *copy_name(const char *name)
{
    size_t n = strlen(name) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, name, n);
    return p;
}

sw_status sw_facts_stream_open(const sw_ruleset *rules, const char *name, const char *data,
                               size_t len, sw_facts_stream **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules || (!data && len))
        return SW_ERR_ARG;
    sw_facts_stream *s = calloc(1, sizeof *s);
    if (!s)
        return SW_ERR_NOMEM;
    s->rules = rules;
    s->prog = &rules->prog;
    s->name = copy_name(name ? name : "<facts>");
    s->first_at = malloc((s->prog->nbase ? s->prog->nbase : 1) * sizeof *s->first_at);
    if (!s->name || !s->first_at) {
        sw_facts_stream_free(s);
        return SW_ERR_NOMEM;
    }
    s->data = data ? data : "";
    s->len = len;
    s->json = starts_json(s->data, len);
    /* libyaml, told the encoding, would count a byte order mark as a column */
    s->next = has_bom(s->data, len) ? 3 : 0;
    s->unreadable = first_unreadable(s->data, len, s->next);
    *out = s;
    return SW_OK;
}

sw_status sw_facts_stream_next(sw_facts_stream *s, sw_facts **out, sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!s)
        return SW_ERR_ARG;
    for (;;) { /* empty documents ("---" with nothing after it) are passed over */
        if (s->done)
            return SW_END;
        int empty = 0;
        sw_status st = next_document(s, diags, out, &empty);
        if (st == SW_END || st == SW_ERR_NOMEM)
            s->done = 1; /* after running out of memory the stream's place is lost */
        if (st != SW_OK || !empty)
            return st;
    }
}

size_t sw_facts_stream_position(const sw_facts_stream *s) { return s ? s->position : 0; }

void sw_facts_stream_free(sw_facts_stream *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->first_at);
    free(s);
}

/* After the one document sw_facts_parse wants: anything more is an error. */
static sw_status expect_no_more(sw_facts_stream *s, sw_diagnostics *diags)
{
    sw_facts *extra = NULL;
    sw_status st = sw_facts_stream_next(s, &extra, diags);
    sw_facts_free(extra);
    if (st == SW_END || st == SW_ERR_NOMEM)
        return st == SW_END ? SW_OK : st;
    sink k = {diags, s->name, s->data, s->len, 0, 0};
    report(&k, E_SECOND_DOC, where_at(&k, s->last_start, 1), NULL,
           "give one client per input, or read the input as a stream",
           "expected one client document, found another");
    return k.nomem ? SW_ERR_NOMEM : SW_ERR_FACTS;
}

sw_status sw_facts_parse(const sw_ruleset *rules, const char *name, const char *data, size_t len,
                         sw_facts **out, sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    sw_facts_stream *s;
    sw_status st = sw_facts_stream_open(rules, name, data, len, &s);
    if (st != SW_OK)
        return st;
    sw_facts *facts = NULL;
    st = sw_facts_stream_next(s, &facts, diags);
    if (st == SW_END) {
        sink k = {diags, s->name, s->data, s->len, 0, 0};
        report(&k, E_NOT_CLIENT, where_at(&k, 0, 0), NULL,
               "a client document is a mapping with a 'facts' key",
               "the input holds no client document");
        st = k.nomem ? SW_ERR_NOMEM : SW_ERR_FACTS;
    } else if (st == SW_OK) {
        st = expect_no_more(s, diags);
    }
    sw_facts_stream_free(s);
    if (st == SW_OK)
        *out = facts;
    else
        sw_facts_free(facts);
    return st;
}

/* ---- facts built in code ---------------------------------------------------- */

sw_status sw_facts_new(const sw_ruleset *rules, sw_facts **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules)
        return SW_ERR_ARG;
    sw_facts *f = calloc(1, sizeof *f);
    if (!f)
        return SW_ERR_NOMEM;
    f->prog = &rules->prog;
    f->values = sw_arena_array(&f->arena, f->prog->nbase ? f->prog->nbase : 1, sizeof *f->values);
    if (!f->values) {
        sw_facts_free(f);
        return SW_ERR_NOMEM;
    }
    *out = f;
    return SW_OK;
}

void sw_facts_free(sw_facts *f)
{
    if (!f)
        return;
    sw_arena_free(&f->arena);
    free(f);
}

const char *sw_facts_client(const sw_facts *f) { return f ? f->client : NULL; }

sw_status sw_facts_set_client(sw_facts *f, const char *client_id)
{
    if (!f || (client_id && !*client_id))
        return SW_ERR_ARG;
    if (!client_id) {
        f->client = NULL;
        return SW_OK;
    }
    const char *copy = sw_arena_strdup(&f->arena, client_id);
    if (!copy)
        return SW_ERR_NOMEM;
    f->client = copy;
    return SW_OK;
}

static sink api_sink(sw_diagnostics *diags)
{
    sink s = {diags, NULL, NULL, 0, 0, 0};
    return s;
}

static sw_status failed(const sink *s) { return s->nomem ? SW_ERR_NOMEM : SW_ERR_FACTS; }

/* A value given in code, as the rule language writes it: "a quoted string" for text. */
static scalar api_text(const char *text)
{
    scalar sc = {text, strlen(text), 1, nowhere()};
    return sc;
}

sw_status sw_facts_set_assessed_on(sw_facts *f, const char *iso_date, sw_diagnostics *diags)
{
    static const sw_type date = {SW_T_DATE, 0, 0, 0, 0, 0, 0};
    if (!f)
        return SW_ERR_ARG;
    if (!iso_date) {
        f->has_assessed_on = 0;
        return SW_OK;
    }
    sink s = api_sink(diags);
    subject sub = {f->prog, &date, "assessed_on", NULL, 0};
    scalar sc = api_text(iso_date);
    sw_value v = {0, {0}};
    if (!scalar_value(&s, &sc, &sub, &f->arena, &v))
        return failed(&s);
    f->assessed_on = (int32_t)v.u.i;
    f->has_assessed_on = 1;
    return SW_OK;
}

/* The base fact named fact, which a setter may write; else a status, reported. */
static sw_status settable(sw_facts *f, const char *fact, sink *s, const sw_fact_def **def)
{
    if (!f || !fact)
        return SW_ERR_ARG;
    const sw_fact_def *d = sw_program_fact(f->prog, fact, strlen(fact));
    if (!d) {
        report_unknown_fact(s, nowhere(), f->prog, fact);
        return s->nomem ? SW_ERR_NOMEM : SW_ERR_ARG;
    }
    if (d->derived) {
        report_derived(s, nowhere(), d->name);
        return failed(s);
    }
    *def = d;
    return SW_OK;
}

static subject fact_subject(const sw_facts *f, const sw_fact_def *def)
{
    subject sub = {f->prog, &def->type, def->name, NULL, 1};
    return sub;
}

static sw_status store(sw_facts *f, const sw_fact_def *def, sw_value v)
{
    v.known = 1;
    f->values[def->slot] = v;
    return SW_OK;
}

/* A value of the wrong kind or out of range; found is v written in type t. */
static sw_status refuse(sw_facts *f, sink *s, const char *code, const sw_fact_def *def,
                        sw_type_kind kind, sw_value v)
{
    sw_type t = {(uint8_t)kind, 0, 0, 0, 0, 0, 0};
    sw_buf found = SW_BUF_INIT;
    subject sub = fact_subject(f, def);
    v.known = 1;
    sw_value_format(f->prog, &t, v, &found);
    report_value(s, code, nowhere(), &sub, found.data ? found.data : "", NULL);
    if (sw_buf_failed(&found))
        s->nomem = 1;
    sw_buf_free(&found);
    return failed(s);
}

sw_status sw_facts_set_bool(sw_facts *f, const char *fact, int value, sw_diagnostics *diags)
{
    sink s = api_sink(diags);
    const sw_fact_def *def;
    sw_status st = settable(f, fact, &s, &def);
    if (st != SW_OK)
        return st;
    sw_value v = {1, {.i = value != 0}};
    if (def->type.kind != SW_T_BOOL)
        return refuse(f, &s, E_TYPE, def, SW_T_BOOL, v);
    return store(f, def, v);
}

sw_status sw_facts_set_int(sw_facts *f, const char *fact, int64_t value, sw_diagnostics *diags)
{
    sink s = api_sink(diags);
    const sw_fact_def *def;
    sw_status st = settable(f, fact, &s, &def);
    if (st != SW_OK)
        return st;
    sw_value v = {1, {.i = value}};
    if (def->type.kind == SW_T_NUMBER) { /* a whole number is a number too */
        sw_value n = {1, {.n = (double)value}};
        return number_in_range(&def->type, n.u.n) ? store(f, def, n)
                                                 : refuse(f, &s, E_RANGE, def, SW_T_INT, v);
    }
    if (def->type.kind != SW_T_INT)
        return refuse(f, &s, E_TYPE, def, SW_T_INT, v);
    if (!int_in_range(&def->type, value))
        return refuse(f, &s, E_RANGE, def, SW_T_INT, v);
    return store(f, def, v);
}

sw_status sw_facts_set_number(sw_facts *f, const char *fact, double value, sw_diagnostics *diags)
{
    sink s = api_sink(diags);
    const sw_fact_def *def;
    sw_status st = settable(f, fact, &s, &def);
    if (st != SW_OK)
        return st;
    sw_value v = {1, {.n = value}};
    int whole = isfinite(value) && value == floor(value) && fabs(value) < 9.0e18;
    if (def->type.kind == SW_T_INT && whole) { /* a number with no fraction is a whole number */
        sw_value i = {1, {.i = (int64_t)value}};
        return int_in_range(&def->type, i.u.i) ? store(f, def, i)
                                               : refuse(f, &s, E_RANGE, def, SW_T_NUMBER, v);
    }
    if (def->type.kind != SW_T_NUMBER || !isfinite(value))
        return refuse(f, &s, E_TYPE, def, SW_T_NUMBER, v);
    if (!number_in_range(&def->type, value))
        return refuse(f, &s, E_RANGE, def, SW_T_NUMBER, v);
    return store(f, def, v);
}

sw_status sw_facts_set_text(sw_facts *f, const char *fact, const char *value, sw_diagnostics *diags)
{
    sink s = api_sink(diags);
    const sw_fact_def *def;
    if (!value)
        return SW_ERR_ARG;
    sw_status st = settable(f, fact, &s, &def);
    if (st != SW_OK)
        return st;
    subject sub = fact_subject(f, def);
    scalar sc = api_text(value);
    sw_value v = {0, {0}};
    uint8_t kind = def->type.kind;
    if (kind != SW_T_ENUM && kind != SW_T_DATE && kind != SW_T_TEXT) {
        report_scalar(&s, E_TYPE, &sc, &sub, NULL);
        return failed(&s);
    }
    if (!scalar_value(&s, &sc, &sub, &f->arena, &v))
        return failed(&s);
    return store(f, def, v);
}

static void check_member(sink *s, const subject *sub, size_t index, const char *member,
                         uint64_t *bits)
{
    const sw_enum *e = &sub->prog->enums[sub->type->enumeration];
    int k = sw_enum_find(e, member, strlen(member));
    if (k >= 0 && !(*bits & (UINT64_C(1) << k))) {
        *bits |= UINT64_C(1) << k;
        return;
    }
    if (k >= 0) {
        report_member_twice(s, nowhere(), sub, (long)index, e->members[k]);
        return;
    }
    sw_buf found = SW_BUF_INIT;
    quote_found(&found, member, strlen(member), 1);
    report_not_in_set(s, E_MEMBER, nowhere(), sub, (long)index, member, found.data);
    if (sw_buf_failed(&found))
        s->nomem = 1;
    sw_buf_free(&found);
}

sw_status sw_facts_set_members(sw_facts *f, const char *fact, const char *const *members,
                               size_t nmembers, sw_diagnostics *diags)
{
    sink s = api_sink(diags);
    const sw_fact_def *def;
    if (!members && nmembers)
        return SW_ERR_ARG;
    for (size_t i = 0; i < nmembers; i++)
        if (!members[i])
            return SW_ERR_ARG;
    sw_status st = settable(f, fact, &s, &def);
    if (st != SW_OK)
        return st;
    subject sub = fact_subject(f, def);
    if (def->type.kind != SW_T_SET) {
        report_value(&s, E_TYPE, nowhere(), &sub, "a list of members", NULL);
        return failed(&s);
    }
    uint64_t bits = 0;
    for (size_t i = 0; i < nmembers; i++)
        check_member(&s, &sub, i, members[i], &bits);
    if (s.errors)
        return failed(&s);
    sw_value v = {1, {.bits = bits}};
    return store(f, def, v);
}

sw_status sw_facts_set_unknown(sw_facts *f, const char *fact)
{
    sink s = api_sink(NULL);
    const sw_fact_def *def;
    sw_status st = settable(f, fact, &s, &def);
    if (st != SW_OK)
        return st;
    sw_value unknown = {0, {0}};
    f->values[def->slot] = unknown;
    return SW_OK;
}

/* ---- the canonical form ---------------------------------------------------- */

void sw_facts_canonical(const sw_facts *f, sw_buf *out)
{
    char date[11] = "unknown";
    if (f->has_assessed_on)
        sw_date_format(f->assessed_on, date);
    sw_buf_printf(out, "assessed_on=%s\n", date);
    for (uint32_t i = 0; i < f->prog->nbase; i++) {
        const sw_fact_def *def = &f->prog->facts[i];
        sw_buf_printf(out, "%s=", def->name);
        sw_value_format(f->prog, &def->type, f->values[def->slot], out);
        sw_buf_putc(out, '\n');
    }
}
