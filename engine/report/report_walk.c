/*
 * report_walk.c - the parts of the result document laid out alike in formats 3.0
 * and 2.0 (report_walk.h).
 */
#include "report/report_walk.h"

#include <string.h>

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

static void put_item(sw_doc_walk *w, const sw_item *item, item_class cls)
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
    w->put_cites(w, item->citations, item->ncitations);
    w->put_reasons(w, item->reasons, item->nreasons);
    end_object(w);
}

void sw_doc_put_kinds(sw_doc_walk *w, const sw_report *rep)
{
    sw_item_list four[SW_REPORT_NAMED_KINDS];
    const sw_item_list *kinds;
    size_t nkinds = sw_report_lists(rep, four, &kinds);
    for (size_t k = 0; k < nkinds; k++) {
        item_class cls = class_of(&kinds[k]);
        key_array(w, kinds[k].key);
        for (size_t i = 0; i < kinds[k].nitems; i++)
            put_item(w, &kinds[k].items[i], cls);
        end_array(w);
    }
}

void sw_doc_put_provenance(sw_doc_walk *w, const sw_provenance *p)
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

void sw_doc_put_stage(sw_doc_walk *w, const sw_stage_verdict *s)
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
        w->put_reasons(w, c->reasons, c->nreasons);
        end_object(w);
    }
    end_array(w);
    w->put_rule_names(w, "undecided_rules", s->undecided_rules, s->nundecided_rules);
    end_object(w);
}

void sw_doc_put_summary(sw_doc_walk *w, const sw_report *rep)
{
    key_object(w, "summary");
    key_count(w, "rules_total", rep->rules_total);
    key_count(w, "rules_fired", rep->rules_fired);
    key_count(w, "rules_undecided", rep->rules_undecided);
    end_object(w);
}
