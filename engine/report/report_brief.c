/*
 * report_brief.c - the brief: what a keyworker needs in a ten-minute appointment,
 * on one screen (at most SW_BRIEF_LINES lines of at most SW_BRIEF_COLUMNS columns).
 *
 * In the order a clinician acts: critical and warning risks, each with its one
 * reason; today's actions (urgent and high recommendations), each with its rule's
 * `because`; which kinds are risks, today's actions or only counted on the ALSO
 * line is the vocabulary's PLACE column (lang/vocab.h), so a new kind appears here
 * by itself; the stage verdict in one line, saying NOT DECIDED when it is
 * provisional, conflicting or undecided, and why; the questions to ask next,
 * ranked by what they could decide (sw_data_gap.rank); then one line of what else there is and one of provenance.
 * Every line is cut to the width at a character boundary, with "...", so the
 * brief is the same, byte for byte, for the same report. The full report with
 * every reason, citation and matched value is sw_report_render_text (--detail).
 */
#include "report/report.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lang/vocab.h"
#include "util/json.h"

#define MAX_RISK_LINES 9
#define MAX_ACTION_LINES 9
#define MAX_QUESTIONS 5

/* One line under construction, cut to the width when it ends. */
typedef struct line {
    sw_buf text;
} line;

static void add(line *l, const char *s)
{
    /* control characters (a newline in a label) would break the one-line form */
    for (const char *p = s ? s : ""; *p; p++)
        sw_buf_putc(&l->text, (unsigned char)*p < 0x20 ? ' ' : *p);
}

/* Appends the line to out, cut at SW_BRIEF_COLUMNS characters (UTF-8 aware). */
static void end_line(line *l, sw_buf *out)
{
    const unsigned char *s = (const unsigned char *)(l->text.data ? l->text.data : "");
    size_t n = l->text.len, i = 0, columns = 0, cut = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = sw_utf8_decode(s + i, n - i, &cp);
        if (columns == SW_BRIEF_COLUMNS - 3)
            cut = i;
        i += k;
        columns++;
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (columns > SW_BRIEF_COLUMNS) {
        sw_buf_append(out, (const char *)s, cut);
        sw_buf_puts(out, "...");
    } else {
        sw_buf_append(out, (const char *)s, n);
    }
    sw_buf_putc(out, '\n');
    l->text.len = 0;
    if (l->text.data)
        l->text.data[0] = '\0';
}

static const char *upper_severity(sw_risk_severity s)
{
    switch (s) {
    case SW_SEVERITY_CRITICAL: return "CRITICAL";
    case SW_SEVERITY_WARNING: return "WARNING ";
    case SW_SEVERITY_INFO: return "INFO    ";
    }
    return "?";
}

static const char *upper_priority(sw_priority p)
{
    switch (p) {
    case SW_PRIORITY_URGENT: return "URGENT";
    case SW_PRIORITY_HIGH: return "HIGH  ";
    case SW_PRIORITY_NORMAL: return "NORMAL";
    case SW_PRIORITY_LOW: return "LOW   ";
    }
    return "?";
}

/* The one reason shown for an item: its first rule's because, else its title. */
static void add_reason(line *l, const sw_item *item)
{
    if (item->nreasons == 0)
        return;
    const sw_reason *r = &item->reasons[0];
    add(l, ": ");
    add(l, r->because ? r->because : r->title ? r->title : r->rule);
    if (item->nreasons > 1) {
        char more[48];
        snprintf(more, sizeof more, " (+%zu more)", item->nreasons - 1);
        add(l, more);
    }
}

/* What a kind's items carry, as the brief reads it. */
static sw_item_level level_of(size_t kind)
{
    return sw_item_vocab[kind].level;
}

/* An item shown among the risks or today's actions: of warning or critical
 * severity, of high or urgent priority, or any item that carries no level. */
static int shown_today(size_t kind, const sw_item *it)
{
    switch (level_of(kind)) {
    case SW_LEVEL_PRIORITY: return it->priority >= SW_PRIORITY_HIGH;
    case SW_LEVEL_SEVERITY: return it->severity >= SW_SEVERITY_WARNING;
    case SW_LEVEL_NONE: break;
    }
    return 1;
}

/* The RISKS lines: every item of the kinds placed with the risks (SW_ITEM_PLACE_RISKS,
 * which carry a severity), critical and warning ones listed. */
static void put_risks(line *l, const sw_report *rep, sw_buf *out)
{
    size_t critical = 0, warning = 0;   /* info risks are counted on the ALSO line */
    for (size_t k = 0; k < SW_ITEM__COUNT; k++) {
        if (sw_item_vocab[k].place != SW_ITEM_PLACE_RISKS)
            continue;
        const sw_item *items;
        size_t n = sw_report_items(rep, k, &items);
        for (size_t i = 0; i < n; i++) {
            critical += items[i].severity == SW_SEVERITY_CRITICAL;
            warning += items[i].severity == SW_SEVERITY_WARNING;
        }
    }
    /* missing facts that could raise a risk: never let "none flagged" read as "no risk" */
    size_t could = 0;
    sw_risk_severity worst = SW_SEVERITY_INFO;
    for (size_t i = 0; i < rep->ngaps; i++)
        if (rep->gaps[i].could_raise_risk && rep->gaps[i].risk_severity > worst)
            worst = rep->gaps[i].risk_severity;
    /* counted at the worst severity only: "10 could raise a critical risk" must not
     * include facts that could raise no more than a warning */
    for (size_t i = 0; i < rep->ngaps; i++)
        could += rep->gaps[i].could_raise_risk && rep->gaps[i].risk_severity == worst;
    char head[200];
    if (critical + warning == 0)
        snprintf(head, sizeof head, "RISKS    none flagged");
    else
        snprintf(head, sizeof head, "RISKS    %zu critical, %zu warning", critical, warning);
    add(l, head);
    if (could > 0) {
        snprintf(head, sizeof head, "; NOT RULED OUT: %zu missing fact%s could raise a%s %s risk (ASK)",
                 could, could == 1 ? "" : "s", worst == SW_SEVERITY_INFO ? "n" : "",
                 sw_severity_name(worst));
        add(l, head);
    }
    end_line(l, out);
    size_t shown = 0;
    for (size_t k = 0; k < SW_ITEM__COUNT; k++) {
        if (sw_item_vocab[k].place != SW_ITEM_PLACE_RISKS)
            continue;
        const sw_item *items;
        size_t n = sw_report_items(rep, k, &items);
        for (size_t i = 0; i < n && shown < MAX_RISK_LINES; i++) {
            const sw_item *r = &items[i];
            if (r->severity == SW_SEVERITY_INFO)
                continue;
            if (shown == MAX_RISK_LINES - 1 && critical + warning > MAX_RISK_LINES) {
                char more[96];
                snprintf(more, sizeof more, "  ... %zu more (--detail)", critical + warning - shown);
                add(l, more);
                end_line(l, out);
                shown = MAX_RISK_LINES;
                break;
            }
            add(l, "  ");
            add(l, upper_severity(r->severity));
            add(l, "  ");
            add(l, r->label ? r->label : r->id);
            add_reason(l, r);
            end_line(l, out);
            shown++;
        }
    }
}

/* The tag of an item among today's actions: its priority or severity, else its
 * kind's action word ("REFER "), upper case, six columns at least. */
static void add_tag(line *l, size_t kind, const sw_item *it)
{
    if (level_of(kind) == SW_LEVEL_PRIORITY) {
        add(l, upper_priority(it->priority));
        return;
    }
    if (level_of(kind) == SW_LEVEL_SEVERITY) {
        add(l, upper_severity(it->severity));
        return;
    }
    char tag[32];
    size_t n = 0;
    for (const char *w = sw_item_vocab[kind].action; *w && n < sizeof tag - 1; w++)
        tag[n++] = (char)(*w >= 'a' && *w <= 'z' ? *w - 'a' + 'A' : *w);
    while (n < 6)
        tag[n++] = ' ';
    tag[n] = '\0';
    add(l, tag);
}

/* What today's actions of a kind are: "urgent and high-priority recommendations",
 * or, with none=1, "urgent or high-priority recommendation". */
static void add_today_words(line *l, size_t kind, int none)
{
    const sw_item_words *w = &sw_item_vocab[kind];
    if (w->level == SW_LEVEL_PRIORITY)
        add(l, none ? "urgent or high-priority " : "urgent and high-priority ");
    else if (w->level == SW_LEVEL_SEVERITY)
        add(l, none ? "critical or warning " : "critical and warning ");
    add(l, none ? w->item : w->key);
}

/* The TODAY lines: the items of the kinds placed there (SW_ITEM_PLACE_TODAY) that
 * shown_today picks, kind after kind. */
static void put_actions(line *l, const sw_report *rep, sw_buf *out)
{
    size_t today = 0, per_kind[SW_ITEM__COUNT] = {0};
    for (size_t k = 0; k < SW_ITEM__COUNT; k++) {
        if (sw_item_vocab[k].place != SW_ITEM_PLACE_TODAY)
            continue;
        const sw_item *items;
        size_t n = sw_report_items(rep, k, &items);
        for (size_t i = 0; i < n; i++)
            per_kind[k] += shown_today(k, &items[i]);
        today += per_kind[k];
    }
    add(l, "TODAY    ");
    const char *sep = today == 0 ? "no " : "";
    for (size_t k = 0; k < SW_ITEM__COUNT; k++)
        if (sw_item_vocab[k].place == SW_ITEM_PLACE_TODAY && (today == 0 || per_kind[k] > 0)) {
            add(l, sep);
            add_today_words(l, k, today == 0);
            sep = today == 0 ? ", no " : ", ";
        }
    end_line(l, out);
    size_t shown = 0;
    for (size_t k = 0; k < SW_ITEM__COUNT && shown < MAX_ACTION_LINES; k++) {
        if (per_kind[k] == 0)
            continue;
        const sw_item *items;
        size_t n = sw_report_items(rep, k, &items);
        for (size_t i = 0; i < n; i++) {
            const sw_item *r = &items[i];
            if (!shown_today(k, r))
                continue;
            if (shown == MAX_ACTION_LINES - 1 && today > MAX_ACTION_LINES) {
                char more[96];
                snprintf(more, sizeof more, "  ... %zu more (--detail)", today - shown);
                add(l, more);
                end_line(l, out);
                shown = MAX_ACTION_LINES;
                break;
            }
            add(l, "  ");
            add_tag(l, k, r);
            add(l, "  ");
            add(l, r->label ? r->label : r->id);
            add_reason(l, r);
            end_line(l, out);
            shown++;
        }
    }
}

/* The facts to ask about that could move the stage, most decisive first. */
static void add_stage_gaps(line *l, const sw_report *rep)
{
    size_t listed = 0;
    for (size_t rank = 1; rank <= rep->ngaps && listed < 3; rank++)
        for (size_t i = 0; i < rep->ngaps; i++)
            if (rep->gaps[i].rank == rank && rep->gaps[i].could_move_stage) {
                add(l, listed ? ", " : ": ");
                add(l, rep->gaps[i].fact);
                listed++;
            }
}

static void put_stage(line *l, const sw_report *rep, sw_buf *out)
{
    const sw_stage_verdict *s = &rep->stage;
    add(l, "STAGE    ");
    add(l, s->current ? s->current : "current stage unknown");
    add(l, " -> ");
    add(l, s->suggested ? s->suggested : "no suggestion");
    add(l, " (");
    add(l, sw_direction_name(s->direction));
    add(l, ")");
    /* the status, in words a reader of this line alone cannot miss */
    if (s->status == SW_VERDICT_UNDECIDED)
        add(l, ", NOT DECIDED: UNDECIDED");
    else if (s->status != SW_VERDICT_DECIDED)
        add(l, ", NOT DECIDED:");
    if (s->status != SW_VERDICT_UNDECIDED && s->provisional)
        add(l, " PROVISIONAL");
    if (s->status != SW_VERDICT_UNDECIDED && s->conflicting)
        add(l, s->provisional ? ", CONFLICTING" : " CONFLICTING");
    end_line(l, out);
    if (s->conflicting) {
        add(l, "         conflicting: proposed ");
        for (size_t i = 0; i < s->ncandidates; i++) {
            add(l, i ? ", " : "");
            add(l, s->candidates[i].stage);
        }
        add(l, "; the earliest is suggested");
        end_line(l, out);
    }
    if (s->provisional) {
        add(l, "         provisional: could move earlier once known");
        add_stage_gaps(l, rep);
        end_line(l, out);
    }
}

static void put_questions(line *l, const sw_report *rep, sw_buf *out)
{
    char head[96];
    if (rep->ngaps == 0) {
        add(l, "ASK      nothing missing that any rule waits on");
        end_line(l, out);
        return;
    }
    snprintf(head, sizeof head, "ASK      %zu missing fact%s undecided rules; first:",
             rep->ngaps, rep->ngaps == 1 ? " leaves" : "s leave");
    add(l, head);
    end_line(l, out);
    for (size_t rank = 1; rank <= rep->ngaps && rank <= MAX_QUESTIONS; rank++)
        for (size_t i = 0; i < rep->ngaps; i++) {
            const sw_data_gap *g = &rep->gaps[i];
            if (g->rank != rank)
                continue;
            char num[64];
            if (g->could_raise_risk)
                snprintf(num, sizeof num, "  %zu. [%s risk] ", rank,
                         sw_severity_name(g->risk_severity));
            else if (g->could_recommend)
                snprintf(num, sizeof num, "  %zu. [%s action] ", rank, sw_priority_name(g->priority));
            else if (g->could_move_stage)
                snprintf(num, sizeof num, "  %zu. [stage] ", rank);
            else
                snprintf(num, sizeof num, "  %zu. ", rank);
            add(l, num);
            add(l, g->fact);
            add(l, ": ");
            add(l, g->label ? g->label : "");
            end_line(l, out);
        }
}

/* The ALSO line: what the brief does not list, kind by kind: the items of the
 * ALSO kinds, and those of the TODAY and RISKS kinds it left out ("other", "info"). */
static void put_rest(line *l, const sw_report *rep, sw_buf *out)
{
    add(l, "ALSO    ");
    const char *sep = " ";
    for (size_t k = 0; k < SW_ITEM__COUNT; k++) {
        const sw_item_words *w = &sw_item_vocab[k];
        const sw_item *items;
        size_t n = sw_report_items(rep, k, &items), rest = 0;
        for (size_t i = 0; i < n; i++)
            rest += w->place == SW_ITEM_PLACE_ALSO || !shown_today(k, &items[i]);
        const char *which = w->place == SW_ITEM_PLACE_ALSO ? ""
                          : w->level == SW_LEVEL_PRIORITY  ? "other "
                          : w->level == SW_LEVEL_SEVERITY  ? "info "
                                                           : NULL;   /* every item was listed */
        if (!which)
            continue;
        char text[160];
        snprintf(text, sizeof text, "%s%zu %s%s", sep, rest, which, rest == 1 ? w->item : w->key);
        add(l, text);
        sep = ", ";
    }
    add(l, " (--detail: all, with reasons)");
    end_line(l, out);
}

static void put_provenance(line *l, const sw_report *rep, sw_buf *out)
{
    const sw_provenance *p = &rep->provenance;
    char text[256];
    snprintf(text, sizeof text, "FROM     %s %s (rules %.12s), facts %.12s, engine %s, format %s",
             p->guideline ? p->guideline : "?", p->guideline_version ? p->guideline_version : "",
             p->ruleset_sha256 ? p->ruleset_sha256 : "?", p->facts_sha256 ? p->facts_sha256 : "?",
             p->engine_version ? p->engine_version : "?",
             p->result_format ? p->result_format : "?");
    add(l, text);
    end_line(l, out);
}

sw_status sw_report_render_brief(const sw_report *rep, sw_buf *out)
{
    if (!rep || !out)
        return SW_ERR_ARG;
    line l = {SW_BUF_WITH(out->mem)};
    const sw_provenance *p = &rep->provenance;
    add(&l, "Client ");
    add(&l, p->client ? p->client : "(no id)");
    add(&l, " | assessed ");
    add(&l, p->assessed_on ? p->assessed_on : "(date not given)");
    add(&l, " | ");
    add(&l, p->guideline_title ? p->guideline_title : p->guideline);
    end_line(&l, out);
    put_risks(&l, rep, out);
    put_actions(&l, rep, out);
    put_stage(&l, rep, out);
    put_questions(&l, rep, out);
    put_rest(&l, rep, out);
    put_provenance(&l, rep, out);
    int failed = l.text.failed;
    sw_buf_free(&l.text);
    return failed || sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}
