/*
 * serve_cards.c - CDS Hooks discovery and cards from a result (see serve_cards.h).
 *
 * Cards are built from the library's sw_report only: what a card says is what the
 * result document says, laid out for a clinician reading a card in a record system,
 * and no more of it than a record system can show; the full result stays at
 * POST /v1/evaluate. Which output kinds make the risk cards and which today's
 * actions is each kind's place (sw_kind_at, the vocabulary's PLACE column), so a
 * kind the language adds reaches its cards by itself.
 */
#include "serve_cards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Card summaries are kept under this many characters (the CDS Hooks limit is 140). */
#define SUMMARY_MAX 139

/* The namespace of Stagewise card uuids (a random version 4 uuid, fixed forever). */
/* "a" or "an" before a severity or priority word (info, urgent; warning, high) */
static const char *an(const char *word)
{
    return word[0] && strchr("aeiou", word[0]) ? "an" : "a";
}

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
    const sw_item *suggest;         /* today's actions offered as suggestions */
    const size_t *suggest_kinds;    /* the output kind of each (sw_kind_at) */
    size_t nsuggest;
    sw_buf summary, detail;
} card;

/* Items of several output kinds, gathered for one card (shallow copies: every
 * pointer in them stays borrowed from the report). */
typedef struct gathered {
    sw_item *items;
    size_t *kinds;
    size_t n;
} gathered;

/* What every card of one response shares. */
typedef struct response {
    const sw_report *rep;
    const char *hook;
    const char *link;               /* the explanation's URL, or NULL */
} response;

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

/* An item in one list line: label, note, each reason's because text and the rules
 * (the full reasons, facts and citations are behind the card's link). */
static void md_item_line(sw_buf *b, const sw_item *item, const char *note)
{
    sw_buf_puts(b, "- **");
    md_text(b, item->label);
    sw_buf_printf(b, "** (%s)", note);
    const char *sep = ": ";
    for (size_t i = 0; i < item->nreasons; i++)
        if (item->reasons[i].because != NULL) {
            sw_buf_puts(b, sep);
            md_text(b, item->reasons[i].because);
            sep = "; ";
        }
    sw_buf_puts(b, item->nreasons == 1 ? " (rule " : " (rules ");
    for (size_t i = 0; i < item->nreasons; i++) {
        sw_buf_puts(b, i > 0 ? ", " : "");
        md_code(b, item->reasons[i].rule);
    }
    sw_buf_puts(b, ")\n");
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
        {"stage", "Stage"}, {"warnings", "Warnings"}, {"today", "Today's actions"},
        {"questions", "Questions to ask"},
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

/* A suggestion per action the clinician can take: accepting it proposes a FHIR
 * Task (intent "proposal": a suggestion, not an order) with the action's label,
 * and the CDS client reports the acceptance through feedback (acceptedSuggestions,
 * by the suggestion's uuid). */
static int write_suggestions(sw_json *w, const response *r, const card *c)
{
    if (c->nsuggest == 0)
        return 0;
    sw_json_key(w, "selectionBehavior");
    sw_json_string(w, "any");
    sw_json_key(w, "suggestions");
    sw_json_begin_array(w);
    for (size_t i = 0; i < c->nsuggest; i++) {
        const sw_item *it = &c->suggest[i];
        const sw_kind_info *kind = sw_kind_at(c->suggest_kinds[i]);
        int by_priority = kind->carries != NULL && strcmp(kind->carries, "priority") == 0;
        char uuid[37];
        if (serve_card_uuid(r->hook, &r->rep->provenance, "suggestion", it->id, uuid) != 0)
            return -1;
        sw_json_begin_object(w);
        sw_json_key(w, "label");
        sw_json_string(w, it->label);
        sw_json_key(w, "uuid");
        sw_json_string(w, uuid);
        sw_json_key(w, "isRecommended");
        sw_json_bool(w, by_priority && it->priority == SW_PRIORITY_URGENT);
        sw_json_key(w, "actions");
        sw_json_begin_array(w);
        sw_json_begin_object(w);
        sw_json_key(w, "type");
        sw_json_string(w, "create");
        sw_json_key(w, "description");
        sw_json_stringf(w, "Propose a task: %s", it->label);
        sw_json_key(w, "resource");
        sw_json_begin_object(w);
        sw_json_key(w, "resourceType");
        sw_json_string(w, "Task");
        sw_json_key(w, "status");
        sw_json_string(w, "requested");
        sw_json_key(w, "intent");
        sw_json_string(w, "proposal");
        sw_json_key(w, "description");
        sw_json_string(w, it->label);
        sw_json_key(w, "code");
        sw_json_begin_object(w);
        sw_json_key(w, "coding");
        sw_json_begin_array(w);
        sw_buf system = {0};
        sw_buf_printf(&system, "urn:stagewise:%s:%s", r->rep->provenance.guideline, kind->item);
        write_coding(w, system.data != NULL ? system.data : "", it->id, it->label);
        int failed = system.failed;
        sw_buf_free(&system);
        sw_json_end_array(w);
        sw_json_end_object(w);
        sw_json_end_object(w);
        sw_json_end_object(w);
        sw_json_end_array(w);
        sw_json_end_object(w);
        if (failed)
            return -1;
    }
    sw_json_end_array(w);
    return 0;
}

static void write_links(sw_json *w, const response *r)
{
    if (r->link == NULL)
        return;
    sw_json_key(w, "links");
    sw_json_begin_array(w);
    sw_json_begin_object(w);
    sw_json_key(w, "label");
    sw_json_string(w, "Why: the full decision, its reasons and citations");
    sw_json_key(w, "url");
    sw_json_string(w, r->link);
    sw_json_key(w, "type");
    sw_json_string(w, "absolute");
    sw_json_end_object(w);
    sw_json_end_array(w);
}

static int write_card(sw_json *w, const response *r, card *c)
{
    char uuid[37];

    if (c->summary.failed || c->detail.failed ||
        serve_card_uuid(r->hook, &r->rep->provenance, c->kind, c->id, uuid) != 0)
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
    write_source(w, r->rep, c);
    if (write_suggestions(w, r, c) != 0)
        return -1;
    write_links(w, r);
    write_override_reasons(w);
    write_extension(w, c);
    sw_json_end_object(w);
    return 0;
}

/* Writes c and frees its text. */
static int emit(sw_json *w, const response *r, card *c)
{
    int rc = write_card(w, r, c);
    sw_buf_free(&c->summary);
    sw_buf_free(&c->detail);
    return rc;
}

/* ---- the cards of a result ---- */

/* What the card leaves out is in the full result (POST /v1/evaluate, the link). */
static void md_see_all(sw_buf *b, size_t n, const char *what)
{
    if (n > 0)
        sw_buf_printf(b, "\nAnd %zu %s%s in the full result.\n", n, what, n == 1 ? "" : "s");
}

/* What an item of `kind` carries: 'p' priority, 's' severity, 0 nothing. */
static int carries(const sw_kind_info *kind)
{
    return kind->carries == NULL ? 0 : strcmp(kind->carries, "priority") == 0 ? 'p' : 's';
}

/* Among today's actions: high or urgent priority, warning or critical severity, or
 * any item that carries neither. */
static int pick_today(const sw_kind_info *kind, const sw_item *it)
{
    int level = carries(kind);
    return level == 'p' ? it->priority >= SW_PRIORITY_HIGH
         : level == 's' ? it->severity >= SW_SEVERITY_WARNING : 1;
}

static int pick_warning(const sw_kind_info *kind, const sw_item *it)
{
    return carries(kind) == 's' && it->severity == SW_SEVERITY_WARNING;
}

/* The items of every kind placed at `place` that pick takes, kind after kind;
 * -1 when memory ran out. */
static int gather(const sw_report *rep, sw_kind_place place,
                  int (*pick)(const sw_kind_info *, const sw_item *), gathered *g)
{
    size_t total = 0;
    g->n = 0;
    for (size_t k = 0; k < sw_kind_count(); k++)
        if (sw_kind_at(k)->place == place)
            total += sw_report_items(rep, k, NULL);
    g->items = malloc((total ? total : 1) * sizeof *g->items);
    g->kinds = malloc((total ? total : 1) * sizeof *g->kinds);
    if (!g->items || !g->kinds)
        return -1;
    for (size_t k = 0; k < sw_kind_count(); k++) {
        const sw_kind_info *kind = sw_kind_at(k);
        const sw_item *items;
        size_t n = kind->place == place ? sw_report_items(rep, k, &items) : 0;
        for (size_t i = 0; i < n; i++)
            if (pick(kind, &items[i])) {
                g->items[g->n] = items[i];
                g->kinds[g->n++] = k;
            }
    }
    return 0;
}

static void gathered_free(gathered *g)
{
    free(g->items);
    free(g->kinds);
}

/* One card per critical item of a kind placed with the risks. */
static int critical_cards(sw_json *w, const response *r)
{
    const sw_report *rep = r->rep;
    for (size_t k = 0; k < sw_kind_count(); k++) {
        const sw_kind_info *kind = sw_kind_at(k);
        const sw_item *items;
        size_t n = kind->place == SW_PLACE_RISKS ? sw_report_items(rep, k, &items) : 0;
        for (size_t i = 0; i < n; i++) {
            const sw_item *it = &items[i];
            if (it->severity != SW_SEVERITY_CRITICAL)
                continue;
            card c = {kind->name, it->id, "critical", first_citation(it), it, 1, NULL, 0, NULL,
                      NULL, 0, {0}, {0}};
            char note[96];
            snprintf(note, sizeof note, "%s, severity critical", kind->item);
            sw_buf_printf(&c.summary, "%c%s (critical): %s",
                          kind->item[0] >= 'a' && kind->item[0] <= 'z' ? kind->item[0] - 'a' + 'A'
                                                                      : kind->item[0],
                          kind->item + 1, it->label);
            md_item(&c.detail, it, note);
            if (emit(w, r, &c) != 0)
                return -1;
        }
    }
    return 0;
}

/* One card for every warning item of the kinds placed with the risks (information-
 * only ones are in the full result). */
static int warnings_card(sw_json *w, const response *r)
{
    const sw_report *rep = r->rep;
    gathered g;
    if (gather(rep, SW_PLACE_RISKS, pick_warning, &g) != 0) {
        gathered_free(&g);
        return -1;
    }
    size_t n = g.n;
    if (n == 0) {
        gathered_free(&g);
        return 0;
    }
    const sw_item *items = g.items;
    card c = {"warnings", NULL, "warning", first_citation(&items[0]), items, n, NULL, 0, NULL,
              NULL, 0, {0}, {0}};
    sw_buf_printf(&c.summary, "%zu warning%s: ", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(&c.summary, i > 0 ? "; " : "");
        sw_buf_puts(&c.summary, items[i].label);
        md_item_line(&c.detail, &items[i], "warning");
    }
    for (size_t k = 0; k < sw_kind_count(); k++) {
        const sw_kind_info *kind = sw_kind_at(k);
        const sw_item *list;
        size_t all = kind->place == SW_PLACE_RISKS ? sw_report_items(rep, k, &list) : 0, info = 0;
        for (size_t i = 0; i < all; i++)
            info += list[i].severity == SW_SEVERITY_INFO;
        char what[96];
        snprintf(what, sizeof what, "information-only %s", kind->item);
        md_see_all(&c.detail, info, what);
    }
    int rc = emit(w, r, &c);
    gathered_free(&g);
    return rc;
}

/* Today's actions: the items of the kinds placed there (the urgent and high-priority
 * recommendations, and every item of a kind that carries no level), each also a
 * suggestion the clinician can accept. */
static int today_card(sw_json *w, const response *r)
{
    const sw_report *rep = r->rep;
    gathered g;
    if (gather(rep, SW_PLACE_TODAY, pick_today, &g) != 0) {
        gathered_free(&g);
        return -1;
    }
    size_t n = g.n;
    if (n == 0) {
        gathered_free(&g);
        return 0;
    }
    const sw_item *items = g.items;
    int urgent = 0;
    for (size_t i = 0; i < n; i++)
        urgent |= carries(sw_kind_at(g.kinds[i])) == 'p' && items[i].priority == SW_PRIORITY_URGENT;
    card c = {"today", NULL, urgent ? "critical" : "warning", first_citation(&items[0]), items,
              n, NULL, 0, items, g.kinds, n, {0}, {0}};
    sw_buf_puts(&c.summary, "Today: ");
    for (size_t i = 0; i < n; i++) {
        const sw_kind_info *kind = sw_kind_at(g.kinds[i]);
        int level = carries(kind);
        sw_buf_puts(&c.summary, i > 0 ? "; " : "");
        sw_buf_puts(&c.summary, items[i].label);
        md_item_line(&c.detail, &items[i], level == 'p' ? sw_priority_name(items[i].priority)
                                           : level == 's' ? sw_severity_name(items[i].severity)
                                                          : kind->name);
    }
    for (size_t k = 0; k < sw_kind_count(); k++) {
        const sw_kind_info *kind = sw_kind_at(k);
        const sw_item *list;
        size_t all = kind->place == SW_PLACE_TODAY ? sw_report_items(rep, k, &list) : 0, other = 0;
        for (size_t i = 0; i < all; i++)
            other += !pick_today(kind, &list[i]);
        char what[96];
        snprintf(what, sizeof what, "other %s", kind->item);
        md_see_all(&c.detail, other, what);
    }
    int rc = emit(w, r, &c);
    gathered_free(&g);
    return rc;
}

static void stage_summary(sw_buf *b, const sw_stage_verdict *v)
{
    if (v->suggested == NULL)
        sw_buf_puts(b, "Stage: NOT DECIDED: the current stage is not recorded and no rule "
                       "proposed one");
    else if (v->current == NULL)
        sw_buf_printf(b, "Stage: %s suggested (current stage not recorded)", v->suggested);
    else if (v->direction == SW_DIRECTION_STAY)
        sw_buf_printf(b, "Stage: stay in %s", v->suggested);
    else
        sw_buf_printf(b, "Stage: move %s from %s to %s", sw_direction_name(v->direction),
                      v->current, v->suggested);
    if (v->suggested != NULL && v->status != SW_VERDICT_DECIDED)
        sw_buf_printf(b, " \xE2\x80\x94 NOT DECIDED (%s)", sw_verdict_status_name(v->status));
}

/* The stage verdict, when a rule proposed a stage, or when it is not decided and
 * move rules wait on missing facts (a rule set without move rules has no verdict
 * to show); a verdict that is not decided says so in its summary and is a warning. */
static int stage_card(sw_json *w, const response *r)
{
    const sw_stage_verdict *v = &r->rep->stage;
    if (v->ncandidates == 0 && (v->status == SW_VERDICT_DECIDED || v->nundecided_rules == 0))
        return 0;
    int warn = v->direction == SW_DIRECTION_BACK || v->status != SW_VERDICT_DECIDED;
    card c = {"stage", "stage", warn ? "warning" : "info", NULL, NULL, 0, v->candidates,
              v->ncandidates, NULL, NULL, 0, {0}, {0}};
    stage_summary(&c.summary, v);
    if (v->provisional)
        sw_buf_puts(&c.detail, "**Provisional**: a rule that missing facts left undecided "
                               "could move the client to an earlier stage; record the facts "
                               "asked about first.\n\n");
    if (v->conflicting)
        sw_buf_puts(&c.detail, "**Conflicting**: the rules propose different stages; the "
                               "policy suggests the earliest, but weigh each reason before "
                               "acting.\n\n");
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
    return emit(w, r, &c);
}

/* The questions to ask, most decisive first (sw_data_gap.rank). */
static int questions_card(sw_json *w, const response *r)
{
    const sw_report *rep = r->rep;
    if (rep->ngaps == 0)
        return 0;
    const sw_data_gap *top = NULL;
    for (size_t i = 0; i < rep->ngaps; i++)
        if (rep->gaps[i].rank == 1)
            top = &rep->gaps[i];
    int critical = top != NULL && top->could_raise_risk &&
                   top->risk_severity == SW_SEVERITY_CRITICAL;
    card c = {"questions", NULL, critical ? "warning" : "info", NULL, NULL, 0, NULL, 0, NULL,
              NULL, 0, {0}, {0}};
    sw_buf_puts(&c.summary, "Ask about: ");
    sw_buf_puts(&c.detail, "Not recorded, so these rules could not decide; most decisive "
                           "first:\n\n");
    size_t shown = 0;
    for (size_t rank = 1; rank <= rep->ngaps && rank <= SERVE_CARDS_QUESTIONS; rank++)
        for (size_t i = 0; i < rep->ngaps; i++) {
            const sw_data_gap *g = &rep->gaps[i];
            if (g->rank != rank)
                continue;
            sw_buf_puts(&c.summary, shown++ > 0 ? "; " : "");
            sw_buf_puts(&c.summary, g->label);
            sw_buf_printf(&c.detail, "%zu. **", rank);
            md_text(&c.detail, g->label);
            sw_buf_puts(&c.detail, "** (");
            md_code(&c.detail, g->fact);
            sw_buf_puts(&c.detail, ")");
            if (g->could_raise_risk) {
                const char *sev = sw_severity_name(g->risk_severity);
                sw_buf_printf(&c.detail, ", could raise %s %s risk", an(sev), sev);
            }
            if (g->could_recommend) {
                const char *pri = sw_priority_name(g->priority);
                sw_buf_printf(&c.detail, ", could decide %s %s recommendation", an(pri), pri);
            }
            if (g->could_move_stage)
                sw_buf_puts(&c.detail, ", could move the stage");
            sw_buf_puts(&c.detail, ": ");
            for (size_t k = 0; k < g->nrules; k++) {
                sw_buf_puts(&c.detail, k > 0 ? ", " : "");
                md_code(&c.detail, g->rules[k]);
            }
            sw_buf_puts(&c.detail, "\n");
        }
    md_see_all(&c.detail, rep->ngaps - shown, "further question");
    return emit(w, r, &c);
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

int serve_cards_link(const char *public_url, const char *decision_id, sw_buf *out)
{
    if (public_url == NULL || decision_id == NULL || decision_id[0] == '\0')
        return 0;
    size_t n = strlen(public_url);
    while (n > 0 && public_url[n - 1] == '/')
        n--;
    sw_buf_append(out, public_url, n);
    sw_buf_printf(out, SERVE_CARDS_LINK_PATH "%s", decision_id);
    return out->failed ? -1 : 0;
}

int serve_cards_render(const sw_report *rep, const char *hook_instance, const char *link,
                       sw_buf *out)
{
    return serve_cards_render_mapped(rep, hook_instance, link, NULL, out);
}

int serve_cards_render_mapped(const sw_report *rep, const char *hook_instance, const char *link,
                              const sw_diagnostics *mapping, sw_buf *out)
{
    sw_json w;
    response r = {rep, hook_instance, link};

    sw_json_init(&w, out, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "cards");
    sw_json_begin_array(&w);
    if (critical_cards(&w, &r) != 0 || warnings_card(&w, &r) != 0 || today_card(&w, &r) != 0 ||
        stage_card(&w, &r) != 0 || questions_card(&w, &r) != 0)
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
                     "prefetch.%s or context.%s; the cards give each critical risk, the "
                     "warnings, today's actions, the stage and the questions to ask.",
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
