/*
 * jsonread.c - JSON into a tree of sw_jnode, on libyaml's event parser (see
 * jsonread.h for what is kept and what is refused).
 */
#include "util/jsonread.h"

#include "util/lookup.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
    sw_jnode *node;
    sw_jnode **tail;          /* where the next child is linked */
    size_t members;
    const char *key;          /* objects: the member name read, waiting for its value */
    size_t key_len;
} frame;

typedef struct reader {
    sw_jdoc *doc;
    const unsigned char *s;   /* what libyaml reads: the text, or its rewritten copy */
    size_t n;
    const unsigned char *text; /* the caller's text */
    size_t n_text;
    size_t *shifts;           /* positions in s after each rewritten surrogate pair */
    size_t nshifts;
    size_t char_at, byte_at;  /* libyaml marks count characters; this converts */
    frame stack[SW_JREAD_MAX_DEPTH + 1];
    unsigned depth;
} reader;

static int hex4(const unsigned char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return 0;
        *v = *v << 4 | d;
    }
    return 1;
}

/* libyaml refuses the escaped surrogate pairs of JSON ("\ud83d\ude00"), which
 * YAML writes as one escape ("\U0001F600"). Each pair in a string is rewritten
 * so, two bytes shorter; shifts remembers where, so that positions are given in
 * the caller's text. Returns 0, or -1 when memory runs out. */
static int rewrite_pairs(reader *r, const unsigned char *t, size_t n)
{
    unsigned char *out = NULL;
    size_t k = 0, cap = 0;
    int in_string = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hi, lo;
        if (t[i] == '"')
            in_string = !in_string;
        if (!in_string || t[i] != '\\' || i + 1 >= n)
            goto copy;
        if (t[i + 1] == 'u' && i + 12 <= n && hex4(t + i + 2, &hi) && hi >= 0xD800 &&
            hi <= 0xDBFF && t[i + 6] == '\\' && t[i + 7] == 'u' && hex4(t + i + 8, &lo) &&
            lo >= 0xDC00 && lo <= 0xDFFF) {
            if (out == NULL) {
                cap = n + 1;
                out = malloc(cap);
                size_t *shifts = malloc((n / 12 + 1) * sizeof *shifts);
                if (out == NULL || shifts == NULL) {
                    free(out);
                    free(shifts);
                    return -1;
                }
                r->shifts = shifts;
                memcpy(out, t, i);
                k = i;
            }
            unsigned cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            k += (size_t)snprintf((char *)out + k, cap - k, "\\U%08X", cp);
            r->shifts[r->nshifts++] = k;
            i += 11;
            continue;
        }
        if (out != NULL)
            out[k++] = t[i];
        i++;                      /* the escaped character is copied below */
    copy:
        if (out != NULL)
            out[k++] = t[i];
    }
    if (out != NULL) {
        r->s = out;
        r->n = k;
    }
    return 0;
}

/* A position in what libyaml read, as a byte offset in the caller's text. */
static int shift_at_or_before(const void *table, size_t i, const void *key)
{
    return ((const size_t *)table)[i] <= *(const size_t *)key ? -1 : 1;
}

static size_t original(const reader *r, size_t at)
{
    return at + 2 * sw_lower_bound(r->shifts, r->nshifts, shift_at_or_before, &at);
}

/* The byte offset of the character at index ch (marks only move forward, so the
 * walk is linear over the whole document; a step back starts again). */
static size_t byte_of(reader *r, size_t ch)
{
    if (ch < r->char_at) {
        r->char_at = 0;
        r->byte_at = 0;
    }
    while (r->char_at < ch && r->byte_at < r->n) {
        r->byte_at++;
        while (r->byte_at < r->n && sw_utf8_continues((unsigned char)r->s[r->byte_at]))
            r->byte_at++;
        r->char_at++;
    }
    return original(r, r->byte_at);
}

static int fail(reader *r, yaml_mark_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(reader *r, yaml_mark_t at, const char *fmt, ...)
{
    char what[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->doc->error, sizeof r->doc->error, "line %zu, column %zu: %s", at.line + 1,
             at.column + 1, what);
    return -1;
}

static int nomem(reader *r)
{
    r->doc->nomem = 1;
    snprintf(r->doc->error, sizeof r->doc->error, "out of memory");
    return -1;
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        size_t from = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == from)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t from = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == from)
            return 0;
    }
    return i == n;
}

static char *copy_text(reader *r, const unsigned char *s, size_t n)
{
    char *t = sw_arena_alloc(&r->doc->arena, n + 1);
    if (t != NULL) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

static int refuse_decoration(reader *r, const yaml_event_t *ev, const unsigned char *anchor,
                             const unsigned char *tag, int implicit)
{
    if (anchor != NULL)
        return fail(r, ev->start_mark, "an anchor ('&') is not JSON");
    if (tag != NULL && !implicit)
        return fail(r, ev->start_mark, "a tag ('!') is not JSON");
    return 0;
}

/* Links a new value into the current container (or makes it the root). */
static sw_jnode *add_node(reader *r, const yaml_event_t *ev, sw_jtype type)
{
    sw_jnode *node = sw_arena_alloc(&r->doc->arena, sizeof *node);
    if (node == NULL)
        return NULL;
    node->type = type;
    node->start = byte_of(r, ev->start_mark.index);
    node->line = ev->start_mark.line + 1;
    node->column = ev->start_mark.column + 1;
    if (r->depth == 0) {
        r->doc->root = node;
        return node;
    }
    frame *f = &r->stack[r->depth - 1];
    if (f->node->type == SW_JOBJECT) {
        node->key = f->key;
        node->key_len = f->key_len;
        f->key = NULL;
    }
    *f->tail = node;
    f->tail = &node->next;
    f->members++;
    return node;
}

static int scalar(reader *r, const yaml_event_t *ev)
{
    const yaml_char_t *v = ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    yaml_scalar_style_t style = ev->data.scalar.style;
    frame *f = r->depth > 0 ? &r->stack[r->depth - 1] : NULL;

    if (refuse_decoration(r, ev, ev->data.scalar.anchor, ev->data.scalar.tag,
                          ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit) != 0)
        return -1;
    if (f != NULL && f->node->type == SW_JOBJECT && f->key == NULL) {
        if (style != YAML_DOUBLE_QUOTED_SCALAR_STYLE)
            return fail(r, ev->start_mark, "expected a member name in double quotes");
        if (f->members >= SW_JREAD_MAX_MEMBERS)
            return fail(r, ev->start_mark, "more than %d members in one object",
                        SW_JREAD_MAX_MEMBERS);
        f->key = copy_text(r, v, n);
        f->key_len = n;
        return f->key != NULL ? 0 : nomem(r);
    }
    sw_jtype type;
    int boolean = 0;
    if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        type = SW_JSTRING;
    else if (style != YAML_PLAIN_SCALAR_STYLE)
        return fail(r, ev->start_mark, "expected a JSON value (strings take double quotes)");
    else if (n == 4 && memcmp(v, "null", 4) == 0)
        type = SW_JNULL;
    else if ((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0)) {
        type = SW_JBOOL;
        boolean = n == 4;
    } else if (is_json_number((const char *)v, n))
        type = SW_JNUMBER;
    else if (n == 0)
        return fail(r, ev->start_mark, "expected a value");
    else
        return fail(r, ev->start_mark, "expected a JSON value, found unquoted text '%.40s'",
                    (const char *)v);
    sw_jnode *node = add_node(r, ev, type);
    if (node == NULL)
        return nomem(r);
    node->boolean = boolean;
    node->end = byte_of(r, ev->end_mark.index);
    if (type == SW_JSTRING)
        for (size_t i = node->start; i < node->end && i < r->n_text; i++)
            if (r->text[i] < 0x20)
                return fail(r, ev->start_mark, "control character in a string (escape it)");
    if (type == SW_JSTRING || type == SW_JNUMBER) {
        node->text = copy_text(r, v, n);
        node->text_len = n;
        if (node->text == NULL)
            return nomem(r);
    }
    return 0;
}

static int open_container(reader *r, const yaml_event_t *ev, sw_jtype type)
{
    int mapping = type == SW_JOBJECT;
    const unsigned char *anchor = mapping ? ev->data.mapping_start.anchor
                                          : ev->data.sequence_start.anchor;
    const unsigned char *tag = mapping ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    int implicit = mapping ? ev->data.mapping_start.implicit : ev->data.sequence_start.implicit;
    int flow = mapping ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                       : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;

    if (refuse_decoration(r, ev, anchor, tag, implicit) != 0)
        return -1;
    if (!flow)
        return fail(r, ev->start_mark, "expected a JSON value, found YAML block style");
    if (r->depth > 0) {
        frame *f = &r->stack[r->depth - 1];
        if (f->node->type == SW_JOBJECT && f->key == NULL)
            return fail(r, ev->start_mark, "expected a member name in double quotes");
    }
    if (r->depth >= SW_JREAD_MAX_DEPTH)
        return fail(r, ev->start_mark, "nested more than %d levels deep", SW_JREAD_MAX_DEPTH);
    sw_jnode *node = add_node(r, ev, type);
    if (node == NULL)
        return nomem(r);
    frame *f = &r->stack[r->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->tail = &node->first;
    return 0;
}

static int cmp_member(const void *a, const void *b)
{
    const sw_jnode *x = *(const sw_jnode *const *)a, *y = *(const sw_jnode *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    if (c != 0)
        return c;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Duplicate member names, found by sorting (an object holds at most
 * SW_JREAD_MAX_MEMBERS): the later of the two is reported. */
static int check_duplicates(reader *r, const frame *f)
{
    if (f->members < 2)
        return 0;
    const sw_jnode **v = malloc(f->members * sizeof *v);
    if (v == NULL)
        return nomem(r);
    size_t k = 0;
    for (const sw_jnode *m = f->node->first; m != NULL; m = m->next)
        v[k++] = m;
    qsort(v, k, sizeof *v, cmp_member);
    const sw_jnode *dup = NULL;
    for (size_t i = 1; i < k; i++)
        if (v[i]->key_len == v[i - 1]->key_len && memcmp(v[i]->key, v[i - 1]->key, v[i]->key_len) == 0 &&
            (dup == NULL || v[i]->start < dup->start))
            dup = v[i];
    free(v);
    if (dup == NULL)
        return 0;
    yaml_mark_t at = {0, dup->line - 1, dup->column - 1};
    return fail(r, at, "duplicate member name '%.40s'", dup->key);
}

static int close_container(reader *r, const yaml_event_t *ev)
{
    frame *f = &r->stack[--r->depth];
    f->node->end = byte_of(r, ev->end_mark.index);
    return f->node->type == SW_JOBJECT ? check_duplicates(r, f) : 0;
}

static int read_event(reader *r, const yaml_event_t *ev, int *documents, int *done)
{
    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_NO_EVENT:
        return 0;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return 0;
    case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1)
            return fail(r, ev->start_mark, "unexpected text after the JSON value");
        if (!ev->data.document_start.implicit || ev->data.document_start.version_directive)
            return fail(r, ev->start_mark, "a YAML document marker is not JSON");
        return 0;
    case YAML_ALIAS_EVENT:
        return fail(r, ev->start_mark, "an alias ('*') is not JSON");
    case YAML_SCALAR_EVENT:
        return scalar(r, ev);
    case YAML_SEQUENCE_START_EVENT:
        return open_container(r, ev, SW_JARRAY);
    case YAML_MAPPING_START_EVENT:
        return open_container(r, ev, SW_JOBJECT);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return close_container(r, ev);
    }
    return 0;
}

int sw_jdoc_parse(sw_jdoc *doc, const char *text, size_t len)
{
    memset(doc, 0, sizeof *doc);
    reader *r = calloc(1, sizeof *r);
    if (r == NULL) {
        doc->nomem = 1;
        snprintf(doc->error, sizeof doc->error, "out of memory");
        return -1;
    }
    r->doc = doc;
    r->s = (const unsigned char *)text;
    r->n = len;
    r->text = r->s;
    r->n_text = len;
    if (rewrite_pairs(r, r->s, len) != 0) {
        free(r);
        doc->nomem = 1;
        snprintf(doc->error, sizeof doc->error, "out of memory");
        return -1;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        if (r->s != (const unsigned char *)text)
            free((void *)r->s);
        free(r->shifts);
        free(r);
        doc->nomem = 1;
        snprintf(doc->error, sizeof doc->error, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, r->s, r->n);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    int documents = 0, done = 0, rc = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            if (parser.error == YAML_MEMORY_ERROR)
                rc = nomem(r);
            else
                rc = fail(r, parser.problem_mark, "%s", parser.problem ? parser.problem
                                                                        : "not JSON");
            break;
        }
        rc = read_event(r, &ev, &documents, &done);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc == 0 && doc->root == NULL) {
        yaml_mark_t end = {0, 0, 0};
        rc = fail(r, end, "expected a value, found the end of the text");
    }
    if (r->s != (const unsigned char *)text)
        free((void *)r->s);
    free(r->shifts);
    free(r);
    if (rc != 0)
        doc->root = NULL;
    return rc;
}

void sw_jdoc_free(sw_jdoc *doc)
{
    sw_arena_free(&doc->arena);
    doc->root = NULL;
}

const sw_jnode *sw_jget(const sw_jnode *obj, const char *key)
{
    if (obj == NULL || obj->type != SW_JOBJECT)
        return NULL;
    size_t len = strlen(key);
    for (const sw_jnode *m = obj->first; m != NULL; m = m->next)
        if (m->key_len == len && memcmp(m->key, key, len) == 0)
            return m;
    return NULL;
}

const char *sw_jstr(const sw_jnode *node)
{
    if (node == NULL || node->type != SW_JSTRING || strlen(node->text) != node->text_len)
        return NULL;
    return node->text;
}

const char *sw_jtype_name(sw_jtype type)
{
    switch (type) {
    case SW_JNULL: return "null";
    case SW_JBOOL: return "a boolean";
    case SW_JNUMBER: return "a number";
    case SW_JSTRING: return "a string";
    case SW_JARRAY: return "an array";
    case SW_JOBJECT: return "an object";
    }
    return "a value";
}
