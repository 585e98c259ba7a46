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

typedef struct gap_pair {
    uint32_t slot;             /* a fact slot, or nfacts for the assessment date */
    uint32_t rule;
} gap_pair;

/* The builder's scratch space, sized for the program once and kept by the result,
 * so that a result reused client after client allocates nothing once it has seen
 * its largest client. Per-slot and per-item arrays are left zeroed after each use
 * (only the entries touched are put back), stamps count up across evaluations. */
typedef struct workspace {
    sw_mem mem;                /* the rule set's allocator: every array below is from it */
    const sw_program *p;       /* NULL until first used */
    sw_eval ev;                /* the evaluator's state, reused (sw_eval_reuse) */
    uint32_t *stamp;           /* nfacts + 1: the visit that last added this slot as a gap */
    uint32_t *visited;         /* nfacts: the visit that last explored this derived slot */
    uint32_t *count;           /* nfacts + 1: pairs per gap slot, zero between uses */
    uint32_t *pos;             /* nfacts + 1: where a gap slot's rules go / its gap */
    uint32_t *name_rank;       /* nfacts + 1: the slot's place in name order */
    uint64_t *touched;         /* nfacts + 1: gap slots seen, (name rank << 32 | slot) */
    uint32_t *by_name;         /* nfacts + 1: the gap slots in name order */
    uint32_t *order;           /* nfacts + 1, twice: gaps being put in rank order */
    uint32_t *ncount;          /* nrules + 2: a counting sort's buckets, zero between uses */
    uint32_t ntouched;
    uint32_t epoch;            /* the current visit (one undecided rule) */
    /* what makes each derived fact unknown, worked out once per evaluation */
    uint32_t evals;            /* the current evaluation */
    uint32_t *dcached;         /* nfacts: the evaluation its list is for */
    uint32_t *dstart, *dlen;   /* nfacts: its gap slots, in pool */
    uint8_t *dbusy;            /* nfacts: being worked out */
    uint32_t *pool;
    size_t npool, cap_pool;
    uint32_t *ts;              /* the lists being worked out, a stack */
    size_t nts, cap_ts;
    uint32_t *cstamp;          /* nfacts + 1: the list that last took this slot */
    uint32_t cepoch;
    /* A rule that reads nothing the client has but the key (the stage) and no
     * date has the same gaps for every client with that key value, but for the
     * derived facts it reads: those lists are kept, per rule and key value, for
     * the life of the result (raw: base slots, and derived slots marked). */
    uint32_t *rstart;          /* nrules * nkeys: 1 + where the list starts in rpool, 0: not yet */
    uint32_t *rlen;            /* nrules * nkeys */
    uint32_t *rpool;
    size_t nrpool, cap_rpool;
    gap_pair *pairs;
    size_t npairs, cap_pairs;
    uint32_t *undecided;       /* nrules: the rules whose truth is unknown, ascending */
    uint32_t nundecided;
    uint8_t *rule_flags;       /* nrules: RULE_MOVES, RULE_RISKS, RULE_RECOMMENDS */
    uint32_t fills;            /* evaluations into this workspace (vstamp) */
    uint32_t *vstamp;          /* nfacts: the evaluation vtext is for */
    const char **vtext;        /* nfacts: the slot's value as text */
    uint8_t *rule_severity;    /* nrules */
    uint8_t *rule_priority;    /* nrules */
    uint32_t *icount;          /* max items of a kind: reasons per item, zero between uses */
    int32_t *islot;            /* max items of a kind: where the item went */
    uint32_t *itouched;        /* max items of a kind: the items seen */
    sw_fact_value **matched;   /* nrules, full results only; zero between uses */
    sw_buf text;               /* a value's text, reused */
    sw_buf canon;              /* the facts' canonical form, reused */
} workspace;

#define RULE_MOVES 1u        /* has a move action */
#define RULE_RISKS 2u        /* flags a risk (rule_severity: the highest) */
#define RULE_RECOMMENDS 4u   /* recommends (rule_priority: the highest) */

struct sw_result {
    sw_arena arena;
    size_t arena_kept;         /* bytes the arena keeps across a clear */
    int arena_grow;            /* the last client needed more: keep one block that holds it */
    sw_report report;
    const sw_ruleset *rules;   /* set by sw_result_new; NULL from sw_evaluate */
    int recordable;            /* the full report with provenance: a decision record may be made */
    workspace ws;
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
    workspace *w;
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

/* A value as sw_value_format writes it. Unknown, true/false and one-of members
 * are the rule set's own strings, borrowed; whole numbers are written directly;
 * the rest goes through sw_value_format. */
static const char *b_format(builder *b, const sw_type *t, sw_value v)
{
    if (!v.known)
        return "unknown";
    if (t->kind == SW_T_BOOL)
        return v.u.i ? "true" : "false";
    if (t->kind == SW_T_ENUM) {
        const sw_enum *e = &b->p->enums[t->enumeration];
        return v.u.i >= 0 && (uint64_t)v.u.i < e->nmembers ? e->members[v.u.i] : "?";
    }
    if (t->kind == SW_T_INT) {
        char digits[24], *end = digits + sizeof digits, *d = end;
        uint64_t u = v.u.i < 0 ? 0 - (uint64_t)v.u.i : (uint64_t)v.u.i;
        do
            *--d = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        if (v.u.i < 0)
            *--d = '-';
        const char *s = sw_arena_strndup(b->arena, d, (size_t)(end - d));
        if (!s)
            b->failed = 1;
        return s;
    }
    if (t->kind == SW_T_DATE) {
        char *d = sw_arena_alloc(b->arena, 11);
        if (!d)
            b->failed = 1;
        else
            sw_date_format((int32_t)v.u.i, d);
        return d;
    }
    sw_buf *buf = &b->w->text;
    buf->len = 0;
    sw_value_format(b->p, t, v, buf);
    const char *s = buf->failed ? NULL : sw_arena_strndup(b->arena, buf->data ? buf->data : "", buf->len);
    if (!s)
        b->failed = 1;
    return s;
}

/* A slot's value as text, formatted once per evaluation however many reasons
 * show it. */
static void fact_value(builder *b, uint32_t slot, sw_fact_value *out)
{
    const sw_fact_def *f = &b->p->facts[slot];
    workspace *w = b->w;
    out->fact = f->name;
    out->label = f->label;
    out->known = b->ev->values[slot].known;
    out->derived = f->derived;
    if (w->vstamp[slot] != w->fills) {
        w->vtext[slot] = b_format(b, &f->type, b->ev->values[slot]);
        w->vstamp[slot] = w->fills;
    }
    out->value = w->vtext[slot];
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

/* An in-place heap sort: qsort may take memory from malloc, and every key sorted
 * here is unique, so stability does not matter. */
static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    unsigned char t[sizeof(sw_item)];
    _Static_assert(sizeof(sw_item) >= sizeof(uint64_t), "heap_sort swaps items and keys");
    memcpy(t, a, size);   /* size is sizeof(sw_item) at most: heap_sort's callers */
    memcpy(a, b, size);
    memcpy(b, t, size);
}

static void sift(unsigned char *v, size_t root, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && cmp(v + child * size, v + (child + 1) * size) < 0)
            child++;
        if (cmp(v + root * size, v + child * size) >= 0)
            return;
        swap_bytes(v + root * size, v + child * size, size);
    }
}

static void heap_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *v = base;
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift(v, i, n, size, cmp);
    for (size_t end = n - 1; end > 0; end--) {
        swap_bytes(v, v + end * size, size);
        sift(v, 0, end, size, cmp);
    }
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static void build_items(builder *b, int kind, const sw_item **out, size_t *nout)
{
    const sw_program *p = b->p;
    workspace *w = b->w;
    uint32_t *count = w->icount;
    int32_t *slot = w->islot;
    uint32_t *seen = w->itouched;
    size_t nitems = 0;
    /* pass 1: how many reasons each item has (one per rule), and which items */
    for (uint32_t fi = 0; fi < b->nfired; fi++) {
        const sw_rule_def *rule = &p->rules[b->fired[fi]];
        for (uint32_t a = 0; a < rule->nactions; a++) {
            const sw_action *act = &rule->actions[a];
            if (item_kind_of(act->kind) != kind)
                continue;
            int dup = 0;
            for (uint32_t e = 0; e < a; e++)
                dup |= rule->actions[e].kind == act->kind && rule->actions[e].target == act->target;
            if (!dup && count[act->target]++ == 0)
                seen[nitems++] = act->target;
        }
    }
    heap_sort(seen, nitems, sizeof *seen, cmp_u32);   /* the items in their declared order */
    sw_item *items = b_alloc(b, nitems, sizeof *items);
    for (size_t k = 0; items && k < nitems; k++) {
        uint32_t i = seen[k];
        const sw_item_def *def = &p->items[kind][i];
        sw_item *it = &items[k];
        slot[i] = (int32_t)k;
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
    for (size_t k = 0; k < nitems; k++)
        count[seen[k]] = 0;
    if (items && sw_item_vocab[kind].level == SW_LEVEL_PRIORITY)
        heap_sort(items, nitems, sizeof *items, cmp_recommendation);
    if (items && sw_item_vocab[kind].level == SW_LEVEL_SEVERITY)
        heap_sort(items, nitems, sizeof *items, cmp_risk);
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
    const workspace *w = b->w;
    uint32_t ns = stages->nmembers;
    uint32_t *count = w->icount;   /* zeroed by build_items; zeroed again below */
    size_t undecided = 0;
    for (uint32_t u = 0; u < w->nundecided; u++)
        undecided += w->rule_flags[w->undecided[u]] & RULE_MOVES;
    for (uint32_t fi = 0; fi < b->nfired; fi++) {
        uint32_t r = b->fired[fi];
        if (!(w->rule_flags[r] & RULE_MOVES))
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
        memset(count, 0, ns * sizeof *count);
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
    memset(count, 0, ns * sizeof *count);
    size_t nu = 0;
    /* a rule that might still fire and move the client earlier makes the verdict
     * provisional: the policy would pick its stage */
    int64_t reference = chosen >= 0 ? chosen : current;
    for (uint32_t u = 0; u < w->nundecided; u++) {
        uint32_t r = w->undecided[u];
        if (!(w->rule_flags[r] & RULE_MOVES))
            continue;
        und[nu++] = p->rules[r].id;
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

/* ---- data gaps ----
 *
 * For every undecided rule, in rule order, the missing facts behind its condition
 * (gaps_of), each once per rule (a stamp per slot, no clearing); each gap slot
 * counts its rules and is noted once. The gaps are the slots noted, in fact-name
 * order; their rules go where a counting pass puts them, so each gap's rules stay
 * in rule order. Ranks come from one sort of the gaps by cmp_gap_rank's order. */

#define RAW_DERIVED 0x80000000u

typedef struct gap_ctx {
    const sw_eval *ev;
    workspace *w;
    uint32_t rule;
    int raw;          /* making a rule's kept list (into rpool) */
    int collecting;   /* working out a derived fact's list (into ts), not a rule's gaps */
    uint32_t cep;     /* that list's stamp */
    int failed;
} gap_ctx;

static void add_gap(gap_ctx *g, uint32_t slot)
{
    workspace *w = g->w;
    if (slot == GAP_ASSESSED_ON)
        slot = w->p->nfacts;
    if (g->raw) {
        if (w->nrpool == w->cap_rpool && !sw_grow_m(w->mem, &w->rpool, &w->cap_rpool, w->nrpool, sizeof *w->rpool, 256))
            g->failed = 1;
        else
            w->rpool[w->nrpool++] = slot;
        return;
    }
    if (g->collecting) {
        if (w->cstamp[slot] == g->cep)
            return;
        w->cstamp[slot] = g->cep;
        if (w->nts == w->cap_ts && !sw_grow_m(w->mem, &w->ts, &w->cap_ts, w->nts, sizeof *w->ts, 64)) {
            g->failed = 1;
            return;
        }
        w->ts[w->nts++] = slot;
        return;
    }
    if (w->stamp[slot] == w->epoch)
        return;
    w->stamp[slot] = w->epoch;
    if (w->npairs == w->cap_pairs && !sw_grow_m(w->mem, &w->pairs, &w->cap_pairs, w->npairs, sizeof *w->pairs, 64)) {
        g->failed = 1;
        return;
    }
    if (w->count[slot]++ == 0)
        w->touched[w->ntouched++] = (uint64_t)w->name_rank[slot] << 32 | slot;
    gap_pair pair = {slot, g->rule};
    w->pairs[w->npairs++] = pair;
}

static void gaps_of(gap_ctx *g, uint32_t node);

/* Works out, once per evaluation, why a derived fact is unknown: the gaps of its
 * undecided setters (and of the unknown values of those that fired), or the fact
 * itself when no rule could set it. The list may name a slot twice. */
static void derived_list(gap_ctx *g, uint32_t slot)
{
    workspace *w = g->w;
    const sw_eval *ev = g->ev;
    const sw_program *p = ev->prog;
    if (w->dcached[slot] == w->evals || w->dbusy[slot])
        return;
    w->dbusy[slot] = 1;
    int was_collecting = g->collecting;
    uint32_t was_cep = g->cep;
    if (++w->cepoch == 0) {
        memset(w->cstamp, 0, (p->nfacts + 1) * sizeof *w->cstamp);
        w->cepoch = 1;
    }
    g->collecting = 1;
    g->cep = w->cepoch;
    size_t base = w->nts;
    const sw_fact_def *f = &p->facts[slot];
    int found = 0;
    for (uint32_t k = 0; k < f->nsetters; k++) {
        const sw_rule_def *r = &p->rules[f->setters[k]];
        if (ev->truth[f->setters[k]] == 2) {
            gaps_of(g, r->cond);
            found = 1;
        } else if (ev->truth[f->setters[k]] == 1) {
            for (uint32_t a = 0; a < r->nactions; a++)
                if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot &&
                    !sw_eval_node(ev, r->actions[a].value).known) {
                    gaps_of(g, r->actions[a].value);
                    found = 1;
                }
        }
    }
    if (!found)
        add_gap(g, slot);
    size_t n = w->nts - base;
    if (sw_grow_to_m(w->mem, &w->pool, &w->cap_pool, w->npool + n, sizeof *w->pool, 256, SIZE_MAX / sizeof *w->pool)) {
        if (n)
            memcpy(w->pool + w->npool, w->ts + base, n * sizeof *w->pool);
        w->dstart[slot] = (uint32_t)w->npool;
        w->dlen[slot] = (uint32_t)n;
        w->npool += n;
        w->dcached[slot] = w->evals;
    } else {
        g->failed = 1;
    }
    w->nts = base;
    g->collecting = was_collecting;
    g->cep = was_cep;
    w->dbusy[slot] = 0;
}

/* Why a derived fact is unknown, into the rule's gaps or the list being made. */
static void derived_gaps(gap_ctx *g, uint32_t slot)
{
    workspace *w = g->w;
    if (g->raw) {
        add_gap(g, slot | RAW_DERIVED);
        return;
    }
    if (!g->collecting) {
        if (w->visited[slot] == w->epoch)
            return;
        w->visited[slot] = w->epoch;
    }
    derived_list(g, slot);
    if (w->dcached[slot] != w->evals)
        return;   /* being worked out further up (a cycle), or out of memory */
    for (uint32_t k = 0; k < w->dlen[slot]; k++)
        add_gap(g, w->pool[w->dstart[slot] + k]);
}

/* Called for a node whose value is unknown: finds the missing facts behind it. */
static void gaps_of(gap_ctx *g, uint32_t node)
{
    const sw_eval *ev = g->ev;
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
            derived_gaps(g, n->a);
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
        gaps_of(g, n->a);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV && !sw_eval_node(ev, n->b).known)
        gaps_of(g, n->b);
}

/* What one undecided rule could decide once the gap's fact is known: the
 * rule's own contribution, worked out once per rule (rule_decides). */
static void decides(const workspace *w, uint32_t r, sw_data_gap *gap)
{
    uint8_t d = w->rule_flags[r];
    if (d & RULE_RISKS) {
        sw_risk_severity sev = (sw_risk_severity)w->rule_severity[r];
        if (!gap->could_raise_risk || sev > gap->risk_severity)
            gap->risk_severity = sev;
        gap->could_raise_risk = 1;
    }
    if (d & RULE_RECOMMENDS) {
        sw_priority prio = (sw_priority)w->rule_priority[r];
        if (!gap->could_recommend || prio > gap->priority)
            gap->priority = prio;
        gap->could_recommend = 1;
    }
    if (d & RULE_MOVES)
        gap->could_move_stage = 1;
}

/* A rule's flags, highest severity it could raise and highest priority it could
 * recommend, from its actions. */
static void rule_decides(workspace *w, const sw_rule_def *r, uint32_t i)
{
    for (uint32_t a = 0; a < r->nactions; a++) {
        const sw_action *act = &r->actions[a];
        int k = sw_action_item(act->kind);
        sw_item_level level = k >= 0 ? sw_item_vocab[k].level : SW_LEVEL_NONE;
        if (level == SW_LEVEL_SEVERITY) {
            if (!(w->rule_flags[i] & RULE_RISKS) || act->severity > w->rule_severity[i])
                w->rule_severity[i] = act->severity;
            w->rule_flags[i] |= RULE_RISKS;
        } else if (level == SW_LEVEL_PRIORITY) {
            if (!(w->rule_flags[i] & RULE_RECOMMENDS) || act->priority > w->rule_priority[i])
                w->rule_priority[i] = act->priority;
            w->rule_flags[i] |= RULE_RECOMMENDS;
        } else if (act->kind == SW_ACT_MOVE) {
            w->rule_flags[i] |= RULE_MOVES;
        }
    }
}

/* Which question first, most decisive first: the highest risk severity a gap's
 * rules could raise, then the highest priority they could recommend, then whether
 * they could move the stage, then how many rules wait on it, then the fact's name.
 * The level folds the first three into 0 (most decisive) .. GAP_LEVELS - 1. */
#define GAP_RISKS (SW_SEVERITY_CRITICAL + 2)
#define GAP_PRIORITIES (SW_PRIORITY_URGENT + 2)
#define GAP_LEVELS (GAP_RISKS * GAP_PRIORITIES * 2)

static uint32_t gap_level(const sw_data_gap *x)
{
    uint32_t risk = x->could_raise_risk ? (uint32_t)x->risk_severity + 1 : 0;
    uint32_t prio = x->could_recommend ? (uint32_t)x->priority + 1 : 0;
    return ((GAP_RISKS - 1 - risk) * GAP_PRIORITIES + (GAP_PRIORITIES - 1 - prio)) * 2 +
           (x->could_move_stage ? 0u : 1u);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Ranks the gaps (in name order) by cmp_gap_key's order without comparing: a
 * stable counting sort by rule count (most first), then one by level, keeps
 * name order among equals. */
static void rank_gaps(workspace *w, sw_data_gap *gaps, size_t ngaps)
{
    uint32_t *a = w->order, *b = w->order + w->p->nfacts + 1, *cnt = w->ncount;
    size_t maxr = 0;
    for (size_t k = 0; k < ngaps; k++)
        maxr = gaps[k].nrules > maxr ? gaps[k].nrules : maxr;
    /* by rule count, most first: bucket maxr - nrules */
    for (size_t k = 0; k < ngaps; k++)
        cnt[maxr - gaps[k].nrules + 1]++;
    for (size_t i = 1; i <= maxr + 1; i++)
        cnt[i] += cnt[i - 1];
    for (size_t k = 0; k < ngaps; k++)
        a[cnt[maxr - gaps[k].nrules]++] = (uint32_t)k;
    memset(cnt, 0, (maxr + 2) * sizeof *cnt);
    /* by level: GAP_LEVELS buckets, most decisive first */
    uint32_t lcnt[GAP_LEVELS + 1] = {0};
    for (size_t k = 0; k < ngaps; k++)
        lcnt[gap_level(&gaps[k]) + 1]++;
    for (size_t i = 1; i <= GAP_LEVELS; i++)
        lcnt[i] += lcnt[i - 1];
    for (size_t k = 0; k < ngaps; k++)
        b[lcnt[gap_level(&gaps[a[k]])]++] = a[k];
    for (size_t k = 0; k < ngaps; k++)
        gaps[b[k]].rank = k + 1;   /* the list itself stays in fact-name order */
}

static void next_epoch(workspace *w)
{
    if (++w->epoch == 0) {   /* the stamps wrapped: start them again */
        memset(w->stamp, 0, (w->p->nfacts + 1) * sizeof *w->stamp);
        memset(w->visited, 0, (w->p->nfacts + 1) * sizeof *w->visited);
        w->epoch = 1;
    }
}

static void build_gaps(builder *b)
{
    const sw_program *p = b->p;
    workspace *w = b->w;
    gap_ctx g = {b->ev, w, 0, 0, 0, 0, 0};
    w->npairs = 0;
    w->ntouched = 0;
    w->npool = 0;
    w->nts = 0;
    if (++w->evals == 0) {
        memset(w->dcached, 0, (p->nfacts + 1) * sizeof *w->dcached);
        w->evals = 1;
    }
    const sw_index *ix = &p->index;
    uint32_t key = ix->nkeys - 1;
    if (ix->key_slot != SW_NONE && b->ev->values[ix->key_slot].known)
        key = (uint32_t)b->ev->values[ix->key_slot].u.i;
    for (uint32_t u = 0; u < w->nundecided && !g.failed; u++) {
        uint32_t r = w->undecided[u];
        const sw_rule_def *rule = &p->rules[r];
        g.rule = r;
        next_epoch(w);
        int keyed = !rule->reads_assessed_on;
        for (uint32_t k = 0; keyed && k < rule->nreads; k++)
            keyed = rule->reads[k] == ix->key_slot || !b->ev->values[rule->reads[k]].known;
        if (!keyed) {
            gaps_of(&g, rule->cond);
            continue;
        }
        size_t at = (size_t)r * ix->nkeys + key;
        if (!w->rstart[at]) {
            size_t start = w->nrpool;
            g.raw = 1;
            gaps_of(&g, rule->cond);
            g.raw = 0;
            if (g.failed)
                break;
            w->rstart[at] = (uint32_t)start + 1;
            w->rlen[at] = (uint32_t)(w->nrpool - start);
        }
        for (uint32_t k = 0; k < w->rlen[at]; k++) {
            uint32_t e = w->rpool[w->rstart[at] - 1 + k];
            if (e & RAW_DERIVED)
                derived_gaps(&g, e & ~RAW_DERIVED);
            else
                add_gap(&g, e == p->nfacts ? GAP_ASSESSED_ON : e);
        }
    }
    size_t ngaps = w->ntouched;
    sw_data_gap *gaps = NULL;
    const char **rules = NULL;
    if (!g.failed) {
        gaps = b_alloc(b, ngaps, sizeof *gaps);
        rules = b_alloc(b, w->npairs, sizeof *rules);
    }
    if (g.failed)
        b->failed = 1;
    if (gaps && rules) {
        if (ngaps * 16 > (size_t)p->nfacts) {   /* many: walk the names instead of sorting */
            size_t k = 0;
            for (uint32_t r = 0; r <= p->nfacts; r++)
                if (w->count[w->by_name[r]])
                    w->touched[k++] = (uint64_t)r << 32 | w->by_name[r];
        } else {
            heap_sort(w->touched, ngaps, sizeof *w->touched, cmp_u64);   /* fact-name order */
        }
        uint32_t at = 0;
        for (size_t k = 0; k < ngaps; k++) {
            uint32_t slot = (uint32_t)w->touched[k];
            sw_data_gap *gap = &gaps[k];
            gap->fact = slot == p->nfacts ? "assessed_on" : p->facts[slot].name;
            gap->label = slot == p->nfacts ? "Date of the assessment" : p->facts[slot].label;
            gap->rules = &rules[at];
            w->pos[slot] = (uint32_t)k;
            at += w->count[slot];
        }
        for (size_t i = 0; i < w->npairs; i++) {
            sw_data_gap *gap = &gaps[w->pos[w->pairs[i].slot]];
            ((const char **)gap->rules)[gap->nrules++] = p->rules[w->pairs[i].rule].id;
            decides(w, w->pairs[i].rule, gap);
        }
        rank_gaps(w, gaps, ngaps);
        b->rep->gaps = gaps;
        b->rep->ngaps = ngaps;
    }
    for (size_t k = 0; k < w->ntouched; k++)
        w->count[(uint32_t)w->touched[k]] = 0;
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
    sw_buf *canon = &b->w->canon;
    canon->len = 0;
    sw_facts_canonical(f, canon);
    char *hex = sw_arena_alloc(b->arena, 65);
    if (!hex || canon->failed || !sw_sha256_hex(canon->data ? canon->data : "", canon->len, hex))
        b->failed = 1;
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

static void ws_free(workspace *w)
{
    sw_eval_free(&w->ev);
    sw_mem_free(w->mem, w->stamp, 0);
    sw_mem_free(w->mem, w->visited, 0);
    sw_mem_free(w->mem, w->count, 0);
    sw_mem_free(w->mem, w->pos, 0);
    sw_mem_free(w->mem, w->name_rank, 0);
    sw_mem_free(w->mem, w->touched, 0);
    sw_mem_free(w->mem, w->pairs, 0);
    sw_mem_free(w->mem, w->undecided, 0);
    sw_mem_free(w->mem, w->rule_flags, 0);
    sw_mem_free(w->mem, w->vstamp, 0);
    sw_mem_free(w->mem, w->vtext, 0);
    sw_mem_free(w->mem, w->rule_severity, 0);
    sw_mem_free(w->mem, w->rule_priority, 0);
    sw_mem_free(w->mem, w->icount, 0);
    sw_mem_free(w->mem, w->islot, 0);
    sw_mem_free(w->mem, w->itouched, 0);
    sw_mem_free(w->mem, w->matched, 0);
    sw_mem_free(w->mem, w->by_name, 0);
    sw_mem_free(w->mem, w->dcached, 0);
    sw_mem_free(w->mem, w->dstart, 0);
    sw_mem_free(w->mem, w->dlen, 0);
    sw_mem_free(w->mem, w->dbusy, 0);
    sw_mem_free(w->mem, w->pool, 0);
    sw_mem_free(w->mem, w->ts, 0);
    sw_mem_free(w->mem, w->cstamp, 0);
    sw_mem_free(w->mem, w->rstart, 0);
    sw_mem_free(w->mem, w->rlen, 0);
    sw_mem_free(w->mem, w->rpool, 0);
    sw_mem_free(w->mem, w->order, 0);
    sw_mem_free(w->mem, w->ncount, 0);
    sw_buf_free(&w->text);
    sw_buf_free(&w->canon);
    memset(w, 0, sizeof *w);
}

/* Sizes the workspace for the program, once; 0 when memory ran out. */
static int ws_init(workspace *w, const sw_program *p)
{
    if (w->p == p)
        return 1;
    ws_free(w);
    w->mem = p->arena.mem;
    w->text = (sw_buf)SW_BUF_WITH(w->mem);
    w->canon = (sw_buf)SW_BUF_WITH(w->mem);
    size_t nf = (size_t)p->nfacts + 1, nr = p->nrules ? p->nrules : 1, ni = 1;
    for (int k = 0; k < SW_ITEM__COUNT; k++)
        ni = p->nitems[k] > ni ? p->nitems[k] : ni;
    if (p->stage_enum != SW_NONE && p->enums[p->stage_enum].nmembers > ni)
        ni = p->enums[p->stage_enum].nmembers;
    sw_eval_init(&w->ev);
    w->stamp = sw_mem_calloc(w->mem, nf, sizeof *w->stamp);
    w->visited = sw_mem_calloc(w->mem, nf, sizeof *w->visited);
    w->count = sw_mem_calloc(w->mem, nf, sizeof *w->count);
    w->pos = sw_mem_calloc(w->mem, nf, sizeof *w->pos);
    w->name_rank = sw_mem_calloc(w->mem, nf, sizeof *w->name_rank);
    w->touched = sw_mem_calloc(w->mem, nf, sizeof *w->touched);
    w->by_name = sw_mem_calloc(w->mem, nf, sizeof *w->by_name);
    w->dcached = sw_mem_calloc(w->mem, nf, sizeof *w->dcached);
    w->dstart = sw_mem_calloc(w->mem, nf, sizeof *w->dstart);
    w->dlen = sw_mem_calloc(w->mem, nf, sizeof *w->dlen);
    w->dbusy = sw_mem_calloc(w->mem, nf, sizeof *w->dbusy);
    w->cstamp = sw_mem_calloc(w->mem, nf, sizeof *w->cstamp);
    size_t nkeys = p->index.nkeys ? p->index.nkeys : 1;
    if (nr > SIZE_MAX / nkeys / sizeof(uint32_t)) {
        ws_free(w);
        return 0;
    }
    w->rstart = sw_mem_calloc(w->mem, nr * nkeys, sizeof *w->rstart);
    w->rlen = sw_mem_calloc(w->mem, nr * nkeys, sizeof *w->rlen);
    w->order = sw_mem_calloc(w->mem, 2 * nf, sizeof *w->order);
    w->ncount = sw_mem_calloc(w->mem, nr + 2, sizeof *w->ncount);
    w->undecided = sw_mem_calloc(w->mem, nr, sizeof *w->undecided);
    w->rule_flags = sw_mem_calloc(w->mem, nr, sizeof *w->rule_flags);
    w->vstamp = sw_mem_calloc(w->mem, nf, sizeof *w->vstamp);
    w->vtext = sw_mem_calloc(w->mem, nf, sizeof *w->vtext);
    w->rule_severity = sw_mem_calloc(w->mem, nr, sizeof *w->rule_severity);
    w->rule_priority = sw_mem_calloc(w->mem, nr, sizeof *w->rule_priority);
    w->icount = sw_mem_calloc(w->mem, ni, sizeof *w->icount);
    w->islot = sw_mem_calloc(w->mem, ni, sizeof *w->islot);
    w->itouched = sw_mem_calloc(w->mem, ni, sizeof *w->itouched);
    w->matched = sw_mem_calloc(w->mem, nr, sizeof *w->matched);
    if (!w->stamp || !w->visited || !w->count || !w->pos || !w->name_rank ||
        !w->touched || !w->by_name || !w->dcached || !w->dstart || !w->dlen || !w->dbusy ||
        !w->cstamp || !w->rstart || !w->rlen || !w->order || !w->ncount || !w->undecided ||
        !w->rule_flags || !w->vstamp || !w->vtext || !w->rule_severity || !w->rule_priority ||
        !w->icount || !w->islot || !w->itouched || !w->matched) {
        ws_free(w);
        return 0;
    }
    /* the gap slots in name order, the assessment date among the facts */
    uint32_t rank = 0;
    int dated = 0;
    for (uint32_t i = 0; i < p->nfacts; i++) {
        uint32_t slot = p->facts_by_name[i];
        if (!dated && strcmp("assessed_on", p->facts[slot].name) < 0) {
            w->by_name[rank] = p->nfacts;
            w->name_rank[p->nfacts] = rank++;
            dated = 1;
        }
        w->by_name[rank] = slot;
        w->name_rank[slot] = rank++;
    }
    if (!dated) {
        w->by_name[rank] = p->nfacts;
        w->name_rank[p->nfacts] = rank;
    }
    for (uint32_t r = 0; r < p->nrules; r++)
        rule_decides(w, &p->rules[r], r);
    w->p = p;
    return 1;
}

/* Fills res (empty: a cleared arena, a zeroed report) with one client's report. */
static sw_status fill(const sw_ruleset *rules, const sw_facts *facts, const sw_eval_options *opt,
                      sw_result *res)
{
    const sw_program *p = &rules->prog;
    workspace *w = &res->ws;
    if (!ws_init(w, p))
        return SW_ERR_NOMEM;
    if (++w->fills == 0) {
        memset(w->vstamp, 0, p->nfacts * sizeof *w->vstamp);
        w->fills = 1;
    }
    sw_eval *ev = &w->ev;
    sw_status st = sw_eval_reuse(ev, p, facts);
    if (st != SW_OK)
        return st;
    builder b = {p, ev, w, &res->arena, &res->report, NULL, NULL, 0, 0,
                 opt->level != SW_RESULT_OUTPUTS, opt->provenance != 0};
    uint32_t nr = p->nrules ? p->nrules : 1;
    if (b.full)
        b.matched = w->matched;
    uint32_t *fired = sw_arena_array(&res->arena, nr, sizeof *fired);
    if (!fired)
        return SW_ERR_NOMEM;
    sw_report *rep = &res->report;
    w->nundecided = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (ev->truth[r] == SW_TRUE)
            fired[b.nfired++] = r;
        else if (ev->truth[r] == SW_UNKNOWN)
            w->undecided[w->nundecided++] = r;
    }
    rep->rules_undecided = w->nundecided;
    b.fired = fired;
    rep->rules_fired = b.nfired;
    build_provenance(&b, facts);
    build_kinds(&b, rep);
    build_stage(&b);
    build_gaps(&b);
    if (b.full) {
        build_derived(&b);
        for (uint32_t fi = 0; fi < b.nfired; fi++)
            w->matched[fired[fi]] = NULL;
    }
    rep->rules_total = p->nrules;
    if (res->arena.total > res->arena_kept)
        res->arena_grow = 1;
    return b.failed ? SW_ERR_NOMEM : SW_OK;
}

/* Forgets the report. When the last one outgrew the arena's kept block, the arena
 * starts again with one block as large as all it took, so that the next client as
 * large fits without malloc. */
static void clear(sw_result *res)
{
    if (res->arena_grow) {
        size_t want = res->arena.total;
        sw_arena_free(&res->arena);
        if (sw_arena_alloc(&res->arena, want))
            res->arena_grow = 0;
    }
    sw_arena_clear(&res->arena);
    res->arena_kept = res->arena.total;
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
    ws_free(&result->ws);
    sw_mem_free(result->arena.mem, result, sizeof *result);
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
