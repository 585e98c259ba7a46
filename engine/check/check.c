/*
 * check.c - the checker: every semantic error in a rule set, in one run.
 *
 * Input: the declarations of every file. Output: an sw_model with declarations
 * sorted by name (so nothing depends on file or declaration order), facts given
 * slots, and every expression typed and resolved. Errors are queued with the
 * file, the span, and a hint ("did you mean ...?") where one helps.
 *
 * Codes: E1xx names and declarations, E2xx types and ranges, E3xx derived facts,
 * E4xx FHIR mappings (check_fhir.c).
 * docs/errors.md lists them with examples.
 *
 * Stage check/ - from syntax trees to a checked model (model.h).
 * May use: util/, lang/. (tests/layout checks it.)
 */
#include "check/model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value.h"
#include "util/buf.h"
#include "util/lookup.h"

/* ---- reporting ---- */

void sw_model_report(sw_model *m, const sw_decl *d, sw_loc at, const char *code, const char *hint,
                     const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->errors++;
    sw_diag_add(m->diags, SW_SEV_ERROR, code, sw_syntax_where(&m->files[d->file], at), NULL, hint,
                "%s", msg);
}

/* "did you mean 'x'?" over the names of some declarations */
static const char *suggest_decl(sw_model *m, const char *word, sw_decl *const *decls, uint32_t n,
                                char *buf, size_t size)
{
    const char **names = sw_arena_array(m->arena, n ? n : 1, sizeof *names);
    if (!names)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        names[i] = decls[i]->name.name;
    const char *s = sw_suggest(word, names, n);
    if (!s)
        return NULL;
    snprintf(buf, size, "did you mean '%s'?", s);
    return buf;
}

static const char *suggest_member(const sw_enum *e, const char *word, char *buf, size_t size)
{
    const char *s = sw_suggest(word, e->members, e->nmembers);
    if (s) {
        snprintf(buf, size, "did you mean '%s'?", s);
        return buf;
    }
    sw_buf b = SW_BUF_INIT;
    sw_buf_puts(&b, "one of: ");
    for (uint32_t i = 0; i < e->nmembers && i < 12; i++)
        sw_buf_printf(&b, "%s%s", i ? ", " : "", e->members[i]);
    if (e->nmembers > 12)
        sw_buf_puts(&b, ", ...");
    snprintf(buf, size, "%s", b.data ? b.data : "");
    sw_buf_free(&b);
    return buf;
}

/* ---- sorted declaration tables ---- */

static int cmp_decl_name(const void *a, const void *b)
{
    const sw_decl *x = *(sw_decl *const *)a, *y = *(sw_decl *const *)b;
    return strcmp(x->name.name, y->name.name);
}

static int cmp_statement(const void *a, const void *b)
{
    const sw_decl *x = *(sw_decl *const *)a, *y = *(sw_decl *const *)b;
    int c = strcmp(x->source.name, y->source.name);
    return c ? c : strcmp(x->name.name, y->name.name);
}

/* Sorting key for collect(): the name order, then where it was written, so the
 * first declaration of a duplicated name comes first. */
typedef int (*sw_cmp_fn)(const void *, const void *);

static int cmp_position(const sw_decl *x, const sw_decl *y)
{
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    return x->at.off < y->at.off ? -1 : x->at.off > y->at.off;
}

static int cmp_decl_name_pos(const void *a, const void *b)
{
    int c = cmp_decl_name(a, b);
    return c ? c : cmp_position(*(sw_decl *const *)a, *(sw_decl *const *)b);
}

static int cmp_statement_pos(const void *a, const void *b)
{
    int c = cmp_statement(a, b);
    return c ? c : cmp_position(*(sw_decl *const *)a, *(sw_decl *const *)b);
}

static int decl_name_compare(const void *table, size_t i, const void *key)
{
    return strcmp(((sw_decl *const *)table)[i]->name.name, key);
}

uint32_t sw_model_find(sw_decl *const *decls, uint32_t n, const char *name)
{
    size_t i = sw_lookup(decls, n, decl_name_compare, name);
    return i == SIZE_MAX ? SW_NONE : (uint32_t)i;
}

/* A statement's key: its source, then its id. */
typedef struct statement_key {
    const char *source, *id;
} statement_key;

static int statement_compare(const void *table, size_t i, const void *key)
{
    const sw_decl *d = ((sw_decl *const *)table)[i];
    const statement_key *k = key;
    int c = strcmp(d->source.name, k->source);
    return c ? c : strcmp(d->name.name, k->id);
}

uint32_t sw_model_find_statement(const sw_model *m, const char *source, const char *id)
{
    statement_key key = {source, id};
    size_t i = sw_lookup(m->statements, m->nstatements, statement_compare, &key);
    return i == SIZE_MAX ? SW_NONE : (uint32_t)i;
}

/* Collects the declarations matching a predicate, sorted; reports duplicates. */
static sw_decl **collect(sw_model *m, int kind, int item_kind, uint32_t *count,
                         int (*cmp)(const void *, const void *), const char *what)
{
    uint32_t n = 0;
    for (sw_decl *d = m->decls; d; d = d->next)
        n += d->kind == kind && (item_kind < 0 || d->item_kind == item_kind);
    sw_decl **v = sw_arena_array(m->arena, n ? n : 1, sizeof *v);
    if (!v) {
        m->errors++;
        *count = 0;
        return NULL;
    }
    n = 0;
    for (sw_decl *d = m->decls; d; d = d->next)
        if (d->kind == kind && (item_kind < 0 || d->item_kind == item_kind))
            v[n++] = d;
    qsort(v, n, sizeof *v, cmp == cmp_statement ? cmp_statement_pos : cmp_decl_name_pos);
    /* drop duplicates, keeping the first declared */
    uint32_t out = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (out && cmp(&v[out - 1], &v[i]) == 0) {
            const sw_decl *first = v[out - 1];
            sw_model_report(m, v[i], v[i]->name.at, "E102", "rename one, or remove it", "%s '%s%s%s' is declared twice", what,
                   kind == SW_D_STATEMENT ? v[i]->source.name : "",
                   kind == SW_D_STATEMENT ? "." : "", v[i]->name.name);
            sw_diag_relate(m->diags, sw_syntax_where(&m->files[first->file], first->name.at),
                           "the first declaration is here");
            continue;
        }
        v[out++] = v[i];
    }
    *count = out;
    return v;
}

/* ---- guideline, sources, stages ---- */

static int is_semver(const char *v)
{
    int parts = 0;
    const char *p = v;
    for (;;) {
        if (*p < '0' || *p > '9')
            return 0;
        if (*p == '0' && p[1] >= '0' && p[1] <= '9')
            return 0;   /* no leading zeros */
        while (*p >= '0' && *p <= '9')
            p++;
        parts++;
        if (parts == 3)
            break;
        if (*p != '.')
            return 0;
        p++;
    }
    /* optional pre-release or build suffix */
    return *p == '\0' || *p == '-' || *p == '+';
}

static void check_guideline(sw_model *m)
{
    for (sw_decl *d = m->decls; d; d = d->next) {
        if (d->kind != SW_D_GUIDELINE)
            continue;
        if (m->guideline) {
            sw_model_report(m, d, d->at, "E103", "keep one 'guideline' header for the whole rule set",
                   "a second guideline header");
            continue;
        }
        m->guideline = d;
        if (!is_semver(d->text))
            sw_model_report(m, d, d->text_at, "E104", "write the version as MAJOR.MINOR.PATCH, e.g. \"1.0.0\"",
                   "'%s' is not a version of the form MAJOR.MINOR.PATCH", d->text);
    }
}

static void check_stages(sw_model *m)
{
    uint32_t nstages;
    sw_decl **byname = collect(m, SW_D_STAGE, -1, &nstages, cmp_decl_name, "stage");
    sw_decl *order = NULL;
    for (sw_decl *d = m->decls; d; d = d->next) {
        if (d->kind != SW_D_ORDER)
            continue;
        if (order)
            sw_model_report(m, d, d->at, "E105", "list every stage once in a single 'order'",
                   "a second stage order");
        else
            order = d;
    }
    m->stage_enum = SW_NONE;
    m->stages_broken = nstages > 0;   /* until the order is found complete */
    if (nstages == 0) {
        if (order)
            sw_model_report(m, order, order->at, "E106", "declare each stage with 'stage NAME \"Title\"'",
                   "an order is given but no stages are declared");
        return;
    }
    if (!order) {
        sw_decl *first = byname[0];
        sw_model_report(m, first, first->at, "E106",
               "add e.g. 'order engagement -> persuasion -> active_treatment'",
               "stages are declared but no 'order' says which way is forward");
        return;
    }
    uint8_t *seen = sw_arena_alloc(m->arena, nstages);
    m->stages = sw_arena_array(m->arena, nstages, sizeof *m->stages);
    if (!seen || !m->stages) {
        m->errors++;
        return;
    }
    uint32_t n = 0;
    for (sw_ident *id = order->order; id; id = id->next) {
        uint32_t k = sw_model_find(byname, nstages, id->name);
        char hint[160];
        if (k == SW_NONE) {
            sw_model_report(m, order, id->at, "E107",
                   suggest_decl(m, id->name, byname, nstages, hint, sizeof hint),
                   "'%s' is not a declared stage", id->name);
            continue;
        }
        if (seen[k]) {
            sw_model_report(m, order, id->at, "E108", "each stage appears once in the order",
                   "stage '%s' appears twice in the order", id->name);
            continue;
        }
        seen[k] = 1;
        m->stages[n++] = byname[k];
    }
    for (uint32_t k = 0; k < nstages; k++)
        if (!seen[k])
            sw_model_report(m, byname[k], byname[k]->name.at, "E109",
                   "add it to the 'order' line so forward and back moves are defined",
                   "stage '%s' is not in the order", byname[k]->name.name);
    m->nstages = n;
    if (n != nstages)
        return;
    sw_enum *e = &m->enums[m->nenums];
    const char **members = sw_arena_array(m->arena, n, sizeof *members);
    if (!members) {
        m->errors++;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        members[i] = m->stages[i]->name.name;
    e->name = "stage";
    e->nmembers = n;
    e->members = members;
    m->stage_enum = m->nenums++;
    m->stages_broken = 0;
}

/* ---- facts and types ---- */

static double literal_num(const sw_expr *e) { return e->kind == SW_E_NUMBER ? e->n : (double)e->i; }

static void check_type(sw_model *m, sw_decl *d, sw_type *t)
{
    sw_type_expr *te = d->type;
    memset(t, 0, sizeof *t);
    switch ((sw_type_form)te->form) {
    case SW_TF_BOOL: t->kind = SW_T_BOOL; break;
    case SW_TF_DATE: t->kind = SW_T_DATE; break;
    case SW_TF_TEXT: t->kind = SW_T_TEXT; break;
    case SW_TF_INT:
        t->kind = SW_T_INT;
        if (te->has_range) {
            if (te->min->kind != SW_E_INT || te->max->kind != SW_E_INT) {
                sw_model_report(m, d, te->at, "E201", "an int range uses whole numbers, e.g. 0..27",
                       "the range of int fact '%s' has a decimal bound", d->name.name);
                return;
            }
            t->has_range = 1;
            t->imin = te->min->i;
            t->imax = te->max->i;
            if (t->imin > t->imax)
                sw_model_report(m, d, te->at, "E202", "write the smaller bound first",
                       "the range %lld..%lld of '%s' is empty", (long long)t->imin,
                       (long long)t->imax, d->name.name);
        }
        break;
    case SW_TF_NUMBER:
        t->kind = SW_T_NUMBER;
        if (te->has_range) {
            t->has_range = 1;
            t->nmin = literal_num(te->min);
            t->nmax = literal_num(te->max);
            if (t->nmin > t->nmax)
                sw_model_report(m, d, te->at, "E202", "write the smaller bound first",
                       "the range of '%s' is empty", d->name.name);
        }
        break;
    case SW_TF_STAGE:
        t->kind = SW_T_ENUM;
        t->enumeration = m->stage_enum;
        if (m->stage_enum == SW_NONE && !m->stages_broken)
            sw_model_report(m, d, te->at, "E110", "declare the stages and their order first",
                   "fact '%s' has type stage but no stages are declared", d->name.name);
        break;
    case SW_TF_ONE_OF:
    case SW_TF_SET_OF: {
        uint32_t n = 0;
        for (sw_ident *id = te->members; id; id = id->next)
            n++;
        t->kind = te->form == SW_TF_ONE_OF ? SW_T_ENUM : SW_T_SET;
        if (te->form == SW_TF_SET_OF && n > SW_SET_MAX_MEMBERS) {
            sw_model_report(m, d, te->at, "E203", "split the set into two facts",
                   "a set may have at most %d members; '%s' has %u", SW_SET_MAX_MEMBERS,
                   d->name.name, n);
            t->enumeration = SW_NONE;
            return;
        }
        const char **members = sw_arena_array(m->arena, n, sizeof *members);
        if (!members) {
            m->errors++;
            return;
        }
        uint32_t k = 0;
        for (sw_ident *id = te->members; id; id = id->next) {
            int dup = 0;
            for (uint32_t j = 0; j < k; j++)
                dup |= strcmp(members[j], id->name) == 0;
            if (dup) {
                sw_model_report(m, d, id->at, "E111", NULL, "'%s' is listed twice", id->name);
                continue;
            }
            members[k++] = id->name;
        }
        sw_enum *e = &m->enums[m->nenums];
        e->name = d->name.name;
        e->nmembers = k;
        e->members = members;
        t->enumeration = m->nenums++;
        break;
    }
    }
}

static int check_literal_fits(sw_model *m, sw_decl *d, sw_expr *lit, const sw_type *t);

static void check_facts(sw_model *m)
{
    uint32_t nbase, nderived;
    sw_decl **base = collect(m, SW_D_FACT, -1, &nbase, cmp_decl_name, "fact");
    sw_decl **derived = collect(m, SW_D_DERIVED, -1, &nderived, cmp_decl_name, "derived fact");
    m->nbase = nbase;
    m->nfacts = nbase + nderived;
    m->facts = sw_arena_array(m->arena, m->nfacts ? m->nfacts : 1, sizeof *m->facts);
    m->types = sw_arena_array(m->arena, m->nfacts ? m->nfacts : 1, sizeof *m->types);
    if (!m->facts || !m->types) {
        m->nbase = m->nfacts = 0;   /* later phases must not search a table never filled */
        m->errors++;
        return;
    }
    for (uint32_t i = 0; i < nbase; i++)
        m->facts[i] = base[i];
    for (uint32_t i = 0; i < nderived; i++) {
        m->facts[nbase + i] = derived[i];
        if (sw_model_find(base, nbase, derived[i]->name.name) != SW_NONE)
            sw_model_report(m, derived[i], derived[i]->name.at, "E102", "give the derived fact another name",
                   "'%s' is declared both as a fact and as a derived fact", derived[i]->name.name);
    }
    for (uint32_t s = 0; s < m->nfacts; s++) {
        sw_decl *d = m->facts[s];
        check_type(m, d, &m->types[s]);
        if (strcmp(d->name.name, "stage") == 0 &&
            (d->type->form != SW_TF_STAGE || d->kind != SW_D_FACT))
            sw_model_report(m, d, d->type->at, "E112", "declare it as 'stage: stage \"Current stage\"'",
                   "the fact named 'stage' holds the client's current stage and must have type stage");
        if (d->deflt)
            check_literal_fits(m, d, d->deflt, &m->types[s]);
    }
}

/* A derived fact's default must be a literal of its type. */
static int check_literal_fits(sw_model *m, sw_decl *d, sw_expr *lit, const sw_type *t)
{
    char hint[200];
    switch ((sw_type_kind)t->kind) {
    case SW_T_BOOL: if (lit->kind == SW_E_BOOL) return 1; break;
    case SW_T_INT:
        if (lit->kind == SW_E_INT) {
            if (t->has_range && (lit->i < t->imin || lit->i > t->imax)) {
                sw_model_report(m, d, lit->at, "E204", NULL, "%lld is outside the range of '%s' (%lld..%lld)",
                       (long long)lit->i, d->name.name, (long long)t->imin, (long long)t->imax);
                return 0;
            }
            return 1;
        }
        break;
    case SW_T_NUMBER: if (lit->kind == SW_E_INT || lit->kind == SW_E_NUMBER) return 1; break;
    case SW_T_DATE: if (lit->kind == SW_E_DATE) return 1; break;
    case SW_T_TEXT: if (lit->kind == SW_E_TEXT) return 1; break;
    case SW_T_ENUM:
        if (lit->kind == SW_E_NAME && t->enumeration != SW_NONE) {
            int k = sw_enum_find(&m->enums[t->enumeration], lit->s, strlen(lit->s));
            if (k >= 0) {
                lit->is_member = 1;
                lit->i = k;
                return 1;
            }
            sw_model_report(m, d, lit->at, "E205", suggest_member(&m->enums[t->enumeration], lit->s, hint, sizeof hint),
                   "'%s' is not one of the values of '%s'", lit->s, d->name.name);
            return 0;
        }
        break;
    case SW_T_SET: break;
    }
    sw_model_report(m, d, lit->at, "E206", NULL, "the default does not match the type of '%s'", d->name.name);
    return 0;
}

/* ---- citations and the catalogue ---- */

static void check_cites(sw_model *m, sw_decl *d)
{
    char hint[200];
    for (sw_cite *c = d->cites; c; c = c->next) {
        if (sw_model_find(m->sources, m->nsources, c->source.name) == SW_NONE) {
            sw_model_report(m, d, c->source.at, "E113",
                   suggest_decl(m, c->source.name, m->sources, m->nsources, hint, sizeof hint),
                   "'%s' is not a declared source", c->source.name);
            continue;
        }
        if (c->statement.name &&
            sw_model_find_statement(m, c->source.name, c->statement.name) == SW_NONE) {
            const char *h = NULL;
            /* suggest among this source's statements */
            uint32_t n = 0;
            for (uint32_t i = 0; i < m->nstatements; i++)
                n += strcmp(m->statements[i]->source.name, c->source.name) == 0;
            const char **names = sw_arena_array(m->arena, n ? n : 1, sizeof *names);
            if (names) {
                n = 0;
                for (uint32_t i = 0; i < m->nstatements; i++)
                    if (strcmp(m->statements[i]->source.name, c->source.name) == 0)
                        names[n++] = m->statements[i]->name.name;
                const char *s = sw_suggest(c->statement.name, names, n);
                if (s) {
                    snprintf(hint, sizeof hint, "did you mean '%s.%s'?", c->source.name, s);
                    h = hint;
                }
            }
            sw_model_report(m, d, c->at, "E114", h, "source %s has no statement '%s'", c->source.name,
                   c->statement.name);
        }
    }
}

static int level_index(const char *word, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(word, names[i]) == 0)
            return i;
    return -1;
}

static const char *const priority_names[] = {"low", "normal", "high", "urgent"};
static const char *const severity_names[] = {"info", "warning", "critical"};

static int check_level(sw_model *m, sw_decl *d, const sw_ident *word, int is_priority)
{
    const char *const *names = is_priority ? priority_names : severity_names;
    int n = is_priority ? 4 : 3;
    int k = level_index(word->name, names, n);
    if (k < 0) {
        char hint[160];
        const char *s = sw_suggest(word->name, names, (size_t)n);
        if (s)
            snprintf(hint, sizeof hint, "did you mean '%s'?", s);
        else
            snprintf(hint, sizeof hint, is_priority ? "use low, normal, high or urgent"
                                                    : "use info, warning or critical");
        sw_model_report(m, d, word->at, "E115", hint, "'%s' is not a %s", word->name,
               is_priority ? "priority" : "severity");
    }
    return k;
}

const char *const sw_rule_status_names[4] = {"draft", "testing", "production", "retired"};

int sw_rule_status_index(const char *word)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(word, sw_rule_status_names[i]) == 0)
            return i;
    return -1;
}


static void check_catalogue(sw_model *m)
{
    for (int k = 0; k < SW_ITEM__COUNT; k++) {
        m->items[k] = collect(m, SW_D_ITEM, k, &m->nitems[k], cmp_decl_name, sw_item_vocab[k].noun);
        for (uint32_t i = 0; i < m->nitems[k]; i++) {
            sw_decl *d = m->items[k][i];
            check_cites(m, d);
            if (d->level.name && sw_item_vocab[k].level != SW_LEVEL_SEVERITY)
                sw_model_report(m, d, d->level.at, "E116", NULL, "only risks have a severity");
            else if (d->level.name)
                check_level(m, d, &d->level, 0);
            if (d->kind_word.name && k != SW_ITEM_INTERVENTION)
                sw_model_report(m, d, d->kind_word.at, "E116", NULL, "only interventions have a kind");
        }
    }
}

/* ---- expressions ---- */

static const char *type_word(const sw_model *m, const sw_type *t)
{
    const sw_type_words *w = sw_type_words_of(t, m->stage_enum);
    return w ? w->described : "a value";
}

static int is_numeric(const sw_type *t) { return t->kind == SW_T_INT || t->kind == SW_T_NUMBER; }

static void set_type(sw_expr *e, sw_type_kind kind)
{
    memset(&e->type, 0, sizeof e->type);
    e->type.kind = (uint8_t)kind;
    e->checked_ok = 1;
}

static int check_expr(sw_model *m, sw_decl *d, sw_expr *e, const sw_type *context);

static const char *stage_hint(sw_model *m, const char *name, char *buf, size_t size)
{
    if (m->stage_enum != SW_NONE &&
        sw_enum_find(&m->enums[m->stage_enum], name, strlen(name)) >= 0) {
        snprintf(buf, size, "'%s' is a stage: write 'stage is %s'", name, name);
        return buf;
    }
    return NULL;
}

static int check_name(sw_model *m, sw_decl *d, sw_expr *e, const sw_type *context)
{
    char hint[200];
    if (context && (context->kind == SW_T_ENUM || context->kind == SW_T_SET) &&
        context->enumeration != SW_NONE) {
        int k = sw_enum_find(&m->enums[context->enumeration], e->s, strlen(e->s));
        if (k >= 0) {
            e->is_member = 1;
            e->i = k;
            set_type(e, SW_T_ENUM);
            e->type.enumeration = context->enumeration;
            return 1;
        }
    }
    uint32_t slot = sw_model_find(m->facts, m->nbase, e->s);
    if (slot == SW_NONE) {
        uint32_t k = sw_model_find(m->facts + m->nbase, m->nfacts - m->nbase, e->s);
        slot = k == SW_NONE ? SW_NONE : m->nbase + k;
    }
    if (slot != SW_NONE) {
        e->slot = slot;
        e->type = m->types[slot];
        /* a one-of, set or stage type whose declaration failed (already told) */
        if ((e->type.kind == SW_T_ENUM || e->type.kind == SW_T_SET) &&
            e->type.enumeration == SW_NONE)
            return 0;
        e->checked_ok = 1;
        return 1;
    }
    if (context && (context->kind == SW_T_ENUM || context->kind == SW_T_SET) &&
        context->enumeration != SW_NONE) {
        const sw_enum *en = &m->enums[context->enumeration];
        sw_model_report(m, d, e->at, "E205", suggest_member(en, e->s, hint, sizeof hint),
               "'%s' is not one of the values of '%s'", e->s, en->name);
        return 0;
    }
    const char *h = stage_hint(m, e->s, hint, sizeof hint);
    if (!h && context && context->kind == SW_T_BOOL &&
        (strcmp(e->s, "yes") == 0 || strcmp(e->s, "no") == 0))
        h = "write true or false";
    if (!h)
        h = suggest_decl(m, e->s, m->facts, m->nbase, hint, sizeof hint);
    if (!h)
        h = suggest_decl(m, e->s, m->facts + m->nbase, m->nfacts - m->nbase, hint, sizeof hint);
    sw_model_report(m, d, e->at, "E101", h, "unknown fact '%s'", e->s);
    return 0;
}

/* The fact an expression reads directly, or NULL. */
static const sw_type *ranged_fact(const sw_model *m, const sw_expr *e, const char **name)
{
    if (e->kind != SW_E_NAME || e->is_member || !e->checked_ok)
        return NULL;
    *name = m->facts[e->slot]->name.name;
    return is_numeric(&e->type) && e->type.has_range ? &e->type : NULL;
}

static void check_range(sw_model *m, sw_decl *d, const sw_expr *fact, const sw_expr *lit)
{
    const char *name;
    const sw_type *t = ranged_fact(m, fact, &name);
    if (!t || (lit->kind != SW_E_INT && lit->kind != SW_E_NUMBER))
        return;
    double v = literal_num(lit);
    double lo = t->kind == SW_T_INT ? (double)t->imin : t->nmin;
    double hi = t->kind == SW_T_INT ? (double)t->imax : t->nmax;
    if (v >= lo && v <= hi)
        return;
    char hint[200];
    if (t->kind == SW_T_INT)
        snprintf(hint, sizeof hint, "'%s' is declared as int %lld..%lld", name,
                 (long long)t->imin, (long long)t->imax);
    else
        snprintf(hint, sizeof hint, "'%s' is declared as number %g..%g", name, t->nmin, t->nmax);
    if (lit->kind == SW_E_INT)
        sw_model_report(m, d, lit->at, "E202", hint, "%lld is outside the range of '%s'", (long long)lit->i, name);
    else
        sw_model_report(m, d, lit->at, "E202", hint, "%g is outside the range of '%s'", lit->n, name);
}

static int same_enum(const sw_type *a, const sw_type *b)
{
    return a->enumeration == b->enumeration;
}

static int comparable(const sw_type *a, const sw_type *b, int ordered, int is_stage)
{
    if (is_numeric(a) && is_numeric(b))
        return 1;
    if (a->kind != b->kind)
        return 0;
    if (ordered)   /* dates, and stages by their order */
        return a->kind == SW_T_DATE || (a->kind == SW_T_ENUM && is_stage && same_enum(a, b));
    if (a->kind == SW_T_ENUM || a->kind == SW_T_SET)
        return same_enum(a, b);
    return 1;
}

static int check_cmp(sw_model *m, sw_decl *d, sw_expr *e)
{
    static const char *const eq_fix[] = {"", "'='", "'=='", "'!='"};
    if (e->eq_typo)
        sw_model_report(m, d, e->at, "E207",
               e->eq_typo == 3 ? "write 'x is not y'" : "write 'x is y' to compare values",
               "%s is not a comparison in conditions", eq_fix[e->eq_typo]);
    if (!check_expr(m, d, e->lhs, NULL))
        return 0;
    const sw_type *ctx = &e->lhs->type;
    if (!check_expr(m, d, e->rhs, ctx))
        return 0;
    int ordered = e->op != SW_OP_EQ && e->op != SW_OP_NE;
    int stage_enum = e->lhs->type.kind == SW_T_ENUM && e->lhs->type.enumeration == m->stage_enum;
    if (!comparable(&e->lhs->type, &e->rhs->type, ordered, stage_enum)) {
        if (ordered && e->lhs->type.kind == SW_T_ENUM && e->rhs->type.kind == SW_T_ENUM)
            sw_model_report(m, d, e->at, "E208", "use 'is', 'is not' or 'in { ... }' for these values",
                   "the values of '%s' have no order", m->enums[e->lhs->type.enumeration].name);
        else if (ordered && e->lhs->type.kind == e->rhs->type.kind)
            sw_model_report(m, d, e->at, "E208", "use 'is', 'is not' or 'in { ... }' for these values",
                   "%s cannot be compared with <, <=, > or >=", type_word(m, &e->lhs->type));
        else
            sw_model_report(m, d, e->at, "E208", NULL, "cannot compare %s with %s",
                   type_word(m, &e->lhs->type), type_word(m, &e->rhs->type));
        return 0;
    }
    check_range(m, d, e->lhs, e->rhs);
    check_range(m, d, e->rhs, e->lhs);
    set_type(e, SW_T_BOOL);
    return 1;
}

static int check_list(sw_model *m, sw_decl *d, sw_expr *e, const sw_type *t)
{
    int ok = 1;
    for (sw_expr *it = e->items; it; it = it->next) {
        if (t->kind == SW_T_ENUM || t->kind == SW_T_SET) {
            if (it->kind != SW_E_NAME) {
                sw_model_report(m, d, it->at, "E209", NULL, "expected one of the values of '%s'",
                       m->enums[t->enumeration].name);
                ok = 0;
                continue;
            }
            char hint[200];
            int k = sw_enum_find(&m->enums[t->enumeration], it->s, strlen(it->s));
            if (k < 0) {
                sw_model_report(m, d, it->at, "E205",
                       suggest_member(&m->enums[t->enumeration], it->s, hint, sizeof hint),
                       "'%s' is not one of the values of '%s'", it->s, m->enums[t->enumeration].name);
                ok = 0;
                continue;
            }
            it->is_member = 1;
            it->i = k;
            set_type(it, SW_T_ENUM);
            it->type.enumeration = t->enumeration;
        } else if (t->kind == SW_T_INT && it->kind == SW_E_INT) {
            set_type(it, SW_T_INT);
            check_range(m, d, e->lhs, it);
        } else if (t->kind == SW_T_TEXT && it->kind == SW_E_TEXT) {
            set_type(it, SW_T_TEXT);
        } else {
            sw_model_report(m, d, it->at, "E209", NULL, "this value does not match %s", type_word(m, t));
            ok = 0;
        }
    }
    return ok;
}

static int check_in(sw_model *m, sw_decl *d, sw_expr *e)
{
    if (!check_expr(m, d, e->lhs, NULL))
        return 0;
    const sw_type *t = &e->lhs->type;
    if (t->kind == SW_T_SET) {
        sw_model_report(m, d, e->at, "E210", "write 'contains any { ... }' or 'contains all { ... }'",
               "'in' tests one value; this is a set");
        return 0;
    }
    if (t->kind != SW_T_ENUM && t->kind != SW_T_INT && t->kind != SW_T_TEXT) {
        sw_model_report(m, d, e->at, "E210", NULL, "'in' needs one of a list of values, a whole number or text, not %s",
               type_word(m, t));
        return 0;
    }
    if (!check_list(m, d, e, t))
        return 0;
    set_type(e, SW_T_BOOL);
    return 1;
}

static int check_contains(sw_model *m, sw_decl *d, sw_expr *e)
{
    if (!check_expr(m, d, e->lhs, NULL))
        return 0;
    const sw_type *t = &e->lhs->type;
    if (t->kind != SW_T_SET) {
        sw_model_report(m, d, e->at, "E211",
               t->kind == SW_T_ENUM ? "for one value write 'x is v' or 'x in { ... }'" : NULL,
               "'contains' needs a set, not %s", type_word(m, t));
        return 0;
    }
    if (e->mode != SW_CONTAINS_ONE)
        return check_list(m, d, e, t) ? (set_type(e, SW_T_BOOL), 1) : 0;
    if (e->rhs->kind != SW_E_NAME) {
        sw_model_report(m, d, e->rhs->at, "E209", NULL, "expected one of the values of '%s'",
               m->enums[t->enumeration].name);
        return 0;
    }
    char hint[200];
    int k = sw_enum_find(&m->enums[t->enumeration], e->rhs->s, strlen(e->rhs->s));
    if (k < 0) {
        sw_model_report(m, d, e->rhs->at, "E205", suggest_member(&m->enums[t->enumeration], e->rhs->s, hint, sizeof hint),
               "'%s' is not one of the values of '%s'", e->rhs->s, m->enums[t->enumeration].name);
        return 0;
    }
    e->rhs->is_member = 1;
    e->rhs->i = k;
    set_type(e->rhs, SW_T_ENUM);
    e->rhs->type.enumeration = t->enumeration;
    set_type(e, SW_T_BOOL);
    return 1;
}

static int expect_bool(sw_model *m, sw_decl *d, sw_expr *e, const char *where)
{
    if (!check_expr(m, d, e, NULL))
        return 0;
    if (e->type.kind != SW_T_BOOL) {
        char hint[200];
        const char *h = NULL;
        if (e->kind == SW_E_NAME && !e->is_member) {
            snprintf(hint, sizeof hint, "compare it, e.g. '%s is ...' or '%s is known'", e->s, e->s);
            h = hint;
        }
        sw_model_report(m, d, e->at, "E212", h, "%s must be true or false, but this is %s", where,
               type_word(m, &e->type));
        return 0;
    }
    return 1;
}

static int expect_numeric(sw_model *m, sw_decl *d, sw_expr *e)
{
    if (!check_expr(m, d, e, NULL))
        return 0;
    if (!is_numeric(&e->type)) {
        sw_model_report(m, d, e->at, "E213", NULL, "arithmetic needs numbers, but this is %s",
               type_word(m, &e->type));
        return 0;
    }
    return 1;
}

/* ---- constant folding ---- */

static int is_constant(const sw_expr *e) { return e->kind == SW_E_INT || e->kind == SW_E_NUMBER; }

static const char *const op_sign[] = {
    [SW_OP_ADD] = "+", [SW_OP_SUB] = "-", [SW_OP_MUL] = "*", [SW_OP_DIV] = "/"};

/* Turns e, checked arithmetic on constants (literals, or subexpressions already
 * folded), into the literal it computes, with e's span, so that the compiled
 * program holds the value and range checks see it. What cannot be computed is
 * E216: a division by zero, a whole number outside 64 bits, a decimal beyond the
 * largest double. The evaluator would make these unknown for every client, so a
 * rule holding one could never fire. Returns 0 after reporting. */
static const char BY_ZERO[] = "it divides by zero";

static int fold(sw_model *m, sw_decl *d, sw_expr *e)
{
    const char *why = NULL;
    sw_expr *a = e->lhs, *b = e->kind == SW_E_ARITH ? e->rhs : NULL;
    if (!is_constant(a) || (b && !is_constant(b)))
        return 1;
    if (e->type.kind == SW_T_INT) {
        int64_t r = 0;
        int overflow;
        if (!b)
            overflow = __builtin_sub_overflow((int64_t)0, a->i, &r);
        else if (e->op == SW_OP_ADD)
            overflow = __builtin_add_overflow(a->i, b->i, &r);
        else if (e->op == SW_OP_SUB)
            overflow = __builtin_sub_overflow(a->i, b->i, &r);
        else
            overflow = __builtin_mul_overflow(a->i, b->i, &r);
        if (overflow)
            why = "the result is outside the whole numbers Stagewise holds "
                  "(-9223372036854775808 to 9223372036854775807)";
        else
            e->i = r;
    } else {
        double x = literal_num(a), y = b ? literal_num(b) : 0.0, r;
        if (!b)
            r = -x;
        else if (e->op == SW_OP_ADD)
            r = x + y;
        else if (e->op == SW_OP_SUB)
            r = x - y;
        else if (e->op == SW_OP_MUL)
            r = x * y;
        else
            r = y == 0.0 ? 0.0 : x / y;
        if (b && e->op == SW_OP_DIV && y == 0.0)
            why = BY_ZERO;
        else if (!isfinite(r))
            why = "the result is larger than the largest number Stagewise holds (about 1.8e308)";
        else
            e->n = r;
    }
    if (why) {
        sw_model_report(m, d, e->at, "E216",
               why == BY_ZERO ? "it would be unknown for every client; divide by a number "
                                "that is not zero"
                              : "it would be unknown for every client; write a smaller value",
               "'%s' cannot be computed: %s", b ? op_sign[e->op] : "-", why);
        return 0;
    }
    e->kind = (uint8_t)(e->type.kind == SW_T_INT ? SW_E_INT : SW_E_NUMBER);
    e->lhs = e->rhs = NULL;
    return 1;
}

/* Operators nested or chained in one expression (`a and b and c ...` is as deep
 * as it is long): deeper ones are refused (E011), since checking, compiling and
 * evaluating walk expressions recursively. The parser stops nesting at 2000. */
#define SW_MAX_EXPR_DEPTH SW_LIMIT_EXPR_DEPTH

static int check_expr_at(sw_model *m, sw_decl *d, sw_expr *e, const sw_type *context);

static int check_expr(sw_model *m, sw_decl *d, sw_expr *e, const sw_type *context)
{
    if (e && m->expr_depth >= SW_MAX_EXPR_DEPTH) {
        if (m->deep_told != d)
            sw_model_report(m, d, e->at, "E011", "split the condition into derived facts",
                   "the expression is nested or chained more than %u operators deep",
                   SW_MAX_EXPR_DEPTH);
        m->deep_told = d;
        return 0;
    }
    m->expr_depth++;
    int ok = check_expr_at(m, d, e, context);
    m->expr_depth--;
    return ok;
}

static int check_expr_at(sw_model *m, sw_decl *d, sw_expr *e, const sw_type *context)
{
    if (!e)
        return 0;
    switch ((sw_expr_kind)e->kind) {
    case SW_E_INT: set_type(e, SW_T_INT); return 1;
    case SW_E_NUMBER: set_type(e, SW_T_NUMBER); return 1;
    case SW_E_BOOL: set_type(e, SW_T_BOOL); return 1;
    case SW_E_TEXT: set_type(e, SW_T_TEXT); return 1;
    case SW_E_DATE: set_type(e, SW_T_DATE); return 1;
    case SW_E_NAME: return check_name(m, d, e, context);
    case SW_E_NOT:
        if (!expect_bool(m, d, e->lhs, "the operand of 'not'"))
            return 0;
        set_type(e, SW_T_BOOL);
        return 1;
    case SW_E_AND:
    case SW_E_OR: {
        int a = expect_bool(m, d, e->lhs, "each side of 'and'/'or'");
        int b = expect_bool(m, d, e->rhs, "each side of 'and'/'or'");
        if (!a || !b)
            return 0;
        set_type(e, SW_T_BOOL);
        return 1;
    }
    case SW_E_CMP: return check_cmp(m, d, e);
    case SW_E_ARITH: {
        int a = expect_numeric(m, d, e->lhs);
        int b = expect_numeric(m, d, e->rhs);
        if (!a || !b)
            return 0;
        int integer = e->lhs->type.kind == SW_T_INT && e->rhs->type.kind == SW_T_INT &&
                      e->op != SW_OP_DIV;
        set_type(e, integer ? SW_T_INT : SW_T_NUMBER);
        return fold(m, d, e);
    }
    case SW_E_NEG:
        if (!expect_numeric(m, d, e->lhs))
            return 0;
        set_type(e, (sw_type_kind)e->lhs->type.kind);
        return fold(m, d, e);
    case SW_E_IN: return check_in(m, d, e);
    case SW_E_CONTAINS: return check_contains(m, d, e);
    case SW_E_KNOWN:
        if (!check_expr(m, d, e->lhs, NULL))
            return 0;
        set_type(e, SW_T_BOOL);
        return 1;
    case SW_E_SINCE:
        if (!check_expr(m, d, e->lhs, NULL))
            return 0;
        if (e->lhs->type.kind != SW_T_DATE) {
            sw_model_report(m, d, e->lhs->at, "E214", NULL, "'%s since' needs a date, but this is %s",
                   e->mode == 7 ? "weeks" : e->mode == SW_SINCE_MONTHS ? "months" : "days",
                   type_word(m, &e->lhs->type));
            return 0;
        }
        set_type(e, e->mode == SW_SINCE_MONTHS ? SW_T_NUMBER : SW_T_INT);
        return 1;
    }
    return 0;
}

/* ---- rules ---- */

static void check_action(sw_model *m, sw_decl *rule, sw_action_ast *a)
{
    char hint[200];
    const sw_ident *t = &a->target;
    int ik = sw_action_item(a->kind);
    if (ik >= 0) {
        if (sw_model_find(m->items[ik], m->nitems[ik], t->name) == SW_NONE) {
            const char *h = suggest_decl(m, t->name, m->items[ik], m->nitems[ik], hint, sizeof hint);
            if (!h) {
                snprintf(hint, sizeof hint, "declare it: %s %s \"...\"", sw_item_vocab[ik].noun, t->name);
                h = hint;
            }
            sw_model_report(m, rule, t->at, "E117", h, "'%s' is not a declared %s", t->name, sw_item_vocab[ik].noun);
        }
        if (a->level.name)
            check_level(m, rule, &a->level, sw_item_vocab[ik].level == SW_LEVEL_PRIORITY);
        return;
    }
    /* the actions that are not about an item */
    switch ((sw_action_kind)a->kind) {
    case SW_ACT_MOVE:
        if (m->stage_enum == SW_NONE ||
            sw_enum_find(&m->enums[m->stage_enum], t->name, strlen(t->name)) < 0) {
            const char *h = m->nstages ? suggest_decl(m, t->name, m->stages, m->nstages, hint, sizeof hint) : NULL;
            sw_model_report(m, rule, t->at, "E107", h, "'%s' is not a declared stage", t->name);
        }
        break;
    case SW_ACT_SET: {
        uint32_t k = sw_model_find(m->facts + m->nbase, m->nfacts - m->nbase, t->name);
        if (k == SW_NONE) {
            const char *h = NULL;
            if (sw_model_find(m->facts, m->nbase, t->name) != SW_NONE) {
                snprintf(hint, sizeof hint, "rules cannot change '%s', which comes from the assessment; declare a derived fact with another name",
                         t->name);
                h = hint;
            } else
                h = suggest_decl(m, t->name, m->facts + m->nbase, m->nfacts - m->nbase, hint, sizeof hint);
            sw_model_report(m, rule, t->at, "E118", h, "'%s' is not a derived fact", t->name);
            break;
        }
        const sw_type *dt = &m->types[m->nbase + k];
        if (!check_expr(m, rule, a->value, dt))
            break;
        if (!comparable(dt, &a->value->type, 0, 0) ||
            (dt->kind == SW_T_INT && a->value->type.kind == SW_T_NUMBER))
            sw_model_report(m, rule, a->value->at, "E215",
                   dt->kind == SW_T_INT && a->value->type.kind == SW_T_NUMBER
                       ? "'/' always gives a decimal number: declare the derived fact as number"
                       : NULL,
                   "'%s' holds %s but this is %s", t->name, type_word(m, dt), type_word(m, &a->value->type));
        else if (a->value->kind == SW_E_INT || a->value->kind == SW_E_NUMBER) {
            sw_expr fake = {0};
            fake.kind = SW_E_NAME;
            fake.checked_ok = 1;
            fake.slot = m->nbase + k;
            fake.type = *dt;
            check_range(m, rule, &fake, a->value);
        }
        break;
    }
    default:
        break;
    }
}

static void check_rules(sw_model *m)
{
    m->rules = collect(m, SW_D_RULE, -1, &m->nrules, cmp_decl_name, "rule");
    for (uint32_t i = 0; i < m->nrules; i++) {
        sw_decl *r = m->rules[i];
        check_cites(m, r);
        if (r->level.name)
            check_level(m, r, &r->level, 1);
        if (r->status.name && sw_rule_status_index(r->status.name) < 0) {
            char hint[160];
            const char *s = sw_suggest(r->status.name, sw_rule_status_names, 4);
            if (s)
                snprintf(hint, sizeof hint, "did you mean '%s'?", s);
            else
                snprintf(hint, sizeof hint, "use draft, testing, production or retired");
            sw_model_report(m, r, r->status.at, "E119", hint, "'%s' is not a rule status", r->status.name);
        }
        if (r->text && !is_semver(r->text))
            sw_model_report(m, r, r->text_at, "E104", "write the version as MAJOR.MINOR.PATCH, e.g. \"1.0.0\"",
                   "'%s' is not a version of the form MAJOR.MINOR.PATCH", r->text);
        for (sw_allow *a = r->allows; a; a = a->next)
            if (!(a->code.name[0] == 'L' && strlen(a->code.name) == 4 && strspn(a->code.name + 1, "0123456789") == 3))
                sw_model_report(m, r, a->code.at, "E120", "lint codes look like L001; see docs/lint.md",
                       "'%s' is not a lint finding code", a->code.name);
        expect_bool(m, r, r->cond, "a rule's condition");
        for (sw_action_ast *a = r->actions; a; a = a->next)
            check_action(m, r, a);
    }
}

/* ---- derived facts: no cycles ---- */

/* Calls fn for every derived slot an expression reads (no deeper than the
 * checker went: deeper expressions were refused). */
static void derived_reads(const sw_model *m, const sw_expr *e, void (*fn)(void *, uint32_t), void *ctx,
                          unsigned depth)
{
    for (; e && depth < SW_MAX_EXPR_DEPTH; e = NULL) {
        if (e->kind == SW_E_NAME && !e->is_member && e->checked_ok && e->slot >= m->nbase)
            fn(ctx, e->slot);
        derived_reads(m, e->lhs, fn, ctx, depth + 1);
        derived_reads(m, e->rhs, fn, ctx, depth + 1);
        for (const sw_expr *it = e->items; it; it = it->next)
            derived_reads(m, it, fn, ctx, depth + 1);
    }
}

typedef struct dep_edge {
    uint32_t to;           /* the derived fact read */
    sw_decl *via;          /* the setter rule that reads it */
} dep_edge;

typedef struct dep_graph {
    uint32_t n;            /* derived facts */
    dep_edge **edges;      /* edges[i]: derived facts that i's setters read */
    uint32_t *nedges, *capedges;
    int failed;
} dep_graph;

typedef struct dep_ctx {
    sw_model *m;
    dep_graph *g;
    uint32_t from;
    sw_decl *rule;
} dep_ctx;

static void add_dep(void *p, uint32_t slot)
{
    dep_ctx *c = p;
    dep_graph *g = c->g;
    uint32_t to = slot - c->m->nbase;
    for (uint32_t k = 0; k < g->nedges[c->from]; k++)
        if (g->edges[c->from][k].to == to)
            return;
    if (g->nedges[c->from] == g->capedges[c->from]) {
        uint32_t cap = g->capedges[c->from] ? g->capedges[c->from] * 2 : 4;
        dep_edge *e = sw_arena_array(c->m->arena, cap, sizeof *e);
        if (!e) {
            g->failed = 1;
            return;
        }
        if (g->nedges[c->from])
            memcpy(e, g->edges[c->from], g->nedges[c->from] * sizeof *e);
        g->edges[c->from] = e;
        g->capedges[c->from] = cap;
    }
    dep_edge edge = {to, c->rule};
    g->edges[c->from][g->nedges[c->from]++] = edge;
}

static int find_cycle(sw_model *m, dep_graph *g, uint32_t v, uint8_t *state, uint32_t *stack,
                      uint32_t depth)
{
    state[v] = 1;
    stack[depth] = v;
    for (uint32_t k = 0; k < g->nedges[v]; k++) {
        uint32_t w = g->edges[v][k].to;
        if (state[w] == 1) {
            /* report the cycle w -> ... -> v -> w at w's declaration */
            sw_buf path = SW_BUF_INIT;
            uint32_t start = depth;
            while (stack[start] != w)
                start--;
            for (uint32_t i = start; i <= depth; i++) {
                uint32_t a = stack[i], b = i < depth ? stack[i + 1] : w;
                const sw_decl *via = NULL;
                for (uint32_t j = 0; j < g->nedges[a]; j++)
                    if (g->edges[a][j].to == b)
                        via = g->edges[a][j].via;
                sw_buf_printf(&path, "%s -> (rule %s) -> ", m->facts[m->nbase + a]->name.name,
                              via ? via->name.name : "?");
            }
            sw_buf_puts(&path, m->facts[m->nbase + w]->name.name);
            sw_decl *d = m->facts[m->nbase + w];
            sw_model_report(m, d, d->name.at, "E301", path.data,
                   "derived fact '%s' depends on itself", d->name.name);
            sw_buf_free(&path);
            state[v] = 2;
            return 1;
        }
        if (state[w] == 0 && find_cycle(m, g, w, state, stack, depth + 1)) {
            state[v] = 2;
            return 1;
        }
    }
    state[v] = 2;
    return 0;
}

static void check_derived_cycles(sw_model *m)
{
    dep_graph g = {0};
    g.n = m->nfacts - m->nbase;
    if (g.n == 0)
        return;
    g.edges = sw_arena_array(m->arena, g.n, sizeof *g.edges);
    g.nedges = sw_arena_array(m->arena, g.n, sizeof *g.nedges);
    g.capedges = sw_arena_array(m->arena, g.n, sizeof *g.capedges);
    uint8_t *state = sw_arena_alloc(m->arena, g.n);
    uint32_t *stack = sw_arena_array(m->arena, g.n, sizeof *stack);
    if (!g.edges || !g.nedges || !g.capedges || !state || !stack) {
        m->errors++;
        return;
    }
    for (uint32_t i = 0; i < m->nrules; i++) {
        sw_decl *r = m->rules[i];
        for (sw_action_ast *a = r->actions; a; a = a->next) {
            if (a->kind != SW_ACT_SET || !a->value || !a->value->checked_ok)
                continue;
            uint32_t k = sw_model_find(m->facts + m->nbase, g.n, a->target.name);
            if (k == SW_NONE)
                continue;
            dep_ctx c = {m, &g, k, r};
            derived_reads(m, r->cond, add_dep, &c, 0);
            derived_reads(m, a->value, add_dep, &c, 0);
        }
    }
    if (g.failed) {
        m->errors++;
        return;
    }
    for (uint32_t v = 0; v < g.n; v++)
        if (state[v] == 0)
            find_cycle(m, &g, v, state, stack, 0);
}

/* ---- the whole check ---- */

static void check_sources(sw_model *m)
{
    m->sources = collect(m, SW_D_SOURCE, -1, &m->nsources, cmp_decl_name, "source");
    m->statements = collect(m, SW_D_STATEMENT, -1, &m->nstatements, cmp_statement, "statement");
    char hint[200];
    for (uint32_t i = 0; i < m->nstatements; i++) {
        sw_decl *s = m->statements[i];
        if (sw_model_find(m->sources, m->nsources, s->source.name) == SW_NONE)
            sw_model_report(m, s, s->source.at, "E113",
                   suggest_decl(m, s->source.name, m->sources, m->nsources, hint, sizeof hint),
                   "'%s' is not a declared source", s->source.name);
    }
}

unsigned sw_check(sw_model *m)
{
    uint32_t nenums = 1;   /* the stages */
    for (sw_decl *d = m->decls; d; d = d->next)
        nenums += (d->kind == SW_D_FACT || d->kind == SW_D_DERIVED);
    m->enums = sw_arena_array(m->arena, nenums, sizeof *m->enums);
    if (!m->enums)
        return ++m->errors;
    check_guideline(m);
    if (!m->guideline) {
        static const sw_file none = {NULL, NULL, 0};
        m->errors++;
        sw_where w = {none.name, NULL, 0, 0, 0};
        sw_diag_add(m->diags, SW_SEV_ERROR, "E100", w, NULL,
                    "start the rule set with: guideline NAME \"Title\" version \"1.0.0\"",
                    "the rule set has no guideline header");
    }
    /* Each phase reads the tables the ones before it built; once the arena has
     * failed, a table may be missing, so checking stops (the loader answers
     * SW_ERR_NOMEM). */
    void (*const phases[])(sw_model *) = {check_sources, check_stages, check_facts,
                                          sw_check_fhir, check_catalogue, check_rules};
    for (size_t i = 0; i < sizeof phases / sizeof *phases; i++) {
        phases[i](m);
        if (m->arena->failed)
            return ++m->errors;
    }
    if (m->errors == 0)
        check_derived_cycles(m);
    return m->errors;
}
