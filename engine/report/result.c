/*
 * result.c - from an evaluated client to the report: what was advised and why.
 *
 * Reads the evaluation state (every rule's truth, every slot's value) and builds
 * the public sw_report in the result's own arena: items with the rules that
 * produced them, the stage verdict under the stated policy, the data gaps (facts
 * whose absence left rules undecided: result_gaps.c) and the provenance. Strings of the rule set
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
#include "report/result_ws.h"
#include "lang/value.h"
#include "compile/value_text.h"
#include "util/grow.h"

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

void *sw_result_alloc(builder *b, size_t n, size_t size)
{
    void *v = sw_arena_array(b->arena, n ? n : 1, size);
    if (!v)
        b->failed = 1;
    return v;
}

#define b_alloc sw_result_alloc

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

void sw_result_heap_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
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

/* Items in id order (the catalogue's, when ids_sorted says so) put by their
 * priority or severity, highest first, by a stable counting sort: the order
 * cmp_recommendation and cmp_risk give, without comparing ids. */
_Static_assert(SW_PRIORITY_URGENT < 8 && SW_SEVERITY_CRITICAL < 8 && SW_ITEM__COUNT <= 32,
               "eight levels at most, a bit per kind");

static void sort_by_level(workspace *w, sw_item *items, size_t n, int by_severity)
{
    size_t at[8] = {0}, next = 0;
    for (size_t k = 0; k < n; k++)
        at[by_severity ? (int)items[k].severity : (int)items[k].priority]++;
    for (int l = 7; l >= 0; l--) {
        size_t c = at[l];
        at[l] = next;
        next += c;
    }
    if (n)
        memcpy(w->isorted, items, n * sizeof *items);
    for (size_t k = 0; k < n; k++) {
        const sw_item *it = &w->isorted[k];
        items[at[by_severity ? (int)it->severity : (int)it->priority]++] = *it;
    }
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
        if (!(w->plan->rule_kinds[b->fired[fi]] >> kind & 1))
            continue;
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
    /* the items in their declared order: few, by insertion; else by the marks when
     * they are many of the kind, or by a heap sort */
    if (nitems <= 16) {
        for (size_t k = 1; k < nitems; k++) {
            uint32_t v = seen[k];
            size_t j = k;
            for (; j > 0 && seen[j - 1] > v; j--)
                seen[j] = seen[j - 1];
            seen[j] = v;
        }
    } else if (nitems * 8 >= p->nitems[kind]) {
        size_t n = 0;
        for (uint32_t i = 0; i < p->nitems[kind]; i++)
            if (count[i])
                seen[n++] = i;
    } else {
        sw_result_heap_sort(seen, nitems, sizeof *seen, cmp_u32);
    }
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
        if (!(w->plan->rule_kinds[r] >> kind & 1))
            continue;
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
    int level = sw_item_vocab[kind].level;
    if (items && (level == SW_LEVEL_PRIORITY || level == SW_LEVEL_SEVERITY)) {
        if (w->plan->ids_sorted >> kind & 1)
            sort_by_level(w, items, nitems, level == SW_LEVEL_SEVERITY);
        else
            sw_result_heap_sort(items, nitems, sizeof *items,
                                level == SW_LEVEL_PRIORITY ? cmp_recommendation : cmp_risk);
    }
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
        undecided += w->plan->rule_flags[w->undecided[u]] & RULE_MOVES;
    for (uint32_t fi = 0; fi < b->nfired; fi++) {
        uint32_t r = b->fired[fi];
        if (!(w->plan->rule_flags[r] & RULE_MOVES))
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
        if (!(w->plan->rule_flags[r] & RULE_MOVES))
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
    sw_mem_free(w->mem, w->touched, 0);
    sw_mem_free(w->mem, w->pairs, 0);
    sw_mem_free(w->mem, w->undecided, 0);
    sw_mem_free(w->mem, w->fired, 0);
    sw_mem_free(w->mem, w->vstamp, 0);
    sw_mem_free(w->mem, w->vtext, 0);
    sw_mem_free(w->mem, w->icount, 0);
    sw_mem_free(w->mem, w->islot, 0);
    sw_mem_free(w->mem, w->itouched, 0);
    sw_mem_free(w->mem, w->isorted, 0);
    sw_mem_free(w->mem, w->matched, 0);
    sw_mem_free(w->mem, w->dcached, 0);
    sw_mem_free(w->mem, w->dstart, 0);
    sw_mem_free(w->mem, w->dlen, 0);
    sw_mem_free(w->mem, w->dbusy, 0);
    sw_mem_free(w->mem, w->pool, 0);
    sw_mem_free(w->mem, w->ts, 0);
    sw_mem_free(w->mem, w->cstamp, 0);
    sw_mem_free(w->mem, w->order, 0);
    sw_mem_free(w->mem, w->ncount, 0);
    sw_result_gaps_free(w);
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
    if (!p->report_plan)
        return 0;   /* every rule set has one (sw_ruleset_load_texts_with) */
    w->plan = p->report_plan;
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
    w->touched = sw_mem_calloc(w->mem, nf, sizeof *w->touched);
    w->dcached = sw_mem_calloc(w->mem, nf, sizeof *w->dcached);
    w->dstart = sw_mem_calloc(w->mem, nf, sizeof *w->dstart);
    w->dlen = sw_mem_calloc(w->mem, nf, sizeof *w->dlen);
    w->dbusy = sw_mem_calloc(w->mem, nf, sizeof *w->dbusy);
    w->cstamp = sw_mem_calloc(w->mem, nf, sizeof *w->cstamp);
    w->order = sw_mem_calloc(w->mem, 2 * nf, sizeof *w->order);
    w->ncount = sw_mem_calloc(w->mem, nr + 2 > SW_RANK_BUCKETS + 1 ? nr + 2 : SW_RANK_BUCKETS + 1,
                              sizeof *w->ncount);
    w->undecided = sw_mem_calloc(w->mem, nr, sizeof *w->undecided);
    w->fired = sw_mem_calloc(w->mem, nr, sizeof *w->fired);
    w->vstamp = sw_mem_calloc(w->mem, nf, sizeof *w->vstamp);
    w->vtext = sw_mem_calloc(w->mem, nf, sizeof *w->vtext);
    w->icount = sw_mem_calloc(w->mem, ni, sizeof *w->icount);
    w->islot = sw_mem_calloc(w->mem, ni, sizeof *w->islot);
    w->itouched = sw_mem_calloc(w->mem, ni, sizeof *w->itouched);
    w->isorted = sw_mem_calloc(w->mem, ni, sizeof *w->isorted);
    w->matched = sw_mem_calloc(w->mem, nr, sizeof *w->matched);
    if (!w->stamp || !w->visited || !w->count || !w->pos ||
        !w->touched || !w->dcached || !w->dstart || !w->dlen || !w->dbusy ||
        !w->cstamp || !w->order || !w->ncount || !w->undecided || !w->fired ||
        !w->vstamp || !w->vtext ||
        !w->icount || !w->islot || !w->itouched || !w->isorted || !w->matched) {
        ws_free(w);
        return 0;
    }
    if (!sw_result_gaps_init(w, p)) {
        ws_free(w);
        return 0;
    }
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
    if (b.full)
        b.matched = w->matched;
    uint32_t *fired = w->fired;
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
    sw_result_build_gaps(&b);
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
