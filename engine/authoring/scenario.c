/*
 * scenario.c - reading scenario files: YAML streams of scenarios, one a document.
 *
 * Each document is loaded whole with libyaml's document API and walked as a
 * mapping: the scenario's name, description, client, assessment date, facts and
 * expectations (docs/testing.md). Facts are set through the public setters, which
 * check them against the schema exactly as a client's facts are checked; their
 * diagnostics, which carry no position, are moved to the YAML node the value came
 * from. Every id an expectation names is resolved here (an intervention, a rule,
 * a stage, a fact), so a misspelling is an error at its line with a suggestion,
 * never a test that silently cannot fail. A document with any error is left out
 * and reading goes on with the next one.
 */
#include "authoring/scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lang/diag.h"
#include "authoring/yaml_text.h"
#include "facts/facts.h"
#include "lang/value.h"
#include "util/grow.h"

/* A name seen in the file, to find one given twice (even in a refused document). */
typedef struct seen_name {
    char *name;
    unsigned line;
} seen_name;

typedef struct reader {
    sw_scenario_set *set;
    const sw_program *p;
    sw_diagnostics *diags;
    sw_diagnostics *tmp;        /* the setters' diagnostics, before they are placed */
    const char *file;           /* in the set's arena */
    sw_yaml_text text;
    yaml_document_t *doc;
    unsigned errors;            /* in the current document */
    unsigned file_errors;
    int nomem;
    seen_name *names;
    size_t nnames, capnames;
    sw_expectation *exp;        /* the current scenario's expectations */
    size_t nexp, capexp;
    char field[160];            /* the field path of the fact being read */
    size_t documents;           /* non-empty documents read */
} reader;

/* ==== Positions and diagnostics ============================================= */

static void vsay_mark(reader *r, yaml_mark_t m, sw_severity sev, const char *code,
                      const char *field, const char *hint, const char *fmt, va_list ap)
{
    if (sev == SW_SEV_ERROR)
        r->errors++;
    if (!sw_yaml_text_vsay(&r->text, r->diags, m, sev, code, field, hint, fmt, ap))
        r->nomem = 1;
}

static void say_mark(reader *r, yaml_mark_t m, sw_severity sev, const char *code, const char *field,
                     const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void say_mark(reader *r, yaml_mark_t m, sw_severity sev, const char *code, const char *field,
                     const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay_mark(r, m, sev, code, field, hint, fmt, ap);
    va_end(ap);
}

/* An error at a node. */
static void say(reader *r, const yaml_node_t *n, const char *code, const char *field,
                const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void say(reader *r, const yaml_node_t *n, const char *code, const char *field,
                const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay_mark(r, n->start_mark, SW_SEV_ERROR, code, field, hint, fmt, ap);
    va_end(ap);
}

/* ==== Nodes ================================================================= */

static const yaml_node_t *node(const reader *r, int index)
{
    return yaml_document_get_node(r->doc, index);
}

static const char *text_of(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static int is_scalar(const yaml_node_t *n) { return n->type == YAML_SCALAR_NODE; }

static int is_plain(const yaml_node_t *n)
{
    return is_scalar(n) && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* null, ~, Null, NULL or nothing, unquoted. */
static int is_null(const yaml_node_t *n)
{
    if (!is_plain(n))
        return 0;
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(text_of(n), nulls[i]) == 0)
            return 1;
    return 0;
}

/* A scalar that names something: not null, no NUL inside. */
static int is_name(const yaml_node_t *n)
{
    return is_scalar(n) && !is_null(n) && strlen(text_of(n)) == n->data.scalar.length;
}

static const char *shape_of(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    default: return is_null(n) ? "nothing" : "a single value";
    }
}

/* The pairs of a mapping node, and the items of a sequence node. */
#define PAIRS(n) ((n)->data.mapping.pairs.start)
#define NPAIRS(n) ((size_t)((n)->data.mapping.pairs.top - (n)->data.mapping.pairs.start))
#define ITEMS(n) ((n)->data.sequence.items.start)
#define NITEMS(n) ((size_t)((n)->data.sequence.items.top - (n)->data.sequence.items.start))

/* Whether the key of pair i of mapping m repeats an earlier key; says so. */
static int repeated_key(reader *r, const yaml_node_t *m, size_t i, const char *code,
                        const char *field)
{
    const yaml_node_t *key = node(r, PAIRS(m)[i].key);
    for (size_t k = 0; k < i; k++) {
        const yaml_node_t *other = node(r, PAIRS(m)[k].key);
        if (is_scalar(other) && strcmp(text_of(other), text_of(key)) == 0) {
            say(r, key, code, field, "keep one of them", "'%s' is given twice; the first is at line %u",
                text_of(key), (unsigned)other->start_mark.line + 1);
            return 1;
        }
    }
    return 0;
}

static char *keep(reader *r, const char *s)
{
    char *copy = sw_arena_strdup(&r->set->arena, s);
    if (!copy)
        r->nomem = 1;
    return copy;
}

/* ==== Facts ================================================================= */

/* "facts.NAME", or "facts.NAME[i]" for i >= 0, in r->field. */
static const char *fact_field(reader *r, const char *name, long i)
{
    if (i >= 0)
        snprintf(r->field, sizeof r->field, "facts.%s[%ld]", name, i);
    else
        snprintf(r->field, sizeof r->field, "facts.%s", name);
    return r->field;
}

/* What to write instead, for a value of the wrong shape for fact fd. */
static const char *shape_hint(const sw_fact_def *fd, const yaml_node_t *v)
{
    switch ((sw_type_kind)fd->type.kind) {
    case SW_T_BOOL:
        return "write true or false";
    case SW_T_INT:
    case SW_T_NUMBER:
        if (is_scalar(v) && !is_plain(v) && strpbrk(text_of(v), "0123456789"))
            return "remove the quotes: a number in quotes is text";
        return fd->type.kind == SW_T_INT ? "write a whole number, e.g. 12" : "write a number, e.g. 22.5";
    case SW_T_SET:
        return "write a list of members, e.g. [a, b], or [] for none";
    case SW_T_DATE:
        return "write one date as YYYY-MM-DD";
    default:
        return "write one value";
    }
}

/* Moves the setters' diagnostics to node `at` (or, for "facts.x[N]", to item N of
 * list); hints that name the C setters give way to `hint`, said in YAML terms. */
static void place(reader *r, const yaml_node_t *at, const yaml_node_t *list, const char *hint)
{
    for (size_t i = 0; i < sw_diagnostics_count(r->tmp); i++) {
        const sw_diagnostic *d = sw_diagnostics_at(r->tmp, i);
        const yaml_node_t *where = at;
        const char *bracket = d->field ? strrchr(d->field, '[') : NULL;
        if (list && bracket) {
            size_t k = (size_t)strtoul(bracket + 1, NULL, 10);
            if (k < NITEMS(list))
                where = node(r, ITEMS(list)[k]);
        }
        const char *h = d->hint;
        if (hint && h && strncmp(h, "set it with", 11) == 0)
            h = hint;
        say_mark(r, where->start_mark, d->severity, d->code, d->field, h, "%s", d->message);
    }
    sw_diagnostics_clear(r->tmp);
}

/* A status from a setter: problems are in r->tmp; only memory is fatal. */
static void setter_done(reader *r, sw_status st)
{
    if (st == SW_ERR_NOMEM)
        r->nomem = 1;
}

/* Strict decimal integer as the facts reader takes it: [+-]digits, no leading
 * zero. 1: ok; 0: not one; -1: too large for 64 bits. */
static int parse_int(const char *s, int64_t *out)
{
    const char *d = s + (*s == '+' || *s == '-');
    if (*d < '0' || *d > '9' || (d[0] == '0' && d[1] != '\0'))
        return 0;
    for (const char *q = d; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return -1;
    *out = (int64_t)v;
    return 1;
}

static const char *skip_digits(const char *s)
{
    while (*s >= '0' && *s <= '9')
        s++;
    return s;
}

/* Strict decimal number: [+-](0|[1-9]digits)[.digits][(e|E)[+-]digits]. */
static int parse_number(const char *s, double *out)
{
    const char *q = s + (*s == '+' || *s == '-');
    if (*q < '0' || *q > '9' || (q[0] == '0' && q[1] >= '0' && q[1] <= '9'))
        return 0;
    q = skip_digits(q);
    if (*q == '.') {
        if (q[1] < '0' || q[1] > '9')
            return 0;
        q = skip_digits(q + 1);
    }
    if (*q == 'e' || *q == 'E') {
        q += 1 + (q[1] == '+' || q[1] == '-');
        if (*q < '0' || *q > '9')
            return 0;
        q = skip_digits(q);
    }
    if (*q != '\0')
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

static void read_int_fact(reader *r, sw_facts *f, const sw_fact_def *fd, const yaml_node_t *v)
{
    int64_t i;
    double x;
    int ok = is_plain(v) ? parse_int(text_of(v), &i) : 0;
    if (ok == 1)
        setter_done(r, sw_facts_set_int(f, fd->name, i, r->tmp));
    else if (ok == -1)
        say(r, v, "F005", fact_field(r, fd->name, -1), NULL,
            "'%s' must be a whole number that fits in 64 bits, not %s", fd->name, text_of(v));
    else if (fd->type.kind == SW_T_NUMBER && is_plain(v) && parse_number(text_of(v), &x))
        setter_done(r, sw_facts_set_number(f, fd->name, x, r->tmp));
    else
        setter_done(r, sw_facts_set_text(f, fd->name, text_of(v), r->tmp));
}

static void read_scalar_fact(reader *r, sw_facts *f, const sw_fact_def *fd, const yaml_node_t *v)
{
    const char *t = text_of(v);
    switch ((sw_type_kind)fd->type.kind) {
    case SW_T_BOOL:
        if (is_plain(v) && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0))
            setter_done(r, sw_facts_set_bool(f, fd->name, t[0] == 't', r->tmp));
        else
            setter_done(r, sw_facts_set_text(f, fd->name, t, r->tmp));
        break;
    case SW_T_INT:
    case SW_T_NUMBER:
        read_int_fact(r, f, fd, v);
        break;
    default:
        /* one-of, stage, date and text take the text; a set refuses it */
        setter_done(r, sw_facts_set_text(f, fd->name, t, r->tmp));
        break;
    }
    place(r, v, NULL, shape_hint(fd, v));
}

static void read_members(reader *r, sw_facts *f, const sw_fact_def *fd, const yaml_node_t *list)
{
    size_t n = NITEMS(list);
    const char **members = malloc((n ? n : 1) * sizeof *members);
    if (!members) {
        r->nomem = 1;
        return;
    }
    unsigned before = r->errors;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = node(r, ITEMS(list)[i]);
        members[i] = "";
        if (is_name(item))
            members[i] = text_of(item);
        else
            say(r, item, "F004", fact_field(r, fd->name, (long)i), "write each member as a name, e.g. [a, b]",
                "each member of '%s' must be one name, not %s", fd->name, shape_of(item));
    }
    if (r->errors == before) {
        setter_done(r, sw_facts_set_members(f, fd->name, members, n, r->tmp));
        place(r, list, list, shape_hint(fd, list));
    }
    free(members);
}

static void read_fact(reader *r, sw_facts *f, const yaml_node_t *key, const yaml_node_t *v)
{
    const char *name = text_of(key);
    const sw_fact_def *fd = sw_program_fact(r->p, name, strlen(name));
    if (!fd || fd->derived) {
        /* the setter says what is wrong with the name, with a suggestion */
        setter_done(r, sw_facts_set_text(f, name, "", r->tmp));
        place(r, key, NULL, NULL);
        return;
    }
    if (is_null(v))
        return;   /* not known */
    if (v->type == YAML_SCALAR_NODE)
        read_scalar_fact(r, f, fd, v);
    else if (v->type == YAML_SEQUENCE_NODE && fd->type.kind == SW_T_SET)
        read_members(r, f, fd, v);
    else if (v->type == YAML_SEQUENCE_NODE) {
        setter_done(r, sw_facts_set_members(f, fd->name, NULL, 0, r->tmp));
        place(r, v, NULL, shape_hint(fd, v));
    } else
        say(r, v, "F004", fact_field(r, fd->name, -1), shape_hint(fd, v),
            "'%s' must be %s, not a mapping", fd->name,
            fd->type.kind == SW_T_SET ? "a list" : "one value");
}

static void read_facts(reader *r, sw_facts *f, const yaml_node_t *m)
{
    if (is_null(m))
        return;
    if (m->type != YAML_MAPPING_NODE) {
        say(r, m, "T007", "facts", "write the facts as a mapping, e.g. facts: {phq9: 12}",
            "'facts' must be a mapping of fact names to values, not %s", shape_of(m));
        return;
    }
    for (size_t i = 0; i < NPAIRS(m); i++) {
        const yaml_node_t *key = node(r, PAIRS(m)[i].key);
        const yaml_node_t *v = node(r, PAIRS(m)[i].value);
        if (!is_name(key)) {
            say(r, key, "F004", "facts", "write the fact's name as it is declared",
                "a fact's name must be a single name, not %s", shape_of(key));
            continue;
        }
        if (!repeated_key(r, m, i, "F007", "facts"))
            read_fact(r, f, key, v);
    }
}

/* ==== Expectations ========================================================== */

/* What the ids under a key of `expect:` name: an output kind's items (its
 * sw_item_kind, below ID_FACT), or the rest. */
typedef enum id_kind {
    ID_FACT = SW_ITEM__COUNT,
    ID_RULE,
    ID_STAGE,
    ID_DIRECTION
} id_kind;

typedef struct expect_key {
    const char *key;
    uint8_t kind;       /* sw_expect_kind; for `stage`, SW_EXPECT__COUNT */
    uint8_t ids;        /* id_kind */
} expect_key;

/* Each output kind's two keys (its expect key and not_ it, lang/vocab.h), then the rest. */
#define SW_EXPECT_ROW(kind, noun, plural, action, word, does, participle, level, key, heading, item, \
                      expect, place)                                                             \
    {expect, SW_EXPECT_ITEM(SW_ITEM_##kind), SW_ITEM_##kind},                                       \
    {"not_" expect, SW_EXPECT_NOT_ITEM(SW_ITEM_##kind), SW_ITEM_##kind},
static const expect_key expect_keys[] = {
    SW_ITEM_KINDS(SW_EXPECT_ROW)
#undef SW_EXPECT_ROW
    {"stage", SW_EXPECT__COUNT, ID_STAGE},
    {"gaps", SW_EXPECT_GAP, ID_FACT},
    {"not_gaps", SW_EXPECT_NOT_GAP, ID_FACT},
    {"fired", SW_EXPECT_FIRED, ID_RULE},
    {"not_fired", SW_EXPECT_NOT_FIRED, ID_RULE},
    {"undecided", SW_EXPECT_UNDECIDED, ID_RULE},
};
#define NEXPECT_KEYS (sizeof expect_keys / sizeof expect_keys[0])

static const expect_key stage_keys[] = {
    {"current", SW_EXPECT_STAGE_CURRENT, ID_STAGE},
    {"suggested", SW_EXPECT_STAGE_SUGGESTED, ID_STAGE},
    {"direction", SW_EXPECT_STAGE_DIRECTION, ID_DIRECTION},
};
#define NSTAGE_KEYS (sizeof stage_keys / sizeof stage_keys[0])

const char *sw_expect_key(sw_expect_kind kind)
{
    for (size_t i = 0; i < NEXPECT_KEYS; i++)
        if (expect_keys[i].kind == kind)
            return expect_keys[i].key;
    static const char *const stage[] = {"stage.current", "stage.suggested", "stage.direction"};
    if (kind >= SW_EXPECT_STAGE_CURRENT && kind <= SW_EXPECT_STAGE_DIRECTION)
        return stage[kind - SW_EXPECT_STAGE_CURRENT];
    return "?";
}

static uint32_t find_item(const sw_program *p, int kind, const char *id)
{
    for (uint32_t i = 0; i < p->nitems[kind]; i++)
        if (strcmp(p->items[kind][i].id, id) == 0)
            return i;
    return SW_NONE;
}

static uint32_t find_rule(const sw_program *p, const char *id)
{
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return i;
    return SW_NONE;
}

/* The candidate names of an id kind, for suggestions; NULL when out of memory. */
static const char **candidates(const sw_program *p, id_kind kind, size_t *n)
{
    size_t count = kind == ID_RULE ? p->nrules : kind == ID_FACT ? p->nfacts + 1 : p->nitems[kind];
    const char **v = malloc((count ? count : 1) * sizeof *v);
    for (size_t i = 0; v && i < count; i++)
        v[i] = kind == ID_RULE ? p->rules[i].id
             : kind == ID_FACT ? (i < p->nfacts ? p->facts[i].name : "assessed_on")
                               : p->items[kind][i].id;
    *n = count;
    return v;
}

/* "did you mean 'x'?" into hint (empty when nothing is close). */
static void suggest_into(sw_buf *hint, const char *word, const char *const *names, size_t n)
{
    const char *near = sw_suggest(word, names, n);
    if (near)
        sw_buf_printf(hint, "did you mean '%s'?", near);
}

static void unknown_id(reader *r, const yaml_node_t *v, id_kind kind, const char *field)
{
    const char *id = text_of(v);
    sw_buf hint = SW_BUF_INIT;
    for (int k = 0; kind < ID_FACT && k < SW_ITEM__COUNT && hint.len == 0; k++)
        if (k != (int)kind && find_item(r->p, k, id) != SW_NONE)
            sw_buf_printf(&hint, "'%s' is a %s: expect it under %s or %s", id, sw_item_vocab[k].noun,
                          sw_item_vocab[k].expect, sw_item_vocab[k].not_expect);
    if (hint.len == 0) {
        size_t n = 0;
        const char **names = candidates(r->p, kind, &n);
        if (names)
            suggest_into(&hint, id, names, n);
        free(names);
    }
    const char *what = kind < ID_FACT ? sw_item_vocab[kind].noun : kind == ID_RULE ? "rule" : "fact";
    say(r, v, "T008", field, hint.len && !hint.failed ? hint.data : NULL,
        "unknown %s '%s': the rule set declares no %s of that name", what, id, what);
    sw_buf_free(&hint);
}

static void add_expectation(reader *r, const yaml_node_t *v, uint8_t kind, uint32_t target,
                            uint8_t severity)
{
    if (!sw_grow(&r->exp, &r->capexp, r->nexp, sizeof *r->exp, 16)) {
        r->nomem = 1;
        return;
    }
    sw_expectation *e = &r->exp[r->nexp++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->target = target;
    e->severity = severity;
    e->name = keep(r, is_null(v) ? "unknown" : text_of(v));
    e->line = (unsigned)v->start_mark.line + 1;
    e->column = (unsigned)v->start_mark.column + 1;
}

/* Resolves one id of a list; SW_NONE (reported) when it names nothing. */
static uint32_t resolve(reader *r, const yaml_node_t *v, id_kind kind, const char *field)
{
    const char *id = text_of(v);
    uint32_t target = SW_NONE;
    if (kind < ID_FACT)
        target = find_item(r->p, (int)kind, id);
    else if (kind == ID_RULE)
        target = find_rule(r->p, id);
    else if (kind == ID_FACT) {
        const sw_fact_def *fd = sw_program_fact(r->p, id, strlen(id));
        target = fd ? fd->slot : strcmp(id, "assessed_on") == 0 ? SW_SCENARIO_ASSESSED_ON : SW_NONE;
    }
    if (target == SW_NONE)
        unknown_id(r, v, kind, field);
    return target;
}

static void read_id_list(reader *r, const yaml_node_t *v, const expect_key *ek)
{
    if (is_null(v))
        return;
    if (v->type == YAML_MAPPING_NODE) {
        say(r, v, "T007", ek->key, "write a list, e.g. [a, b]",
            "'%s' must be a list of ids, not a mapping", ek->key);
        return;
    }
    size_t n = v->type == YAML_SEQUENCE_NODE ? NITEMS(v) : 1;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = v->type == YAML_SEQUENCE_NODE ? node(r, ITEMS(v)[i]) : v;
        if (!is_name(item)) {
            say(r, item, "T007", ek->key, "write one id per entry, e.g. [a, b]",
                "each entry of '%s' must be one id, not %s", ek->key, shape_of(item));
            continue;
        }
        uint32_t target = resolve(r, item, (id_kind)ek->ids, ek->key);
        if (target != SW_NONE)
            add_expectation(r, item, ek->kind, target, 0);
    }
}

static int find_word(const char *const *words, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(words[i], w) == 0)
            return (int)i;
    return -1;
}

/* A word from a closed list (severities, directions); -1 (reported) otherwise. */
static int read_word(reader *r, const yaml_node_t *v, const char *const *words, size_t n,
                     const char *what, const char *field)
{
    int i = is_name(v) ? find_word(words, n, text_of(v)) : -1;
    if (i >= 0)
        return i;
    sw_buf list = SW_BUF_INIT, hint = SW_BUF_INIT;
    for (size_t k = 0; k < n; k++)
        sw_buf_printf(&list, "%s%s", k ? ", " : "", words[k]);
    if (is_name(v))
        suggest_into(&hint, text_of(v), words, n);
    say(r, v, "T009", field, hint.len && !hint.failed ? hint.data : NULL, "%s must be one of %s, not %s%s%s",
        what, list.failed ? "..." : list.data, is_name(v) ? "'" : "", is_name(v) ? text_of(v) : shape_of(v),
        is_name(v) ? "'" : "");
    sw_buf_free(&list);
    sw_buf_free(&hint);
    return -1;
}

/* The positive key of a kind whose items carry a severity (risks): a mapping of
 * item to the severity it must be flagged with. */
static void read_severities(reader *r, const yaml_node_t *m, const expect_key *ek)
{
    static const char *const severities[] = {"info", "warning", "critical"};
    const sw_item_words *w = &sw_item_vocab[ek->ids];
    if (is_null(m))
        return;
    if (m->type != YAML_MAPPING_NODE) {
        char hint[160];
        snprintf(hint, sizeof hint, "write each %s with its severity, e.g. %s: {%s: critical}",
                 w->noun, ek->key, ek->ids == SW_ITEM_RISK ? "suicide" : "x");
        say(r, m, "T007", ek->key, hint, "'%s' must be a mapping of %s to severity, not %s", ek->key,
            w->noun, shape_of(m));
        return;
    }
    for (size_t i = 0; i < NPAIRS(m); i++) {
        const yaml_node_t *key = node(r, PAIRS(m)[i].key), *v = node(r, PAIRS(m)[i].value);
        if (!is_name(key)) {
            say(r, key, "T007", ek->key, NULL, "a %s must be named by its id, not %s", w->noun,
                shape_of(key));
            continue;
        }
        if (repeated_key(r, m, i, "T010", ek->key))
            continue;
        uint32_t target = resolve(r, key, (id_kind)ek->ids, ek->key);
        int sev = read_word(r, v, severities, 3, "a severity", ek->key);
        if (target != SW_NONE && sev >= 0)
            add_expectation(r, key, ek->kind, target, (uint8_t)sev);
    }
}

static void read_stage_value(reader *r, const yaml_node_t *v, const expect_key *sk)
{
    static const char *const directions[] = {"stay", "forward", "back", "unknown"};
    const sw_program *p = r->p;
    if (sk->ids == ID_DIRECTION) {
        int d = read_word(r, v, directions, 4, "a direction", "stage.direction");
        if (d >= 0)
            add_expectation(r, v, sk->kind, (uint32_t)d, 0);
        return;
    }
    if (is_null(v) || (is_plain(v) && strcmp(text_of(v), "unknown") == 0)) {
        add_expectation(r, v, sk->kind, SW_NONE, 0);
        return;
    }
    const char *field = sk->kind == SW_EXPECT_STAGE_CURRENT ? "stage.current" : "stage.suggested";
    if (p->stage_enum == SW_NONE) {
        say(r, v, "T008", field, NULL, "the rule set declares no stages");
        return;
    }
    const sw_enum *e = &p->enums[p->stage_enum];
    int s = is_name(v) ? sw_enum_find(e, text_of(v), strlen(text_of(v))) : -1;
    if (s >= 0) {
        add_expectation(r, v, sk->kind, (uint32_t)s, 0);
        return;
    }
    sw_buf hint = SW_BUF_INIT;
    if (is_name(v))
        suggest_into(&hint, text_of(v), e->members, e->nmembers);
    say(r, v, "T008", field, hint.len && !hint.failed ? hint.data : NULL,
        "unknown stage %s%s%s: the stages are those of the rule set's order, or unknown",
        is_name(v) ? "'" : "", is_name(v) ? text_of(v) : shape_of(v), is_name(v) ? "'" : "");
    sw_buf_free(&hint);
}

/* The entry of table[0..n) named by key, or NULL after saying so. */
static const expect_key *known_key(reader *r, const yaml_node_t *key, const expect_key *table,
                                   size_t n, const char *where, const char *otherwise)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].key, text_of(key)) == 0)
            return &table[i];
    const char *names[NEXPECT_KEYS];
    for (size_t i = 0; i < n; i++)
        names[i] = table[i].key;
    sw_buf hint = SW_BUF_INIT;
    suggest_into(&hint, text_of(key), names, n);
    say(r, key, "T006", where, hint.len && !hint.failed ? hint.data : otherwise,
        "unknown key '%s' in %s", text_of(key), where);
    sw_buf_free(&hint);
    return NULL;
}

static void read_stage(reader *r, const yaml_node_t *m)
{
    if (is_null(m))
        return;
    if (m->type != YAML_MAPPING_NODE) {
        say(r, m, "T007", "stage", "write e.g. stage: {current: engagement, suggested: persuasion}",
            "'stage' must be a mapping of current, suggested and direction, not %s", shape_of(m));
        return;
    }
    for (size_t i = 0; i < NPAIRS(m); i++) {
        const yaml_node_t *key = node(r, PAIRS(m)[i].key);
        if (!is_name(key) || repeated_key(r, m, i, "T010", "stage"))
            continue;
        const expect_key *sk = known_key(r, key, stage_keys, NSTAGE_KEYS, "stage",
                                             "stage takes current, suggested and direction");
        if (sk)
            read_stage_value(r, node(r, PAIRS(m)[i].value), sk);
    }
}

static void read_expect(reader *r, const yaml_node_t *m)
{
    if (is_null(m))
        return;
    if (m->type != YAML_MAPPING_NODE) {
        say(r, m, "T007", "expect", "write e.g. expect: {recommend: [cbt]}",
            "'expect' must be a mapping of expectations, not %s", shape_of(m));
        return;
    }
    for (size_t i = 0; i < NPAIRS(m); i++) {
        const yaml_node_t *key = node(r, PAIRS(m)[i].key), *v = node(r, PAIRS(m)[i].value);
        if (!is_name(key)) {
            say(r, key, "T006", "expect", NULL, "an expectation's key must be a name, not %s",
                shape_of(key));
            continue;
        }
        if (repeated_key(r, m, i, "T010", "expect"))
            continue;
        const expect_key *ek = known_key(r, key, expect_keys, NEXPECT_KEYS, "expect",
                                              "docs/testing.md lists the expectations");
        if (!ek)
            continue;
        if (ek->ids < ID_FACT && ek->kind == SW_EXPECT_ITEM(ek->ids) &&
            sw_item_vocab[ek->ids].level == SW_LEVEL_SEVERITY)
            read_severities(r, v, ek);
        else if (ek->ids == ID_STAGE)
            read_stage(r, v);
        else
            read_id_list(r, v, ek);
    }
}

/* Which expectations speak of the same thing (an intervention, a rule...): the
 * positive kind of each pair. */
static int domain_of(uint8_t kind)
{
    if (SW_EXPECT_ITEM_KIND(kind) >= 0)
        return SW_EXPECT_ITEM(SW_EXPECT_ITEM_KIND(kind));
    switch ((sw_expect_kind)kind) {
    case SW_EXPECT_NOT_GAP: return SW_EXPECT_GAP;
    case SW_EXPECT_NOT_FIRED:
    case SW_EXPECT_UNDECIDED: return SW_EXPECT_FIRED;
    default: return kind;
    }
}

/* Two expectations of one thing that cannot both hold, or the same one twice. */
static void check_pairs(reader *r)
{
    for (size_t j = 1; j < r->nexp; j++)
        for (size_t i = 0; i < j; i++) {
            const sw_expectation *a = &r->exp[i], *b = &r->exp[j];
            if (domain_of(a->kind) != domain_of(b->kind) || a->target != b->target)
                continue;
            int compatible = (a->kind == SW_EXPECT_NOT_FIRED && b->kind == SW_EXPECT_UNDECIDED) ||
                             (a->kind == SW_EXPECT_UNDECIDED && b->kind == SW_EXPECT_NOT_FIRED);
            yaml_mark_t m = {0, b->line - 1, b->column - 1};
            if (a->kind == b->kind)
                say_mark(r, m, SW_SEV_ERROR, "T010", sw_expect_key(b->kind), "list it once",
                         "'%s' is listed twice under '%s'; the first is at line %u", b->name,
                         sw_expect_key(b->kind), a->line);
            else if (!compatible)
                say_mark(r, m, SW_SEV_ERROR, "T011", sw_expect_key(b->kind),
                         "keep the expectation the guidance calls for",
                         "'%s' cannot be expected under both '%s' (line %u) and '%s'", b->name,
                         sw_expect_key(a->kind), a->line, sw_expect_key(b->kind));
            else
                continue;
            break;
        }
}

/* ==== Documents ============================================================= */

static const char *const top_keys[] = {"scenario", "description", "client", "assessed_on",
                                       "facts", "expect"};
enum { KEY_SCENARIO, KEY_DESCRIPTION, KEY_CLIENT, KEY_ASSESSED_ON, KEY_FACTS, KEY_EXPECT, NKEYS };

static int is_expect_key(const char *k)
{
    for (size_t i = 0; i < NEXPECT_KEYS; i++)
        if (strcmp(expect_keys[i].key, k) == 0)
            return 1;
    return 0;
}

static void unknown_top_key(reader *r, const yaml_node_t *key)
{
    const char *k = text_of(key);
    sw_buf hint = SW_BUF_INIT;
    if (sw_program_fact(r->p, k, strlen(k)))
        sw_buf_printf(&hint, "'%s' is a fact: put it under facts:", k);
    else if (is_expect_key(k))
        sw_buf_printf(&hint, "'%s' is an expectation: put it under expect:", k);
    else
        suggest_into(&hint, k, top_keys, NKEYS);
    say(r, key, "T003", NULL,
        hint.len && !hint.failed ? hint.data : "a scenario has scenario, description, client, assessed_on, facts and expect",
        "unknown key '%s' in a scenario", k);
    sw_buf_free(&hint);
}

/* The scenario's name: a single value, not used before in this file. */
static const char *read_name(reader *r, const yaml_node_t *v)
{
    if (!is_name(v) || text_of(v)[0] == '\0') {
        say(r, v, "T004", "scenario", "write e.g. scenario: phq9_item9_positive_fires",
            "a scenario's name must be a single value, not %s", shape_of(v));
        return NULL;
    }
    for (size_t i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i].name, text_of(v)) == 0) {
            say(r, v, "T005", "scenario", "give each scenario of a file its own name",
                "scenario '%s' is already defined at line %u", text_of(v), r->names[i].line);
            return NULL;
        }
    if (!sw_grow(&r->names, &r->capnames, r->nnames, sizeof *r->names, 16)) {
        r->nomem = 1;
        return NULL;
    }
    char *copy = malloc(strlen(text_of(v)) + 1);
    if (!copy) {
        r->nomem = 1;
        return NULL;
    }
    strcpy(copy, text_of(v));
    r->names[r->nnames].name = copy;
    r->names[r->nnames++].line = (unsigned)v->start_mark.line + 1;
    return keep(r, text_of(v));
}

static void read_assessed_on(reader *r, sw_facts *f, const yaml_node_t *v)
{
    if (is_null(v))
        return;
    if (!is_scalar(v)) {
        say(r, v, "F009", "assessed_on", "write one date as YYYY-MM-DD",
            "'assessed_on' must be a date written YYYY-MM-DD, not %s", shape_of(v));
        return;
    }
    setter_done(r, sw_facts_set_assessed_on(f, text_of(v), r->tmp));
    place(r, v, NULL, NULL);
}

static void read_pair(reader *r, sw_scenario *sc, const yaml_node_t *key, const yaml_node_t *v)
{
    int k = find_word(top_keys, NKEYS, text_of(key));
    switch (k) {
    case KEY_SCENARIO:
        sc->name = read_name(r, v);
        break;
    case KEY_DESCRIPTION:
        if (is_scalar(v))
            sc->description = is_null(v) ? NULL : keep(r, text_of(v));
        else
            say(r, v, "T007", "description", NULL, "'description' must be text, not %s", shape_of(v));
        break;
    case KEY_CLIENT:
        if (is_scalar(v) && !is_null(v))
            setter_done(r, sw_facts_set_client(sc->facts, text_of(v)));
        else if (!is_null(v))
            say(r, v, "T007", "client", NULL, "'client' must be one value, not %s", shape_of(v));
        break;
    case KEY_ASSESSED_ON:
        read_assessed_on(r, sc->facts, v);
        break;
    case KEY_FACTS:
        read_facts(r, sc->facts, v);
        break;
    case KEY_EXPECT:
        read_expect(r, v);
        break;
    default:
        unknown_top_key(r, key);
        break;
    }
}

/* Adds the finished scenario to the set (its expectations copied to the arena). */
static void keep_scenario(reader *r, sw_scenario *sc)
{
    sw_scenario_set *set = r->set;
    sc->expects = sw_arena_array(&set->arena, r->nexp ? r->nexp : 1, sizeof *sc->expects);
    int room = sw_grow(&set->items, &set->cap, set->count, sizeof *set->items, 32);
    if (!sc->expects || !room) {
        r->nomem = 1;
        sw_facts_free(sc->facts);
        return;
    }
    if (r->nexp)
        memcpy(sc->expects, r->exp, r->nexp * sizeof *sc->expects);
    sc->nexpects = (uint32_t)r->nexp;
    set->items[set->count++] = *sc;
}

static void read_document(reader *r, const yaml_node_t *root)
{
    r->errors = 0;
    r->nexp = 0;
    if (root->type != YAML_MAPPING_NODE) {
        say(r, root, "T002", NULL, "start the document with scenario: NAME",
            "a scenario must be a mapping with scenario, facts and expect, not %s", shape_of(root));
        r->set->rejected++;
        return;
    }
    sw_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.file = r->file;
    sc.line = (unsigned)root->start_mark.line + 1;
    if (sw_facts_new(r->set->rules, &sc.facts) != SW_OK) {
        r->nomem = 1;
        return;
    }
    int named = 0;
    for (size_t i = 0; i < NPAIRS(root) && !r->nomem; i++) {
        const yaml_node_t *key = node(r, PAIRS(root)[i].key);
        if (!is_name(key)) {
            say(r, key, "T003", NULL, NULL, "a scenario's keys must be names, not %s", shape_of(key));
            continue;
        }
        if (repeated_key(r, root, i, "T010", NULL))
            continue;
        named |= strcmp(text_of(key), "scenario") == 0;
        read_pair(r, &sc, key, node(r, PAIRS(root)[i].value));
    }
    if (!named)
        say(r, root, "T004", NULL, "add scenario: NAME as the document's first line",
            "this scenario has no name");
    if (!r->nomem)
        check_pairs(r);
    if (r->errors == 0 && r->nexp == 0 && !r->nomem)
        say_mark(r, root->start_mark, SW_SEV_WARNING, "T012", "expect",
                 "add an expect: block saying what the guidance must conclude",
                 "scenario '%s' expects nothing, so it cannot fail", sc.name ? sc.name : "?");
    if (r->errors || r->nomem) {
        sw_facts_free(sc.facts);
        r->set->rejected += r->errors > 0;
        return;
    }
    keep_scenario(r, &sc);
}

static int read_one(void *ctx, yaml_document_t *doc, const yaml_node_t *root)
{
    reader *r = ctx;
    if (!is_null(root)) {
        r->doc = doc;
        read_document(r, root);
        r->file_errors += r->errors;
        r->documents++;
    }
    return !r->nomem;
}

static void read_stream(reader *r)
{
    switch (sw_yaml_text_each_document(&r->text, r->diags, "T001", "scenario file", read_one, r)) {
    case SW_YAML_SYNTAX:
        r->file_errors++;
        r->set->rejected++;
        break;
    case SW_YAML_NOMEM:
        r->nomem = 1;
        break;
    case SW_YAML_END:
    case SW_YAML_STOPPED:
        break;
    }
    if (r->documents == 0 && r->file_errors == 0 && !r->nomem) {
        yaml_mark_t start = {0, 0, 0};
        say_mark(r, start, SW_SEV_WARNING, "T013", NULL,
                 "write one scenario per YAML document, each starting with ---",
                 "the file holds no scenarios");
    }
}

sw_status sw_scenario_read(sw_scenario_set *set, const char *file, const char *data, size_t len,
                           sw_diagnostics *diags)
{
    if (!set || !file || (!data && len))
        return SW_ERR_ARG;
    reader r;
    memset(&r, 0, sizeof r);
    r.set = set;
    r.p = &set->rules->prog;
    r.diags = diags;
    r.file = keep(&r, file);
    r.tmp = sw_diagnostics_new();
    if (r.file && r.tmp && sw_yaml_text_init(&r.text, r.file, data, len))
        read_stream(&r);
    else
        r.nomem = 1;
    for (size_t i = 0; i < r.nnames; i++)
        free(r.names[i].name);
    free(r.names);
    free(r.exp);
    sw_yaml_text_free(&r.text);
    sw_diagnostics_free(r.tmp);
    if (r.nomem)
        return SW_ERR_NOMEM;
    return r.file_errors ? SW_ERR_FACTS : SW_OK;
}

void sw_scenario_set_init(sw_scenario_set *set, const sw_ruleset *rules)
{
    memset(set, 0, sizeof *set);
    set->rules = rules;
}

void sw_scenario_set_free(sw_scenario_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        sw_facts_free(set->items[i].facts);
    free(set->items);
    sw_arena_free(&set->arena);
    memset(set, 0, sizeof *set);
}
