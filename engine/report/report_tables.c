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

static int cmp_rule(const void *x, const void *y)
{
    return strcmp((*(const sw_reason *const *)x)->rule, (*(const sw_reason *const *)y)->rule);
}

static int cmp_fact(const void *x, const void *y)
{
    return strcmp((*(const sw_fact_value *const *)x)->fact, (*(const sw_fact_value *const *)y)->fact);
}

static int cmp_cite(const void *x, const void *y)
{
    return strcmp(((const sw_doc_cite *)x)->key, ((const sw_doc_cite *)y)->key);
}

static int cmp_source(const void *x, const void *y)
{
    const sw_citation *a = *(const sw_citation *const *)x, *b = *(const sw_citation *const *)y;
    return strcmp(a->source ? a->source : "", b->source ? b->source : "");
}

/* Sorts n elements and keeps the first of each run of equals; returns the count. */
static size_t sort_unique(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n < 2)
        return n;
    qsort(base, n, size, cmp);
    char *v = base;
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (cmp(v + (k - 1) * size, v + i * size) != 0)
            memmove(v + k++ * size, v + i * size, size);
    return k;
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
    if (!c.failed)
        t->nrules = sort_unique(t->rules, t->nrules, sizeof *t->rules, cmp_rule);
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
    t->nfacts = sort_unique(t->facts, t->nfacts, sizeof *t->facts, cmp_fact);
    t->ncites = sort_unique(t->cites, t->ncites, sizeof *t->cites, cmp_cite);
    t->sources = sw_mem_alloc(t->keys.mem, (t->ncites ? t->ncites : 1) * sizeof *t->sources);
    if (!t->sources) {
        sw_doc_tables_free(t);
        return SW_ERR_NOMEM;
    }
    for (size_t i = 0; i < t->ncites; i++)
        t->sources[i] = t->cites[i].citation;
    t->nsources = sort_unique(t->sources, t->ncites, sizeof *t->sources, cmp_source);
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
