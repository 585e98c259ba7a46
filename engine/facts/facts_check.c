/*
 * facts_check.c - what the reader and the setters say about a value: the
 * diagnostics (each with its line, column and the field's path), the checks of a
 * value against the rule set's schema, and numbers as a document writes them
 * (facts_check.h).
 *
 * Stage facts/ - one client's facts in the program's slots.
 * May use: util/, lang/, compile/. (tests/layout checks it.)
 */
#include "facts/facts_check.h"

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

#include "facts/facts_read.h"

/* ==== Reporting: where a value came from, and what is said about it ========== */


void sw_facts_vreport(site *s, const char *code, const char *hint, const char *fmt, va_list ap)
{
    s->errors++;
    if (!s->diags)
        return;
    if (s->pending) {
        const char *field = s->field;
        sw_facts_site_at_mark(s->stream, s, s->mark);
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

void sw_facts_report(site *s, const char *code, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sw_facts_vreport(s, code, hint, fmt, ap);
    va_end(ap);
}

/* A problem that makes the input not a facts document at all (not YAML or JSON, or
 * not one document): the diagnostics say so (sw_diagnostics_malformed), which is
 * how the service tells 400 from 422 without reading codes. */
void sw_facts_report_malformed(site *s, const char *code, const char *hint, const char *fmt, ...)
{
    sw_diag_mark_malformed(s->diags);
    va_list ap;
    va_start(ap, fmt);
    sw_facts_vreport(s, code, hint, fmt, ap);
    va_end(ap);
}

/* A value as the message repeats it: at most SHOWN_MAX characters, on one line. */
void sw_facts_show_value(sw_buf *b, const char *text, size_t len)
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

void sw_facts_show_quoted_text(sw_buf *b, const char *text, size_t len)
{
    sw_buf_puts(b, "the text \"");
    sw_facts_show_value(b, text, len);
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
void sw_facts_report_value(site *s, const char *code, const sw_program *p, const char *name,
                         int member, const sw_type *t, const char *got, const char *hint)
{
    sw_buf want = SW_BUF_INIT;
    describe_type(p, t, &want);
    sw_facts_report(s, code, hint, "%s'%s' must be %s, not %s", member ? "each member of " : "",
                    name, buf_text(&want), got);
    sw_buf_free(&want);
}

/* As report_value, with the offending scalar shown (as quoted text when asked). */
void sw_facts_report_scalar(site *s, const char *code, const sw_program *p, const char *name,
                          int member, const sw_type *t, const char *text, size_t len, int as_text,
                          const char *hint)
{
    sw_buf got = SW_BUF_INIT;
    if (as_text)
        sw_facts_show_quoted_text(&got, text, len);
    else
        sw_facts_show_value(&got, text, len);
    sw_facts_report_value(s, code, p, name, member, t, buf_text(&got), hint);
    sw_buf_free(&got);
}

/* "did you mean X?" into hint, or nothing when no candidate is close. */
void sw_facts_suggest(sw_buf *hint, const char *word, const char *const *candidates, size_t n)
{
    const char *near = sw_suggest(word, candidates, n);
    if (near)
        sw_buf_printf(hint, "did you mean '%s'?", near);
}

const char *sw_facts_hint_or(const sw_buf *hint, const char *otherwise)
{
    return hint->len && !hint->failed ? hint->data : otherwise;
}

void sw_facts_report_unknown_fact(site *s, const sw_program *p, const char *name)
{
    sw_buf hint = SW_BUF_INIT;
    const char **names = sw_mem_alloc(p->arena.mem, (p->nbase ? p->nbase : 1) * sizeof *names);
    if (names) {
        for (uint32_t i = 0; i < p->nbase; i++)
            names[i] = p->facts[i].name;
        sw_facts_suggest(&hint, name, names, p->nbase);
        sw_mem_free(p->arena.mem, names, 0);
    }
    sw_buf shown = SW_BUF_INIT;
    sw_facts_show_value(&shown, name, strlen(name));
    sw_facts_report(
        s, "F003",
        sw_facts_hint_or(&hint, "check the name against the facts the rule set declares"),
        "unknown fact '%s': the rule set declares no fact of that name", buf_text(&shown));
    sw_buf_free(&shown);
    sw_buf_free(&hint);
}

void sw_facts_report_derived(site *s, const char *name)
{
    sw_buf hint = SW_BUF_INIT;
    sw_buf_printf(&hint, "remove '%s' from the facts", name);
    sw_facts_report(s, "F008", buf_text(&hint),
           "'%s' is a derived fact: the rules work it out, so it cannot be given", name);
    sw_buf_free(&hint);
}

/* name NULL: a key is too long. */
void sw_facts_report_too_long(site *s, const char *name)
{
    sw_facts_report(s, "F012", "keep long notes outside the facts",
           "%s%s%s is longer than the limit of 64 KiB (65536 bytes)", name ? "'" : "",
           name ? name : "a key", name ? "'" : "");
}

/* ==== Checking values against the schema (shared by reader and setters) ===== */

int sw_facts_int_fits(const sw_type *t, int64_t v)
{
    return !t->has_range || (v >= t->imin && v <= t->imax);
}

int sw_facts_number_fits(const sw_type *t, double v)
{
    return isfinite(v) && (!t->has_range || (v >= t->nmin && v <= t->nmax));
}

int sw_facts_check_int(site *s, const sw_program *p, const char *name, const sw_type *t, int64_t v,
                     const char *shown)
{
    if (sw_facts_int_fits(t, v))
        return 1;
    sw_facts_report_value(s, "F005", p, name, 0, t, shown, NULL);
    return 0;
}

int sw_facts_check_number(site *s, const sw_program *p, const char *name, const sw_type *t,
                          double v, const char *shown)
{
    if (sw_facts_number_fits(t, v))
        return 1;
    sw_facts_report_value(s, "F005", p, name, 0, t, shown, NULL);
    return 0;
}

/* A member of t's enumeration (t is ENUM or SET; member: one entry of a set's
 * list); text is NUL-terminated at len. */
int sw_facts_check_member(site *s, const sw_program *p, const char *name, int member,
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
    sw_facts_suggest(&hint, text, e->members, e->nmembers);
    sw_facts_report_scalar(s, "F006", p, name, member, &one_of, text, len, 0,
                           sw_facts_hint_or(&hint, NULL));
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

int sw_facts_check_date(site *s, const char *name, const char *text, size_t len, int32_t *days)
{
    sw_date_status ds = sw_date_read(text, len, days);
    if (ds == SW_DATE_OK)
        return 1;
    sw_buf got = SW_BUF_INIT;
    sw_facts_show_value(&got, text, len);
    if (ds == SW_DATE_TOO_EARLY)
        sw_facts_report(s, "F009", DATE_HINT, "'%s' must be a date " SW_DATE_RANGE_TEXT ", not %s",
                        name, buf_text(&got));
    else if (shaped_like_date(text, len))
        sw_facts_report(s, "F009", DATE_HINT, "'%s' must be a real calendar date, not %s", name,
               buf_text(&got));
    else
        sw_facts_report(s, "F009", DATE_HINT, "'%s' must be a date written YYYY-MM-DD, not %s",
                        name, buf_text(&got));
    sw_buf_free(&got);
    return 0;
}

void sw_facts_report_duplicate_member(site *s, const char *member, const char *fact)
{
    sw_facts_report(s, "F007", "list each member once", "'%s' is listed twice in '%s'", member,
                    fact);
}

/* ==== Reading numbers as written ============================================ */

static size_t skip_digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* [+-]digits, decimal, no leading zeros. */
number_syntax sw_facts_parse_int(const char *s, size_t len, int64_t *out)
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
number_syntax sw_facts_number_shape(const char *s, size_t len)
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
double sw_facts_decimal_value(const char *s, size_t len)
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

/* Whether text is empty or only blank space: no identifier at all. */
int sw_facts_blank_text(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!sw_facts_is_blank(text[i]))
            return 0;
    return 1;
}

