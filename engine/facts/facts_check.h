/*
 * facts_check.h - what the facts reader (facts_read.c) and the setters (facts.c)
 * share: where a value came from (a site), the diagnostics they tell, the checks
 * of a value against the rule set's schema, and numbers as a document writes
 * them (facts_check.c). Internal to engine/facts.
 */
#ifndef SW_FACTS_CHECK_H
#define SW_FACTS_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <yaml.h>

#include "facts/facts.h"

/* Documented limits (docs/facts-format.md, code F012). */
#define FACTS_MAX_INPUT ((size_t)SW_LIMIT_FACTS_BYTES)
#define FACTS_MAX_NESTING SW_LIMIT_FACTS_NESTING
#define FACTS_MAX_KEYS SW_LIMIT_FACTS_KEYS
#define FACTS_MAX_TEXT ((size_t)SW_LIMIT_FACTS_TEXT)

#define SOURCE_LINE_MAX 4096u /* longer lines are not quoted in diagnostics */
#define SHOWN_MAX 40u         /* characters of a value repeated in a message */

#define DATE_HINT "write a real date as YYYY-MM-DD, " SW_DATE_RANGE_TEXT ", e.g. 2026-11-20"

typedef struct sw_facts_stream sw_facts_stream;

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

static inline void buf_reset(sw_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static inline const char *buf_text(const sw_buf *b) { return b->data && !b->failed ? b->data : ""; }

typedef enum number_syntax { NUM_OK, NUM_SYNTAX, NUM_LEADING_ZERO, NUM_OVERFLOW } number_syntax;

static inline int sw_facts_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void sw_facts_vreport(site *s, const char *code, const char *hint, const char *fmt, va_list ap);

void sw_facts_report(site *s, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A problem that makes the input not a facts document at all (not YAML or JSON, or
 * not one document): the diagnostics say so (sw_diagnostics_malformed), which is
 * how the service tells 400 from 422 without reading codes. */
void sw_facts_report_malformed(site *s, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A value as the message repeats it: at most SHOWN_MAX characters, on one line. */
void sw_facts_show_value(sw_buf *b, const char *text, size_t len);

/* The text "text", with the text shown as sw_facts_show_value shows it. */
void sw_facts_show_quoted_text(sw_buf *b, const char *text, size_t len);

/* "'phq9' must be TYPE, not GOT" - or "each member of 'substances' must be ..." -
 * the one shape of every value problem. */
void sw_facts_report_value(site *s, const char *code, const sw_program *p, const char *name,
                         int member, const sw_type *t, const char *got, const char *hint);

/* As report_value, with the offending scalar shown (as quoted text when asked). */
void sw_facts_report_scalar(site *s, const char *code, const sw_program *p, const char *name,
                          int member, const sw_type *t, const char *text, size_t len, int as_text,
                          const char *hint);

/* "did you mean X?" into hint, or nothing when no candidate is close. */
void sw_facts_suggest(sw_buf *hint, const char *word, const char *const *candidates, size_t n);

const char *sw_facts_hint_or(const sw_buf *hint, const char *otherwise);

void sw_facts_report_unknown_fact(site *s, const sw_program *p, const char *name);

void sw_facts_report_derived(site *s, const char *name);

/* name NULL: a key is too long. */
void sw_facts_report_too_long(site *s, const char *name);

int sw_facts_int_fits(const sw_type *t, int64_t v);

int sw_facts_number_fits(const sw_type *t, double v);

int sw_facts_check_int(site *s, const sw_program *p, const char *name, const sw_type *t, int64_t v,
                     const char *shown);

int sw_facts_check_number(site *s, const sw_program *p, const char *name, const sw_type *t,
                          double v, const char *shown);

/* A member of t's enumeration (t is ENUM or SET; member: one entry of a set's
 * list); text is NUL-terminated at len. */
int sw_facts_check_member(site *s, const sw_program *p, const char *name, int member,
                        const sw_type *t, const char *text, size_t len, int *index);

int sw_facts_check_date(site *s, const char *name, const char *text, size_t len, int32_t *days);

void sw_facts_report_duplicate_member(site *s, const char *member, const char *fact);

/* [+-]digits, decimal, no leading zeros. */
number_syntax sw_facts_parse_int(const char *s, size_t len, int64_t *out);

/* [+-]digits[.digits][(e|E)[+-]digits], no leading zeros. */
number_syntax sw_facts_number_shape(const char *s, size_t len);

/* Exact when the digits fit in 53 bits and the power of ten is small (Clinger's fast
 * path), which covers clinical values without depending on the C locale's decimal
 * point; anything else goes through strtod. s is NUL-terminated at len. */
double sw_facts_decimal_value(const char *s, size_t len);

/* Whether text is empty or only blank space: no identifier at all. */
int sw_facts_blank_text(const char *text, size_t len);

/* New, empty facts for the program (facts.c); NULL when memory ran out. */
sw_facts *sw_facts_create(const sw_program *p);

#endif
