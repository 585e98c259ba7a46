/*
 * report_walk.h - what the walks of the result document's two formats share
 * (report_walk.c): the steps that drive a sink, and the parts laid out the same in
 * format 3.0 (report_json.c) and format 2.0 (report_json2.c) - the provenance, the
 * item lists, the stage, the summary. Where the formats differ inside a part (how an item's
 * citations and reasons refer to the tables), the walk gives its own writer.
 */
#ifndef SW_REPORT_WALK_H
#define SW_REPORT_WALK_H

#include "report/report.h"

typedef struct sw_doc_walk sw_doc_walk;

struct sw_doc_walk {
    const sw_doc_sink *sink;
    void *ctx;
    /* an item's "cites" and "reasons" members, as the format writes them; a
     * format's walk begins with this struct and casts back to its own */
    void (*put_cites)(sw_doc_walk *w, const sw_citation *list, size_t n);
    void (*put_reasons)(sw_doc_walk *w, const sw_reason *list, size_t n);
    /* a member listing rules left undecided (the stage's, a data gap's) */
    void (*put_rule_names)(sw_doc_walk *w, const char *key, const char *const *list, size_t n);
};

/* ---- small steps ---- */

static inline void begin_object(sw_doc_walk *w) { w->sink->begin_object(w->ctx); }
static inline void end_object(sw_doc_walk *w) { w->sink->end_object(w->ctx); }
static inline void end_array(sw_doc_walk *w) { w->sink->end_array(w->ctx); }

static inline void begin_flat_object(sw_doc_walk *w)
{
    if (w->sink->begin_flat_object)
        w->sink->begin_flat_object(w->ctx);
    else
        w->sink->begin_object(w->ctx);
}

static inline void begin_flat_array(sw_doc_walk *w)
{
    if (w->sink->begin_flat_array)
        w->sink->begin_flat_array(w->ctx);
    else
        w->sink->begin_array(w->ctx);
}

static inline void key_string(sw_doc_walk *w, const char *key, const char *value)
{
    w->sink->key(w->ctx, key);
    w->sink->string(w->ctx, value);
}

static inline void key_name(sw_doc_walk *w, const char *key, const char *value)
{
    w->sink->key(w->ctx, key);
    w->sink->name(w->ctx, value);
}

static inline void key_count(sw_doc_walk *w, const char *key, uint64_t value)
{
    w->sink->key(w->ctx, key);
    w->sink->count(w->ctx, value);
}

static inline void key_bool(sw_doc_walk *w, const char *key, int value)
{
    w->sink->key(w->ctx, key);
    w->sink->boolean(w->ctx, value != 0);
}

static inline void key_array(sw_doc_walk *w, const char *key)
{
    w->sink->key(w->ctx, key);
    w->sink->begin_array(w->ctx);
}

static inline void key_flat_array(sw_doc_walk *w, const char *key)
{
    w->sink->key(w->ctx, key);
    begin_flat_array(w);
}

static inline void key_object(sw_doc_walk *w, const char *key)
{
    w->sink->key(w->ctx, key);
    w->sink->begin_object(w->ctx);
}

/* ---- parts both formats lay out alike ---- */

/* The "provenance" member. */
void sw_doc_put_provenance(sw_doc_walk *w, const sw_provenance *p);
/* One member per kind of item (recommendations, advice, ...), each a list of the
 * items with their citations and reasons as the walk writes them. */
void sw_doc_put_kinds(sw_doc_walk *w, const sw_report *rep);
/* The "stage" member. */
void sw_doc_put_stage(sw_doc_walk *w, const sw_stage_verdict *s);
/* The "summary" member. */
void sw_doc_put_summary(sw_doc_walk *w, const sw_report *rep);

#endif
