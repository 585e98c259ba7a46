/*
 * report_plan.c - works out, once per rule set, what the result builder reads of
 * it for every client (report_plan.h): each rule's data-gap plan or skeleton,
 * what it could decide, the item kinds it gives, the gap slots in name order.
 * The tables are made on the heap as they grow, then kept in the program's arena.
 */
#include <string.h>

#include "report/report_plan.h"
#include "report/result_ws.h"
#include "util/grow.h"

/* The tables as they are made; kept in the arena by keep_plan. */
typedef struct plan_build {
    sw_mem mem;
    uint32_t *plan_first, *plan_slots, *plan_nderived;
    uint8_t *plan_kind;
    size_t cap_plan_slots;
    uint32_t *skel_first, *skel_n;
    skel *skel;
    uint32_t *skel_leaves;
    size_t nskel, nleaves;         /* entries of skel and skel_leaves in use */
    size_t cap_skel, cap_leaves;
    uint32_t *rule_dmask, *rule_kinds;
    uint8_t *rule_flags, *rule_severity, *rule_priority;
} plan_build;

/* ---- plans, once per rule set ----
 *
 * A condition is planned when, below any `not`s, it is one kind of junction (an
 * `and`, or an `or`; a `not` turns one into the other) over tests with no `and`
 * or `or` inside. Every operator of a test but `is known` and `is missing` (which
 * are never unknown, and whose facts gaps_of does not follow) is unknown when an
 * operand is: so a test that is known reads no unknown fact, and when the
 * condition is unknown no test is false (true, under `or`), so gaps_of reaches
 * every unknown test, and from each every unknown fact it reads. Its gaps are
 * therefore the unknown facts it reads, as gaps_of would follow them. */

typedef struct planner {
    const sw_program *p;
    plan_build *w;
    uint32_t *seen;      /* nfacts: the rule that last noted the slot */
    uint32_t mark;
    uint32_t *base, nb;  /* the rule's base slots, then its derived ones */
    uint32_t *der, nd;
    int dated;
} planner;

/* 0 when the condition is not of the planned shape. junction: -1 none met yet,
 * else the effective kind (1 for and) every junction must have. */
static int plan_node(planner *pl, uint32_t node, int neg, int *junction, int in_test)
{
    const sw_node *n = &pl->p->nodes[node];
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING:
        return 1;
    case SW_OP_LOAD:
        if (pl->seen[n->a] != pl->mark) {
            pl->seen[n->a] = pl->mark;
            if (n->a < pl->p->nbase)
                pl->base[pl->nb++] = n->a;
            else
                pl->der[pl->nd++] = n->a;
        }
        return 1;
    case SW_OP_NOT:
        return plan_node(pl, n->a, !neg, junction, in_test);
    case SW_OP_AND:
    case SW_OP_OR: {
        int kind = (n->op == SW_OP_AND) ^ neg;
        if (in_test || (*junction >= 0 && *junction != kind))
            return 0;
        *junction = kind;
        return plan_node(pl, n->a, neg, junction, 0) && plan_node(pl, n->b, neg, junction, 0);
    }
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
        pl->dated = 1;
        break;
    default:
        break;
    }
    if (!plan_node(pl, n->a, neg, junction, 1))
        return 0;
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV)
        return plan_node(pl, n->b, neg, junction, 1);
    return 1;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Every rule's plan: plan_slots[plan_first[r] .. plan_first[r + 1]). */
static int make_plans(plan_build *w, const sw_program *p)
{
    size_t nf = (size_t)p->nfacts + 1, nr = p->nrules;
    planner pl = {p, w, NULL, 0, NULL, 0, NULL, 0, 0};
    pl.seen = sw_mem_calloc(w->mem, nf, sizeof *pl.seen);
    pl.base = sw_mem_calloc(w->mem, nf, sizeof *pl.base);
    pl.der = sw_mem_calloc(w->mem, nf, sizeof *pl.der);
    size_t total = 0, cap = 0;
    int ok = pl.seen && pl.base && pl.der;
    for (uint32_t r = 0; ok && r < nr; r++) {
        w->plan_first[r] = (uint32_t)total;
        pl.mark = r + 1;
        pl.nb = pl.nd = 0;
        pl.dated = 0;
        int junction = -1;
        if (!plan_node(&pl, p->rules[r].cond, 0, &junction, 0))
            continue;
        ok = sw_grow_to_m(w->mem, &w->plan_slots, &cap, total + pl.nb + pl.nd + 1, sizeof *w->plan_slots, 256, UINT32_MAX);
        if (!ok)
            break;
        sw_result_heap_sort(pl.base, pl.nb, sizeof *pl.base, cmp_u32);
        sw_result_heap_sort(pl.der, pl.nd, sizeof *pl.der, cmp_u32);
        if (pl.nb)
            memcpy(w->plan_slots + total, pl.base, pl.nb * sizeof *pl.base);
        if (pl.nd)
            memcpy(w->plan_slots + total + pl.nb, pl.der, pl.nd * sizeof *pl.der);
        total += pl.nb + pl.nd;
        w->plan_nderived[r] = pl.nd;
        w->plan_kind[r] = (uint8_t)(PLAN_SIMPLE | (pl.dated ? PLAN_DATED : 0) | (pl.nd ? PLAN_DERIVED : 0));
    }
    w->plan_first[nr] = (uint32_t)total;
    w->cap_plan_slots = cap;
    sw_mem_free(w->mem, pl.seen, 0);
    sw_mem_free(w->mem, pl.base, 0);
    sw_mem_free(w->mem, pl.der, 0);
    return ok;
}

/* ---- skeletons, once per rule set ----
 *
 * Any other condition is its `and`s, `or`s and `not`s (the skeleton) over tests
 * with no `and` or `or` inside. A test is unknown when a fact it reads is (every
 * operator of it but `is known` and `is missing` is unknown when an operand is),
 * else it is evaluated (sw_eval_node); the skeleton's truths follow by Kleene
 * logic, and its gaps are gaps_of's: from the top down through the unknown parts,
 * and at an unknown test, the unknown facts it reads. */

typedef struct skel_builder {
    const sw_program *p;
    plan_build *w;
    uint32_t *seen, mark;      /* nfacts: the test that last noted the slot */
    uint32_t *base, nb, *der, nd;
    int dated;
    size_t nskel, cap_skel, nleaves, cap_leaves;
    uint32_t first;            /* the rule's first entry */
    int failed;
} skel_builder;

/* A test's facts, as gaps_of follows them; 0 when it holds an and or an or. */
static int test_leaves(skel_builder *sb, uint32_t node)
{
    const sw_node *n = &sb->p->nodes[node];
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING:
        return 1;
    case SW_OP_AND:
    case SW_OP_OR:
        return 0;
    case SW_OP_LOAD:
        if (sb->seen[n->a] != sb->mark) {
            sb->seen[n->a] = sb->mark;
            if (n->a < sb->p->nbase)
                sb->base[sb->nb++] = n->a;
            else
                sb->der[sb->nd++] = n->a;
        }
        return 1;
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
        sb->dated = 1;
        break;
    default:
        break;
    }
    if (!test_leaves(sb, n->a))
        return 0;
    return !(n->op >= SW_OP_AND && n->op <= SW_OP_DIV) || test_leaves(sb, n->b);
}

/* Appends node's skeleton, children first; its entry (relative to the rule's
 * first), or UINT32_MAX when the condition has no skeleton. */
static uint32_t skel_node(skel_builder *sb, uint32_t node)
{
    const sw_node *n = &sb->p->nodes[node];
    skel x;
    memset(&x, 0, sizeof x);
    if (n->op == SW_OP_NOT || n->op == SW_OP_AND || n->op == SW_OP_OR) {
        x.op = n->op == SW_OP_NOT ? SKEL_NOT : n->op == SW_OP_AND ? SKEL_AND : SKEL_OR;
        x.a = skel_node(sb, n->a);
        if (x.a == UINT32_MAX)
            return UINT32_MAX;
        if (n->op != SW_OP_NOT && (x.b = skel_node(sb, n->b)) == UINT32_MAX)
            return UINT32_MAX;
    } else {
        x.op = SKEL_TEST;
        x.node = node;
        sb->mark++;
        sb->nb = sb->nd = 0;
        sb->dated = 0;
        if (!test_leaves(sb, node))
            return UINT32_MAX;
        if (!sw_grow_to_m(sb->w->mem, &sb->w->skel_leaves, &sb->cap_leaves, sb->nleaves + sb->nb + sb->nd + 1,
                          sizeof *sb->w->skel_leaves, 256, UINT32_MAX)) {
            sb->failed = 1;
            return UINT32_MAX;
        }
        x.first = (uint32_t)sb->nleaves;
        x.nbase = sb->nb;
        x.nderived = sb->nd;
        x.dated = (uint8_t)sb->dated;
        if (sb->nb)
            memcpy(sb->w->skel_leaves + sb->nleaves, sb->base, sb->nb * sizeof *sb->base);
        if (sb->nd)
            memcpy(sb->w->skel_leaves + sb->nleaves + sb->nb, sb->der, sb->nd * sizeof *sb->der);
        sb->nleaves += sb->nb + sb->nd;
    }
    if (!sw_grow_to_m(sb->w->mem, &sb->w->skel, &sb->cap_skel, sb->nskel + 1, sizeof *sb->w->skel, 64, UINT32_MAX)) {
        sb->failed = 1;
        return UINT32_MAX;
    }
    sb->w->skel[sb->nskel] = x;
    return (uint32_t)(sb->nskel++ - sb->first);
}

/* The skeleton of every rule not planned (skel_n 0: none, gaps_of walks it). */
static int make_skeletons(plan_build *w, const sw_program *p)
{
    size_t nf = (size_t)p->nfacts + 1;
    skel_builder sb;
    memset(&sb, 0, sizeof sb);
    sb.p = p;
    sb.w = w;
    sb.seen = sw_mem_calloc(w->mem, nf, sizeof *sb.seen);
    sb.base = sw_mem_calloc(w->mem, nf, sizeof *sb.base);
    sb.der = sw_mem_calloc(w->mem, nf, sizeof *sb.der);
    int ok = sb.seen && sb.base && sb.der;
    for (uint32_t r = 0; ok && r < p->nrules; r++) {
        if (w->plan_kind[r] & PLAN_SIMPLE)
            continue;
        sb.first = (uint32_t)sb.nskel;
        if (skel_node(&sb, p->rules[r].cond) == UINT32_MAX) {
            sb.nskel = sb.first;   /* the leaves stay, unused */
            ok = !sb.failed;
            continue;
        }
        w->skel_first[r] = sb.first;
        w->skel_n[r] = (uint32_t)(sb.nskel - sb.first);
    }
    w->nskel = sb.nskel;
    w->nleaves = sb.nleaves;
    w->cap_skel = sb.cap_skel;
    w->cap_leaves = sb.cap_leaves;
    sw_mem_free(w->mem, sb.seen, 0);
    sw_mem_free(w->mem, sb.base, 0);
    sw_mem_free(w->mem, sb.der, 0);
    return ok;
}

/* What a rule could decide (rule_dmask, report_plan.h). */
_Static_assert(SW_SEVERITY_CRITICAL + 1 < 8 && SW_PRIORITY_URGENT + 1 < 8, "a level's bits fit in a byte");

/* A rule's flags, highest severity it could raise and highest priority it could
 * recommend, from its actions, and those as rule_dmask. */
static void rule_decides(plan_build *w, const sw_rule_def *r, uint32_t i)
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
    uint32_t risk1 = w->rule_flags[i] & RULE_RISKS ? w->rule_severity[i] + 1u : 0;
    uint32_t prio1 = w->rule_flags[i] & RULE_RECOMMENDS ? w->rule_priority[i] + 1u : 0;
    w->rule_dmask[i] = 1u << risk1 | 1u << (8 + prio1) | (w->rule_flags[i] & RULE_MOVES ? DECIDES_MOVE : 0);
}


/* The kinds whose catalogue is in id order (strcmp's), as the model keeps it. */
static uint32_t ids_sorted(const sw_program *p)
{
    uint32_t bits = 0;
    for (int k = 0; k < SW_ITEM__COUNT; k++) {
        int sorted = 1;
        for (uint32_t i = 1; sorted && i < p->nitems[k]; i++)
            sorted = strcmp(p->items[k][i - 1].id, p->items[k][i].id) < 0;
        bits |= (uint32_t)sorted << k;
    }
    return bits;
}

/* A copy of n elements of size from the heap in the arena (NULL when memory ran
 * out); the heap array is freed either way (cap: its capacity in elements). */
static void *keep(sw_arena *a, sw_mem mem, void *heap, size_t n, size_t cap, size_t size)
{
    void *kept = sw_arena_array(a, n ? n : 1, size);
    if (kept && n)
        memcpy(kept, heap, n * size);
    sw_mem_free(mem, heap, cap * size);
    return kept;
}

sw_status sw_report_plan_build(sw_program *p)
{
    sw_arena *a = &p->arena;
    size_t nf = (size_t)p->nfacts + 1, nr = p->nrules ? p->nrules : 1;
    sw_report_plan *plan = sw_arena_alloc(a, sizeof *plan);
    const char **gap_fact = sw_arena_array(a, nf, sizeof *gap_fact);
    const char **gap_label = sw_arena_array(a, nf, sizeof *gap_label);
    uint32_t *name_rank = sw_arena_array(a, nf, sizeof *name_rank);
    uint32_t *by_name = sw_arena_array(a, nf, sizeof *by_name);
    plan_build w;
    memset(&w, 0, sizeof w);
    w.mem = p->arena.mem;
    /* the fixed-size tables go straight into the arena; the growing ones are kept there after */
    w.plan_first = sw_arena_array(a, nr + 1, sizeof *w.plan_first);
    w.plan_nderived = sw_arena_array(a, nr, sizeof *w.plan_nderived);
    w.plan_kind = sw_arena_array(a, nr, sizeof *w.plan_kind);
    w.skel_first = sw_arena_array(a, nr, sizeof *w.skel_first);
    w.skel_n = sw_arena_array(a, nr, sizeof *w.skel_n);
    w.rule_dmask = sw_arena_array(a, nr, sizeof *w.rule_dmask);
    w.rule_kinds = sw_arena_array(a, nr, sizeof *w.rule_kinds);
    w.rule_flags = sw_arena_array(a, nr, sizeof *w.rule_flags);
    w.rule_severity = sw_arena_array(a, nr, sizeof *w.rule_severity);
    w.rule_priority = sw_arena_array(a, nr, sizeof *w.rule_priority);
    if (!plan || !gap_fact || !gap_label || !name_rank || !by_name || !w.plan_first || !w.plan_nderived ||
        !w.plan_kind || !w.skel_first || !w.skel_n || !w.rule_dmask || !w.rule_kinds || !w.rule_flags ||
        !w.rule_severity || !w.rule_priority)
        return SW_ERR_NOMEM;
    for (uint32_t i = 0; i < p->nfacts; i++) {
        gap_fact[i] = p->facts[i].name;
        gap_label[i] = p->facts[i].label;
    }
    gap_fact[p->nfacts] = "assessed_on";
    gap_label[p->nfacts] = "Date of the assessment";
    /* the gap slots in name order, the assessment date among the facts */
    uint32_t rank = 0;
    int dated = 0;
    for (uint32_t i = 0; i < p->nfacts; i++) {
        uint32_t slot = p->facts_by_name[i];
        if (!dated && strcmp("assessed_on", p->facts[slot].name) < 0) {
            by_name[rank] = p->nfacts;
            name_rank[p->nfacts] = rank++;
            dated = 1;
        }
        by_name[rank] = slot;
        name_rank[slot] = rank++;
    }
    if (!dated) {
        by_name[rank] = p->nfacts;
        name_rank[p->nfacts] = rank;
    }
    for (uint32_t r = 0; r < p->nrules; r++) {
        rule_decides(&w, &p->rules[r], r);
        for (uint32_t k = 0; k < p->rules[r].nactions; k++) {
            int kind = sw_action_item(p->rules[r].actions[k].kind);
            if (kind >= 0)
                w.rule_kinds[r] |= (uint32_t)1 << kind;
        }
    }
    int ok = make_plans(&w, p) && make_skeletons(&w, p);
    const uint32_t *plan_slots = keep(a, w.mem, w.plan_slots, w.plan_first[p->nrules], w.cap_plan_slots, sizeof *w.plan_slots);
    const skel *skels = keep(a, w.mem, w.skel, w.nskel, w.cap_skel, sizeof *w.skel);
    const uint32_t *leaves = keep(a, w.mem, w.skel_leaves, w.nleaves, w.cap_leaves, sizeof *w.skel_leaves);
    if (!ok || !plan_slots || !skels || !leaves)
        return SW_ERR_NOMEM;
    plan->plan_first = w.plan_first;
    plan->plan_slots = plan_slots;
    plan->plan_nderived = w.plan_nderived;
    plan->plan_kind = w.plan_kind;
    plan->skel_first = w.skel_first;
    plan->skel_n = w.skel_n;
    plan->skel = skels;
    plan->skel_leaves = leaves;
    plan->rule_dmask = w.rule_dmask;
    plan->rule_flags = w.rule_flags;
    plan->rule_severity = w.rule_severity;
    plan->rule_priority = w.rule_priority;
    plan->rule_kinds = w.rule_kinds;
    plan->gap_fact = gap_fact;
    plan->gap_label = gap_label;
    plan->name_rank = name_rank;
    plan->by_name = by_name;
    plan->ids_sorted = ids_sorted(p);
    p->report_plan = plan;
    return SW_OK;
}
