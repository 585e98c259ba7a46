/*
 * report_tables.c - the tables at the end of the result document (format 2.0).
 *
 * A reason names its rule and a rule its citations and the facts it read; the
 * texts behind those names are written once, in four tables, rather than in every
 * reason: the rules used in the decision (title, place, citations, facts read),
 * the facts they read and every derived fact (label, value), the citations
 * (statement or locator text) and their sources (title). sw_doc_tables_build
 * collects them from a finished report, each sorted by its key (byte order) and
 * without duplicates, so the document is the same for the same report whatever
 * order the reasons came in. sw_doc_cite_key writes a citation's key as the rule
 * language writes it after `cites`: DD.eng_bp2, PHQ9 "severity bands", or DD.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lang/vocab.h"
#include "report/report.h"
#include "util/grow.h"

size_t sw_report_lists(const sw_report *rep, sw_item_list four[SW_REPORT_NAMED_KINDS],
                       const sw_item_list **out)
{
    if (rep->kinds) {
        *out = rep->kinds;
        return rep->nkinds;
    }
    const sw_item *items[SW_REPORT_NAMED_KINDS] = {rep->recommendations, rep->advice,
                                                   rep->challenges, rep->risks};
    const size_t n[SW_REPORT_NAMED_KINDS] = {rep->nrecommendations, rep->nadvice,
                                             rep->nchallenges, rep->nrisks};
    for (int k = 0; k < SW_REPORT_NAMED_KINDS; k++) {
        four[k].kind = sw_item_vocab[k].noun;
        four[k].key = sw_item_vocab[k].key;
        four[k].heading = sw_item_vocab[k].heading;
        four[k].carries = sw_item_vocab[k].level_word;
        four[k].items = items[k];
        four[k].nitems = n[k];
    }
    *out = four;
    return SW_REPORT_NAMED_KINDS;
}

void sw_doc_cite_key(sw_buf *out, const sw_citation *c)
{
    sw_buf_puts(out, c->source ? c->source : "");
    if (c->statement) {
        sw_buf_putc(out, '.');
        sw_buf_puts(out, c->statement);
    } else if (c->text) {
        sw_buf_puts(out, " \"");
        for (const char *s = c->text; *s; s++) {
            if (*s == '"' || *s == '\\')
                sw_buf_putc(out, '\\');
            sw_buf_putc(out, *s);
        }
        sw_buf_putc(out, '"');
    }
}

typedef struct collector {
    sw_doc_tables *t;
    size_t rules_cap, facts_cap, cites_cap;
    int failed;
} collector;

static void add_rule(collector *c, const sw_reason *r)
{
    sw_doc_tables *t = c->t;
    if (!sw_grow_m(t->keys.mem, &t->rules, &c->rules_cap, t->nrules, sizeof *t->rules, 32)) {
        c->failed = 1;
        return;
    }
    t->rules[t->nrules++] = r;
}

static void add_reasons(collector *c, const sw_reason *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add_rule(c, &list[i]);
}

static void add_fact(collector *c, const sw_fact_value *v)
{
    sw_doc_tables *t = c->t;
    if (!sw_grow_m(t->keys.mem, &t->facts, &c->facts_cap, t->nfacts, sizeof *t->facts, 32)) {
        c->failed = 1;
        return;
    }
    t->facts[t->nfacts++] = v;
}

/* Keys are kept as offsets into t->keys while it may still move. */
static void add_cites(collector *c, const sw_citation *list, size_t n)
{
    sw_doc_tables *t = c->t;
    for (size_t i = 0; i < n; i++) {
        if (!sw_grow_m(t->keys.mem, &t->cites, &c->cites_cap, t->ncites, sizeof *t->cites, 32)) {
            c->failed = 1;
            return;
        }
        t->cites[t->ncites].key = (const char *)(uintptr_t)t->keys.len;
        t->cites[t->ncites].citation = &list[i];
        t->ncites++;
        sw_doc_cite_key(&t->keys, &list[i]);
        sw_buf_putc(&t->keys, '\0');
    }
}

static void add_items(collector *c, const sw_item *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        add_cites(c, list[i].citations, list[i].ncitations);
        add_reasons(c, list[i].reasons, list[i].nreasons);
    }
}

/* ---- sorting by name ---- */

/* An element's place and name, the name's first 8 bytes as one big-endian number
 * (the bytes after a NUL are 0), so that most comparisons are one of integers. */
typedef struct keyed {
    uint64_t prefix;
    const char *name;
    size_t at;
} keyed;

static uint64_t prefix_of(const char *s)
{
    uint64_t v = 0;
    for (int i = 0; i < 8 && s[i]; i++)
        v |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
    return v;
}

/* strcmp's order; equal prefixes whose 8th byte is NUL are equal names. */
static int keyed_cmp(const keyed *a, const keyed *b)
{
    if (a->prefix != b->prefix)
        return a->prefix < b->prefix ? -1 : 1;
    if ((a->prefix & 0xFF) == 0)
        return 0;
    return strcmp(a->name + 8, b->name + 8);
}

/* Stable: a merge sort of runs made by insertion. */
static void keyed_sort(keyed *v, keyed *tmp, size_t n)
{
    enum { RUN = 8 };
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            keyed x = v[i];
            size_t j = i;
            for (; j > lo && keyed_cmp(&v[j - 1], &x) > 0; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
    }
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            if (mid == hi || keyed_cmp(&v[mid - 1], &v[mid]) <= 0) {
                memcpy(tmp + lo, v + lo, (hi - lo) * sizeof *v);
                continue;
            }
            while (i < mid && j < hi)
                tmp[k++] = keyed_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        keyed *swap = v;
        memcpy(swap, tmp, n * sizeof *v);
    }
}

size_t sw_doc_sort_unique(sw_mem mem, void *base, size_t n, size_t size,
                          const char *(*name_of)(const void *element))
{
    if (n < 2)
        return n;
    enum { ON_STACK = 64 };
    keyed stack_v[ON_STACK], stack_tmp[ON_STACK];
    char stack_el[ON_STACK * 48];
    int small = n <= ON_STACK && n * size <= sizeof stack_el;
    keyed *v = small ? stack_v : sw_mem_alloc(mem, n * sizeof *v);
    keyed *tmp = small ? stack_tmp : sw_mem_alloc(mem, n * sizeof *tmp);
    char *el = small ? stack_el : sw_mem_alloc(mem, n * size);
    char *b = base;
    size_t k = n;
    if (v && tmp && el) {
        for (size_t i = 0; i < n; i++) {
            const char *name = name_of(b + i * size);
            v[i] = (keyed){prefix_of(name), name, i};
        }
        keyed_sort(v, tmp, n);
        memcpy(el, b, n * size);
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (k > 0 && keyed_cmp(&v[i], &v[i - 1]) == 0)
                continue;   /* sorted: an equal name is the one just before */
            memcpy(b + k++ * size, el + v[i].at * size, size);
        }
    } else {
        k = (size_t)-1;
    }
    if (!small) {
        sw_mem_free(mem, v, 0);
        sw_mem_free(mem, tmp, 0);
        sw_mem_free(mem, el, 0);
    }
    return k;
}

static const char *rule_name(const void *x) { return (*(const sw_reason *const *)x)->rule; }
static const char *fact_name(const void *x) { return (*(const sw_fact_value *const *)x)->fact; }
static const char *cite_name(const void *x) { return ((const sw_doc_cite *)x)->key; }
static const char *source_name(const void *x)
{
    const sw_citation *c = *(const sw_citation *const *)x;
    return c->source ? c->source : "";
}

sw_status sw_doc_tables_build(const sw_report *rep, sw_doc_tables *t)
{
    return sw_doc_tables_build_m((sw_mem)SW_MEM_DEFAULT, rep, t);
}

sw_status sw_doc_tables_build_m(sw_mem mem, const sw_report *rep, sw_doc_tables *t)
{
    memset(t, 0, sizeof *t);
    t->keys.mem = mem;
    collector c = {t, 0, 0, 0, 0};
    sw_item_list four[SW_REPORT_NAMED_KINDS];
    const sw_item_list *kinds;
    size_t nkinds = sw_report_lists(rep, four, &kinds);
    for (size_t k = 0; k < nkinds; k++)
        add_items(&c, kinds[k].items, kinds[k].nitems);
    for (size_t i = 0; i < rep->stage.ncandidates; i++)
        add_reasons(&c, rep->stage.candidates[i].reasons, rep->stage.candidates[i].nreasons);
    if (!c.failed && (t->nrules = sw_doc_sort_unique(mem, t->rules, t->nrules, sizeof *t->rules,
                                                     rule_name)) == (size_t)-1)
        c.failed = 1;
    for (size_t i = 0; !c.failed && i < t->nrules; i++) {
        add_cites(&c, t->rules[i]->citations, t->rules[i]->ncitations);
        for (size_t k = 0; k < t->rules[i]->nmatched; k++)
            add_fact(&c, &t->rules[i]->matched[k]);
    }
    for (size_t i = 0; i < rep->nderived; i++)
        add_fact(&c, &rep->derived[i]);
    if (c.failed || sw_buf_failed(&t->keys)) {
        sw_doc_tables_free(t);
        return SW_ERR_NOMEM;
    }
    for (size_t i = 0; i < t->ncites; i++)
        t->cites[i].key = t->keys.data + (uintptr_t)t->cites[i].key;
    t->nfacts = sw_doc_sort_unique(mem, t->facts, t->nfacts, sizeof *t->facts, fact_name);
    t->ncites = sw_doc_sort_unique(mem, t->cites, t->ncites, sizeof *t->cites, cite_name);
    t->sources = t->ncites == (size_t)-1
                     ? NULL
                     : sw_mem_alloc(t->keys.mem, (t->ncites ? t->ncites : 1) * sizeof *t->sources);
    if (!t->sources || t->nfacts == (size_t)-1) {
        sw_doc_tables_free(t);
        return SW_ERR_NOMEM;
    }
    for (size_t i = 0; i < t->ncites; i++)
        t->sources[i] = t->cites[i].citation;
    t->nsources = sw_doc_sort_unique(mem, t->sources, t->ncites, sizeof *t->sources, source_name);
    if (t->nsources == (size_t)-1) {
        sw_doc_tables_free(t);
        return SW_ERR_NOMEM;
    }
    return SW_OK;
}

void sw_doc_tables_free(sw_doc_tables *t)
{
    sw_mem_free(t->keys.mem, t->rules, 0);
    sw_mem_free(t->keys.mem, t->facts, 0);
    sw_mem_free(t->keys.mem, t->cites, 0);
    sw_mem_free(t->keys.mem, t->sources, 0);
    sw_buf_free(&t->keys);
    memset(t, 0, sizeof *t);
}
