/*
 * eval.c - the evaluator: Kleene three-valued logic over a compiled program.
 *
 * sw_eval_node is one recursive function over the flat node array, dispatching on
 * the opcode (program.h lists them once). Unknown propagates through every
 * operation except `and` (false wins), `or` (true wins) and `is known`/`is
 * missing`. sw_eval_fast computes the same truths from the fast form of the
 * conditions (fused tests, flattened and hash-consed; program.h).
 *
 * sw_eval_run takes rules and derived facts in the program's schedule, so derived
 * facts are final before any rule reads them, but through the index (program.h):
 * it starts from every rule's truth for the client's key value (the stage) and
 * evaluates only the rules that read a fact the client has, or a derived fact that
 * came out known, or the assessment date, skipping those the key already decides.
 * Every other rule's truth is the same as its truth with only the key known, which
 * is what the row holds. The rules it evaluates are those of the key value's
 * specialised list (eval/spec.c: tests of the key folded away, short runs of
 * packed tests evaluated with early exits): all of them, or only those a known
 * fact marks, whichever costs less for the client. The truths also come out as
 * bits (fired, undecided). docs/performance.md has the figures.
 *
 * Stage eval/ - three-valued evaluation (eval.c), the stage index (index.c) and
 * the rules specialised per stage value (spec.c).
 * May use: util/, lang/, compile/, facts/. (tests/layout checks it.)
 */
#include "eval/eval.h"
#include "lang/value.h"

#include <stdlib.h>
#include <string.h>

static sw_value unknown(void)
{
    sw_value v;
    memset(&v, 0, sizeof v);
    return v;
}

static sw_value boolean(int b)
{
    sw_value v = unknown();
    v.known = 1;
    v.u.i = b != 0;
    return v;
}

static sw_truth truth_of(sw_value v) { return !v.known ? SW_UNKNOWN : v.u.i ? SW_TRUE : SW_FALSE; }

static sw_value of_truth(sw_truth t) { return t == SW_UNKNOWN ? unknown() : boolean(t == SW_TRUE); }

static sw_value integer(int64_t i)
{
    sw_value v = unknown();
    v.known = 1;
    v.u.i = i;
    return v;
}

static sw_value number(double n)
{
    sw_value v = unknown();
    v.known = 1;
    v.u.n = n;
    return v;
}

/* Compares two known values of the same type: <0, 0, >0. */
static int compare(const sw_node *n, const sw_node *operand, sw_value a, sw_value b)
{
    if (n->numeric)
        return (a.u.n > b.u.n) - (a.u.n < b.u.n);
    switch ((sw_type_kind)operand->type) {
    case SW_T_TEXT: return strcmp(a.u.s, b.u.s);
    case SW_T_SET: return a.u.bits != b.u.bits;
    default: return (a.u.i > b.u.i) - (a.u.i < b.u.i);
    }
}

static sw_value arith(const sw_node *n, sw_value a, sw_value b)
{
    if (n->numeric) {
        switch ((sw_opcode)n->op) {
        case SW_OP_ADD: return number(a.u.n + b.u.n);
        case SW_OP_SUB: return number(a.u.n - b.u.n);
        case SW_OP_MUL: return number(a.u.n * b.u.n);
        default: return b.u.n == 0.0 ? unknown() : number(a.u.n / b.u.n);
        }
    }
    int64_t r;
    int overflow;
    switch ((sw_opcode)n->op) {
    case SW_OP_ADD: overflow = __builtin_add_overflow(a.u.i, b.u.i, &r); break;
    case SW_OP_SUB: overflow = __builtin_sub_overflow(a.u.i, b.u.i, &r); break;
    default: overflow = __builtin_mul_overflow(a.u.i, b.u.i, &r); break;
    }
    return overflow ? unknown() : integer(r);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

sw_value sw_eval_node(const sw_eval *ev, uint32_t idx)
{
    const sw_program *p = ev->prog;
    const sw_node *n = &p->nodes[idx];
    sw_value a, b;
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
        return n->imm;
    case SW_OP_LOAD:
        return ev->values[n->a];
    case SW_OP_NOT:
        return of_truth(sw_truth_not(truth_of(sw_eval_node(ev, n->a))));
    case SW_OP_AND:
    case SW_OP_OR: {
        /* the right side only when the left one does not decide (lang/truth.h) */
        int is_and = n->op == SW_OP_AND;
        sw_truth x = truth_of(sw_eval_node(ev, n->a));
        if (x == sw_truth_wins(is_and))
            return of_truth(x);
        return of_truth(sw_truth_junction(is_and, x, truth_of(sw_eval_node(ev, n->b))));
    }
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE: {
        a = sw_eval_node(ev, n->a);
        b = sw_eval_node(ev, n->b);
        if (!a.known || !b.known)
            return unknown();
        return of_truth(sw_truth_compare(n->op, 1, compare(n, &p->nodes[n->a], a, b)));
    }
    case SW_OP_ADD: case SW_OP_SUB: case SW_OP_MUL: case SW_OP_DIV:
        a = sw_eval_node(ev, n->a);
        b = sw_eval_node(ev, n->b);
        return a.known && b.known ? arith(n, a, b) : unknown();
    case SW_OP_NEG:
        a = sw_eval_node(ev, n->a);
        if (!a.known)
            return a;
        if (n->numeric)
            return number(-a.u.n);
        return a.u.i == INT64_MIN ? unknown() : integer(-a.u.i);
    case SW_OP_TO_NUMBER:
        a = sw_eval_node(ev, n->a);
        return a.known ? number((double)a.u.i) : a;
    case SW_OP_IN: {
        a = sw_eval_node(ev, n->a);
        if (!a.known)
            return a;
        int text = p->nodes[n->a].type == SW_T_TEXT;
        for (uint32_t k = 0; k < n->nlist; k++) {
            const sw_value *c = &p->consts[n->list + k];
            if (text ? strcmp(a.u.s, c->u.s) == 0 : a.u.i == c->u.i)
                return boolean(1);
        }
        return boolean(0);
    }
    case SW_OP_CONTAINS:
        a = sw_eval_node(ev, n->a);
        return a.known ? boolean((a.u.bits & n->imm.u.bits) == n->imm.u.bits) : a;
    case SW_OP_CONTAINS_ANY:
        a = sw_eval_node(ev, n->a);
        return a.known ? boolean((a.u.bits & n->imm.u.bits) != 0) : a;
    case SW_OP_IS_KNOWN:
        return boolean(sw_eval_node(ev, n->a).known);
    case SW_OP_IS_MISSING:
        return boolean(!sw_eval_node(ev, n->a).known);
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
        a = sw_eval_node(ev, n->a);
        if (!a.known || !ev->has_today)
            return unknown();
        if (n->op == SW_OP_MONTHS_SINCE)
            return number(sw_date_months_between(a.u.i, ev->today));
        return integer(n->op == SW_OP_DAYS_SINCE ? ev->today - a.u.i
                                                 : floor_div(ev->today - a.u.i, 7));
    case SW_OP__COUNT:
        break;
    }
    return unknown();
}


/* A test of one fact (the fast ops from INT on). */
static inline sw_truth fast_leaf(const sw_eval *ev, const sw_fast *x)
{
    const sw_value *v = &ev->values[x->slot];
    int t;
    if (x->op == SW_FAST_KNOWN)
        return (sw_truth)((v->known != 0) ^ x->neg);
    if (!v->known)
        return SW_UNKNOWN;
    switch ((sw_fast_op)x->op) {
    case SW_FAST_INT: t = (v->u.i >= x->k.i.lo) & (v->u.i <= x->k.i.hi); break;
    case SW_FAST_NUM: {
        double a = x->as_number ? (double)v->u.i : v->u.n;
        t = (a >= x->k.n.lo) & (a <= x->k.n.hi);
        break;
    }
    case SW_FAST_MEMBER: t = (int)(x->k.mask >> v->u.i & 1); break;
    case SW_FAST_ALL: t = (v->u.bits & x->k.mask) == x->k.mask; break;
    default: t = (v->u.bits & x->k.mask) != 0; break;
    }
    return (sw_truth)(t ^ x->neg);
}

/* An and or an or: false (true) wins, else unknown, else true (false). */
static inline sw_truth fast_list(const sw_eval *ev, const sw_fast *x)
{
    const sw_program *p = ev->prog;
    sw_truth wins = sw_truth_wins(x->op == SW_FAST_AND);
    sw_truth r = sw_truth_not(wins);
    const uint32_t *kid = p->fast_kids + x->first;
    for (uint32_t k = 0; k < x->n; k++) {
        const sw_fast *y = &p->fast[kid[k]];
        sw_truth c = y->op >= SW_FAST_INT ? fast_leaf(ev, y) : sw_eval_fast(ev, kid[k]);
        if (c == wins)
            return wins;
        if (c == SW_UNKNOWN)
            r = SW_UNKNOWN;
    }
    return r;
}

sw_truth sw_eval_fast(const sw_eval *ev, uint32_t idx)
{
    const sw_fast *x = &ev->prog->fast[idx];
    switch ((sw_fast_op)x->op) {
    case SW_FAST_AND:
    case SW_FAST_OR:
        return fast_list(ev, x);
    case SW_FAST_NODE: {
        sw_truth r = truth_of(sw_eval_node(ev, x->k.node));
        return x->neg ? sw_truth_not(r) : r;
    }
    default:
        return fast_leaf(ev, x);
    }
}

/* The value of a set action of rule r for slot, or unknown. */
static sw_value set_value(const sw_eval *ev, const sw_rule_def *r, uint32_t slot)
{
    for (uint32_t a = 0; a < r->nactions; a++)
        if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot)
            return sw_eval_node(ev, r->actions[a].value);
    return unknown();
}

/* Does rule x outrank rule y as a setter (higher priority, then earlier id)? */
static int outranks(const sw_program *p, uint32_t x, uint32_t y)
{
    if (p->rules[x].priority != p->rules[y].priority)
        return p->rules[x].priority > p->rules[y].priority;
    return x < y;
}

static int same_value(const sw_fact_def *f, sw_value a, sw_value b)
{
    if (!a.known || !b.known)
        return 0;
    switch ((sw_type_kind)f->type.kind) {
    case SW_T_NUMBER: return a.u.n == b.u.n;
    case SW_T_SET: return a.u.bits == b.u.bits;
    case SW_T_TEXT: return strcmp(a.u.s, b.u.s) == 0;
    default: return a.u.i == b.u.i;
    }
}

/* A derived fact's value: the top-ranked true setter's, unless an undecided setter
 * that outranks it might set something else; the default when every setter is
 * false; otherwise unknown. */
static void finalize(sw_eval *ev, uint32_t slot)
{
    const sw_program *p = ev->prog;
    const sw_fact_def *f = &p->facts[slot];
    uint32_t best = SW_NONE;
    int any_unknown = 0;
    for (uint32_t k = 0; k < f->nsetters; k++) {
        uint32_t r = f->setters[k];
        if (ev->truth[r] == SW_TRUE && (best == SW_NONE || outranks(p, r, best)))
            best = r;
        any_unknown |= ev->truth[r] == SW_UNKNOWN;
    }
    if (best == SW_NONE) {
        ev->values[slot] = any_unknown || !f->has_default ? unknown() : f->deflt;
        return;
    }
    sw_value v = set_value(ev, &p->rules[best], slot);
    for (uint32_t k = 0; v.known && k < f->nsetters; k++) {
        uint32_t r = f->setters[k];
        if (ev->truth[r] == SW_UNKNOWN && outranks(p, r, best) &&
            !same_value(f, set_value(ev, &p->rules[r], slot), v))
            v = unknown();
    }
    ev->values[slot] = v;
}

/* ---- a client with many facts: every test once, then the live rules ----
 *
 * Truths are encoded here so that `and` is min and `or` is max: false 0,
 * unknown 1, true 2 (negation is 2 - x). */

static const uint8_t encode[3] = {0, 2, 1};               /* by sw_truth */
static const sw_truth decode[3] = {SW_FALSE, SW_UNKNOWN, SW_TRUE};

static inline uint8_t enc_neg(int known, int t, uint8_t neg)
{
    return known ? (uint8_t)(2 * (t ^ neg)) : 1;
}

/* Every fast node that key value `key`'s live rules need and that reads no derived
 * fact (sw_index.need), into lt (by fast node). */
static void all_tests(const sw_eval *ev, uint8_t *lt, uint32_t key)
{
    const sw_program *p = ev->prog;
    const sw_value *values = ev->values;
    const uint32_t *order = p->index.need;
    const uint32_t *g = p->index.need_group + (size_t)key * SW_NEED_GROUPS - SW_FAST_INT;
    for (uint32_t k = g[SW_FAST_INT]; k < g[SW_FAST_INT + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        const sw_value *v = &values[x->slot];
        lt[order[k]] = enc_neg(v->known, (v->u.i >= x->k.i.lo) & (v->u.i <= x->k.i.hi), x->neg);
    }
    for (uint32_t k = g[SW_FAST_NUM]; k < g[SW_FAST_NUM + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        const sw_value *v = &values[x->slot];
        double a = x->as_number ? (double)v->u.i : v->u.n;
        lt[order[k]] = enc_neg(v->known, (a >= x->k.n.lo) & (a <= x->k.n.hi), x->neg);
    }
    for (uint32_t k = g[SW_FAST_MEMBER]; k < g[SW_FAST_MEMBER + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        const sw_value *v = &values[x->slot];
        lt[order[k]] = enc_neg(v->known, v->known && (x->k.mask >> (v->u.i & 63) & 1), x->neg);
    }
    for (uint32_t k = g[SW_FAST_ALL]; k < g[SW_FAST_ALL + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        const sw_value *v = &values[x->slot];
        lt[order[k]] = enc_neg(v->known, (v->u.bits & x->k.mask) == x->k.mask, x->neg);
    }
    for (uint32_t k = g[SW_FAST_ANY]; k < g[SW_FAST_ANY + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        const sw_value *v = &values[x->slot];
        lt[order[k]] = enc_neg(v->known, (v->u.bits & x->k.mask) != 0, x->neg);
    }
    for (uint32_t k = g[SW_FAST_KNOWN]; k < g[SW_FAST_KNOWN + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        lt[order[k]] = enc_neg(1, values[x->slot].known != 0, x->neg);
    }
    for (uint32_t k = g[SW_FAST__COUNT]; k < g[SW_FAST__COUNT + 1]; k++) {
        const sw_fast *x = &p->fast[order[k]];
        uint8_t r;
        if (x->op == SW_FAST_NODE) {
            r = encode[truth_of(sw_eval_node(ev, x->k.node))];
            r = x->neg ? (uint8_t)(2 - r) : r;
        } else {
            const uint32_t *kid = p->fast_kids + x->first;
            r = lt[kid[0]];
            if (x->op == SW_FAST_AND)
                for (uint32_t i = 1; i < x->n; i++)
                    r = lt[kid[i]] < r ? lt[kid[i]] : r;
            else
                for (uint32_t i = 1; i < x->n; i++)
                    r = lt[kid[i]] > r ? lt[kid[i]] : r;
        }
        lt[order[k]] = r;
    }
}

/* A fast node in the encoding above, from lt unless it reads a derived fact. */
static uint8_t dense(const sw_eval *ev, const uint8_t *lt, uint32_t idx)
{
    const sw_program *p = ev->prog;
    if (!p->fast_derived[idx])
        return lt[idx];
    const sw_fast *x = &p->fast[idx];
    if (x->op != SW_FAST_AND && x->op != SW_FAST_OR)
        return encode[sw_eval_fast(ev, idx)];
    const uint32_t *kid = p->fast_kids + x->first;
    uint8_t r = x->op == SW_FAST_AND ? 2 : 0;
    for (uint32_t i = 0; i < x->n; i++) {
        uint8_t c = dense(ev, lt, kid[i]);
        r = x->op == SW_FAST_AND ? (c < r ? c : r) : (c > r ? c : r);
    }
    return r;
}

/* A test of one fact in the encoding above, without a branch on its op: every
 * integer test is computed and the op's one selected (the number test only for
 * NUM). The unions' other readings are plain bits, never used. T is sw_fast or
 * sw_test (program.h), which hold a test alike. */
#define SW_LEAF_ENC(values, x)                                                       \
    const sw_value *v = &(values)[(x)->slot];                                        \
    uint64_t bits = v->u.bits, mask = (x)->k.mask;                                   \
    int64_t i = v->u.i;                                                              \
    unsigned op = (x)->op;                                                           \
    int t = ((op == SW_FAST_INT) & (i >= (x)->k.i.lo) & (i <= (x)->k.i.hi)) |        \
            ((op == SW_FAST_MEMBER) & (int)(mask >> (bits & 63) & 1)) |              \
            ((op == SW_FAST_ALL) & ((bits & mask) == mask)) |                        \
            ((op == SW_FAST_ANY) & ((bits & mask) != 0)) |                           \
            ((op == SW_FAST_KNOWN) & (v->known != 0));                               \
    if (op == SW_FAST_NUM) {                                                         \
        double a = (x)->as_number ? (double)i : v->u.n;                              \
        t = (a >= (x)->k.n.lo) & (a <= (x)->k.n.hi);                                 \
    }                                                                                \
    int known = (v->known != 0) | (op == SW_FAST_KNOWN);                             \
    return (uint8_t)(known ? 2 * (t ^ (x)->neg) : 1)

static inline uint8_t leaf_enc(const sw_value *values, const sw_fast *x) { SW_LEAF_ENC(values, x); }
static inline uint8_t test_enc(const sw_value *values, const sw_test *x) { SW_LEAF_ENC(values, x); }

/* A fast node in the encoding above, computed from the values (no lt): lists as
 * min (and) or max (or) of every child, without early exits. */
static uint8_t enc_fast(const sw_eval *ev, uint32_t idx)
{
    const sw_program *p = ev->prog;
    const sw_fast *x = &p->fast[idx];
    if (x->op >= SW_FAST_INT)
        return leaf_enc(ev->values, x);
    if (x->op == SW_FAST_NODE) {
        uint8_t r = encode[truth_of(sw_eval_node(ev, x->k.node))];
        return x->neg ? (uint8_t)(2 - r) : r;
    }
    const uint32_t *kid = p->fast_kids + x->first;
    uint8_t r = x->op == SW_FAST_AND ? 2 : 0;
    for (uint32_t k = 0; k < x->n; k++) {
        const sw_fast *y = &p->fast[kid[k]];
        uint8_t c = y->op >= SW_FAST_INT ? leaf_enc(ev->values, y) : enc_fast(ev, kid[k]);
        if (x->op == SW_FAST_AND)
            r = c < r ? c : r;
        else
            r = c > r ? c : r;
    }
    return r;
}

/* A rule's truth in the encoding above: from its code when it has one (sw_index),
 * else from its fast form. */
static inline uint8_t rule_enc(const sw_eval *ev, uint32_t rule)
{
    const sw_index *ix = &ev->prog->index;
    uint32_t first = ix->code_first[rule];
    if (first == SW_NONE)
        return enc_fast(ev, ev->prog->rule_fast[rule]);
    const sw_test *c = ix->code + first;
    uint32_t n = ix->code_n[rule];
    const sw_value *values = ev->values;
    if (n & SW_CODE_OR) {
        uint8_t r = 0;
        for (uint32_t k = 0; k < (n & ~SW_CODE_OR); k++) {
            uint8_t x = test_enc(values, &c[k]);
            r = x > r ? x : r;
        }
        return r;
    }
    uint8_t r = 2;
    for (uint32_t k = 0; k < n; k++) {
        uint8_t x = test_enc(values, &c[k]);
        r = x < r ? x : r;
    }
    return r;
}

/* Marks the steps of the rules reading slot that the key value does not decide. */
static inline void mark_readers(const sw_program *p, uint64_t *marks, uint32_t slot, uint32_t key)
{
    const sw_index *ix = &p->index;
    const uint32_t *first = ix->readers_first + (size_t)key * p->nfacts + slot;
    for (uint32_t k = first[0]; k < first[1]; k++) {
        uint32_t pos = ix->readers[k];
        marks[pos >> 6] |= (uint64_t)1 << (pos & 63);
    }
}

void sw_eval_init(sw_eval *ev) { memset(ev, 0, sizeof *ev); }

sw_status sw_eval_run(sw_eval *ev, const sw_program *p, const sw_facts *f)
{
    sw_eval_init(ev);
    return sw_eval_reuse(ev, p, f);
}

/* ---- rules specialised to the key value (sw_index.spec, eval/spec.c) ---- */

/* A test in the encoding above. Ranges and member tests, nearly all of them
 * (spec.c turns a member test of consecutive members into a range), are taken
 * with one compare of the op; the rest through a switch. */
static uint8_t spec_rare(const sw_value *v, const sw_test *x)
{
    uint64_t bits = v->u.bits;
    int t;
    switch ((sw_fast_op)x->op) {
    case SW_FAST_ALL: t = (bits & x->k.mask) == x->k.mask; break;
    case SW_FAST_ANY: t = (bits & x->k.mask) != 0; break;
    case SW_FAST_KNOWN: return (uint8_t)(2 * ((v->known != 0) ^ x->neg));
    default: {
        double a = x->as_number ? (double)v->u.i : v->u.n;
        t = (a >= x->k.n.lo) & (a <= x->k.n.hi);
        break;
    }
    }
    return (uint8_t)(v->known ? 2 * (t ^ x->neg) : 1);
}

static inline uint8_t spec_test(const sw_value *values, const sw_test *x)
{
    const sw_value *v = &values[x->slot];
    int64_t i = v->u.i;
    int t;
    if (__builtin_expect(x->op == SW_FAST_INT, 1))
        t = (i >= x->k.i.lo) & (i <= x->k.i.hi);
    else if (x->op == SW_FAST_MEMBER)
        t = (int)(x->k.mask >> (i & 63) & 1);
    else
        return spec_rare(v, x);
    return (uint8_t)(v->known ? 2 * (t ^ x->neg) : 1);
}

/* A rule's truth from its step (encoded as above), not a finalisation: an and
 * or an or of single tests or of groups, stopping at the first test or group
 * that decides it. */
static inline uint8_t spec_enc(const sw_eval *ev, const sw_spec_step *st)
{
    uint32_t kind = st->n >> SW_SPEC_KIND_SHIFT;
    if (kind == SW_SPEC_FAST)
        return enc_fast(ev, ev->prog->rule_fast[st->what]);
    const sw_test *c = ev->prog->index.spec_code + st->first;
    const sw_test *end = c + (st->n & SW_SPEC_COUNT);
    const sw_value *values = ev->values;
    uint8_t r;
    switch (kind) {
    case SW_SPEC_AND1:
        for (r = 2; c < end; c++) {
            uint8_t x = spec_test(values, c);
            if (x == 0)
                return 0;
            r = x < r ? x : r;
        }
        return r;
    case SW_SPEC_OR1:
        for (r = 0; c < end; c++) {
            uint8_t x = spec_test(values, c);
            if (x == 2)
                return 2;
            r = x > r ? x : r;
        }
        return r;
    case SW_SPEC_AND:
        for (r = 2; c < end;) {
            uint8_t g = 0;
            for (;;) {
                uint8_t x = spec_test(values, c);
                g = x > g ? x : g;
                if ((c++)->end)
                    break;
            }
            if (g == 0)
                return 0;
            r = g < r ? g : r;
        }
        return r;
    default:
        for (r = 0; c < end;) {
            uint8_t g = 2;
            for (;;) {
                uint8_t x = spec_test(values, c);
                g = x < g ? x : g;
                if ((c++)->end)
                    break;
            }
            if (g == 2)
                return 2;
            r = g > r ? g : r;
        }
        return r;
    }
}

/* Rule r's truth (encoded). */
static inline void put_truth(sw_eval *ev, uint32_t r, uint8_t enc) { ev->truth[r] = (uint8_t)decode[enc]; }

/* Every step of the key value's specialised list. */
static void spec_all(sw_eval *ev, uint32_t key)
{
    const sw_index *ix = &ev->prog->index;
    const sw_spec_step *st = ix->spec + ix->spec_first[key], *end = ix->spec + ix->spec_first[key + 1];
    for (; st < end; st++) {
        if (st->n >> SW_SPEC_KIND_SHIFT == SW_SPEC_FINALIZE)
            finalize(ev, st->what & ~SW_LIVE_FINALIZE);
        else
            put_truth(ev, st->what, spec_enc(ev, st));
    }
}

static inline void spec_mark(const sw_index *ix, uint64_t *marks, size_t at)
{
    for (uint32_t k = ix->sreaders_first[at]; k < ix->sreaders_first[at + 1]; k++) {
        uint32_t pos = ix->sreaders[k];
        marks[pos >> 6] |= (uint64_t)1 << (pos & 63);
    }
}

/* The steps of the key value's list that read one of the nknown base slots in
 * ev->known, a derived fact that came out known or the assessment date, and the
 * finalisations, in order. */
static void spec_marked(sw_eval *ev, uint64_t *marks, uint32_t key, size_t nknown)
{
    const sw_program *p = ev->prog;
    const sw_index *ix = &p->index;
    const sw_spec_step *steps = ix->spec + ix->spec_first[key];
    size_t nwords = (ix->spec_first[key + 1] - ix->spec_first[key]) / 64 + 1;
    size_t row = (size_t)key * p->nfacts;
    memset(marks, 0, nwords * sizeof *marks);
    for (size_t k = 0; k < nknown; k++)
        spec_mark(ix, marks, row + ev->known[k]);
    for (uint32_t k = ix->sfinal_first[key]; k < ix->sfinal_first[key + 1]; k++)
        marks[ix->sfinal[k] >> 6] |= (uint64_t)1 << (ix->sfinal[k] & 63);
    for (uint32_t k = ix->sdated_first[key]; ev->has_today && k < ix->sdated_first[key + 1]; k++)
        marks[ix->sdated[k] >> 6] |= (uint64_t)1 << (ix->sdated[k] & 63);
    /* a finalisation marks later steps only */
    for (size_t w = 0; w < nwords; w++) {
        uint64_t m;
        while ((m = marks[w]) != 0) {
            marks[w] = m & (m - 1);
            const sw_spec_step *st = &steps[w * 64 + (size_t)__builtin_ctzll(m)];
            if (st->n >> SW_SPEC_KIND_SHIFT != SW_SPEC_FINALIZE) {
                put_truth(ev, st->what, spec_enc(ev, st));
                continue;
            }
            uint32_t slot = st->what & ~SW_LIVE_FINALIZE;
            finalize(ev, slot);
            if (ev->values[slot].known)
                spec_mark(ix, marks, row + slot);
        }
    }
}

/* fired and undecided from the truths, eight at a time (a truth is 0, 1 or 2:
 * bit 0 of each byte is true, bit 1 unknown; the multiplication gathers bit 0 of
 * the eight bytes into the top byte). */
static void bits_from_truth(sw_eval *ev)
{
    uint32_t n = ev->prog->nrules, r = 0;
    const uint64_t lsb = 0x0101010101010101u, gather = 0x0102040810204080u;
    for (; r + 64 <= n; r += 64) {
        uint64_t f = 0, u = 0;
        for (uint32_t j = 0; j < 64; j += 8) {
            uint64_t w;
            memcpy(&w, ev->truth + r + j, 8);
            f |= ((w & lsb) * gather >> 56) << j;
            u |= ((w >> 1 & lsb) * gather >> 56) << j;
        }
        ev->fired[r >> 6] = f;
        ev->undecided[r >> 6] = u;
    }
    uint64_t f = 0, u = 0;
    for (uint32_t j = 0; r + 8 <= n; r += 8, j += 8) {
        uint64_t w;
        memcpy(&w, ev->truth + r, 8);
        f |= ((w & lsb) * gather >> 56) << j;
        u |= ((w >> 1 & lsb) * gather >> 56) << j;
    }
    for (; r < n; r++) {
        f |= (uint64_t)(ev->truth[r] == SW_TRUE) << (r & 63);
        u |= (uint64_t)(ev->truth[r] == SW_UNKNOWN) << (r & 63);
    }
    ev->fired[n >> 6] = f;
    ev->undecided[n >> 6] = u;
}

/* The older paths over the key's live steps (force_path 1 and 2; 1 also when
 * the key's spec_pass says so). */
static void unspecialised(sw_eval *ev, uint64_t *marks, uint8_t *lt, uint32_t key, int pass)
{
    const sw_program *p = ev->prog;
    const sw_index *ix = &p->index;
    size_t nwords = p->nsteps / 64 + 1;
    if (pass) {
        /* every test once, then every live step */
        all_tests(ev, lt, key);
        for (uint32_t k = ix->live_first[key]; k < ix->live_first[key + 1]; k++) {
            uint32_t step = ix->live[k];
            if (step & SW_LIVE_FINALIZE)
                finalize(ev, step & ~SW_LIVE_FINALIZE);
            else
                put_truth(ev, step, dense(ev, lt, p->rule_fast[step]));
        }
        bits_from_truth(ev);
        return;
    }
    memset(marks, 0, nwords * sizeof *marks);
    for (uint32_t s = 0; s < p->nbase; s++)
        if (ev->values[s].known)
            mark_readers(p, marks, s, key);
    for (uint32_t k = 0; k < ix->nalways; k++)
        marks[ix->always[k] >> 6] |= (uint64_t)1 << (ix->always[k] & 63);
    for (uint32_t k = 0; ev->has_today && k < ix->ndated; k++)
        if (!(ix->key_decided[p->steps[ix->dated[k]].index] >> key & 1))
            marks[ix->dated[k] >> 6] |= (uint64_t)1 << (ix->dated[k] & 63);
    /* the marked steps in schedule order; a finalisation marks later steps only */
    for (size_t w = 0; w < nwords; w++) {
        uint64_t m;
        while ((m = marks[w]) != 0) {
            marks[w] = m & (m - 1);
            const sw_step *st = &p->steps[w * 64 + (size_t)__builtin_ctzll(m)];
            if (!st->finalize) {
                ev->truth[st->index] = (uint8_t)decode[rule_enc(ev, st->index)];
                continue;
            }
            finalize(ev, st->index);
            if (ev->values[st->index].known)
                mark_readers(p, marks, st->index, key);
        }
    }
    bits_from_truth(ev);
}

/* One block (ev->scratch) holds the values, the step marks, the truths as bits,
 * the list of known slots, the truths and the tests' bytes; it is kept from one
 * evaluation to the next and grows only for a larger program. */
sw_status sw_eval_reuse(sw_eval *ev, const sw_program *p, const sw_facts *f)
{
    size_t nwords = p->nsteps / 64 + 1, rwords = p->nrules / 64 + 1;
    size_t values = (p->nfacts ? p->nfacts : 1) * sizeof *ev->values;
    size_t words = (nwords + 2 * rwords) * sizeof(uint64_t);
    size_t known = ((size_t)p->nbase + 1) * sizeof(uint32_t);
    size_t need = values + words + known + p->nrules + p->nfast + 1;
    if (ev->scratch && (ev->mem.fn != p->arena.mem.fn || ev->mem.ud != p->arena.mem.ud)) {
        sw_mem_free(ev->mem, ev->scratch, ev->scratch_size); /* a program of another allocator */
        ev->scratch = NULL;
        ev->scratch_size = 0;
    }
    if (need > ev->scratch_size) {
        void *grown = sw_mem_realloc(p->arena.mem, ev->scratch, ev->scratch_size, need);
        if (!grown)
            return SW_ERR_NOMEM;
        ev->scratch = grown;
        ev->scratch_size = need;
        ev->mem = p->arena.mem;
    }
    unsigned char *block = ev->scratch;
    ev->prog = p;
    ev->facts = f;
    ev->values = (sw_value *)(void *)block;
    uint64_t *marks = (uint64_t *)(void *)(block + values);
    ev->fired = marks + nwords;
    ev->undecided = ev->fired + rwords;
    ev->known = (uint32_t *)(void *)(ev->undecided + rwords);
    ev->truth = block + values + words + known;
    uint8_t *lt = ev->truth + p->nrules;
    memcpy(ev->values, f->values, p->nbase * sizeof *ev->values);
    memset(ev->values + p->nbase, 0, (p->nfacts - p->nbase) * sizeof *ev->values);
    ev->today = f->assessed_on;
    ev->has_today = f->has_assessed_on;

    const sw_index *ix = &p->index;
    uint32_t key = ix->nkeys - 1;
    if (ix->key_slot != SW_NONE && ev->values[ix->key_slot].known)
        key = (uint32_t)ev->values[ix->key_slot].u.i;
    memcpy(ev->truth, ix->key_truth + (size_t)key * p->nrules, p->nrules);
    if (ev->force_path == 1 || ev->force_path == 2) {
        unspecialised(ev, marks, lt, key, ev->force_path == 1);
        return SW_OK;
    }
    /* the cheaper list, in units of about a quarter of a test: the whole list
     * costs its cost, the marked steps the scan of the base slots and the cost of
     * each step a known slot marks; the scan stops as soon as that is the dearer */
    uint64_t all = 4 * (uint64_t)ix->spec_cost[key];
    if (ev->force_path != 4 && (ev->force_path == 3 || p->nbase >= all)) {
        if (ix->spec_pass[key] && !ev->force_path) {
            unspecialised(ev, marks, lt, key, 1);
        } else {
            spec_all(ev, key);
            bits_from_truth(ev);
        }
        return SW_OK;
    }
    const uint32_t *cost = ix->sread_cost + (size_t)key * p->nfacts;
    uint32_t *list = ev->known;
    size_t nknown = 0;
    uint64_t marked = p->nbase;
    for (uint32_t s = 0; s < p->nbase; s += 16) {
        /* 16 slots' known flags as one word, then the known ones listed */
        uint32_t n = p->nbase - s < 16 ? p->nbase - s : 16;
        uint64_t m = 0;
        const sw_value *v = ev->values + s;
        uint32_t j = 0;
        for (; j + 8 <= n; j += 8, v += 8) {
            uint64_t b = (uint64_t)(v[0].known != 0) | (uint64_t)(v[1].known != 0) << 1 |
                         (uint64_t)(v[2].known != 0) << 2 | (uint64_t)(v[3].known != 0) << 3 |
                         (uint64_t)(v[4].known != 0) << 4 | (uint64_t)(v[5].known != 0) << 5 |
                         (uint64_t)(v[6].known != 0) << 6 | (uint64_t)(v[7].known != 0) << 7;
            m |= b << j;
        }
        for (; j < n; j++, v++)
            m |= (uint64_t)(v->known != 0) << j;
        for (; m; m &= m - 1) {
            uint32_t slot = s + (uint32_t)__builtin_ctzll(m);
            list[nknown++] = slot;
            marked += 4 * (uint64_t)cost[slot];
        }
        if (marked > all && ev->force_path != 4) {
            if (ix->spec_pass[key]) {
                unspecialised(ev, marks, lt, key, 1);
            } else {
                spec_all(ev, key);
                bits_from_truth(ev);
            }
            return SW_OK;
        }
    }
    spec_marked(ev, marks, key, nknown);
    bits_from_truth(ev);
    return SW_OK;
}

void sw_eval_free(sw_eval *ev)
{
    sw_mem_free(ev->mem, ev->scratch, ev->scratch_size); /* the block holding the values and truths */
    sw_eval_init(ev);
}
