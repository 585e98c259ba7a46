/*
 * report_text.c - the report laid out for people at a terminal.
 *
 * Sections come in the order a clinician reads them: the client line, the stage
 * verdict, risks, recommendations, advice, challenges, data gaps, derived facts,
 * the citations and sources with their texts (once each), the rule counts and the
 * provenance. Each output is followed by the rules behind it, the keys of their
 * citations and the fact values they matched. Empty sections say
 * "none". Only ASCII is added around the report's own strings; those strings are
 * shown as they are, except that control characters are written as escapes (\n,
 * \t, \x1b, \u0085) so no text can move the cursor or change the terminal, and
 * ill-formed UTF-8 is shown as U+FFFD.
 */
#include "report/report.h"

#include <stdint.h>
#include <string.h>

#include "util/json.h"

/* ---- strings ---- */

static void put_escaped_control(sw_buf *out, uint32_t cp)
{
    switch (cp) {
    case '\n': sw_buf_puts(out, "\\n"); break;
    case '\r': sw_buf_puts(out, "\\r"); break;
    case '\t': sw_buf_puts(out, "\\t"); break;
    default:
        if (cp < 0x80)
            sw_buf_printf(out, "\\x%02x", (unsigned)cp);
        else
            sw_buf_printf(out, "\\u%04x", (unsigned)cp);
    }
}

/* Appends one of the report's strings, made safe for a terminal. */
static void put(sw_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = sw_utf8_decode(p + i, n - i, &cp);
        if (cp == SW_UTF8_BAD)
            sw_buf_puts(out, "\xEF\xBF\xBD");
        else if (sw_unicode_is_control(cp))
            put_escaped_control(out, cp);
        else
            sw_buf_append(out, s + i, len);
        i += len;
    }
}

/* As put, with a stand-in for a missing string. */
static void put_or(sw_buf *out, const char *s, const char *missing)
{
    put(out, s ? s : missing);
}

static void put_list(sw_buf *out, const char *const *list, size_t n)
{
    if (n == 0)
        sw_buf_puts(out, "none");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sw_buf_puts(out, ", ");
        put_or(out, list[i], "?");
    }
}

static void put_upper(sw_buf *out, const char *s)
{
    for (; *s; s++)
        sw_buf_putc(out, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/* ---- reasons ---- */

/* "cites: DD.eng_bp2, PHQ9 \"severity bands\"": the keys, as the rule language
 * cites; their texts are listed once, under Citations at the end. */
static void put_citation_lines(sw_buf *out, const char *indent, const sw_citation *list,
                               size_t n)
{
    if (n == 0)
        return;
    sw_buf_printf(out, "%scites: ", indent);
    sw_buf key = SW_BUF_WITH(out->mem);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sw_buf_puts(out, ", ");
        key.len = 0;
        sw_doc_cite_key(&key, &list[i]);
        sw_buf_putc(&key, '\0');
        put_or(out, sw_buf_failed(&key) ? NULL : key.data, "?");
    }
    if (sw_buf_failed(&key))
        out->failed = 1;   /* the rendering reports SW_ERR_NOMEM */
    sw_buf_free(&key);
    sw_buf_putc(out, '\n');
}

static void put_fact_value(sw_buf *out, const sw_fact_value *v)
{
    put_or(out, v->fact, "?");
    sw_buf_puts(out, " = ");
    put_or(out, v->known ? v->value : NULL, "unknown");
}

static void put_matched_line(sw_buf *out, const char *indent, const sw_reason *r)
{
    if (r->nmatched == 0)
        return;
    sw_buf_printf(out, "%smatched: ", indent);
    for (size_t i = 0; i < r->nmatched; i++) {
        if (i)
            sw_buf_puts(out, "; ");
        put_fact_value(out, &r->matched[i]);
    }
    sw_buf_putc(out, '\n');
}

/* Reasons sit under their output: "    - rule R (file:line): Title", then the
 * because text, citations and matched facts two columns further in. */
#define REASON_INDENT "    "
#define DETAIL_INDENT "      "

static void put_reason(sw_buf *out, const sw_reason *r)
{
    const char *indent = DETAIL_INDENT;
    sw_buf_puts(out, REASON_INDENT);
    sw_buf_puts(out, "- rule ");
    put_or(out, r->rule, "?");
    if (r->file) {
        sw_buf_puts(out, " (");
        put(out, r->file);
        sw_buf_printf(out, ":%u)", r->line);
    }
    if (r->title) {
        sw_buf_puts(out, ": ");
        put(out, r->title);
    }
    sw_buf_putc(out, '\n');
    if (r->because) {
        sw_buf_printf(out, "%sbecause: ", indent);
        put(out, r->because);
        sw_buf_putc(out, '\n');
    }
    put_citation_lines(out, indent, r->citations, r->ncitations);
    put_matched_line(out, indent, r);
}

static void put_reasons(sw_buf *out, const sw_reason *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_reason(out, &list[i]);
}

/* ---- sections ---- */

static void put_header(sw_buf *out, const sw_provenance *p)
{
    sw_buf_puts(out, "Client ");
    put_or(out, p->client, "(not given)");
    sw_buf_puts(out, " | assessed ");
    put_or(out, p->assessed_on, "(date not given)");
    sw_buf_puts(out, " | ");
    put_or(out, p->guideline_title ? p->guideline_title : p->guideline, "(unnamed guideline)");
    if (p->guideline_version) {
        sw_buf_putc(out, ' ');
        put(out, p->guideline_version);
    }
    sw_buf_putc(out, '\n');
}

static void put_stage_line(sw_buf *out, const sw_stage_verdict *s)
{
    const char *no_move = s->ncandidates == 0 ? "no rule proposed a move" : NULL;
    sw_buf_puts(out, "Stage: ");
    if (s->direction == SW_DIRECTION_STAY) {
        put_or(out, s->current ? s->current : s->suggested, "unknown");
        sw_buf_puts(out, ", stay");
        if (no_move)
            sw_buf_printf(out, " (%s)", no_move);
    } else {
        put_or(out, s->current, "unknown");
        sw_buf_puts(out, " -> ");
        put_or(out, s->suggested, "unknown");
        if (s->direction == SW_DIRECTION_UNKNOWN)
            sw_buf_puts(out, " (direction unknown");
        else
            sw_buf_printf(out, " (%s", sw_direction_name(s->direction));
        if (no_move)
            sw_buf_printf(out, "; %s", no_move);
        sw_buf_putc(out, ')');
    }
    if (s->status != SW_VERDICT_DECIDED) {
        sw_buf_puts(out, " [");
        put_upper(out, sw_verdict_status_name(s->status));
        sw_buf_puts(out, ": do not act on the direction]");
    }
    sw_buf_putc(out, '\n');
}

static void put_stage(sw_buf *out, const sw_stage_verdict *s)
{
    put_stage_line(out, s);
    sw_buf_puts(out, "  policy: ");
    put_or(out, s->policy, "(not stated)");
    sw_buf_putc(out, '\n');
    for (size_t i = 0; i < s->ncandidates; i++) {
        const sw_stage_candidate *c = &s->candidates[i];
        sw_buf_puts(out, "  proposed: ");
        put_or(out, c->stage, "?");
        sw_buf_printf(out, " (%s%s)\n", sw_direction_name(c->direction),
                      c->chosen ? ", chosen" : "");
        put_reasons(out, c->reasons, c->nreasons);
    }
    sw_buf_puts(out, "  undecided move rules: ");
    put_list(out, s->undecided_rules, s->nundecided_rules);
    sw_buf_putc(out, '\n');
    if (s->provisional)
        sw_buf_puts(out, "  PROVISIONAL: an undecided rule could move the client to an earlier "
                         "stage; record the missing facts (data gaps) to settle it\n");
    if (s->conflicting)
        sw_buf_puts(out, "  CONFLICTING: the rules propose different stages; the policy "
                         "suggests the earliest, but check each reason before acting\n");
    if (s->status == SW_VERDICT_UNDECIDED)
        sw_buf_puts(out, "  UNDECIDED: the current stage is not recorded and no rule proposed "
                         "one\n");
}

static void put_section_title(sw_buf *out, const char *title, size_t n)
{
    sw_buf_printf(out, "\n%s\n", title);
    if (n == 0)
        sw_buf_puts(out, "  none\n");
}

/* "id  Label" and what follows it: the item's citations, then its reasons. */
static void put_item_body(sw_buf *out, const sw_item *item)
{
    put_or(out, item->id, "?");
    if (item->label) {
        sw_buf_puts(out, "  ");
        put(out, item->label);
    }
}

static void put_item_support(sw_buf *out, const sw_item *item)
{
    put_citation_lines(out, REASON_INDENT, item->citations, item->ncitations);
    put_reasons(out, item->reasons, item->nreasons);
}

static void put_risks(sw_buf *out, const char *title, const sw_item *list, size_t n)
{
    put_section_title(out, title, n);
    for (size_t i = 0; i < n; i++) {
        const char *severity = sw_severity_name(list[i].severity);
        sw_buf_puts(out, "  ");
        put_upper(out, severity);
        sw_buf_repeat(out, ' ', strlen(severity) < 8 ? 8 - strlen(severity) : 0);
        sw_buf_puts(out, "  ");
        put_item_body(out, &list[i]);
        sw_buf_putc(out, '\n');
        put_item_support(out, &list[i]);
    }
}

static void put_recommendations(sw_buf *out, const char *title, const sw_item *list, size_t n)
{
    put_section_title(out, title, n);
    for (size_t i = 0; i < n; i++) {
        sw_buf_printf(out, "  %zu. [%s] ", i + 1, sw_priority_name(list[i].priority));
        put_item_body(out, &list[i]);
        if (list[i].kind) {
            sw_buf_puts(out, " (");
            put(out, list[i].kind);
            sw_buf_putc(out, ')');
        }
        sw_buf_putc(out, '\n');
        put_item_support(out, &list[i]);
    }
}

static void put_plain_items(sw_buf *out, const char *title, const sw_item *list, size_t n)
{
    put_section_title(out, title, n);
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(out, "  ");
        put_item_body(out, &list[i]);
        sw_buf_putc(out, '\n');
        put_item_support(out, &list[i]);
    }
}

static void put_gaps(sw_buf *out, const sw_data_gap *list, size_t n)
{
    put_section_title(out, "Data gaps", n);
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(out, "  ask about ");
        put_or(out, list[i].fact, "?");
        if (list[i].label) {
            sw_buf_puts(out, " (");
            put(out, list[i].label);
            sw_buf_putc(out, ')');
        }
        if (list[i].nrules) {
            sw_buf_puts(out, ": would decide ");
            put_list(out, list[i].rules, list[i].nrules);
        }
        sw_buf_putc(out, '\n');
    }
}

static void put_derived(sw_buf *out, const sw_fact_value *list, size_t n)
{
    put_section_title(out, "Derived facts", n);
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(out, "  ");
        put_fact_value(out, &list[i]);
        if (list[i].label) {
            sw_buf_puts(out, " (");
            put(out, list[i].label);
            sw_buf_putc(out, ')');
        }
        sw_buf_putc(out, '\n');
    }
}

/* Every citation used, once, with its text; then every source with its title. */
static void put_citation_table(sw_buf *out, const sw_report *rep)
{
    sw_doc_tables t;
    if (sw_doc_tables_build_m(out->mem, rep, &t) != SW_OK) {
        out->failed = 1;
        return;
    }
    put_section_title(out, "Citations", t.ncites);
    for (size_t i = 0; i < t.ncites; i++) {
        sw_buf_puts(out, "  ");
        put(out, t.cites[i].key);
        if (t.cites[i].citation->statement && t.cites[i].citation->text) {
            sw_buf_puts(out, ": ");
            put(out, t.cites[i].citation->text);
        }
        sw_buf_putc(out, '\n');
    }
    put_section_title(out, "Sources", t.nsources);
    for (size_t i = 0; i < t.nsources; i++) {
        sw_buf_puts(out, "  ");
        put_or(out, t.sources[i]->source, "?");
        sw_buf_puts(out, ": ");
        put_or(out, t.sources[i]->source_title, "(no title)");
        sw_buf_putc(out, '\n');
    }
    sw_doc_tables_free(&t);
}

static void put_provenance_line(sw_buf *out, const char *name, const char *value)
{
    sw_buf_printf(out, "  %-15s ", name);
    put_or(out, value, "(not given)");
    sw_buf_putc(out, '\n');
}

static void put_provenance(sw_buf *out, const sw_report *rep)
{
    const sw_provenance *p = &rep->provenance;
    sw_buf_printf(out, "\nRules: %zu fired, %zu undecided, %zu in total\n", rep->rules_fired,
                  rep->rules_undecided, rep->rules_total);
    sw_buf_puts(out, "\nProvenance\n");
    sw_buf_puts(out, "  guideline       ");
    put_or(out, p->guideline, "(not given)");
    if (p->guideline_version) {
        sw_buf_putc(out, ' ');
        put(out, p->guideline_version);
    }
    sw_buf_putc(out, '\n');
    put_provenance_line(out, "ruleset sha256", p->ruleset_sha256);
    put_provenance_line(out, "facts sha256", p->facts_sha256);
    put_provenance_line(out, "engine", p->engine_version);
    put_provenance_line(out, "result format", p->result_format ? p->result_format
                                                                : SW_RESULT_FORMAT);
}

/* The kinds' sections: those whose items carry a severity first, then a priority,
 * then the rest, each group in the language's order. */
static void put_kinds(sw_buf *out, const sw_report *rep)
{
    sw_item_list four[SW_REPORT_NAMED_KINDS];
    const sw_item_list *kinds;
    size_t nkinds = sw_report_lists(rep, four, &kinds);
    static const char *const groups[] = {"severity", "priority", NULL};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        for (size_t k = 0; k < nkinds; k++) {
            const sw_item_list *l = &kinds[k];
            if (groups[g] ? !l->carries || strcmp(l->carries, groups[g]) != 0 : l->carries != NULL)
                continue;
            if (g == 0)
                put_risks(out, l->heading, l->items, l->nitems);
            else if (g == 1)
                put_recommendations(out, l->heading, l->items, l->nitems);
            else
                put_plain_items(out, l->heading, l->items, l->nitems);
        }
}

sw_status sw_report_render_text(const sw_report *rep, sw_buf *out)
{
    if (!rep || !out)
        return SW_ERR_ARG;
    if (sw_buf_failed(out))
        return SW_ERR_NOMEM;
    put_header(out, &rep->provenance);
    sw_buf_putc(out, '\n');
    put_stage(out, &rep->stage);
    put_kinds(out, rep);
    put_gaps(out, rep->gaps, rep->ngaps);
    put_derived(out, rep->derived, rep->nderived);
    put_citation_table(out, rep);
    put_provenance(out, rep);
    return sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}
