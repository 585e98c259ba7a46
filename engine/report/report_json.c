/*
 * report_json.c - the result document's structure (format 3.0), and its JSON rendering.
 *
 * sw_report_walk is the single description of the result document: every field,
 * its name and its place, as docs/result-format.md documents them. It drives a
 * sink; the JSON sink here writes through the JSON writer (json.h), the YAML sink
 * in report_yaml.c through libyaml's emitter.
 *
 * Format 3.0 writes every text once and refers to it by index: five tables at the
 * end (rules that fired, rules left undecided, facts, statements, sources) are
 * arrays sorted by identifier, and reasons, citations, matched facts, data gaps
 * and the stage refer to their rows by position (0 first). The tables come from
 * report_tables.c; this file adds the data gaps' facts to the facts and collects
 * the undecided rules, then finds each reference by binary search. Format 2.0,
 * which named everything, is kept in report_json2.c for replay.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report_walk.h"

#include "util/json.h"

/* A row of the facts table: a fact a rule read, a derived fact or a data gap. */
typedef struct fact_row {
    const char *name, *label, *value;   /* value NULL when unknown */
    int derived;
    int from_gap;   /* a data gap's row: after the fact's rows, so its value wins */
} fact_row;

typedef struct walk {
    sw_doc_walk base;   /* first: the shared parts are given &w->base */
    sw_mem mem;       /* the output buffer's allocator: tables and scratch come from it */
    sw_buf scratch;   /* for values built from several fields ("file:line", a citation key) */
    sw_doc_tables t;
    fact_row *facts;
    size_t nfacts;
    const char **undecided;   /* rules left undecided that the document names */
    size_t nundecided;
} walk;

/* ---- small steps (the rest are report_walk.h's) ---- */

/* A reference: the row's index, or null when (against every invariant of the
 * tables) the row is missing, so that the document stays well-formed and a
 * checker sees the fault. */
static void put_index(walk *w, size_t i)
{
    if (i == (size_t)-1)
        w->base.sink->string(w->base.ctx, NULL);
    else
        w->base.sink->count(w->base.ctx, i);
}

/* "file:line", or null when the file is not known. */
static void key_location(walk *w, const char *key, const char *file, unsigned line)
{
    if (!file) {
        key_string(&w->base, key, NULL);
        return;
    }
    w->scratch.len = 0;
    char digits[16], *d = digits + sizeof digits;
    *--d = '\0';
    do {
        *--d = (char)('0' + line % 10);
        line /= 10;
    } while (line);
    sw_buf_puts(&w->scratch, file);
    sw_buf_putc(&w->scratch, ':');
    sw_buf_append(&w->scratch, d, (size_t)(digits + sizeof digits - d));
    key_string(&w->base, key, sw_buf_failed(&w->scratch) ? NULL : w->scratch.data);
}

/* ---- finding rows ---- */

static int cmp_cite_key(const void *key, const void *row)
{
    return strcmp(key, ((const sw_doc_cite *)row)->key);
}

static int cmp_source_key(const void *key, const void *row)
{
    const sw_citation *c = *(const sw_citation *const *)row;
    return strcmp(key, c->source ? c->source : "");
}

static size_t find(const void *key, const void *base, size_t n, size_t size,
                   int (*cmp)(const void *, const void *))
{
    if (!key || n == 0)
        return (size_t)-1;
    const char *hit = bsearch(key, base, n, size, cmp);
    return hit ? (size_t)(hit - (const char *)base) / size : (size_t)-1;
}

/* The binary search of find with the name read in line and the first byte
 * compared before strcmp (the hot lookups: rules, facts, undecided rules). */
#define FIND_BY_NAME(key, base, n, NAME)                                              \
    do {                                                                              \
        if (!(key))                                                                   \
            return (size_t)-1;                                                        \
        size_t lo_ = 0, hi_ = (n);                                                    \
        const unsigned char k0_ = (unsigned char)(key)[0];                            \
        while (lo_ < hi_) {                                                           \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                      \
            const char *name_ = NAME((base)[mid_]);                                   \
            int c_ = (int)k0_ - (int)(unsigned char)name_[0];                        \
            if (c_ == 0 && k0_)                                                       \
                c_ = strcmp((key) + 1, name_ + 1);                                    \
            if (c_ == 0)                                                              \
                return mid_;                                                          \
            if (c_ < 0)                                                               \
                hi_ = mid_;                                                           \
            else                                                                      \
                lo_ = mid_ + 1;                                                       \
        }                                                                             \
        return (size_t)-1;                                                            \
    } while (0)

#define RULE_NAME(r) ((r)->rule)
#define FACT_NAME(f) ((f).name)
#define PLAIN_NAME(s) (s)

static size_t rule_index(const walk *w, const char *rule)
{
    FIND_BY_NAME(rule, w->t.rules, w->t.nrules, RULE_NAME);
}

static size_t fact_index(const walk *w, const char *fact)
{
    FIND_BY_NAME(fact, w->facts, w->nfacts, FACT_NAME);
}

static size_t undecided_index(const walk *w, const char *rule)
{
    FIND_BY_NAME(rule, w->undecided, w->nundecided, PLAIN_NAME);
}

static size_t source_index(const walk *w, const char *source)
{
    return find(source ? source : "", w->t.sources, w->t.nsources, sizeof *w->t.sources,
                cmp_source_key);
}

/* strcmp of the key "source.statement" (as sw_doc_cite_key writes it) with key,
 * without writing it out. */
static int cmp_statement_key(const char *source, const char *statement, const char *key)
{
    const unsigned char *s = (const unsigned char *)source, *k = (const unsigned char *)key;
    while (*s && *s == *k)
        s++, k++;
    if (*s)
        return (int)*s - (int)*k;
    if (*k != '.')
        return '.' - (int)*k;
    k++;
    for (s = (const unsigned char *)statement; *s && *s == *k; s++, k++)
        ;
    return (int)*s - (int)*k;
}

static size_t cite_index(walk *w, const sw_citation *c)
{
    if (c->statement) {
        /* the usual citation: its key compared in place, not built in scratch */
        const char *source = c->source ? c->source : "";
        size_t lo = 0, hi = w->t.ncites;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int d = cmp_statement_key(source, c->statement, w->t.cites[mid].key);
            if (d == 0)
                return mid;
            if (d < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        return (size_t)-1;
    }
    w->scratch.len = 0;
    sw_doc_cite_key(&w->scratch, c);
    sw_buf_putc(&w->scratch, '\0');
    if (sw_buf_failed(&w->scratch))
        return (size_t)-1;
    return find(w->scratch.data, w->t.cites, w->t.ncites, sizeof *w->t.cites, cmp_cite_key);
}

/* ---- the tables this file adds to report_tables.c's ---- */

static const char *fact_row_name(const void *x) { return ((const fact_row *)x)->name; }
static const char *name_at(const void *x) { return *(const char *const *)x; }

static sw_status build_tables(walk *w, const sw_report *rep)
{
    if (sw_doc_tables_build_m(w->mem, rep, &w->t) != SW_OK)
        return SW_ERR_NOMEM;
    w->facts = sw_mem_alloc(w->mem, (w->t.nfacts + rep->ngaps + 1) * sizeof *w->facts);
    size_t nundecided = rep->stage.nundecided_rules;
    for (size_t i = 0; i < rep->ngaps; i++)
        nundecided += rep->gaps[i].nrules;
    w->undecided = sw_mem_alloc(w->mem, (nundecided + 1) * sizeof *w->undecided);
    if (!w->facts || !w->undecided)
        return SW_ERR_NOMEM;
    for (size_t i = 0; i < w->t.nfacts; i++) {
        const sw_fact_value *v = w->t.facts[i];
        w->facts[w->nfacts++] = (fact_row){v->fact, v->label, v->known ? v->value : NULL,
                                           v->derived, 0};
    }
    for (size_t i = 0; i < rep->ngaps; i++) {
        const sw_data_gap *g = &rep->gaps[i];
        w->facts[w->nfacts++] = (fact_row){g->fact, g->label, NULL, 0, 1};
        for (size_t k = 0; k < g->nrules; k++)
            w->undecided[w->nundecided++] = g->rules[k];
    }
    for (size_t i = 0; i < rep->stage.nundecided_rules; i++)
        w->undecided[w->nundecided++] = rep->stage.undecided_rules[i];
    /* a fact's value comes before its data gap (the rows are in that order, and
     * the sort keeps the first of equal names) */
    w->nfacts = sw_doc_sort_unique(w->mem, w->facts, w->nfacts, sizeof *w->facts, fact_row_name);
    w->nundecided =
        sw_doc_sort_unique(w->mem, w->undecided, w->nundecided, sizeof *w->undecided, name_at);
    if (w->nfacts == (size_t)-1 || w->nundecided == (size_t)-1) {
        w->nfacts = w->nundecided = 0;
        return SW_ERR_NOMEM;
    }
    return SW_OK;
}

static void free_tables(walk *w)
{
    sw_doc_tables_free(&w->t);
    sw_mem_free(w->mem, w->facts, 0);
    sw_mem_free(w->mem, w->undecided, 0);
    sw_buf_free(&w->scratch);
}

/* ---- the parts of the document ---- */

/* "cites": a list of citations as indexes of statements. */
static void put_cites(sw_doc_walk *b, const sw_citation *list, size_t n)
{
    walk *w = (walk *)b;
    key_flat_array(&w->base, "cites");
    for (size_t i = 0; i < n; i++)
        put_index(w, cite_index(w, &list[i]));
    end_array(&w->base);
}

/* A reason is the index of its rule and the action's because text. */
static void put_reasons(sw_doc_walk *b, const sw_reason *list, size_t n)
{
    walk *w = (walk *)b;
    key_array(&w->base, "reasons");
    for (size_t i = 0; i < n; i++) {
        begin_flat_object(&w->base);
        w->base.sink->key(w->base.ctx, "rule");
        put_index(w, rule_index(w, list[i].rule));
        key_string(&w->base, "because", list[i].because);
        end_object(&w->base);
    }
    end_array(&w->base);
}

/* A list of undecided rules as indexes of the "undecided" table. */
static void put_undecided_refs(sw_doc_walk *b, const char *key, const char *const *list,
                               size_t n)
{
    walk *w = (walk *)b;
    key_flat_array(&w->base, key);
    for (size_t i = 0; i < n; i++)
        put_index(w, undecided_index(w, list[i]));
    end_array(&w->base);
}

static void put_gaps(walk *w, const sw_data_gap *list, size_t n)
{
    key_array(&w->base, "data_gaps");
    for (size_t i = 0; i < n; i++) {
        const sw_data_gap *g = &list[i];
        begin_flat_object(&w->base);
        w->base.sink->key(w->base.ctx, "fact");
        put_index(w, fact_index(w, g->fact));
        key_count(&w->base, "rank", g->rank);
        w->base.sink->key(w->base.ctx, "would_decide");
        begin_flat_object(&w->base);
        key_string(&w->base, "risk",
                   g->could_raise_risk ? sw_severity_name(g->risk_severity) : NULL);
        key_string(&w->base, "recommendation",
                   g->could_recommend ? sw_priority_name(g->priority) : NULL);
        key_bool(&w->base, "stage_move", g->could_move_stage);
        end_object(&w->base);
        put_undecided_refs(&w->base, "rules", g->rules, g->nrules);
        end_object(&w->base);
    }
    end_array(&w->base);
}

static void put_rules(walk *w)
{
    key_array(&w->base, "rules");
    for (size_t i = 0; i < w->t.nrules; i++) {
        const sw_reason *r = w->t.rules[i];
        begin_flat_object(&w->base);
        key_name(&w->base, "id", r->rule);
        key_string(&w->base, "title", r->title);
        key_location(w, "at", r->file, r->line);
        put_cites(&w->base, r->citations, r->ncitations);
        key_flat_array(&w->base, "matched");
        for (size_t k = 0; k < r->nmatched; k++)
            put_index(w, fact_index(w, r->matched[k].fact));
        end_array(&w->base);
        end_object(&w->base);
    }
    end_array(&w->base);
    key_flat_array(&w->base, "undecided");
    for (size_t i = 0; i < w->nundecided; i++)
        w->base.sink->name(w->base.ctx, w->undecided[i]);
    end_array(&w->base);
}

static void put_facts(walk *w)
{
    key_array(&w->base, "facts");
    for (size_t i = 0; i < w->nfacts; i++) {
        const fact_row *v = &w->facts[i];
        begin_flat_object(&w->base);
        key_name(&w->base, "name", v->name);
        key_string(&w->base, "label", v->label);
        key_string(&w->base, "value", v->value);
        key_bool(&w->base, "derived", v->derived);
        end_object(&w->base);
    }
    end_array(&w->base);
}

static void put_statements(walk *w)
{
    key_array(&w->base, "statements");
    for (size_t i = 0; i < w->t.ncites; i++) {
        const sw_citation *c = w->t.cites[i].citation;
        begin_flat_object(&w->base);
        key_name(&w->base, "key", w->t.cites[i].key);
        w->base.sink->key(w->base.ctx, "source");
        put_index(w, source_index(w, c->source));
        key_string(&w->base, "text", c->text);
        end_object(&w->base);
    }
    end_array(&w->base);
    key_array(&w->base, "sources");
    for (size_t i = 0; i < w->t.nsources; i++) {
        begin_flat_object(&w->base);
        key_name(&w->base, "id", w->t.sources[i]->source);
        key_string(&w->base, "title", w->t.sources[i]->source_title);
        end_object(&w->base);
    }
    end_array(&w->base);
}

sw_status sw_report_walk(const sw_report *rep, const sw_doc_sink *sink, void *ctx)
{
    return sw_report_walk_m((sw_mem)SW_MEM_DEFAULT, rep, sink, ctx);
}

sw_status sw_report_walk_m(sw_mem mem, const sw_report *rep, const sw_doc_sink *sink, void *ctx)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.base = (sw_doc_walk){sink, ctx, put_cites, put_reasons, put_undecided_refs};
    w.mem = mem;
    w.scratch = (sw_buf)SW_BUF_WITH(mem);
    if (build_tables(&w, rep) != SW_OK) {
        free_tables(&w);
        return SW_ERR_NOMEM;
    }
    begin_object(&w.base);
    key_string(&w.base, "format", SW_RESULT_FORMAT_NAME);
    key_string(&w.base, "format_version", SW_RESULT_FORMAT);
    sw_doc_put_provenance(&w.base, &rep->provenance);
    sw_doc_put_kinds(&w.base, rep);
    sw_doc_put_stage(&w.base, &rep->stage);
    put_gaps(&w, rep->gaps, rep->ngaps);
    put_rules(&w);
    put_facts(&w);
    put_statements(&w);
    sw_doc_put_summary(&w.base, rep);
    end_object(&w.base);
    sw_status status = sw_buf_failed(&w.scratch) ? SW_ERR_NOMEM : SW_OK;
    free_tables(&w);
    return status;
}

/* ---- the JSON sink ---- */

static void json_begin_object(void *ctx) { sw_json_begin_object(ctx); }
static void json_end_object(void *ctx) { sw_json_end_object(ctx); }
static void json_begin_array(void *ctx) { sw_json_begin_array(ctx); }
static void json_end_array(void *ctx) { sw_json_end_array(ctx); }
static void json_key(void *ctx, const char *key) { sw_json_key(ctx, key); }
static void json_string(void *ctx, const char *s) { sw_json_string(ctx, s); }
static void json_count(void *ctx, uint64_t n) { sw_json_uint(ctx, n); }
static void json_boolean(void *ctx, int value) { sw_json_bool(ctx, value); }
static void json_begin_flat_object(void *ctx) { sw_json_begin_flat_object(ctx); }
static void json_begin_flat_array(void *ctx) { sw_json_begin_flat_array(ctx); }

static const sw_doc_sink json_sink = {
    json_begin_object, json_end_object, json_begin_array,       json_end_array,
    json_key,          json_string,     json_string,            json_count,
    json_boolean,      json_begin_flat_object, json_begin_flat_array,
};

/* Format 2.0 named its table members as keys; its sink wrote names as keys. */
static const sw_doc_sink json_sink_v2 = {
    json_begin_object, json_end_object, json_begin_array, json_end_array,
    json_key,          json_key,        json_string,      json_count,
    json_boolean,      NULL,            NULL,
};

sw_status sw_report_render_json_as(const sw_report *rep, int pretty, int major, sw_buf *out)
{
    if (!rep || !out || (major != 2 && major != 3))
        return SW_ERR_ARG;
    if (sw_buf_failed(out))
        return SW_ERR_NOMEM;
    sw_json writer;
    sw_json_init(&writer, out, pretty);
    sw_status walked = major == 2 ? sw_report_walk_v2(rep, &json_sink_v2, &writer)
                                  : sw_report_walk_m(out->mem, rep, &json_sink, &writer);
    sw_buf_putc(out, '\n');
    sw_status written = sw_json_finish(&writer);
    /* a walk cut short (its tables could not be built) leaves the value unfinished */
    return walked != SW_OK ? walked : written;
}

sw_status sw_report_render_json(const sw_report *rep, int pretty, sw_buf *out)
{
    return sw_report_render_json_as(rep, pretty, 3, out);
}

sw_status sw_report_render(const sw_report *rep, sw_format format, sw_buf *out)
{
    switch (format) {
    case SW_FORMAT_TEXT: return sw_report_render_text(rep, out);
    case SW_FORMAT_BRIEF: return sw_report_render_brief(rep, out);
    case SW_FORMAT_JSON: return sw_report_render_json(rep, 1, out);
    case SW_FORMAT_JSONL: return sw_report_render_json(rep, 0, out);
    case SW_FORMAT_YAML: return sw_report_render_yaml(rep, out);
    }
    return SW_ERR_ARG;
}
