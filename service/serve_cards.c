/*
 * serve_cards.c - CDS Hooks discovery and cards from a result (see serve_cards.h).
 *
 * Cards are built from the library's sw_report only: what a card says is what the
 * result document says, laid out for a clinician reading a card in a record system.
 */
#include "serve_cards.h"

#include <stdio.h>
#include <string.h>

/* Card summaries are kept under this many characters (the CDS Hooks limit is 140). */
#define SUMMARY_MAX 139

/* The namespace of Stagewise card uuids (a random version 4 uuid, fixed forever). */
static const unsigned char card_namespace[16] = {0x5c, 0x1b, 0x7a, 0x52, 0x3f, 0x0e, 0x4d, 0x8e,
                                                 0x9a, 0x43, 0x2b, 0x7e, 0x9c, 0x4f, 0x6a, 0x10};

/* What one card is about, gathered before it is written. */
typedef struct card {
    const char *kind;
    const char *id;                 /* the item; NULL for gathering cards */
    const char *indicator;
    const sw_citation *citation;    /* shown in the source label; may be NULL */
    const sw_item *items;           /* the items behind it, for the extension */
    size_t nitems;
    const sw_stage_candidate *candidates;
    size_t ncandidates;
    sw_buf summary, detail;
} card;

/* ---- uuids ---- */

int serve_card_uuid(const char *hook_instance, const sw_provenance *prov, const char *kind,
                    const char *id, char out[37])
{
    sw_buf name = {0};

    sw_buf_append(&name, (const char *)card_namespace, sizeof card_namespace);
    sw_buf_printf(&name, "%s\n%s\n%s\n%s\n%s", hook_instance, prov->ruleset_sha256,
                     prov->facts_sha256, kind, id != NULL ? id : "");
    int ok = !name.failed && sw_uuid_named(name.data, name.len, out);
    sw_buf_free(&name);
    return ok ? 0 : -1;
}

/* ---- text helpers ---- */

void serve_cards_fit_summary(sw_buf *b)
{
    size_t chars = 0, cut = 0;

    for (size_t i = 0; i < b->len; i++) {
        if (((unsigned char)b->data[i] & 0xC0) == 0x80)
            continue;
        if (chars == SUMMARY_MAX - 1)
            cut = i;
        chars++;
    }
    if (chars <= SUMMARY_MAX)
        return;
    b->len = cut;
    b->data[cut] = '\0';
    sw_buf_puts(b, "\xE2\x80\xA6"); /* … */
}

/* Appends text as Markdown that shows it literally: inline markup is escaped and
 * line breaks become spaces. */
static void md_text(sw_buf *b, const char *text)
{
    static const char special[] = "\\`*_[]<>|#";

    for (const char *s = text; s != NULL && *s != '\0'; s++) {
        if (*s == '\n' || *s == '\r')
            sw_buf_append(b, " ", 1);
        else {
            if (strchr(special, *s) != NULL)
                sw_buf_append(b, "\\", 1);
            sw_buf_append(b, s, 1);
        }
    }
}

/* Appends text as a Markdown code span (identifiers: rules, facts). */
static void md_code(sw_buf *b, const char *text)
{
    if (text != NULL && strchr(text, '`') == NULL && strchr(text, '\n') == NULL) {
        sw_buf_printf(b, "`%s`", text);
        return;
    }
    md_text(b, text);
}

static void md_citation(sw_buf *b, const sw_citation *c)
{
    md_text(b, c->source_title);
    if (c->statement != NULL) {
        sw_buf_puts(b, " (");
        md_text(b, c->source);
        sw_buf_puts(b, ".");
        md_text(b, c->statement);
        sw_buf_puts(b, ")");
    }
    if (c->text != NULL) {
        sw_buf_puts(b, ": \xE2\x80\x9C"); /* “ */
        md_text(b, c->text);
        sw_buf_puts(b, "\xE2\x80\x9D"); /* ” */
    }
}

/* One reason as a Markdown list item with the facts it read and its citations. */
static void md_reason(sw_buf *b, const sw_reason *r)
{
    sw_buf_puts(b, "- **");
    md_text(b, r->title);
    sw_buf_puts(b, "** (rule ");
    md_code(b, r->rule);
    if (r->file != NULL)
        sw_buf_printf(b, ", %s:%u", r->file, r->line);
    sw_buf_puts(b, ")");
    if (r->because != NULL) {
        sw_buf_puts(b, ": ");
        md_text(b, r->because);
    }
    sw_buf_puts(b, "\n");
    if (r->nmatched > 0) {
        sw_buf_puts(b, "  - Facts: ");
        for (size_t i = 0; i < r->nmatched; i++) {
            sw_buf_puts(b, i > 0 ? "; " : "");
            md_text(b, r->matched[i].label);
            sw_buf_puts(b, " = ");
            md_text(b, r->matched[i].value);
        }
        sw_buf_puts(b, "\n");
    }
    for (size_t i = 0; i < r->ncitations; i++) {
        sw_buf_puts(b, "  - Cites: ");
        md_citation(b, &r->citations[i]);
        sw_buf_puts(b, "\n");
    }
}

/* An item's heading line, its own citations and its reasons. */
static void md_item(sw_buf *b, const sw_item *item, const char *heading_note)
{
    sw_buf_puts(b, "**");
    md_text(b, item->label);
    sw_buf_puts(b, "**");
    if (heading_note != NULL)
        sw_buf_printf(b, " (%s)", heading_note);
    sw_buf_puts(b, "\n\n");
    for (size_t i = 0; i < item->ncitations; i++) {
        sw_buf_puts(b, "Guidance: ");
        md_citation(b, &item->citations[i]);
        sw_buf_puts(b, "\n\n");
    }
    sw_buf_puts(b, "Why:\n\n");
    for (size_t i = 0; i < item->nreasons; i++)
        md_reason(b, &item->reasons[i]);
}

static const sw_citation *first_citation(const sw_item *item)
{
    if (item->ncitations > 0)
        return &item->citations[0];
    for (size_t i = 0; i < item->nreasons; i++)
        if (item->reasons[i].ncitations > 0)
            return &item->reasons[i].citations[0];
    return NULL;
}

/* ---- writing a card ---- */

static void write_rule_ids(sw_json *w, const sw_reason *reasons, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sw_json_string(w, reasons[i].rule);
}

static void write_extension(sw_json *w, const card *c)
{
    sw_json_key(w, "extension");
    sw_json_begin_object(w);
    sw_json_key(w, SERVE_CDS_EXTENSION);
    sw_json_begin_object(w);
    sw_json_key(w, "kind");
    sw_json_string(w, c->kind);
    sw_json_key(w, "items");
    sw_json_begin_array(w);
    for (size_t i = 0; i < c->nitems; i++)
        sw_json_string(w, c->items[i].id);
    for (size_t i = 0; i < c->ncandidates; i++)
        sw_json_string(w, c->candidates[i].stage);
    sw_json_end_array(w);
    sw_json_key(w, "rules");
    sw_json_begin_array(w);
    for (size_t i = 0; i < c->nitems; i++)
        write_rule_ids(w, c->items[i].reasons, c->items[i].nreasons);
    for (size_t i = 0; i < c->ncandidates; i++)
        write_rule_ids(w, c->candidates[i].reasons, c->candidates[i].nreasons);
    sw_json_end_array(w);
    sw_json_end_object(w);
    sw_json_end_object(w);
}

static void write_coding(sw_json *w, const char *system, const char *code,
                         const char *display)
{
    sw_json_begin_object(w);
    sw_json_key(w, "system");
    sw_json_string(w, system);
    sw_json_key(w, "code");
    sw_json_string(w, code);
    sw_json_key(w, "display");
    sw_json_string(w, display);
    sw_json_end_object(w);
}

/* The topic's words for a card that is not about one item. */
static const char *topic_display(const char *kind)
{
    static const char *const names[][2] = {
        {"stage", "Stage"}, {"challenges", "Challenges"}, {"advice", "Advice"},
        {"data-gaps", "Data gaps"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(kind, names[i][0]) == 0)
            return names[i][1];
    return kind;
}

static void write_source(sw_json *w, const sw_report *rep, const card *c)
{
    sw_buf label = {0};

    sw_buf_printf(&label, "%s %s", rep->provenance.guideline_title,
                     rep->provenance.guideline_version);
    if (c->citation != NULL) {
        sw_buf_printf(&label, ", citing %s", c->citation->source);
        if (c->citation->statement != NULL)
            sw_buf_printf(&label, ".%s", c->citation->statement);
    }
    sw_json_key(w, "source");
    sw_json_begin_object(w);
    sw_json_key(w, "label");
    sw_json_string_n(w, label.data != NULL ? label.data : "", label.len);
    sw_json_key(w, "topic");
    sw_buf system = {0};
    sw_buf_printf(&system, "urn:stagewise:%s:%s", rep->provenance.guideline, c->kind);
    write_coding(w, system.data != NULL ? system.data : "", c->id != NULL ? c->id : c->kind,
                 c->nitems == 1 && c->id != NULL ? c->items[0].label : topic_display(c->kind));
    sw_json_end_object(w);
    if (label.failed || system.failed)
        w->out->failed = 1;
    sw_buf_free(&label);
    sw_buf_free(&system);
}

static void write_override_reasons(sw_json *w)
{
    static const char *const reasons[][2] = {
        {"not-relevant", "Not relevant to this client"},
        {"already-done", "Already done or in place"},
        {"client-declined", "The client declined"},
        {"clinical-judgement", "Clinical judgement differs"},
    };
    sw_json_key(w, "overrideReasons");
    sw_json_begin_array(w);
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        write_coding(w, "urn:stagewise:override-reason", reasons[i][0], reasons[i][1]);
    sw_json_end_array(w);
}

static int write_card(sw_json *w, const sw_report *rep, const char *hook_instance, card *c)
{
    char uuid[37];

    if (c->summary.failed || c->detail.failed ||
        serve_card_uuid(hook_instance, &rep->provenance, c->kind, c->id, uuid) != 0)
        return -1;
    serve_cards_fit_summary(&c->summary);
    sw_json_begin_object(w);
    sw_json_key(w, "uuid");
    sw_json_string(w, uuid);
    sw_json_key(w, "summary");
    sw_json_string_n(w, c->summary.data, c->summary.len);
    sw_json_key(w, "indicator");
    sw_json_string(w, c->indicator);
    sw_json_key(w, "detail");
    sw_json_string_n(w, c->detail.data, c->detail.len);
    write_source(w, rep, c);
    write_override_reasons(w);
    write_extension(w, c);
    sw_json_end_object(w);
    return 0;
}

/* Writes c and frees its text. */
static int emit(sw_json *w, const sw_report *rep, const char *hook_instance, card *c)
{
    int rc = write_card(w, rep, hook_instance, c);
    sw_buf_free(&c->summary);
    sw_buf_free(&c->detail);
    return rc;
}

/* ---- the cards of a result ---- */

static const char *priority_indicator(sw_priority p)
{
    return p == SW_PRIORITY_URGENT ? "critical" : p == SW_PRIORITY_HIGH ? "warning" : "info";
}

static int risk_cards(sw_json *w, const sw_report *rep, const char *hook)
{
    for (size_t i = 0; i < rep->nrisks; i++) {
        const sw_item *it = &rep->risks[i];
        const char *severity = sw_severity_name(it->severity);
        card c = {"risk", it->id, severity, first_citation(it), it, 1, NULL, 0, {0}, {0}};
        sw_buf_printf(&c.summary, "Risk (%s): %s", severity, it->label);
        char note[48];
        snprintf(note, sizeof note, "risk, severity %s", severity);
        md_item(&c.detail, it, note);
        if (emit(w, rep, hook, &c) != 0)
            return -1;
    }
    return 0;
}

static int recommendation_cards(sw_json *w, const sw_report *rep, const char *hook)
{
    for (size_t i = 0; i < rep->nrecommendations; i++) {
        const sw_item *it = &rep->recommendations[i];
        const char *priority = sw_priority_name(it->priority);
        card c = {"recommendation", it->id, priority_indicator(it->priority),
                  first_citation(it), it, 1, NULL, 0, {0}, {0}};
        sw_buf_printf(&c.summary, "Recommended (%s): %s", priority, it->label);
        char note[64];
        snprintf(note, sizeof note, "recommended, priority %s", priority);
        md_item(&c.detail, it, note);
        if (emit(w, rep, hook, &c) != 0)
            return -1;
    }
    return 0;
}

static void stage_summary(sw_buf *b, const sw_stage_verdict *v)
{
    if (v->suggested == NULL)
        sw_buf_puts(b, "Stage: the rules propose different stages; none is suggested");
    else if (v->current == NULL)
        sw_buf_printf(b, "Stage: %s suggested (current stage not recorded)", v->suggested);
    else if (v->direction == SW_DIRECTION_STAY)
        sw_buf_printf(b, "Stage: stay in %s", v->suggested);
    else
        sw_buf_printf(b, "Stage: move %s from %s to %s", sw_direction_name(v->direction),
                         v->current, v->suggested);
}

static int stage_card(sw_json *w, const sw_report *rep, const char *hook)
{
    const sw_stage_verdict *v = &rep->stage;
    if (v->ncandidates == 0)
        return 0;
    card c = {"stage", "stage", v->direction == SW_DIRECTION_BACK ? "warning" : "info",
              NULL, NULL, 0, v->candidates, v->ncandidates, {0}, {0}};
    stage_summary(&c.summary, v);
    sw_buf_puts(&c.detail, "Policy: ");
    md_text(&c.detail, v->policy);
    sw_buf_puts(&c.detail, "\n\n");
    for (size_t i = 0; i < v->ncandidates; i++) {
        const sw_stage_candidate *cand = &v->candidates[i];
        if (cand->nreasons > 0 && cand->reasons[0].ncitations > 0 && c.citation == NULL)
            c.citation = &cand->reasons[0].citations[0];
        sw_buf_puts(&c.detail, "**");
        md_text(&c.detail, cand->stage);
        sw_buf_printf(&c.detail, "** (%s%s)\n\nWhy:\n\n", sw_direction_name(cand->direction),
                         cand->chosen ? ", chosen" : "");
        for (size_t k = 0; k < cand->nreasons; k++)
            md_reason(&c.detail, &cand->reasons[k]);
        sw_buf_puts(&c.detail, "\n");
    }
    return emit(w, rep, hook, &c);
}

/* One card gathering items (challenges or advice). */
static int list_card(sw_json *w, const sw_report *rep, const char *hook, const char *kind,
                     const char *title, const sw_item *items, size_t n)
{
    if (n == 0)
        return 0;
    card c = {kind, NULL, "info", first_citation(&items[0]), items, n, NULL, 0, {0}, {0}};
    sw_buf_printf(&c.summary, "%s: ", title);
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(&c.summary, i > 0 ? "; " : "");
        sw_buf_puts(&c.summary, items[i].label);
        md_item(&c.detail, &items[i], NULL);
        sw_buf_puts(&c.detail, "\n");
    }
    return emit(w, rep, hook, &c);
}

static int gaps_card(sw_json *w, const sw_report *rep, const char *hook)
{
    if (rep->ngaps == 0)
        return 0;
    card c = {"data-gaps", NULL, "info", NULL, NULL, 0, NULL, 0, {0}, {0}};
    sw_buf_puts(&c.summary, "Ask about: ");
    sw_buf_puts(&c.detail, "Not recorded, so these rules could not decide:\n\n");
    for (size_t i = 0; i < rep->ngaps; i++) {
        const sw_data_gap *g = &rep->gaps[i];
        sw_buf_puts(&c.summary, i > 0 ? "; " : "");
        sw_buf_puts(&c.summary, g->label);
        sw_buf_puts(&c.detail, "- **");
        md_text(&c.detail, g->label);
        sw_buf_puts(&c.detail, "** (");
        md_code(&c.detail, g->fact);
        sw_buf_puts(&c.detail, "): ");
        for (size_t k = 0; k < g->nrules; k++) {
            sw_buf_puts(&c.detail, k > 0 ? ", " : "");
            md_code(&c.detail, g->rules[k]);
        }
        sw_buf_puts(&c.detail, "\n");
    }
    return emit(w, rep, hook, &c);
}

/* What did not fit the FHIR mappings: code, severity, message, where, JSON path. */
static void write_mapping_errors(sw_json *w, const sw_diagnostics *mapping)
{
    static const char *const sev[] = {"error", "warning", "note"};
    sw_json_key(w, "errors");
    sw_json_begin_array(w);
    for (size_t i = 0; i < sw_diagnostics_count(mapping); i++) {
        const sw_diagnostic *d = sw_diagnostics_at(mapping, i);
        sw_json_begin_object(w);
        sw_json_key(w, "code");
        sw_json_string(w, d->code);
        sw_json_key(w, "severity");
        sw_json_string(w, sev[d->severity <= SW_SEV_NOTE ? d->severity : SW_SEV_ERROR]);
        sw_json_key(w, "message");
        sw_json_string(w, d->message);
        sw_json_key(w, "path");
        sw_json_string(w, d->field);
        sw_json_key(w, "line");
        sw_json_int(w, d->line);
        sw_json_key(w, "column");
        sw_json_int(w, d->column);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void write_response_extension(sw_json *w, const sw_provenance *p,
                                     const sw_diagnostics *mapping)
{
    sw_json_key(w, "extension");
    sw_json_begin_object(w);
    sw_json_key(w, SERVE_CDS_EXTENSION);
    sw_json_begin_object(w);
    sw_json_key(w, "guideline");
    sw_json_string(w, p->guideline);
    sw_json_key(w, "guideline_version");
    sw_json_string(w, p->guideline_version);
    sw_json_key(w, "ruleset_sha256");
    sw_json_string(w, p->ruleset_sha256);
    sw_json_key(w, "facts_sha256");
    sw_json_string(w, p->facts_sha256);
    sw_json_key(w, "engine_version");
    sw_json_string(w, p->engine_version);
    sw_json_key(w, "client");
    sw_json_string(w, p->client);
    if (mapping != NULL && sw_diagnostics_count(mapping) > 0)
        write_mapping_errors(w, mapping);
    sw_json_end_object(w);
    sw_json_end_object(w);
}

int serve_cards_render(const sw_report *rep, const char *hook_instance, sw_buf *out)
{
    return serve_cards_render_mapped(rep, hook_instance, NULL, out);
}

int serve_cards_render_mapped(const sw_report *rep, const char *hook_instance,
                              const sw_diagnostics *mapping, sw_buf *out)
{
    sw_json w;

    sw_json_init(&w, out, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "cards");
    sw_json_begin_array(&w);
    if (risk_cards(&w, rep, hook_instance) != 0 ||
        recommendation_cards(&w, rep, hook_instance) != 0 ||
        stage_card(&w, rep, hook_instance) != 0 ||
        list_card(&w, rep, hook_instance, "challenges", "Challenges", rep->challenges,
                  rep->nchallenges) != 0 ||
        list_card(&w, rep, hook_instance, "advice", "Advice", rep->advice, rep->nadvice) != 0 ||
        gaps_card(&w, rep, hook_instance) != 0)
        return -1;
    sw_json_end_array(&w);
    write_response_extension(&w, &rep->provenance, mapping);
    sw_json_end_object(&w);
    return sw_json_end_line(&w);
}

/* ---- discovery ---- */

int serve_cards_discovery(const sw_ruleset *rules, const sw_ruleset_info *info, sw_buf *out)
{
    sw_json w;
    sw_buf description = {0};
    int failed = 0;

    sw_buf_printf(&description,
                     "Stagewise: %s %s. Send the FHIR resources the prefetch templates ask "
                     "for, or the client document (client, assessed_on, facts) in "
                     "prefetch.%s or context.%s; the cards give the risks, "
                     "recommendations, stage proposal, challenges, advice and data gaps.",
                     info->title, info->version, SERVE_CDS_FACTS_KEY, SERVE_CDS_FACTS_KEY);
    sw_json_init(&w, out, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "services");
    sw_json_begin_array(&w);
    sw_json_begin_object(&w);
    sw_json_key(&w, "hook");
    sw_json_string(&w, SERVE_CDS_HOOK);
    sw_json_key(&w, "id");
    sw_json_string(&w, info->name);
    sw_json_key(&w, "title");
    sw_json_string(&w, info->title);
    sw_json_key(&w, "description");
    sw_json_string_n(&w, description.data != NULL ? description.data : "", description.len);
    sw_json_key(&w, "prefetch");
    sw_json_begin_object(&w);
    for (size_t i = 0; rules != NULL && i < sw_fhir_prefetch_count(rules); i++) {
        const char *key = NULL;
        char *query = NULL;
        if (sw_fhir_prefetch(rules, i, &key, &query) != SW_OK) {
            failed = 1;
            break;
        }
        sw_json_key(&w, key);
        sw_json_string(&w, query);
        sw_free(query);
    }
    sw_json_end_object(&w);
    sw_json_key(&w, "usageRequirements");
    sw_json_string(&w, "The CDS client sends the prefetch results (searchset Bundles), or "
                          "the Stagewise client document in prefetch." SERVE_CDS_FACTS_KEY
                          " or context." SERVE_CDS_FACTS_KEY "; see docs/integration.md.");
    sw_json_end_object(&w);
    sw_json_end_array(&w);
    sw_json_end_object(&w);
    failed |= description.failed;
    sw_buf_free(&description);
    return sw_json_end_line(&w) != 0 || failed ? -1 : 0;
}
