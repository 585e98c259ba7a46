/*
 * serve_jread.c - the strict JSON reader of the service (see serve_json.h).
 *
 * A recursive-descent parser over RFC 8259 that builds a tree of serve_jnode in one
 * arena, so a request's document is freed in one call. Every node keeps the byte
 * span of its value: the CDS Hooks endpoint hands the span of the client document
 * inside a request to the library's facts reader, so that the library's
 * diagnostics point at the right line and column of the request body.
 */
#include "serve_json.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JREAD_MAX_DEPTH 64
#define JREAD_MAX_MEMBERS 4096

/* ---- arena ---- */

typedef struct jblock {
    struct jblock *next;
    size_t used, cap;
    max_align_t data[];
} jblock;

static void *arena_alloc(serve_jdoc *doc, size_t size)
{
    const size_t align = sizeof(max_align_t);
    jblock *block = doc->arena;

    size = (size + align - 1) / align * align;
    if (block == NULL || block->cap - block->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        jblock *fresh = malloc(sizeof *fresh + cap);
        if (fresh == NULL) {
            doc->nomem = 1;
            return NULL;
        }
        fresh->next = block;
        fresh->used = 0;
        fresh->cap = cap;
        doc->arena = fresh;
        block = fresh;
    }
    void *p = (char *)block->data + block->used;
    block->used += size;
    return p;
}

void serve_jdoc_free(serve_jdoc *doc)
{
    jblock *block = doc->arena;
    while (block != NULL) {
        jblock *next = block->next;
        free(block);
        block = next;
    }
    doc->arena = NULL;
    doc->root = NULL;
}

/* ---- parser state and errors ---- */

typedef struct jparser {
    const unsigned char *s;
    size_t n, i;
    unsigned depth;
    serve_jdoc *doc;
} jparser;

/* Records "line L, column C: MESSAGE" for the position at; returns -1. */
static int fail_at(jparser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(jparser *p, size_t at, const char *fmt, ...)
{
    size_t line = 1, column = 1;
    char message[120];
    va_list ap;

    for (size_t k = 0; k < at && k < p->n; k++) {
        if (p->s[k] == '\n') {
            line++;
            column = 1;
        } else if ((p->s[k] & 0xC0) != 0x80) {
            column++;
        }
    }
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(p->doc->error, sizeof p->doc->error, "line %zu, column %zu: %s", line, column,
             message);
    return -1;
}

static void skip_space(jparser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

/* What stands at the current position, for "expected X, found Y". */
static const char *found(const jparser *p)
{
    if (p->i >= p->n)
        return "the end of the text";
    switch (p->s[p->i]) {
    case '}': return "'}'";
    case ']': return "']'";
    case ',': return "','";
    case ':': return "':'";
    case '"': return "a string";
    case '\'': return "a single quote (JSON strings use double quotes)";
    case '/': return "'/' (JSON has no comments)";
    default: return "an unexpected character";
    }
}

static serve_jnode *new_node(jparser *p, serve_jtype type)
{
    serve_jnode *node = arena_alloc(p->doc, sizeof *node);
    if (node != NULL) {
        *node = (serve_jnode){0};
        node->type = type;
        node->start = p->i;
    }
    return node;
}

static int parse_value(jparser *p, serve_jnode **out);

/* ---- strings ---- */

static int hex4(const unsigned char *s, uint32_t *value)
{
    *value = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = s[k];
        unsigned digit = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 16u;
        if (digit == 16)
            return 0;
        *value = *value * 16 + digit;
    }
    return 1;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a \u escape at p->i (just after the backslash-u's backslash); a high
 * surrogate must be followed by an escaped low one. */
static int read_unicode_escape(jparser *p, uint32_t *cp)
{
    size_t at = p->i - 1;
    if (p->n - p->i < 5 || !hex4(p->s + p->i + 1, cp))
        return fail_at(p, at, "\\u must be followed by four hex digits");
    p->i += 5;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF)
        return fail_at(p, at, "lone low surrogate \\u%04X", (unsigned)*cp);
    if (*cp < 0xD800 || *cp > 0xDBFF)
        return 0;
    uint32_t low;
    if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u' ||
        !hex4(p->s + p->i + 2, &low) || low < 0xDC00 || low > 0xDFFF)
        return fail_at(p, at, "high surrogate \\u%04X is not followed by a low one",
                       (unsigned)*cp);
    p->i += 6;
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
    return 0;
}

static int read_escape(jparser *p, char *out, size_t *len)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    p->i++; /* the backslash */
    if (p->i >= p->n)
        return fail_at(p, p->i, "unterminated string");
    const char *hit = p->s[p->i] != '\0' ? strchr(from, p->s[p->i]) : NULL;
    if (hit != NULL) {
        out[(*len)++] = to[hit - from];
        p->i++;
        return 0;
    }
    if (p->s[p->i] != 'u')
        return fail_at(p, p->i - 1, "unknown escape '\\%c'", p->s[p->i]);
    uint32_t cp;
    if (read_unicode_escape(p, &cp) != 0)
        return -1;
    *len += put_utf8(out + *len, cp);
    return 0;
}

/* Reads a string at p->i (its opening quote) into arena memory. */
static int read_string(jparser *p, const char **text, size_t *text_len)
{
    size_t open = p->i++;
    size_t len = 0, close = p->i;

    /* Find the closing quote first: the decoded text is never longer than the raw. */
    while (close < p->n && p->s[close] != '"')
        close += p->s[close] == '\\' ? 2 : 1;
    char *out = arena_alloc(p->doc, (close < p->n ? close : p->n) - p->i + 1);
    if (out == NULL)
        return -1;
    for (;;) {
        if (p->i >= p->n)
            return fail_at(p, open, "unterminated string");
        unsigned char c = p->s[p->i];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail_at(p, p->i, "control character in a string (escape it)");
        if (c == '\\') {
            if (read_escape(p, out, &len) != 0)
                return -1;
            continue;
        }
        uint32_t cp;
        size_t n = serve_utf8_decode(p->s + p->i, p->n - p->i, &cp);
        if (cp == SERVE_UTF8_BAD)
            return fail_at(p, p->i, "the text is not valid UTF-8");
        memcpy(out + len, p->s + p->i, n);
        len += n;
        p->i += n;
    }
    p->i++;
    out[len] = '\0';
    *text = out;
    *text_len = len;
    return 0;
}

/* ---- scalars ---- */

static int digits(jparser *p)
{
    size_t from = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > from;
}

static int parse_number(jparser *p, serve_jnode *node)
{
    if (p->s[p->i] == '-')
        p->i++;
    if (p->i < p->n && p->s[p->i] == '0')
        p->i++;
    else if (!digits(p))
        return fail_at(p, node->start, "malformed number");
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!digits(p))
            return fail_at(p, node->start, "malformed number: digits must follow '.'");
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!digits(p))
            return fail_at(p, node->start, "malformed number: digits must follow 'e'");
    }
    size_t len = p->i - node->start;
    char *text = arena_alloc(p->doc, len + 1);
    if (text == NULL)
        return -1;
    memcpy(text, p->s + node->start, len);
    text[len] = '\0';
    node->text = text;
    node->text_len = len;
    return 0;
}

static int parse_literal(jparser *p, serve_jnode *node)
{
    static const struct {
        const char *word;
        serve_jtype type;
        int value;
    } words[] = {{"true", SERVE_JBOOL, 1}, {"false", SERVE_JBOOL, 0}, {"null", SERVE_JNULL, 0}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t len = strlen(words[k].word);
        if (p->n - p->i >= len && memcmp(p->s + p->i, words[k].word, len) == 0) {
            node->type = words[k].type;
            node->boolean = words[k].value;
            p->i += len;
            return 0;
        }
    }
    return fail_at(p, p->i, "expected a value, found %s", found(p));
}

/* ---- containers ---- */

static int duplicate_key(const serve_jnode *first, const serve_jnode *member)
{
    for (const serve_jnode *m = first; m != NULL && m != member; m = m->next)
        if (m->key_len == member->key_len && memcmp(m->key, member->key, m->key_len) == 0)
            return 1;
    return 0;
}

static int parse_member(jparser *p, serve_jnode **out)
{
    const char *key;
    size_t key_len;

    if (p->i >= p->n || p->s[p->i] != '"')
        return fail_at(p, p->i, "expected a member name in double quotes, found %s", found(p));
    if (read_string(p, &key, &key_len) != 0)
        return -1;
    skip_space(p);
    if (p->i >= p->n || p->s[p->i] != ':')
        return fail_at(p, p->i, "expected ':' after the member name, found %s", found(p));
    p->i++;
    skip_space(p);
    if (parse_value(p, out) != 0)
        return -1;
    (*out)->key = key;
    (*out)->key_len = key_len;
    return 0;
}

/* Parses the elements or members of a container opened at node->start. */
static int parse_container(jparser *p, serve_jnode *node, char close)
{
    serve_jnode **tail = &node->first;
    size_t count = 0;

    if (++p->depth > JREAD_MAX_DEPTH)
        return fail_at(p, node->start, "nested more than %d levels deep", JREAD_MAX_DEPTH);
    p->i++;
    skip_space(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        p->depth--;
        return 0;
    }
    for (;;) {
        size_t at = p->i;
        serve_jnode *child = NULL;
        int rc = close == '}' ? parse_member(p, &child) : parse_value(p, &child);
        if (rc != 0)
            return -1;
        if (close == '}' && duplicate_key(node->first, child))
            return fail_at(p, at, "duplicate member name");
        if (close == '}' && ++count > JREAD_MAX_MEMBERS)
            return fail_at(p, at, "more than %d members in one object", JREAD_MAX_MEMBERS);
        *tail = child;
        tail = &child->next;
        skip_space(p);
        if (p->i < p->n && p->s[p->i] == close)
            break;
        if (p->i >= p->n || p->s[p->i] != ',')
            return fail_at(p, p->i, "expected ',' or '%c', found %s", close, found(p));
        p->i++;
        skip_space(p);
        if (p->i < p->n && p->s[p->i] == close)
            return fail_at(p, p->i, "trailing comma before '%c'", close);
    }
    p->i++;
    p->depth--;
    return 0;
}

static int parse_value(jparser *p, serve_jnode **out)
{
    if (p->i >= p->n)
        return fail_at(p, p->i, "expected a value, found the end of the text");
    unsigned char c = p->s[p->i];
    serve_jnode *node = new_node(p, c == '{'   ? SERVE_JOBJECT
                                    : c == '[' ? SERVE_JARRAY
                                    : c == '"' ? SERVE_JSTRING
                                               : SERVE_JNUMBER);
    if (node == NULL)
        return -1;
    int rc;
    if (c == '{')
        rc = parse_container(p, node, '}');
    else if (c == '[')
        rc = parse_container(p, node, ']');
    else if (c == '"')
        rc = read_string(p, &node->text, &node->text_len);
    else if (c == '-' || (c >= '0' && c <= '9'))
        rc = parse_number(p, node);
    else
        rc = parse_literal(p, node);
    node->end = p->i;
    *out = node;
    return rc;
}

int serve_jdoc_parse(serve_jdoc *doc, const char *text, size_t len)
{
    jparser p = {(const unsigned char *)text, len, 0, 0, doc};
    serve_jnode *root = NULL;

    *doc = (serve_jdoc){0};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.i = 3; /* a byte order mark is ignored */
    skip_space(&p);
    if (parse_value(&p, &root) != 0) {
        if (doc->nomem)
            snprintf(doc->error, sizeof doc->error, "out of memory");
        return -1;
    }
    skip_space(&p);
    if (p.i < p.n)
        return fail_at(&p, p.i, "unexpected text after the JSON value");
    doc->root = root;
    return 0;
}

/* ---- access ---- */

const serve_jnode *serve_jget(const serve_jnode *obj, const char *key)
{
    if (obj == NULL || obj->type != SERVE_JOBJECT)
        return NULL;
    size_t len = strlen(key);
    for (const serve_jnode *m = obj->first; m != NULL; m = m->next)
        if (m->key_len == len && memcmp(m->key, key, len) == 0)
            return m;
    return NULL;
}

const char *serve_jstr(const serve_jnode *node)
{
    if (node == NULL || node->type != SERVE_JSTRING || strlen(node->text) != node->text_len)
        return NULL;
    return node->text;
}

const char *serve_jtype_name(serve_jtype type)
{
    switch (type) {
    case SERVE_JNULL: return "null";
    case SERVE_JBOOL: return "a boolean";
    case SERVE_JNUMBER: return "a number";
    case SERVE_JSTRING: return "a string";
    case SERVE_JARRAY: return "an array";
    case SERVE_JOBJECT: return "an object";
    }
    return "a value";
}
