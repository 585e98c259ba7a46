/*
 * report_json.c - the result document's structure, and its JSON rendering.
 *
 * sw_report_walk is the single description of the result document: every field,
 * its name and its place, as docs/result-format.md documents them. It drives a
 * sink; the JSON sink here writes through the JSON writer (json.h), the YAML sink
 * in report_yaml.c through libyaml's emitter. Reasons name their rules and
 * citations; the texts behind the names come once each, in the tables at the end
 * (report_tables.c), as format 2.0 has it.
 */
#include <string.h>

#include "report/report.h"

#include "util/json.h"

#define SW_RESULT_FORMAT_NAME "stagewise-result"

typedef struct walk {
    const sw_doc_sink *sink;
    void *ctx;
    sw_buf scratch;   /* for values built from several fields ("file:line") */
} walk;

/* ---- small steps ---- */

static void begin_object(walk *w) { w->sink->begin_object(w->ctx); }
static void end_object(walk *w) { w->sink->end_object(w->ctx); }
static void end_array(walk *w) { w->sink->end_array(w->ctx); }

static void key_string(walk *w, const char *key, const char *value)
{
    w->sink->key(w->ctx, key);
    w->sink->string(w->ctx, value);
}

static void key_count(walk *w, const char *key, uint64_t value)
{
    w->sink->key(w->ctx, key);
    w->sink->count(w->ctx, value);
}

static void key_bool(walk *w, const char *key, int value)
{
    w->sink->key(w->ctx, key);
    w->sink->boolean(w->ctx, value != 0);
}

static void key_array(walk *w, const char *key)
{
    w->sink->key(w->ctx, key);
    w->sink->begin_array(w->ctx);
}

static void key_object(walk *w, const char *key)
{
    w->sink->key(w->ctx, key);
    w->sink->begin_object(w->ctx);
}

static void key_string_list(walk *w, const char *key, const char *const *list, size_t n)
{
    key_array(w, key);
    for (size_t i = 0; i < n; i++)
        w->sink->string(w->ctx, list[i]);
    end_array(w);
}

/* "file:line", or null when the file is not known. */
static void key_location(walk *w, const char *key, const char *file, unsigned line)
{
    if (!file) {
        key_string(w, key, NULL);
        return;
    }
    w->scratch.len = 0;
    sw_buf_printf(&w->scratch, "%s:%u", file, line);
    key_string(w, key, sw_buf_failed(&w->scratch) ? NULL : w->scratch.data);
}

/* ---- the parts of the document ---- */

/* "cites": the keys of a list of citations, in the order written. */
static void put_cites(walk *w, const sw_citation *list, size_t n)
{
    key_array(w, "cites");
    for (size_t i = 0; i < n; i++) {
        w->scratch.len = 0;
        sw_doc_cite_key(&w->scratch, &list[i]);
        sw_buf_putc(&w->scratch, '\0');
        w->sink->string(w->ctx, sw_buf_failed(&w->scratch) ? NULL : w->scratch.data);
    }
    end_array(w);
}

/* A reason names its rule; the rule's title, place, citations and the facts it
 * read are in the "rules" table. */
static void put_reasons(walk *w, const sw_reason *list, size_t n)
{
    key_array(w, "reasons");
    for (size_t i = 0; i < n; i++) {
        begin_object(w);
        key_string(w, "rule", list[i].rule);
        key_string(w, "because", list[i].because);
        end_object(w);
    }
    end_array(w);
}

/* What a kind's items carry (sw_item_list's carries). */
typedef enum item_class { ITEM_PLAIN, ITEM_PRIORITY, ITEM_SEVERITY } item_class;

static item_class class_of(const sw_item_list *list)
{
    if (list->carries && strcmp(list->carries, "priority") == 0)
        return ITEM_PRIORITY;
    if (list->carries && strcmp(list->carries, "severity") == 0)
        return ITEM_SEVERITY;
    return ITEM_PLAIN;
}

static void put_item(walk *w, const sw_item *item, item_class cls)
{
    begin_object(w);
    key_string(w, "id", item->id);
    key_string(w, "label", item->label);
    if (cls == ITEM_PRIORITY) {
        key_string(w, "kind", item->kind);
        key_string(w, "priority", sw_priority_name(item->priority));
    }
    if (cls == ITEM_SEVERITY)
        key_string(w, "severity", sw_severity_name(item->severity));
    put_cites(w, item->citations, item->ncitations);
    put_reasons(w, item->reasons, item->nreasons);
    end_object(w);
}

static void put_items(walk *w, const char *key, const sw_item *list, size_t n, item_class cls)
{
    key_array(w, key);
    for (size_t i = 0; i < n; i++)
        put_item(w, &list[i], cls);
    end_array(w);
}

static void put_provenance(walk *w, const sw_provenance *p)
{
    key_object(w, "provenance");
    key_string(w, "engine_version", p->engine_version);
    key_string(w, "guideline", p->guideline);
    key_string(w, "guideline_title", p->guideline_title);
    key_string(w, "guideline_version", p->guideline_version);
    key_string(w, "ruleset_sha256", p->ruleset_sha256);
    key_string(w, "facts_sha256", p->facts_sha256);
    key_string(w, "client", p->client);
    key_string(w, "assessed_on", p->assessed_on);
    end_object(w);
}

static void put_stage(walk *w, const sw_stage_verdict *s)
{
    key_object(w, "stage");
    key_string(w, "current", s->current);
    key_string(w, "suggested", s->suggested);
    /* a program that reads only these two fields must not act on a verdict that
     * is not decided */
    key_string(w, "direction", s->status == SW_VERDICT_DECIDED ? sw_direction_name(s->direction)
                                                               : "undecided");
    key_string(w, "status", sw_verdict_status_name(s->status));
    key_bool(w, "provisional", s->provisional);
    key_bool(w, "conflicting", s->conflicting);
    key_string(w, "policy", s->policy);
    key_array(w, "candidates");
    for (size_t i = 0; i < s->ncandidates; i++) {
        const sw_stage_candidate *c = &s->candidates[i];
        begin_object(w);
        key_string(w, "stage", c->stage);
        key_string(w, "direction", sw_direction_name(c->direction));
        key_bool(w, "chosen", c->chosen);
        put_reasons(w, c->reasons, c->nreasons);
        end_object(w);
    }
    end_array(w);
    key_string_list(w, "undecided_rules", s->undecided_rules, s->nundecided_rules);
    end_object(w);
}

static void put_gaps(walk *w, const sw_data_gap *list, size_t n)
{
    key_array(w, "data_gaps");
    for (size_t i = 0; i < n; i++) {
        begin_object(w);
        key_string(w, "fact", list[i].fact);
        key_string(w, "label", list[i].label);
        key_count(w, "rank", list[i].rank);
        key_object(w, "would_decide");
        key_string(w, "risk", list[i].could_raise_risk ? sw_severity_name(list[i].risk_severity)
                                                       : NULL);
        key_string(w, "recommendation",
                   list[i].could_recommend ? sw_priority_name(list[i].priority) : NULL);
        key_bool(w, "stage_move", list[i].could_move_stage);
        end_object(w);
        key_string_list(w, "rules", list[i].rules, list[i].nrules);
        end_object(w);
    }
    end_array(w);
}

static void put_rules(walk *w, const sw_doc_tables *t)
{
    key_object(w, "rules");
    for (size_t i = 0; i < t->nrules; i++) {
        const sw_reason *r = t->rules[i];
        w->sink->name(w->ctx, r->rule);
        begin_object(w);
        key_string(w, "title", r->title);
        key_location(w, "at", r->file, r->line);
        put_cites(w, r->citations, r->ncitations);
        key_array(w, "matched");
        for (size_t k = 0; k < r->nmatched; k++)
            w->sink->string(w->ctx, r->matched[k].fact);
        end_array(w);
        end_object(w);
    }
    end_object(w);
}

static void put_facts(walk *w, const sw_doc_tables *t)
{
    key_object(w, "facts");
    for (size_t i = 0; i < t->nfacts; i++) {
        const sw_fact_value *v = t->facts[i];
        w->sink->name(w->ctx, v->fact);
        begin_object(w);
        key_string(w, "label", v->label);
        key_string(w, "value", v->known ? v->value : NULL);
        key_bool(w, "derived", v->derived);
        end_object(w);
    }
    end_object(w);
}

static void put_citation_table(walk *w, const sw_doc_tables *t)
{
    key_object(w, "citations");
    for (size_t i = 0; i < t->ncites; i++) {
        w->sink->name(w->ctx, t->cites[i].key);
        w->sink->string(w->ctx, t->cites[i].citation->text);
    }
    end_object(w);
    key_object(w, "sources");
    for (size_t i = 0; i < t->nsources; i++) {
        w->sink->name(w->ctx, t->sources[i]->source);
        w->sink->string(w->ctx, t->sources[i]->source_title);
    }
    end_object(w);
}

static void put_summary(walk *w, const sw_report *rep)
{
    key_object(w, "summary");
    key_count(w, "rules_total", rep->rules_total);
    key_count(w, "rules_fired", rep->rules_fired);
    key_count(w, "rules_undecided", rep->rules_undecided);
    end_object(w);
}

sw_status sw_report_walk(const sw_report *rep, const sw_doc_sink *sink, void *ctx)
{
    return sw_report_walk_m((sw_mem)SW_MEM_DEFAULT, rep, sink, ctx);
}

sw_status sw_report_walk_m(sw_mem mem, const sw_report *rep, const sw_doc_sink *sink, void *ctx)
{
    walk w = {sink, ctx, SW_BUF_WITH(mem)};
    sw_doc_tables tables;
    if (sw_doc_tables_build_m(mem, rep, &tables) != SW_OK)
        return SW_ERR_NOMEM;
    const char *version = rep->provenance.result_format;
    begin_object(&w);
    key_string(&w, "format", SW_RESULT_FORMAT_NAME);
    key_string(&w, "format_version", version ? version : SW_RESULT_FORMAT);
    put_provenance(&w, &rep->provenance);
    sw_item_list four[SW_REPORT_NAMED_KINDS];
    const sw_item_list *kinds;
    size_t nkinds = sw_report_lists(rep, four, &kinds);
    for (size_t k = 0; k < nkinds; k++)
        put_items(&w, kinds[k].key, kinds[k].items, kinds[k].nitems, class_of(&kinds[k]));
    put_stage(&w, &rep->stage);
    put_gaps(&w, rep->gaps, rep->ngaps);
    put_rules(&w, &tables);
    put_facts(&w, &tables);
    put_citation_table(&w, &tables);
    put_summary(&w, rep);
    end_object(&w);
    sw_status status = sw_buf_failed(&w.scratch) ? SW_ERR_NOMEM : SW_OK;
    sw_buf_free(&w.scratch);
    sw_doc_tables_free(&tables);
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

static const sw_doc_sink json_sink = {
    json_begin_object, json_end_object, json_begin_array, json_end_array,
    json_key,          json_key,        json_string,      json_count,
    json_boolean,
};

sw_status sw_report_render_json(const sw_report *rep, int pretty, sw_buf *out)
{
    if (!rep || !out)
        return SW_ERR_ARG;
    if (sw_buf_failed(out))
        return SW_ERR_NOMEM;
    sw_json writer;
    sw_json_init(&writer, out, pretty);
    sw_status walked = sw_report_walk_m(out->mem, rep, &json_sink, &writer);
    sw_buf_putc(out, '\n');
    sw_status written = sw_json_finish(&writer);
    /* a walk cut short (its tables could not be built) leaves the value unfinished */
    return walked != SW_OK ? walked : written;
}

sw_status sw_report_render(const sw_report *rep, sw_format format, sw_buf *out)
{
    switch (format) {
    case SW_FORMAT_TEXT: return sw_report_render_text(rep, out);
    case SW_FORMAT_BRIEF: return sw_report_render_brief(rep, out);
    case SW_FORMAT_JSON: return sw_report_render_json(rep, 1, out);
    case SW_FORMAT_YAML: return sw_report_render_yaml(rep, out);
    }
    return SW_ERR_ARG;
}
