/*
 * result.c - from an evaluated client to the report: what was advised and why.
 *
 * Reads the evaluation state (every rule's truth, every slot's value) and builds
 * the public sw_report in the result's own arena: items with the rules that
 * produced them, the stage verdict under the stated policy, the data gaps (facts
 * whose absence left rules undecided) and the provenance. Strings of the rule set
 * are borrowed, not copied: a result must be freed before its rule set.
 *
 * Stage report/ - the result (result.c) and its renderers, text, JSON and YAML,
 * from one walk of the document (report_json.c).
 * May use: util/, lang/, compile/, facts/, eval/. (tests/layout checks it.)
 */
#include <stdlib.h>
#include <string.h>

#include "util/digest.h"
#include "eval/eval.h"
#include "report/report.h"
#include "lang/value.h"
#include "compile/value_text.h"
#include "util/grow.h"

struct sw_result {
    sw_arena arena;
    sw_report report;
    const sw_ruleset *rules;   /* set by sw_result_new; NULL from sw_evaluate */
    int recordable;            /* the full report with provenance: a decision record may be made */
};

#define STAGE_POLICY                                                                   \
    "earliest-stage: when rules propose different stages, the earliest in the order " \
    "is suggested, since moving back or holding is safer than advancing on disputed " \
    "evidence"

/* The pseudo-slot for the assessment date in data gaps. */
#define GAP_ASSESSED_ON (UINT32_MAX - 1)

typedef struct builder {
    const sw_program *p;
    const sw_eval *ev;
    sw_arena *arena;
    sw_report *rep;
    sw_fact_value **matched;   /* per rule, built on first use */
    const uint32_t *fired;     /* the rules whose condition is true, ascending */
    uint32_t nfired;
    int failed;
    int full;                  /* SW_RESULT_FULL: reasons, citations, values */
    int provenance;            /* compute the facts' SHA-256 */
} builder;

static void *b_alloc(builder *b, size_t n, size_t size)
{
    void *v = sw_arena_array(b->arena, n ? n : 1, size);
    if (!v)
        b->failed = 1;
    return v;
}

static const char *b_format(builder *b, const sw_type *t, sw_value v)
{
    sw_buf buf = SW_BUF_WITH(b->p->arena.mem);
    sw_value_format(b->p, t, v, &buf);
    const char *s = buf.failed ? NULL : sw_arena_strndup(b->arena, buf.data ? buf.data : "", buf.len);
    sw_buf_free(&buf);
    if (!s)
        b->failed = 1;
    return s;
}

static void fact_value(builder *b, uint32_t slot, sw_fact_value *out)
{
    const sw_fact_def *f = &b->p->facts[slot];
    out->fact = f->name;
    out->label = f->label;
    out->known = b->ev->values[slot].known;
    out->derived = f->derived;
    out->value = b_format(b, &f->type, b->ev->values[slot]);
}

static sw_reason make_reason(builder *b, uint32_t r, const char *because)
{
    const sw_rule_def *rule = &b->p->rules[r];
    if (!b->matched[r]) {
        b->matched[r] = b_alloc(b, rule->nreads, sizeof(sw_fact_value));
        for (uint32_t k = 0; b->matched[r] && k < rule->nreads; k++)
            fact_value(b, rule->reads[k], &b->matched[r][k]);
    }
    sw_reason reason = {rule->id, rule->title, because, rule->file, rule->line,
                        rule->citations, rule->ncitations, b->matched[r], rule->nreads};
    return reason;
}

/* ---- items ---- */

static int item_kind_of(uint8_t action) { return sw_action_item(action); }

static int cmp_recommendation(const void *x, const void *y)
{
    const sw_item *a = x, *b = y;
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int cmp_risk(const void *x, const void *y)
{
    const sw_item *a = x, *b = y;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    return strcmp(a->id, b->id);
}

static void build_items(builder *b, int kind, const sw_item **out, size_t *nout)
{
    const sw_program *p = b->p;
    uint32_t n = p->nitems[kind];
    uint32_t *count = sw_mem_calloc(b->p->arena.mem, n ? n : 1, sizeof *count);
    int32_t *slot = sw_mem_alloc(b->p->arena.mem, (n ? n : 1) * sizeof *slot);
    if (!count || !slot) {
        sw_mem_free(b->p->arena.mem, count, 0);
        sw_mem_free(b->p->arena.mem, slot, 0);
        b->failed = 1;
        return;
    }
    /* pass 1: how many reasons each item has (one per rule) */
    for (uint32_t fi = 0; fi < b->nfired; fi++) {
        const sw_rule_def *rule = &p->rules[b->fired[fi]];
        for (uint32_t a = 0; a < rule->nactions; a++) {
            const sw_action *act = &rule->actions[a];
            int dup = 0;
            for (uint32_t e = 0; e < a; e++)
                dup |= rule->actions[e].kind == act->kind && rule->actions[e].target == act->target;
            if (item_kind_of(act->kind) == kind && !dup)
                count[act->target]++;
        }
    }
    size_t nitems = 0;
    for (uint32_t i = 0; i < n; i++)
        nitems += count[i] > 0;
    sw_item *items = b_alloc(b, nitems, sizeof *items);
    size_t k = 0;
    for (uint32_t i = 0; items && i < n; i++) {
        slot[i] = -1;
        if (!count[i])
            continue;
        const sw_item_def *def = &p->items[kind][i];
        sw_item *it = &items[k];
        slot[i] = (int32_t)k++;
        it->id = def->id;
        it->label = def->label;
        it->kind = def->kind;
        it->citations = b->full ? def->citations : NULL;
        it->ncitations = b->full ? def->ncitations : 0;
        it->priority = SW_PRIORITY_LOW;
        it->severity = SW_SEVERITY_INFO;
        if (b->full)
            it->reasons = b_alloc(b, count[i], sizeof(sw_reason));
    }
    /* pass 2: the reasons, in rule order (rules are sorted by id) */
    for (uint32_t fi = 0; items && !b->failed && fi < b->nfired; fi++) {
        uint32_t r = b->fired[fi];
        const sw_rule_def *rule = &p->rules[r];
        for (uint32_t a = 0; a < rule->nactions; a++) {
            const sw_action *act = &rule->actions[a];
            if (item_kind_of(act->kind) != kind)
                continue;
            sw_item *it = &items[slot[act->target]];
            if (act->priority > it->priority)
                it->priority = (sw_priority)act->priority;
            if (act->severity > it->severity && sw_item_vocab[kind].level == SW_LEVEL_SEVERITY)
                it->severity = (sw_risk_severity)act->severity;
            if (!b->full)
                continue;
            if (it->nreasons && strcmp(it->reasons[it->nreasons - 1].rule, rule->id) == 0)
                continue;   /* one reason per rule */
            ((sw_reason *)it->reasons)[it->nreasons++] = make_reason(b, r, act->because);
        }
    }
    if (items && sw_item_vocab[kind].level == SW_LEVEL_PRIORITY)
        qsort(items, nitems, sizeof *items, cmp_recommendation);
    if (items && sw_item_vocab[kind].level == SW_LEVEL_SEVERITY)
        qsort(items, nitems, sizeof *items, cmp_risk);
    sw_mem_free(b->p->arena.mem, count, 0);
    sw_mem_free(b->p->arena.mem, slot, 0);
    *out = items;
    *nout = items ? nitems : 0;
}

/* Every kind's list, in SW_ITEM_KINDS order, and the named fields that predate
 * the list (the first four kinds, as sw_report_kind numbers them). */
static void build_kinds(builder *b, sw_report *rep)
{
    sw_item_list *kinds = b_alloc(b, SW_ITEM__COUNT, sizeof *kinds);
    if (!kinds)
        return;
    for (int k = 0; k < SW_ITEM__COUNT; k++) {
        kinds[k].kind = sw_item_vocab[k].noun;
        kinds[k].key = sw_item_vocab[k].key;
        kinds[k].heading = sw_item_vocab[k].heading;
        kinds[k].carries = sw_item_vocab[k].level_word;
        build_items(b, k, &kinds[k].items, &kinds[k].nitems);
    }
    rep->kinds = kinds;
    rep->nkinds = SW_ITEM__COUNT;
    rep->recommendations = kinds[SW_REPORT_RECOMMENDATIONS].items;
    rep->nrecommendations = kinds[SW_REPORT_RECOMMENDATIONS].nitems;
    rep->advice = kinds[SW_REPORT_ADVICE].items;
    rep->nadvice = kinds[SW_REPORT_ADVICE].nitems;
    rep->challenges = kinds[SW_REPORT_CHALLENGES].items;
    rep->nchallenges = kinds[SW_REPORT_CHALLENGES].nitems;
    rep->risks = kinds[SW_REPORT_RISKS].items;
    rep->nrisks = kinds[SW_REPORT_RISKS].nitems;
}

/* The public numbers of the kinds are the vocabulary's. */
_Static_assert((int)SW_REPORT_RECOMMENDATIONS == (int)SW_ITEM_INTERVENTION, "public kind numbers");
_Static_assert((int)SW_REPORT_ADVICE == (int)SW_ITEM_PRACTICE, "public kind numbers");
_Static_assert((int)SW_REPORT_CHALLENGES == (int)SW_ITEM_CHALLENGE, "public kind numbers");
_Static_assert((int)SW_REPORT_RISKS == (int)SW_ITEM_RISK, "public kind numbers");

size_t sw_report_items(const sw_report *report, size_t kind, const sw_item **items)
{
    if (items)
        *items = NULL;
    if (!report || kind >= report->nkinds)
        return 0;
    if (items)
        *items = report->kinds[kind].items;
    return report->kinds[kind].nitems;
}

/* ---- the stage verdict ---- */

static sw_direction direction(int64_t from, int64_t to)
{
    return to > from ? SW_DIRECTION_FORWARD : to < from ? SW_DIRECTION_BACK : SW_DIRECTION_STAY;
}

static int has_move(const sw_rule_def *r)
{
    for (uint32_t a = 0; a < r->nactions; a++)
        if (r->actions[a].kind == SW_ACT_MOVE)
            return 1;
    return 0;
}

static void build_stage(builder *b)
{
    const sw_program *p = b->p;
    sw_stage_verdict *v = &b->rep->stage;
    v->policy = STAGE_POLICY;
    v->direction = SW_DIRECTION_UNKNOWN;
    v->status = SW_VERDICT_UNDECIDED;
    if (p->stage_enum == SW_NONE)
        return;
    const sw_enum *stages = &p->enums[p->stage_enum];
    int64_t current = -1;
    if (p->stage_slot != SW_NONE && b->ev->values[p->stage_slot].known) {
        current = b->ev->values[p->stage_slot].u.i;
        v->current = stages->members[current];
    }
    uint32_t ns = stages->nmembers;
    uint32_t *count = sw_mem_calloc(b->p->arena.mem, ns ? ns : 1, sizeof *count);
    if (!count) {
        b->failed = 1;
        return;
    }
    size_t undecided = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (b->ev->truth[r] == 2 && has_move(&p->rules[r]))
            undecided++;
        if (b->ev->truth[r] != 1)
            continue;
        for (uint32_t a = 0; a < p->rules[r].nactions; a++)
            if (p->rules[r].actions[a].kind == SW_ACT_MOVE)
                count[p->rules[r].actions[a].target]++;
    }
    size_t ncand = 0;
    for (uint32_t s = 0; s < ns; s++)
        ncand += count[s] > 0;
    sw_stage_candidate *cands = b_alloc(b, ncand, sizeof *cands);
    const char **und = b_alloc(b, undecided, sizeof *und);
    if (!cands || !und) {
        sw_mem_free(b->p->arena.mem, count, 0);
        return;
    }
    size_t k = 0;
    int64_t chosen = -1;
    for (uint32_t s = 0; s < ns; s++) {
        if (!count[s])
            continue;
        sw_stage_candidate *c = &cands[k++];
        c->stage = stages->members[s];
        c->direction = current < 0 ? SW_DIRECTION_UNKNOWN : direction(current, s);
        if (b->full)
            c->reasons = b_alloc(b, count[s], sizeof(sw_reason));
        if (chosen < 0) {
            chosen = s;   /* the earliest stage proposed: the stated policy */
            c->chosen = 1;
        }
        for (uint32_t fi = 0; c->reasons && fi < b->nfired; fi++) {
            uint32_t r = b->fired[fi];
            for (uint32_t a = 0; a < p->rules[r].nactions; a++) {
                const sw_action *act = &p->rules[r].actions[a];
                if (act->kind == SW_ACT_MOVE && act->target == s &&
                    (c->nreasons == 0 || strcmp(c->reasons[c->nreasons - 1].rule, p->rules[r].id) != 0))
                    ((sw_reason *)c->reasons)[c->nreasons++] = make_reason(b, r, act->because);
            }
        }
    }
    size_t u = 0;
    for (uint32_t r = 0; r < p->nrules; r++)
        if (b->ev->truth[r] == 2 && has_move(&p->rules[r]))
            und[u++] = p->rules[r].id;
    sw_mem_free(b->p->arena.mem, count, 0);
    /* a rule that might still fire and move the client earlier makes the verdict
     * provisional: the policy would pick its stage */
    int64_t reference = chosen >= 0 ? chosen : current;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (b->ev->truth[r] != 2)
            continue;
        for (uint32_t a = 0; a < p->rules[r].nactions; a++) {
            const sw_action *act = &p->rules[r].actions[a];
            if (act->kind == SW_ACT_MOVE && (reference < 0 || (int64_t)act->target < reference))
                v->provisional = 1;
        }
    }
    v->candidates = cands;
    v->ncandidates = ncand;
    v->undecided_rules = und;
    v->nundecided_rules = undecided;
    if (chosen >= 0)
        v->suggested = stages->members[chosen];
    else
        v->suggested = v->current;
    if (current >= 0)
        v->direction = chosen >= 0 ? direction(current, chosen) : SW_DIRECTION_STAY;
    v->conflicting = ncand > 1;
    v->status = !v->suggested     ? SW_VERDICT_UNDECIDED
                : v->provisional  ? SW_VERDICT_PROVISIONAL
                : v->conflicting  ? SW_VERDICT_CONFLICTING
                                  : SW_VERDICT_DECIDED;
}

/* ---- data gaps ---- */

typedef struct gap_pair {
    uint32_t slot;
    uint32_t rule;
} gap_pair;

typedef struct gap_list {
    gap_pair *v;
    size_t n, cap;
    uint32_t rule;
    uint8_t *visited;   /* derived slots already explored for this rule */
    int failed;
    sw_mem mem;         /* the rule set's allocator */
} gap_list;

static void add_gap(gap_list *g, uint32_t slot)
{
    for (size_t i = g->n; i > 0 && g->v[i - 1].rule == g->rule; i--)
        if (g->v[i - 1].slot == slot)
            return;
    if (!sw_grow_m(g->mem, &g->v, &g->cap, g->n, sizeof *g->v, 64)) {
        g->failed = 1;
        return;
    }
    gap_pair pair = {slot, g->rule};
    g->v[g->n++] = pair;
}

static void gaps_of(const sw_eval *ev, uint32_t node, gap_list *g);

/* Why a derived fact is unknown: its undecided setters, or no rule could set it. */
static void derived_gaps(const sw_eval *ev, uint32_t slot, gap_list *g)
{
    const sw_program *p = ev->prog;
    if (g->visited[slot - p->nbase])
        return;
    g->visited[slot - p->nbase] = 1;
    const sw_fact_def *f = &p->facts[slot];
    int found = 0;
    for (uint32_t k = 0; k < f->nsetters; k++) {
        const sw_rule_def *r = &p->rules[f->setters[k]];
        if (ev->truth[f->setters[k]] == 2) {
            gaps_of(ev, r->cond, g);
            found = 1;
        } else if (ev->truth[f->setters[k]] == 1) {
            for (uint32_t a = 0; a < r->nactions; a++)
                if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot &&
                    !sw_eval_node(ev, r->actions[a].value).known) {
                    gaps_of(ev, r->actions[a].value, g);
                    found = 1;
                }
        }
    }
    if (!found)
        add_gap(g, slot);
}

/* Called for a node whose value is unknown: finds the missing facts behind it. */
static void gaps_of(const sw_eval *ev, uint32_t node, gap_list *g)
{
    const sw_program *p = ev->prog;
    const sw_node *n = &p->nodes[node];
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING:
        return;
    case SW_OP_LOAD:
        if (n->a < p->nbase)
            add_gap(g, n->a);
        else
            derived_gaps(ev, n->a, g);
        return;
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
        if (!ev->has_today)
            add_gap(g, GAP_ASSESSED_ON);
        break;
    default:
        break;
    }
    if (!sw_eval_node(ev, n->a).known)
        gaps_of(ev, n->a, g);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV && !sw_eval_node(ev, n->b).known)
        gaps_of(ev, n->b, g);
}

static const char *gap_name(const sw_program *p, uint32_t slot)
{
    return slot == GAP_ASSESSED_ON ? "assessed_on" : p->facts[slot].name;
}

static int cmp_gap_with(const sw_program *p, const gap_pair *a, const gap_pair *b)
{
    int c = strcmp(gap_name(p, a->slot), gap_name(p, b->slot));
    if (c)
        return c;
    return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static void sort_gaps(const sw_program *p, gap_pair *v, size_t n)
{
    /* merge sort with the program as context (qsort has none) */
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_gaps(p, v, h);
    sort_gaps(p, v + h, n - h);
    gap_pair *tmp = sw_mem_alloc(p->arena.mem, n * sizeof *tmp);
    if (!tmp) {
        /* fall back to insertion sort in place */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && cmp_gap_with(p, &v[j - 1], &v[j]) > 0; j--) {
                gap_pair t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
            }
        return;
    }
    size_t i = 0, j = h, k = 0;
    while (i < h || j < n)
        tmp[k++] = (j >= n || (i < h && cmp_gap_with(p, &v[i], &v[j]) <= 0)) ? v[i++] : v[j++];
    memcpy(v, tmp, n * sizeof *tmp);
    sw_mem_free(p->arena.mem, tmp, 0);
}

/* What one undecided rule could decide once the gap's fact is known. */
static void decides(const sw_program *p, const sw_rule_def *r, sw_data_gap *gap)
{
    (void)p;
    for (uint32_t a = 0; a < r->nactions; a++) {
        const sw_action *act = &r->actions[a];
        int k = sw_action_item(act->kind);
        sw_item_level level = k >= 0 ? sw_item_vocab[k].level : SW_LEVEL_NONE;
        if (level == SW_LEVEL_SEVERITY) {
            if (!gap->could_raise_risk || act->severity > gap->risk_severity)
                gap->risk_severity = (sw_risk_severity)act->severity;
            gap->could_raise_risk = 1;
        } else if (level == SW_LEVEL_PRIORITY) {
            if (!gap->could_recommend || act->priority > gap->priority)
                gap->priority = (sw_priority)act->priority;
            gap->could_recommend = 1;
        } else if (act->kind == SW_ACT_MOVE) {
            gap->could_move_stage = 1;
        }
    }
}

/* Which question first: the order of sw_data_gap's rank, most decisive first. */
static int cmp_gap_rank(const sw_data_gap *x, const sw_data_gap *y)
{
    int rx = x->could_raise_risk ? (int)x->risk_severity + 1 : 0;
    int ry = y->could_raise_risk ? (int)y->risk_severity + 1 : 0;
    if (rx != ry)
        return ry - rx;
    int px = x->could_recommend ? (int)x->priority + 1 : 0;
    int py = y->could_recommend ? (int)y->priority + 1 : 0;
    if (px != py)
        return py - px;
    if (x->could_move_stage != y->could_move_stage)
        return y->could_move_stage - x->could_move_stage;
    if (x->nrules != y->nrules)
        return x->nrules > y->nrules ? -1 : 1;
    return strcmp(x->fact, y->fact);
}

/* Sets rank 1..n; the list itself stays in fact-name order. */
static void rank_gaps(sw_data_gap *gaps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t ahead = 0;
        for (size_t j = 0; j < n; j++)
            ahead += j != i && cmp_gap_rank(&gaps[j], &gaps[i]) < 0;
        gaps[i].rank = ahead + 1;
    }
}

static void build_gaps(builder *b)
{
    const sw_program *p = b->p;
    gap_list g = {0};
    g.mem = p->arena.mem;
    g.visited = sw_mem_calloc(b->p->arena.mem, p->nfacts - p->nbase + 1, 1);
    if (!g.visited) {
        b->failed = 1;
        return;
    }
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (b->ev->truth[r] != 2)
            continue;
        g.rule = r;
        memset(g.visited, 0, p->nfacts - p->nbase + 1);
        gaps_of(b->ev, p->rules[r].cond, &g);
    }
    sw_mem_free(b->p->arena.mem, g.visited, 0);
    if (g.failed) {
        sw_mem_free(b->p->arena.mem, g.v, 0);
        b->failed = 1;
        return;
    }
    sort_gaps(p, g.v, g.n);
    size_t ngaps = 0;
    for (size_t i = 0; i < g.n; i++)
        ngaps += i == 0 || g.v[i].slot != g.v[i - 1].slot;
    sw_data_gap *gaps = b_alloc(b, ngaps, sizeof *gaps);
    const char **rules = b_alloc(b, g.n, sizeof *rules);
    if (gaps && rules) {
        size_t k = 0;
        for (size_t i = 0; i < g.n; i++) {
            if (i == 0 || g.v[i].slot != g.v[i - 1].slot) {
                sw_data_gap *gap = &gaps[k++];
                gap->fact = gap_name(p, g.v[i].slot);
                gap->label = g.v[i].slot == GAP_ASSESSED_ON ? "Date of the assessment"
                                                            : p->facts[g.v[i].slot].label;
                gap->rules = &rules[i];
            }
            rules[i] = p->rules[g.v[i].rule].id;
            gaps[k - 1].nrules++;
            decides(p, &p->rules[g.v[i].rule], &gaps[k - 1]);
        }
        rank_gaps(gaps, ngaps);
        b->rep->gaps = gaps;
        b->rep->ngaps = ngaps;
    }
    sw_mem_free(b->p->arena.mem, g.v, 0);
}

/* ---- provenance and the whole report ---- */

static void build_provenance(builder *b, const sw_facts *f)
{
    sw_provenance *pv = &b->rep->provenance;
    const sw_program *p = b->p;
    pv->result_format = SW_RESULT_FORMAT;
    pv->engine_version = SW_VERSION;
    pv->guideline = p->guideline;
    pv->guideline_title = p->title;
    pv->guideline_version = p->version;
    pv->ruleset_sha256 = p->sha256;
    pv->client = f->client;
    if (f->has_assessed_on) {
        char d[11];
        sw_date_format(f->assessed_on, d);
        pv->assessed_on = sw_arena_strdup(b->arena, d);
        if (!pv->assessed_on)
            b->failed = 1;
    }
    if (!b->provenance)
        return;
    sw_buf canon = SW_BUF_WITH(b->p->arena.mem);
    sw_facts_canonical(f, &canon);
    char *hex = sw_arena_alloc(b->arena, 65);
    if (!hex || canon.failed || !sw_sha256_hex(canon.data ? canon.data : "", canon.len, hex))
        b->failed = 1;
    sw_buf_free(&canon);
    pv->facts_sha256 = hex;
}

static void build_derived(builder *b)
{
    const sw_program *p = b->p;
    uint32_t nd = p->nfacts - p->nbase;
    sw_fact_value *v = b_alloc(b, nd, sizeof *v);
    uint32_t k = 0;
    for (uint32_t i = 0; v && i < p->nfacts; i++) {
        uint32_t slot = p->facts_by_name[i];
        if (p->facts[slot].derived)
            fact_value(b, slot, &v[k++]);
    }
    b->rep->derived = v;
    b->rep->nderived = v ? nd : 0;
}

/* Fills res (empty: a cleared arena, a zeroed report) with one client's report. */
static sw_status fill(const sw_ruleset *rules, const sw_facts *facts, const sw_eval_options *opt,
                      sw_result *res)
{
    const sw_program *p = &rules->prog;
    sw_eval ev;
    sw_status st = sw_eval_run(&ev, p, facts);
    if (st != SW_OK)
        return st;
    builder b = {p, &ev, &res->arena, &res->report, NULL, NULL, 0, 0,
                 opt->level != SW_RESULT_OUTPUTS, opt->provenance != 0};
    uint32_t nr = p->nrules ? p->nrules : 1;
    if (b.full)
        b.matched = sw_mem_calloc(p->arena.mem, nr, sizeof *b.matched);
    uint32_t *fired = sw_arena_array(&res->arena, nr, sizeof *fired);
    if ((b.full && !b.matched) || !fired) {
        sw_mem_free(p->arena.mem, b.matched, 0);
        sw_eval_free(&ev);
        return SW_ERR_NOMEM;
    }
    sw_report *rep = &res->report;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (ev.truth[r] == SW_TRUE)
            fired[b.nfired++] = r;
        rep->rules_undecided += ev.truth[r] == SW_UNKNOWN;
    }
    b.fired = fired;
    rep->rules_fired = b.nfired;
    build_provenance(&b, facts);
    build_kinds(&b, rep);
    build_stage(&b);
    build_gaps(&b);
    if (b.full)
        build_derived(&b);
    rep->rules_total = p->nrules;
    sw_mem_free(p->arena.mem, b.matched, 0);
    sw_eval_free(&ev);
    return b.failed ? SW_ERR_NOMEM : SW_OK;
}

static void clear(sw_result *res)
{
    sw_arena_clear(&res->arena);
    memset(&res->report, 0, sizeof res->report);
    res->recordable = 0;
}

int sw_result_recordable(const sw_result *result) { return result && result->recordable; }

sw_status sw_evaluate(const sw_ruleset *rules, const sw_facts *facts, sw_result **out)
{
    if (!rules || !facts || !out || facts->prog != &rules->prog)
        return SW_ERR_ARG;
    *out = NULL;
    sw_result *res = sw_mem_calloc(rules->prog.arena.mem, 1, sizeof *res);
    if (!res)
        return SW_ERR_NOMEM;
    res->arena.mem = rules->prog.arena.mem;
    sw_eval_options full = {SW_RESULT_FULL, 1};
    sw_status st = fill(rules, facts, &full, res);
    if (st != SW_OK) {
        sw_result_free(res);
        return st;
    }
    res->recordable = 1;
    *out = res;
    return SW_OK;
}

sw_status sw_result_new(const sw_ruleset *rules, sw_result **out)
{
    if (!rules || !out)
        return SW_ERR_ARG;
    *out = sw_mem_calloc(rules->prog.arena.mem, 1, sizeof **out);
    if (!*out)
        return SW_ERR_NOMEM;
    (*out)->arena.mem = rules->prog.arena.mem;
    (*out)->rules = rules;
    return SW_OK;
}

sw_status sw_evaluate_with(const sw_ruleset *rules, const sw_facts *facts,
                           const sw_eval_options *options, sw_result *result)
{
    if (!rules || !facts || !result || facts->prog != &rules->prog || result->rules != rules)
        return SW_ERR_ARG;
    sw_eval_options full = {SW_RESULT_FULL, 1};
    clear(result);
    if (options && options->level != SW_RESULT_FULL && options->level != SW_RESULT_OUTPUTS)
        return SW_ERR_ARG;   /* the previous client's report is gone: nothing stale is read */
    const sw_eval_options *o = options ? options : &full;
    sw_status st = fill(rules, facts, o, result);
    if (st != SW_OK)
        clear(result);
    else
        result->recordable = o->level == SW_RESULT_FULL && o->provenance;
    return st;
}

const sw_report *sw_result_report(const sw_result *result) { return result ? &result->report : NULL; }

void sw_result_free(sw_result *result)
{
    if (!result)
        return;
    sw_arena_free(&result->arena);
    sw_mem_free(result->arena.mem, result, 0);
}

sw_status sw_result_render(const sw_result *result, sw_format format, char **out, size_t *len)
{
    if (!result || !out)
        return SW_ERR_ARG;
    sw_buf buf = SW_BUF_WITH(result->arena.mem);
    sw_status st = sw_report_render(&result->report, format, &buf);
    if (st != SW_OK) {
        sw_buf_free(&buf);
        *out = NULL;
        return st;
    }
    *out = sw_buf_give(&buf, len);
    return *out ? SW_OK : SW_ERR_NOMEM;
}
