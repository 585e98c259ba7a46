/*
 * scenario_run.c - running scenarios: evaluate, compare every expectation, record
 * coverage.
 *
 * Each scenario is evaluated twice over the same facts: sw_eval_run gives every
 * rule's truth and every node's value (what `fired`, `undecided` and coverage
 * read), sw_evaluate gives the report (recommendations, risks, the stage verdict,
 * data gaps) that the other expectations are compared with. A failed expectation
 * keeps, besides "expected X, got Y", the rules that bear on it: those that
 * produced an unwanted output, or those that could have produced a missing one
 * and whether they were false or undecided (and for want of which facts).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "authoring/scenario.h"
#include "lang/value.h"
#include "compile/value_text.h"
#include "util/grow.h"

typedef struct cmp {
    sw_test_run *run;
    const sw_program *p;
    const sw_eval *ev;
    const sw_report *rep;
    sw_failure *v;              /* this scenario's failures (malloc) */
    size_t n, cap;
    sw_involved *inv;           /* the rules of the failure being built (malloc) */
    size_t ninv, capinv;
    int nomem;
} cmp;

/* ==== Small helpers ========================================================= */

static const char *cmp_vformat(cmp *c, const char *fmt, va_list ap)
{
    sw_buf b = SW_BUF_INIT;
    sw_buf_vprintf(&b, fmt, ap);
    const char *s = b.failed ? NULL : sw_arena_strndup(&c->run->arena, b.data ? b.data : "", b.len);
    sw_buf_free(&b);
    if (!s)
        c->nomem = 1;
    return s ? s : "";
}

static const char *cmp_format(cmp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *cmp_format(cmp *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = cmp_vformat(c, fmt, ap);
    va_end(ap);
    return s;
}

static const char *truth_word(uint8_t t)
{
    return t == SW_TRUE ? "fired" : t == SW_FALSE ? "false" : "undecided";
}

/* Starts a failure of expectation e; its rules are added with involve(). */
static sw_failure *fail(cmp *c, const sw_expectation *e, const char *expected, const char *got)
{
    if (!sw_grow(&c->v, &c->cap, c->n, sizeof *c->v, 8)) {
        c->nomem = 1;
        return NULL;
    }
    sw_failure *f = &c->v[c->n++];
    memset(f, 0, sizeof *f);
    f->expect = e;
    f->expected = expected;
    f->got = got;
    c->ninv = 0;
    return f;
}

static void involve(cmp *c, uint32_t rule, const char *note)
{
    if (!sw_grow(&c->inv, &c->capinv, c->ninv, sizeof *c->inv, 8)) {
        c->nomem = 1;
        return;
    }
    sw_involved *in = &c->inv[c->ninv++];
    in->rule = c->p->rules[rule].id;
    in->truth = c->ev->truth[rule];
    in->note = note;
}

/* Gives failure f the rules gathered since fail(), under label (or `none`). */
static void finish(cmp *c, sw_failure *f, const char *label, const char *none, int show_truth)
{
    f->label = label;
    f->none = none;
    f->show_truth = show_truth;
    if (!c->ninv)
        return;
    f->rules = sw_arena_memdup(&c->run->arena, c->inv, c->ninv * sizeof *c->inv);
    if (!f->rules)
        c->nomem = 1;
    else
        f->nrules = (uint32_t)c->ninv;
}

/* "missing a, b": the data gaps that left rule r undecided, or NULL. */
static const char *missing_note(cmp *c, uint32_t r)
{
    sw_buf b = SW_BUF_INIT;
    const char *id = c->p->rules[r].id;
    for (size_t g = 0; g < c->rep->ngaps; g++)
        for (size_t k = 0; k < c->rep->gaps[g].nrules; k++)
            if (strcmp(c->rep->gaps[g].rules[k], id) == 0)
                sw_buf_printf(&b, "%s%s", b.len ? ", " : "missing ", c->rep->gaps[g].fact);
    const char *s = b.len ? cmp_format(c, "%s", b.failed ? "" : b.data) : NULL;
    sw_buf_free(&b);
    return s;
}

/* "phq9 = 0, stage = engagement": the facts rule r reads and their values. */
static const char *reads_note(cmp *c, uint32_t r)
{
    const sw_rule_def *rule = &c->p->rules[r];
    sw_buf b = SW_BUF_INIT;
    for (uint32_t k = 0; k < rule->nreads; k++) {
        const sw_fact_def *fd = &c->p->facts[rule->reads[k]];
        sw_buf_printf(&b, "%s%s = ", k ? ", " : "", fd->name);
        sw_value_format(c->p, &fd->type, c->ev->values[fd->slot], &b);
    }
    const char *s = b.len && !b.failed ? cmp_format(c, "%s", b.data) : NULL;
    sw_buf_free(&b);
    return s;
}

/* ==== Interventions, practices, challenges, risks =========================== */

/* Whether an item's id needs its kind's noun before it ("challenge x flagged"):
 * when another kind shares its participle ("flagged"), so the word alone does not
 * say which kind it is. */
static int needs_noun(int kind)
{
    for (int k = 0; k < SW_ITEM__COUNT; k++)
        if (k != kind && strcmp(sw_item_vocab[k].participle, sw_item_vocab[kind].participle) == 0)
            return 1;
    return 0;
}

/* The action of rule r that produces item `target` of `kind`, or NULL. */
static const sw_action *producing(const sw_rule_def *r, int kind, uint32_t target)
{
    for (uint32_t a = 0; a < r->nactions; a++)
        if (sw_action_item(r->actions[a].kind) == kind && r->actions[a].target == target)
            return &r->actions[a];
    return NULL;
}

static const sw_item *report_item(const sw_report *rep, int kind, const char *id)
{
    const sw_item *list;
    size_t n = sw_report_items(rep, (size_t)kind, &list);
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].id, id) == 0)
            return &list[i];
    return NULL;
}

/* The rules that produce the item: those that fired (only_true; risks note the
 * severity each flagged) or those that did not (noting what undecided ones lack). */
static void involve_producers(cmp *c, int kind, uint32_t target, int only_true)
{
    for (uint32_t r = 0; r < c->p->nrules; r++) {
        const sw_action *act = producing(&c->p->rules[r], kind, target);
        if (!act || (c->ev->truth[r] == SW_TRUE) != only_true)
            continue;
        if (only_true)
            involve(c, r, sw_item_vocab[kind].level == SW_LEVEL_SEVERITY ? sw_severity_name((sw_risk_severity)act->severity) : NULL);
        else
            involve(c, r, c->ev->truth[r] == SW_UNKNOWN ? missing_note(c, r) : NULL);
    }
}

/* An item expectation, in the words of its kind (lang/vocab.h): "x recommended",
 * "challenge x not flagged", "risk x critical" for a kind whose items carry a
 * severity (the expectation names it), "recommended (priority high)" as got. */
static void check_item(cmp *c, const sw_expectation *e, int kind, int positive)
{
    const sw_item_words *w = &sw_item_vocab[kind];
    const sw_item *it = report_item(c->rep, kind, e->name);
    int severity = w->level == SW_LEVEL_SEVERITY;
    if (positive && it && (!severity || it->severity == e->severity))
        return;
    if (!positive && !it)
        return;
    const char *prefix = needs_noun(kind) ? cmp_format(c, "%s ", w->noun) : "";
    const char *expected =
        positive && severity ? cmp_format(c, "%s %s %s", w->noun, e->name,
                                          sw_severity_name((sw_risk_severity)e->severity))
        : cmp_format(c, "%s%s %s%s", prefix, e->name, positive ? "" : "not ", w->participle);
    const char *got = !it ? cmp_format(c, "not %s", w->participle)
                    : severity ? cmp_format(c, "%s %s", w->participle, sw_severity_name(it->severity))
                    : w->level == SW_LEVEL_PRIORITY
                        ? cmp_format(c, "%s (priority %s)", w->participle, sw_priority_name(it->priority))
                        : w->participle;
    sw_failure *f = fail(c, e, expected, got);
    if (!f)
        return;
    involve_producers(c, kind, e->target, it != NULL);
    finish(c, f, it ? cmp_format(c, "%s by", w->participle) : cmp_format(c, "could be %s by", w->participle),
           cmp_format(c, "no rule %s %s", w->does, e->name), !it);
}

/* ==== The stage verdict ===================================================== */

static uint32_t move_target(const sw_rule_def *r)
{
    for (uint32_t a = 0; a < r->nactions; a++)
        if (r->actions[a].kind == SW_ACT_MOVE)
            return r->actions[a].target;
    return SW_NONE;
}

/* The move rules: those that fired, those undecided, and those that would have
 * proposed the expected stage but were false. */
static void involve_movers(cmp *c, uint32_t expected_stage)
{
    const sw_enum *stages = &c->p->enums[c->p->stage_enum];
    for (uint32_t r = 0; r < c->p->nrules; r++) {
        uint32_t to = move_target(&c->p->rules[r]);
        uint8_t t = c->ev->truth[r];
        if (to == SW_NONE || (t == SW_FALSE && to != expected_stage))
            continue;
        const char *missing = t == SW_UNKNOWN ? missing_note(c, r) : NULL;
        const char *moves = t == SW_TRUE ? "moves" : "would move";
        involve(c, r, missing ? cmp_format(c, "%s to %s; %s", moves, stages->members[to], missing)
                              : cmp_format(c, "%s to %s", moves, stages->members[to]));
    }
}

static void check_stage(cmp *c, const sw_expectation *e)
{
    const sw_stage_verdict *v = &c->rep->stage;
    const char *want = e->name, *got;
    const char *what = e->kind == SW_EXPECT_STAGE_CURRENT ? "current stage"
                     : e->kind == SW_EXPECT_STAGE_SUGGESTED ? "suggested stage" : "direction";
    if (e->kind == SW_EXPECT_STAGE_DIRECTION)
        got = sw_direction_name(v->direction);
    else
        got = e->kind == SW_EXPECT_STAGE_CURRENT ? v->current : v->suggested;
    if (!got)
        got = "unknown";
    if (strcmp(want, got) == 0)
        return;
    sw_failure *f = fail(c, e, cmp_format(c, "%s %s", what, want), got);
    if (!f || e->kind == SW_EXPECT_STAGE_CURRENT || c->p->stage_enum == SW_NONE)
        return;
    uint32_t expected_stage = e->kind == SW_EXPECT_STAGE_SUGGESTED ? e->target : SW_NONE;
    involve_movers(c, expected_stage);
    finish(c, f, "move rules", "no move rule fired or was undecided", 1);
}

/* ==== Data gaps and rules =================================================== */

static const sw_data_gap *report_gap(const sw_report *rep, const char *fact)
{
    for (size_t g = 0; g < rep->ngaps; g++)
        if (strcmp(rep->gaps[g].fact, fact) == 0)
            return &rep->gaps[g];
    return NULL;
}

/* Why fact is not a gap: its value, or that no undecided rule needs it. */
static const char *no_gap_reason(cmp *c, const sw_expectation *e)
{
    if (e->target == SW_SCENARIO_ASSESSED_ON) {
        if (!c->ev->has_today)
            return "no gap (no undecided rule needs assessed_on)";
        char d[11];
        sw_date_format(c->ev->today, d);
        return cmp_format(c, "no gap (assessed_on is %s)", d);
    }
    const sw_fact_def *fd = &c->p->facts[e->target];
    if (!c->ev->values[fd->slot].known)
        return cmp_format(c, "no gap (no undecided rule needs %s)", fd->name);
    sw_buf b = SW_BUF_INIT;
    sw_value_format(c->p, &fd->type, c->ev->values[fd->slot], &b);
    const char *s = cmp_format(c, "no gap (%s is %s)", fd->name, b.failed || !b.data ? "?" : b.data);
    sw_buf_free(&b);
    return s;
}

static void check_gap(cmp *c, const sw_expectation *e, int positive)
{
    const sw_data_gap *gap = report_gap(c->rep, e->name);
    if (positive && !gap) {
        fail(c, e, cmp_format(c, "data gap %s", e->name), no_gap_reason(c, e));
        return;
    }
    if (positive || !gap)
        return;
    sw_failure *f = fail(c, e, cmp_format(c, "no data gap %s", e->name), "a data gap");
    if (!f)
        return;
    for (size_t k = 0; k < gap->nrules; k++)
        for (uint32_t r = 0; r < c->p->nrules; r++)
            if (strcmp(c->p->rules[r].id, gap->rules[k]) == 0)
                involve(c, r, NULL);
    finish(c, f, "needed by undecided rules", NULL, 0);
}

/* What a rule's truth was, with why: "false (it read phq9 = 0)", "undecided
 * (missing phq9)". */
static const char *truth_told(cmp *c, uint32_t r)
{
    uint8_t t = c->ev->truth[r];
    const char *why = t == SW_UNKNOWN ? missing_note(c, r) : t == SW_FALSE ? reads_note(c, r) : NULL;
    if (!why)
        return truth_word(t);
    return cmp_format(c, "%s (%s%s)", truth_word(t), t == SW_FALSE ? "it read " : "", why);
}

static void check_rule(cmp *c, const sw_expectation *e)
{
    uint8_t t = c->ev->truth[e->target];
    const char *expected;
    switch ((sw_expect_kind)e->kind) {
    case SW_EXPECT_FIRED:
        if (t == SW_TRUE)
            return;
        expected = cmp_format(c, "rule %s fired", e->name);
        break;
    case SW_EXPECT_NOT_FIRED:
        if (t != SW_TRUE)
            return;
        expected = cmp_format(c, "rule %s not fired", e->name);
        break;
    default:
        if (t == SW_UNKNOWN)
            return;
        expected = cmp_format(c, "rule %s undecided", e->name);
        break;
    }
    fail(c, e, expected, truth_told(c, e->target));
}

static void check(cmp *c, const sw_expectation *e)
{
    int kind = SW_EXPECT_ITEM_KIND(e->kind);
    if (kind >= 0) {
        check_item(c, e, kind, e->kind == SW_EXPECT_ITEM(kind));
        return;
    }
    switch ((sw_expect_kind)e->kind) {
    case SW_EXPECT_STAGE_CURRENT:
    case SW_EXPECT_STAGE_SUGGESTED:
    case SW_EXPECT_STAGE_DIRECTION: check_stage(c, e); break;
    case SW_EXPECT_GAP: check_gap(c, e, 1); break;
    case SW_EXPECT_NOT_GAP: check_gap(c, e, 0); break;
    case SW_EXPECT_FIRED:
    case SW_EXPECT_NOT_FIRED:
    case SW_EXPECT_UNDECIDED: check_rule(c, e); break;
    case SW_EXPECT__COUNT: break;
    }
}

/* ==== The run =============================================================== */

sw_status sw_test_run_init(sw_test_run *run, const sw_ruleset *rules)
{
    memset(run, 0, sizeof *run);
    run->rules = rules;
    return sw_coverage_init(&run->coverage, &rules->prog);
}

void sw_test_run_free(sw_test_run *run)
{
    sw_coverage_free(&run->coverage);
    sw_arena_free(&run->arena);
    free(run->results);
    memset(run, 0, sizeof *run);
}

static sw_status add_result(sw_test_run *run, cmp *c, const sw_scenario *sc)
{
    if (!sw_grow(&run->results, &run->cap, run->count, sizeof *run->results, 32))
        return SW_ERR_NOMEM;
    sw_scenario_result *res = &run->results[run->count];
    memset(res, 0, sizeof *res);
    res->scenario = sc;
    res->passed = c->n == 0;
    if (c->n) {
        res->failures = sw_arena_memdup(&run->arena, c->v, c->n * sizeof *c->v);
        if (!res->failures)
            return SW_ERR_NOMEM;
        res->nfailures = (uint32_t)c->n;
    }
    run->count++;
    run->passed += res->passed;
    run->failed += !res->passed;
    return SW_OK;
}

sw_status sw_test_run_scenario(sw_test_run *run, const sw_scenario *sc)
{
    const sw_program *p = &run->rules->prog;
    sw_eval ev;
    sw_result *result = NULL;
    sw_status st = sw_eval_run(&ev, p, sc->facts);
    if (st != SW_OK)
        return st;
    st = sw_evaluate(run->rules, sc->facts, &result);
    if (st != SW_OK) {
        sw_eval_free(&ev);
        return st;
    }
    cmp c;
    memset(&c, 0, sizeof c);
    c.run = run;
    c.p = p;
    c.ev = &ev;
    c.rep = sw_result_report(result);
    for (uint32_t i = 0; i < sc->nexpects && !c.nomem; i++)
        check(&c, &sc->expects[i]);
    if (!c.nomem) {
        sw_coverage_record(&run->coverage, &ev, c.rep, c.n == 0);
        st = add_result(run, &c, sc);
    }
    free(c.v);
    free(c.inv);
    sw_result_free(result);
    sw_eval_free(&ev);
    return c.nomem ? SW_ERR_NOMEM : st;
}
