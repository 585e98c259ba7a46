/*
 * report_json2.c - the result document as format 2.0 laid it out.
 *
 * Kept so that a decision record whose result_sha256 was taken over a format 2.0
 * document (record formats 1.0 and 2.0, docs/audit.md) still replays: replay
 * renders the new result in the layout the record was made with. Nothing else
 * writes 2.0; report_json.c has the current format. In 2.0 reasons name their
 * rules and citations, and the texts come once each in four objects keyed by name
 * (report_tables.c).
 */
#include <string.h>

#include "report/report_walk.h"


typedef struct walk {
    sw_doc_walk base;   /* first: the shared parts are given &w->base */
    sw_buf scratch;   /* for values built from several fields ("file:line") */
} walk;

/* ---- small steps (the rest are report_walk.h's) ---- */

/* A list of rule identifiers, as strings. */
static void key_string_list(sw_doc_walk *b, const char *key, const char *const *list, size_t n)
{
    walk *w = (walk *)b;
    key_array(&w->base, key);
    for (size_t i = 0; i < n; i++)
        w->base.sink->string(w->base.ctx, list[i]);
    end_array(&w->base);
}

/* "file:line", or null when the file is not known. */
static void key_location(walk *w, const char *key, const char *file, unsigned line)
{
    if (!file) {
        key_string(&w->base, key, NULL);
        return;
    }
    w->scratch.len = 0;
    sw_buf_printf(&w->scratch, "%s:%u", file, line);
    key_string(&w->base, key, sw_buf_failed(&w->scratch) ? NULL : w->scratch.data);
}

/* ---- the parts of the document ---- */

/* "cites": the keys of a list of citations, in the order written. */
static void put_cites(sw_doc_walk *b, const sw_citation *list, size_t n)
{
    walk *w = (walk *)b;
    key_array(&w->base, "cites");
    for (size_t i = 0; i < n; i++) {
        w->scratch.len = 0;
        sw_doc_cite_key(&w->scratch, &list[i]);
        sw_buf_putc(&w->scratch, '\0');
        w->base.sink->string(w->base.ctx, sw_buf_failed(&w->scratch) ? NULL : w->scratch.data);
    }
    end_array(&w->base);
}

/* A reason names its rule; the rule's title, place, citations and the facts it
 * read are in the "rules" table. */
static void put_reasons(sw_doc_walk *b, const sw_reason *list, size_t n)
{
    walk *w = (walk *)b;
    key_array(&w->base, "reasons");
    for (size_t i = 0; i < n; i++) {
        begin_object(&w->base);
        key_string(&w->base, "rule", list[i].rule);
        key_string(&w->base, "because", list[i].because);
        end_object(&w->base);
    }
    end_array(&w->base);
}

static void put_gaps(walk *w, const sw_data_gap *list, size_t n)
{
    key_array(&w->base, "data_gaps");
    for (size_t i = 0; i < n; i++) {
        begin_object(&w->base);
        key_string(&w->base, "fact", list[i].fact);
        key_string(&w->base, "label", list[i].label);
        key_count(&w->base, "rank", list[i].rank);
        key_object(&w->base, "would_decide");
        key_string(&w->base, "risk",
                   list[i].could_raise_risk ? sw_severity_name(list[i].risk_severity) : NULL);
        key_string(&w->base, "recommendation",
                   list[i].could_recommend ? sw_priority_name(list[i].priority) : NULL);
        key_bool(&w->base, "stage_move", list[i].could_move_stage);
        end_object(&w->base);
        key_string_list(&w->base, "rules", list[i].rules, list[i].nrules);
        end_object(&w->base);
    }
    end_array(&w->base);
}

static void put_rules(walk *w, const sw_doc_tables *t)
{
    key_object(&w->base, "rules");
    for (size_t i = 0; i < t->nrules; i++) {
        const sw_reason *r = t->rules[i];
        w->base.sink->name(w->base.ctx, r->rule);
        begin_object(&w->base);
        key_string(&w->base, "title", r->title);
        key_location(w, "at", r->file, r->line);
        put_cites(&w->base, r->citations, r->ncitations);
        key_array(&w->base, "matched");
        for (size_t k = 0; k < r->nmatched; k++)
            w->base.sink->string(w->base.ctx, r->matched[k].fact);
        end_array(&w->base);
        end_object(&w->base);
    }
    end_object(&w->base);
}

static void put_facts(walk *w, const sw_doc_tables *t)
{
    key_object(&w->base, "facts");
    for (size_t i = 0; i < t->nfacts; i++) {
        const sw_fact_value *v = t->facts[i];
        w->base.sink->name(w->base.ctx, v->fact);
        begin_object(&w->base);
        key_string(&w->base, "label", v->label);
        key_string(&w->base, "value", v->known ? v->value : NULL);
        key_bool(&w->base, "derived", v->derived);
        end_object(&w->base);
    }
    end_object(&w->base);
}

static void put_citation_table(walk *w, const sw_doc_tables *t)
{
    key_object(&w->base, "citations");
    for (size_t i = 0; i < t->ncites; i++) {
        w->base.sink->name(w->base.ctx, t->cites[i].key);
        w->base.sink->string(w->base.ctx, t->cites[i].citation->text);
    }
    end_object(&w->base);
    key_object(&w->base, "sources");
    for (size_t i = 0; i < t->nsources; i++) {
        w->base.sink->name(w->base.ctx, t->sources[i]->source);
        w->base.sink->string(w->base.ctx, t->sources[i]->source_title);
    }
    end_object(&w->base);
}

sw_status sw_report_walk_v2(const sw_report *rep, const sw_doc_sink *sink, void *ctx)
{
    walk w = {{sink, ctx, put_cites, put_reasons, key_string_list}, SW_BUF_INIT};
    sw_doc_tables tables;
    if (sw_doc_tables_build(rep, &tables) != SW_OK)
        return SW_ERR_NOMEM;
    begin_object(&w.base);
    key_string(&w.base, "format", SW_RESULT_FORMAT_NAME);
    key_string(&w.base, "format_version", "2.0");
    sw_doc_put_provenance(&w.base, &rep->provenance);
    sw_doc_put_kinds(&w.base, rep);
    sw_doc_put_stage(&w.base, &rep->stage);
    put_gaps(&w, rep->gaps, rep->ngaps);
    put_rules(&w, &tables);
    put_facts(&w, &tables);
    put_citation_table(&w, &tables);
    sw_doc_put_summary(&w.base, rep);
    end_object(&w.base);
    sw_status status = sw_buf_failed(&w.scratch) ? SW_ERR_NOMEM : SW_OK;
    sw_buf_free(&w.scratch);
    sw_doc_tables_free(&tables);
    return status;
}

