/*
 * bench_clips.c - the CLIPS side of the benchmark: the compiled program
 * translated into CLIPS 6.30 constructs, loaded once into an environment through
 * Debian's libclips-dev C API, and run per client (reset, assert the client's
 * facts, run, collect the rules that fired).
 *
 * Three-valued logic maps onto CLIPS's closed world this way: a known fact is an
 * ordered fact (f_housing m_rough_sleeping), an unknown one is absent. Each
 * condition e is translated twice, as T(e) (certainly true) and F(e) (certainly
 * false), into conditional elements: T(a and b) = (and T(a) T(b)), F(a and b) =
 * (or F(a) F(b)), T(not a) = F(a), T(x is v) = (f_x m_v), F(x is v) = (f_x ~m_v),
 * T(x is missing) = (not (f_x $?)); other comparisons bind the facts they read
 * and test. A rule (defrule rN T(cond) => (assert (fired N))) fires exactly when
 * the engine's rule is true. Derived facts follow the engine's semantics
 * (language.md): setters assert (fired N), (sf N) when false and (sv D N value);
 * one finalising rule per setter rank asserts (f_D value) when that setter is the
 * top-ranked true one and no undecided setter above it might set another value,
 * and one asserts the default when every setter is false. Salience orders setters
 * before finalisers before readers, in the program's schedule.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clips.h>

#include "bench.h"
#include "facts/facts.h"

struct bench_clips {
    void *env;
    const sw_program *p;
    void **tmpl;          /* per base slot: its implied deftemplate, or NULL */
    void *today_tmpl;
    void *fired_tmpl;
    void ***members;      /* per enumeration: a symbol per member */
    void *sym_true, *sym_false;
};

typedef struct tr {
    const sw_program *p;
    sw_buf *o;
    sw_buf *err;
    int failed;
} tr;

static const sw_node *nd(const tr *t, uint32_t n) { return &t->p->nodes[n]; }

static void unsupported(tr *t, uint32_t n, const char *what)
{
    if (!t->failed)
        sw_buf_printf(t->err, "cannot translate to CLIPS: %s (node %u, op %u)", what, n, nd(t, n)->op);
    t->failed = 1;
}

static void rel(tr *t, uint32_t slot) { sw_buf_printf(t->o, "f_%s", t->p->facts[slot].name); }

static int is_set(const tr *t, uint32_t slot) { return t->p->facts[slot].type.kind == SW_T_SET; }

static void var(tr *t, uint32_t slot) { sw_buf_printf(t->o, "%s?s%u", is_set(t, slot) ? "$" : "", slot); }

static const sw_enum *enum_of(const tr *t, uint32_t slot)
{
    return &t->p->enums[t->p->facts[slot].type.enumeration];
}

static void text_lit(sw_buf *o, const char *s)
{
    sw_buf_putc(o, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sw_buf_putc(o, '\\');
        sw_buf_putc(o, *s);
    }
    sw_buf_putc(o, '"');
}

/* A constant of the given type (slot: the fact it is compared with, for enums). */
static void constant(tr *t, uint8_t type, sw_value v, uint32_t enumeration)
{
    switch ((sw_type_kind)type) {
    case SW_T_BOOL: sw_buf_puts(t->o, v.u.i ? "TRUE" : "FALSE"); break;
    case SW_T_NUMBER: {
        char b[64];
        snprintf(b, sizeof b, "%.17g", v.u.n);
        sw_buf_puts(t->o, b);
        if (!strpbrk(b, ".e"))
            sw_buf_puts(t->o, ".0");
        break;
    }
    case SW_T_ENUM: sw_buf_printf(t->o, "m_%s", t->p->enums[enumeration].members[v.u.i]); break;
    case SW_T_TEXT: text_lit(t->o, v.u.s); break;
    case SW_T_SET: sw_buf_puts(t->o, "?unsupported"); t->failed = 1; break;
    default: sw_buf_printf(t->o, "%" PRId64, v.u.i); break;
    }
}

/* ---- generic: bind what a subexpression reads, then test it ---- */

typedef struct reads {
    uint64_t *slots;   /* bitset over facts */
    int today;
    int failed;
} reads;

static void collect(tr *t, uint32_t n, reads *r)
{
    const sw_node *x = nd(t, n);
    switch ((sw_opcode)x->op) {
    case SW_OP_CONST: return;
    case SW_OP_LOAD: r->slots[x->a >> 6] |= (uint64_t)1 << (x->a & 63); return;
    case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: r->failed = 1; return;
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE: case SW_OP_MONTHS_SINCE: r->today = 1; break;
    default: break;
    }
    collect(t, x->a, r);
    if (x->op >= SW_OP_AND && x->op <= SW_OP_DIV)
        collect(t, x->b, r);
}

/* The enumeration of a one-of or stage fact read by node n, else SW_NONE. */
static uint32_t enum_index(const tr *t, uint32_t n)
{
    const sw_node *x = nd(t, n);
    return x->op == SW_OP_LOAD && t->p->facts[x->a].type.kind == SW_T_ENUM
               ? t->p->facts[x->a].type.enumeration
               : SW_NONE;
}

static void value(tr *t, uint32_t n, uint32_t enumeration);

static const char *clips_cmp(uint8_t op, int symbolic)
{
    switch ((sw_opcode)op) {
    case SW_OP_EQ: return symbolic ? "eq" : "=";
    case SW_OP_NE: return symbolic ? "neq" : "<>";
    case SW_OP_LT: return "<";
    case SW_OP_LE: return "<=";
    case SW_OP_GT: return ">";
    default: return ">=";
    }
}

/* The enumeration a comparison's operands share, from whichever side is a fact. */
static uint32_t shared_enum(const tr *t, const sw_node *x)
{
    uint32_t e = enum_index(t, x->a);
    return e != SW_NONE ? e : enum_index(t, x->b);
}

static void value(tr *t, uint32_t n, uint32_t enumeration)
{
    const sw_node *x = nd(t, n);
    sw_buf *o = t->o;
    switch ((sw_opcode)x->op) {
    case SW_OP_CONST: constant(t, x->type, x->imm, enumeration); return;
    case SW_OP_LOAD: var(t, x->a); return;
    case SW_OP_NOT: sw_buf_puts(o, "(not "); value(t, x->a, SW_NONE); sw_buf_puts(o, ")"); return;
    case SW_OP_AND: case SW_OP_OR:
        sw_buf_puts(o, x->op == SW_OP_AND ? "(and " : "(or ");
        value(t, x->a, SW_NONE);
        sw_buf_putc(o, ' ');
        value(t, x->b, SW_NONE);
        sw_buf_putc(o, ')');
        return;
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE: {
        uint8_t k = nd(t, x->a)->type;
        int symbolic = !x->numeric && (k == SW_T_ENUM || k == SW_T_BOOL || k == SW_T_TEXT);
        if (symbolic && x->op != SW_OP_EQ && x->op != SW_OP_NE) {
            unsupported(t, n, "an ordered comparison of values that are not numbers");
            return;
        }
        uint32_t e = k == SW_T_ENUM ? shared_enum(t, x) : SW_NONE;
        sw_buf_printf(o, "(%s ", clips_cmp(x->op, symbolic));
        value(t, x->a, e);
        sw_buf_putc(o, ' ');
        value(t, x->b, e);
        sw_buf_putc(o, ')');
        return;
    }
    case SW_OP_ADD: case SW_OP_SUB: case SW_OP_MUL: case SW_OP_DIV:
        sw_buf_printf(o, "(%c ", x->op == SW_OP_ADD ? '+' : x->op == SW_OP_SUB ? '-' : x->op == SW_OP_MUL ? '*' : '/');
        value(t, x->a, SW_NONE);
        sw_buf_putc(o, ' ');
        value(t, x->b, SW_NONE);
        sw_buf_putc(o, ')');
        return;
    case SW_OP_NEG: sw_buf_puts(o, "(* -1 "); value(t, x->a, SW_NONE); sw_buf_puts(o, ")"); return;
    case SW_OP_TO_NUMBER: sw_buf_puts(o, "(float "); value(t, x->a, SW_NONE); sw_buf_puts(o, ")"); return;
    case SW_OP_IN: {
        const sw_node *a = nd(t, x->a);
        uint32_t e = enum_index(t, x->a);
        sw_buf_puts(o, "(or FALSE FALSE");
        for (uint32_t k = 0; k < x->nlist; k++) {
            sw_buf_printf(o, " (%s ", a->type == SW_T_INT ? "=" : "eq");
            value(t, x->a, SW_NONE);
            sw_buf_putc(o, ' ');
            constant(t, a->type, t->p->consts[x->list + k], e);
            sw_buf_putc(o, ')');
        }
        sw_buf_putc(o, ')');
        return;
    }
    case SW_OP_CONTAINS: case SW_OP_CONTAINS_ANY: {
        const sw_node *a = nd(t, x->a);
        if (a->op != SW_OP_LOAD) {
            unsupported(t, n, "contains on an expression");
            return;
        }
        const sw_enum *e = enum_of(t, a->a);
        sw_buf_puts(o, x->op == SW_OP_CONTAINS ? "(and TRUE TRUE" : "(or FALSE FALSE");
        for (uint32_t m = 0; m < e->nmembers; m++)
            if (x->imm.u.bits >> m & 1) {
                sw_buf_printf(o, " (member$ m_%s ", e->members[m]);
                var(t, a->a);
                sw_buf_putc(o, ')');
            }
        sw_buf_putc(o, ')');
        return;
    }
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE:
        sw_buf_puts(o, x->op == SW_OP_DAYS_SINCE ? "(- ?today " : "(floordiv7 (- ?today ");
        value(t, x->a, SW_NONE);
        sw_buf_puts(o, x->op == SW_OP_DAYS_SINCE ? ")" : "))");
        return;
    default: unsupported(t, n, "this operation"); return;
    }
}

/* Divisors that must not be zero for the value to be defined. */
static void defined(tr *t, uint32_t n)
{
    const sw_node *x = nd(t, n);
    if (x->op == SW_OP_CONST || x->op == SW_OP_LOAD)
        return;
    if (x->op == SW_OP_DIV) {
        sw_buf_puts(t->o, " (<> ");
        value(t, x->b, SW_NONE);
        sw_buf_puts(t->o, " 0)");
    }
    defined(t, x->a);
    if (x->op >= SW_OP_AND && x->op <= SW_OP_DIV)
        defined(t, x->b);
}

/* (and (f_x ?sX) ... [(assessed_on ?today)] (test (and TRUE defined... [not] value))) */
static void generic(tr *t, uint32_t n, int negate)
{
    uint32_t nf = t->p->nfacts;
    reads r = {calloc(nf / 64 + 1, sizeof(uint64_t)), 0, 0};
    if (!r.slots) {
        t->failed = 1;
        return;
    }
    collect(t, n, &r);
    if (r.failed) {
        unsupported(t, n, "is known or is missing inside a computed expression");
        free(r.slots);
        return;
    }
    sw_buf_puts(t->o, "(and");
    for (uint32_t s = 0; s < nf; s++)
        if (r.slots[s >> 6] >> (s & 63) & 1) {
            sw_buf_puts(t->o, " (");
            rel(t, s);
            sw_buf_putc(t->o, ' ');
            var(t, s);
            sw_buf_putc(t->o, ')');
        }
    if (r.today)
        sw_buf_puts(t->o, " (assessed_on ?today)");
    sw_buf_puts(t->o, " (test (and TRUE TRUE");
    defined(t, n);
    sw_buf_puts(t->o, negate ? " (not " : " ");
    value(t, n, SW_NONE);
    sw_buf_puts(t->o, negate ? "))))" : ")))");
    free(r.slots);
}

/* ---- conditional elements for leaves CLIPS matches directly ---- */

/* (f_x m_a|m_b) for the members in mask (a one-of or stage fact). */
static void members_ce(tr *t, uint32_t slot, uint64_t mask)
{
    const sw_enum *e = enum_of(t, slot);
    if (!mask) {
        sw_buf_puts(t->o, "(test (eq 1 0))");
        return;
    }
    sw_buf_puts(t->o, "(");
    rel(t, slot);
    sw_buf_putc(t->o, ' ');
    int first = 1;
    for (uint32_t m = 0; m < e->nmembers; m++)
        if (mask >> m & 1) {
            sw_buf_printf(t->o, "%sm_%s", first ? "" : "|", e->members[m]);
            first = 0;
        }
    sw_buf_puts(t->o, ")");
}

static uint64_t all_members(const tr *t, uint32_t slot)
{
    uint32_t n = enum_of(t, slot)->nmembers;
    return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

static int holds(uint8_t op, int64_t a, int64_t b)
{
    switch ((sw_opcode)op) {
    case SW_OP_EQ: return a == b;
    case SW_OP_NE: return a != b;
    case SW_OP_LT: return a < b;
    case SW_OP_LE: return a <= b;
    case SW_OP_GT: return a > b;
    default: return a >= b;
    }
}

static uint8_t swapped(uint8_t op)
{
    switch ((sw_opcode)op) {
    case SW_OP_LT: return SW_OP_GT;
    case SW_OP_LE: return SW_OP_GE;
    case SW_OP_GT: return SW_OP_LT;
    case SW_OP_GE: return SW_OP_LE;
    default: return op;
    }
}

static uint8_t negated(uint8_t op)
{
    switch ((sw_opcode)op) {
    case SW_OP_EQ: return SW_OP_NE;
    case SW_OP_NE: return SW_OP_EQ;
    case SW_OP_LT: return SW_OP_GE;
    case SW_OP_LE: return SW_OP_GT;
    case SW_OP_GT: return SW_OP_LE;
    default: return SW_OP_LT;
    }
}

/* Strips a conversion to number around a fact. */
static uint32_t bare(const tr *t, uint32_t n)
{
    const sw_node *x = nd(t, n);
    return x->op == SW_OP_TO_NUMBER && nd(t, x->a)->op == SW_OP_LOAD ? x->a : n;
}

/* x OP c with x a fact and c a constant: 1 when written. */
static int compare_ce(tr *t, uint32_t n, int negate)
{
    const sw_node *x = nd(t, n);
    uint32_t a = bare(t, x->a), b = bare(t, x->b);
    uint8_t op = x->op;
    if (nd(t, a)->op == SW_OP_CONST && nd(t, b)->op == SW_OP_LOAD) {
        uint32_t s = a;
        a = b;
        b = s;
        op = swapped(op);
    }
    const sw_node *fa = nd(t, a), *cb = nd(t, b);
    if (fa->op != SW_OP_LOAD || cb->op != SW_OP_CONST)
        return 0;
    if (negate)
        op = negated(op);
    uint32_t slot = fa->a;
    const sw_type *ty = &t->p->facts[slot].type;
    switch ((sw_type_kind)ty->kind) {
    case SW_T_ENUM: {
        uint64_t mask = 0;
        for (uint32_t m = 0; m < enum_of(t, slot)->nmembers; m++)
            mask |= (uint64_t)holds(op, m, cb->imm.u.i) << m;
        members_ce(t, slot, mask);
        return 1;
    }
    case SW_T_BOOL: case SW_T_TEXT:
        if (op != SW_OP_EQ && op != SW_OP_NE)
            return 0;
        sw_buf_puts(t->o, "(");
        rel(t, slot);
        sw_buf_puts(t->o, op == SW_OP_NE ? " ~" : " ");
        constant(t, ty->kind, cb->imm, SW_NONE);
        sw_buf_puts(t->o, ")");
        return 1;
    case SW_T_INT: case SW_T_NUMBER: case SW_T_DATE:
        sw_buf_puts(t->o, "(");
        rel(t, slot);
        sw_buf_printf(t->o, " ?s%u&:(%s ?s%u ", slot, clips_cmp(op, 0), slot);
        constant(t, cb->type, cb->imm, SW_NONE);
        sw_buf_puts(t->o, "))");
        return 1;
    default:
        return 0;
    }
}

static void ce_true(tr *t, uint32_t n);
static void ce_false(tr *t, uint32_t n);

static void ce(tr *t, uint32_t n, int negate)
{
    const sw_node *x = nd(t, n);
    sw_buf *o = t->o;
    switch ((sw_opcode)x->op) {
    case SW_OP_CONST:
        sw_buf_puts(o, (x->imm.u.i != 0) != negate ? "(test (eq 1 1))" : "(test (eq 1 0))");
        return;
    case SW_OP_NOT: negate ? ce_true(t, x->a) : ce_false(t, x->a); return;
    case SW_OP_AND: case SW_OP_OR:
        sw_buf_puts(o, (x->op == SW_OP_AND) != negate ? "(and " : "(or ");
        ce(t, x->a, negate);
        sw_buf_putc(o, ' ');
        ce(t, x->b, negate);
        sw_buf_putc(o, ')');
        return;
    case SW_OP_LOAD:
        sw_buf_puts(o, "(");
        rel(t, x->a);
        sw_buf_puts(o, negate ? " FALSE)" : " TRUE)");
        return;
    case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: {
        const sw_node *a = nd(t, x->a);
        if (a->op != SW_OP_LOAD) {
            unsupported(t, n, "is known of an expression");
            return;
        }
        int present = (x->op == SW_OP_IS_KNOWN) != negate;
        sw_buf_puts(o, present ? "(" : "(not (");
        rel(t, a->a);
        sw_buf_puts(o, present ? " $?)" : " $?))");
        return;
    }
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE:
        if (!compare_ce(t, n, negate))
            generic(t, n, negate);
        return;
    case SW_OP_IN: {
        const sw_node *a = nd(t, x->a);
        if (a->op == SW_OP_LOAD && a->type == SW_T_ENUM) {
            uint64_t mask = 0;
            for (uint32_t k = 0; k < x->nlist; k++)
                mask |= (uint64_t)1 << t->p->consts[x->list + k].u.i;
            members_ce(t, a->a, negate ? all_members(t, a->a) & ~mask : mask);
            return;
        }
        if (a->op == SW_OP_LOAD && x->nlist) {
            sw_buf_puts(o, "(");
            rel(t, a->a);
            sw_buf_putc(o, ' ');
            for (uint32_t k = 0; k < x->nlist; k++) {
                sw_buf_puts(o, k ? (negate ? "&~" : "|") : (negate ? "~" : ""));
                constant(t, a->type, t->p->consts[x->list + k], SW_NONE);
            }
            sw_buf_puts(o, ")");
            return;
        }
        generic(t, n, negate);
        return;
    }
    case SW_OP_CONTAINS: case SW_OP_CONTAINS_ANY: {
        const sw_node *a = nd(t, x->a);
        if (a->op != SW_OP_LOAD) {
            generic(t, n, negate);
            return;
        }
        sw_buf_puts(o, "(");
        rel(t, a->a);
        sw_buf_printf(o, " $?s%u&:%s", a->a, negate ? "(not " : "");
        value(t, n, SW_NONE);
        sw_buf_puts(o, negate ? "))" : ")");
        return;
    }
    default:
        generic(t, n, negate);
        return;
    }
}

static void ce_true(tr *t, uint32_t n) { ce(t, n, 0); }
static void ce_false(tr *t, uint32_t n) { ce(t, n, 1); }

/* ---- the whole program ---- */

static int outranks(const sw_program *p, uint32_t x, uint32_t y)
{
    if (p->rules[x].priority != p->rules[y].priority)
        return p->rules[x].priority > p->rules[y].priority;
    return x < y;
}

static int is_setter(const sw_program *p, uint32_t r)
{
    for (uint32_t a = 0; a < p->rules[r].nactions; a++)
        if (p->rules[r].actions[a].kind == SW_ACT_SET)
            return 1;
    return 0;
}

#define SALIENCE(level) (9000 - 10 * (int)(level))

static void translate_rule(tr *t, uint32_t r, unsigned level, sw_buf *facts)
{
    const sw_program *p = t->p;
    const sw_rule_def *rule = &p->rules[r];
    sw_buf_printf(t->o, "(defrule r%u (declare (salience %d))\n  ", r, SALIENCE(level));
    ce_true(t, rule->cond);
    sw_buf_printf(t->o, "\n  => (assert (fired %u)))\n", r);
    if (!is_setter(p, r))
        return;
    sw_buf_printf(t->o, "(defrule r%u_f (declare (salience %d))\n  ", r, SALIENCE(level));
    ce_false(t, rule->cond);
    sw_buf_printf(t->o, "\n  => (assert (sf %u)))\n", r);
    for (uint32_t a = 0; a < rule->nactions; a++) {
        const sw_action *act = &rule->actions[a];
        if (act->kind != SW_ACT_SET)
            continue;
        const sw_node *v = nd(t, act->value);
        uint32_t e = p->facts[act->target].type.kind == SW_T_ENUM ? p->facts[act->target].type.enumeration : SW_NONE;
        if (v->op == SW_OP_CONST) {
            sw_buf *keep = t->o;
            t->o = facts;
            sw_buf_printf(facts, " (sv %u %u ", act->target, r);
            constant(t, v->type, v->imm, e);
            sw_buf_puts(facts, ")");
            t->o = keep;
        } else if (v->type == SW_T_BOOL) {
            for (int truth = 1; truth >= 0; truth--) {
                sw_buf_printf(t->o, "(defrule r%u_v%u_%d (declare (salience %d))\n  ", r, act->target, truth,
                              SALIENCE(level));
                ce(t, act->value, !truth);
                sw_buf_printf(t->o, "\n  => (assert (sv %u %u %s)))\n", act->target, r, truth ? "TRUE" : "FALSE");
            }
        } else {
            sw_buf_printf(t->o, "(defrule r%u_v%u (declare (salience %d))\n  ", r, act->target, SALIENCE(level));
            reads rd = {calloc(p->nfacts / 64 + 1, sizeof(uint64_t)), 0, 0};
            if (!rd.slots) {
                t->failed = 1;
                return;
            }
            collect(t, act->value, &rd);
            sw_buf_puts(t->o, "(and (test (eq 1 1))");
            for (uint32_t s = 0; s < p->nfacts; s++)
                if (rd.slots[s >> 6] >> (s & 63) & 1) {
                    sw_buf_puts(t->o, " (");
                    rel(t, s);
                    sw_buf_putc(t->o, ' ');
                    var(t, s);
                    sw_buf_putc(t->o, ')');
                }
            if (rd.today)
                sw_buf_puts(t->o, " (assessed_on ?today)");
            sw_buf_puts(t->o, " (test (and TRUE TRUE");
            defined(t, act->value);
            sw_buf_printf(t->o, ")))\n  => (assert (sv %u %u ", act->target, r);
            value(t, act->value, e);
            sw_buf_puts(t->o, ")))\n");
            free(rd.slots);
        }
    }
}

static void translate_finalizer(tr *t, uint32_t slot, unsigned level, sw_buf *facts)
{
    const sw_program *p = t->p;
    const sw_fact_def *f = &p->facts[slot];
    uint32_t n = f->nsetters;
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!rank) {
        t->failed = 1;
        return;
    }
    memcpy(rank, f->setters, n * sizeof *rank);
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && outranks(p, rank[j], rank[j - 1]); j--) {
            uint32_t x = rank[j];
            rank[j] = rank[j - 1];
            rank[j - 1] = x;
        }
    for (uint32_t i = 0; i < n; i++) {
        sw_buf_printf(t->o, "(defrule fin%u_%u (declare (salience %d))\n  (fired %u) (sv %u %u ?v)", slot, i,
                      SALIENCE(level), rank[i], slot, rank[i]);
        for (uint32_t j = 0; j < i; j++)
            sw_buf_printf(t->o, "\n  (not (fired %u)) (not (and (not (sf %u)) (not (sv %u %u ?v))))", rank[j],
                          rank[j], slot, rank[j]);
        sw_buf_puts(t->o, "\n  => (assert (");
        rel(t, slot);
        sw_buf_puts(t->o, " ?v)))\n");
    }
    if (f->has_default) {
        uint32_t e = f->type.kind == SW_T_ENUM ? f->type.enumeration : SW_NONE;
        sw_buf *out = n ? t->o : facts;
        if (n) {
            sw_buf_printf(out, "(defrule fin%u_default (declare (salience %d))\n  (test (eq 1 1))", slot, SALIENCE(level));
            for (uint32_t j = 0; j < n; j++)
                sw_buf_printf(out, " (sf %u)", rank[j]);
            sw_buf_puts(out, "\n  => (assert (");
        } else {
            sw_buf_puts(out, " (");
        }
        sw_buf *keep = t->o;
        t->o = out;
        rel(t, slot);
        sw_buf_putc(out, ' ');
        constant(t, f->type.kind, f->deflt, e);
        t->o = keep;
        sw_buf_puts(out, n ? ")))\n" : ")");
    }
    free(rank);
}

/* The level of each step: rules reading no derived fact are level 0; a finaliser
 * comes after its setters, a reader after the finalisers it reads. */
static void translate(tr *t)
{
    const sw_program *p = t->p;
    unsigned *fin_level = calloc(p->nfacts + 1, sizeof *fin_level);
    unsigned *rule_level = calloc(p->nrules + 1, sizeof *rule_level);
    sw_buf facts = SW_BUF_INIT;
    if (!fin_level || !rule_level) {
        t->failed = 1;
        goto done;
    }
    sw_buf_puts(t->o, "(deffunction floordiv7 (?x) (if (>= ?x 0) then (div ?x 7) else (- 0 (div (+ (- 0 ?x) 6) 7))))\n");
    sw_buf_puts(&facts, "(deffacts constants (fired -1)");
    for (uint32_t k = 0; k < p->nsteps && !t->failed; k++) {
        const sw_step *st = &p->steps[k];
        if (st->finalize) {
            unsigned level = 0;
            const sw_fact_def *f = &p->facts[st->index];
            for (uint32_t i = 0; i < f->nsetters; i++)
                if (rule_level[f->setters[i]] + 1 > level)
                    level = rule_level[f->setters[i]] + 1;
            fin_level[st->index] = level;
            translate_finalizer(t, st->index, level, &facts);
        } else {
            const sw_rule_def *r = &p->rules[st->index];
            unsigned level = 0;
            for (uint32_t i = 0; i < r->nreads; i++)
                if (r->reads[i] >= p->nbase && fin_level[r->reads[i]] + 1 > level)
                    level = fin_level[r->reads[i]] + 1;
            rule_level[st->index] = level;
            translate_rule(t, st->index, level, &facts);
        }
    }
    sw_buf_puts(&facts, ")\n");
    sw_buf_append(t->o, facts.data, facts.len);
done:
    sw_buf_free(&facts);
    free(fin_level);
    free(rule_level);
}

/* ---- the environment ---- */

/* Loads every construct of text (one per top-level parenthesis) with EnvBuild. */
static int build_all(void *env, const char *text, sw_buf *err)
{
    size_t len = strlen(text), start = 0;
    int depth = 0, in_string = 0;
    char *one = malloc(len + 1);
    if (!one)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"')
            in_string = 1;
        else if (c == '(' && depth++ == 0)
            start = i;
        else if (c == ')' && --depth == 0) {
            memcpy(one, text + start, i + 1 - start);
            one[i + 1 - start] = '\0';
            if (!EnvBuild(env, one)) {
                sw_buf_printf(err, "CLIPS refused: %.300s", one);
                free(one);
                return 0;
            }
        }
    }
    free(one);
    return 1;
}

static void *keep_symbol(void *env, const char *s)
{
    void *sym = EnvAddSymbol(env, s);
    IncrementSymbolCount(sym);
    return sym;
}

bench_clips *bench_clips_new(const sw_program *p, sw_buf *err, sw_buf *construct_text)
{
    sw_buf text = SW_BUF_INIT;
    tr t = {p, &text, err, 0};
    translate(&t);
    if (t.failed || text.failed) {
        sw_buf_free(&text);
        return NULL;
    }
    bench_clips *c = calloc(1, sizeof *c);
    if (!c || !(c->env = CreateEnvironment())) {
        free(c);
        sw_buf_free(&text);
        return NULL;
    }
    c->p = p;
    int ok = build_all(c->env, text.data, err);
    if (construct_text)
        sw_buf_append(construct_text, text.data, text.len);
    sw_buf_free(&text);
    c->tmpl = calloc(p->nbase + 1, sizeof *c->tmpl);
    c->members = calloc(p->nenums + 1, sizeof *c->members);
    if (!ok || !c->tmpl || !c->members) {
        bench_clips_free(c);
        return NULL;
    }
    for (uint32_t s = 0; s < p->nbase; s++) {
        char name[512];
        snprintf(name, sizeof name, "f_%s", p->facts[s].name);
        c->tmpl[s] = EnvFindDeftemplate(c->env, name);
    }
    c->today_tmpl = EnvFindDeftemplate(c->env, "assessed_on");
    c->fired_tmpl = EnvFindDeftemplate(c->env, "fired");
    c->sym_true = keep_symbol(c->env, "TRUE");
    c->sym_false = keep_symbol(c->env, "FALSE");
    for (uint32_t e = 0; e < p->nenums; e++) {
        c->members[e] = calloc(p->enums[e].nmembers + 1, sizeof(void *));
        if (!c->members[e]) {
            bench_clips_free(c);
            return NULL;
        }
        for (uint32_t m = 0; m < p->enums[e].nmembers; m++) {
            char name[512];
            snprintf(name, sizeof name, "m_%s", p->enums[e].members[m]);
            c->members[e][m] = keep_symbol(c->env, name);
        }
    }
    return c;
}

static void assert_fact(bench_clips *c, void *tmpl, void *mf, long n)
{
    struct fact *f = EnvCreateFact(c->env, tmpl);
    DATA_OBJECT d;
    SetType(d, MULTIFIELD);
    SetValue(d, mf);
    SetDOBegin(d, 1);
    SetDOEnd(d, n);
    EnvPutFactSlot(c->env, f, NULL, &d);
    EnvAssert(c->env, f);
}

int bench_clips_eval(bench_clips *c, const sw_facts *facts, bench_out *o)
{
    const sw_program *p = c->p;
    void *env = c->env;
    EnvReset(env);
    for (uint32_t s = 0; s < p->nbase; s++) {
        const sw_value *v = &facts->values[s];
        if (!v->known || !c->tmpl[s])
            continue;
        const sw_type *ty = &p->facts[s].type;
        if (ty->kind == SW_T_SET) {
            long n = __builtin_popcountll(v->u.bits), k = 1;
            void *mf = EnvCreateMultifield(env, n);
            for (uint32_t m = 0; m < 64; m++)
                if (v->u.bits >> m & 1) {
                    SetMFType(mf, k, SYMBOL);
                    SetMFValue(mf, k, c->members[ty->enumeration][m]);
                    k++;
                }
            assert_fact(c, c->tmpl[s], mf, n);
            continue;
        }
        void *mf = EnvCreateMultifield(env, 1);
        switch ((sw_type_kind)ty->kind) {
        case SW_T_BOOL:
            SetMFType(mf, 1, SYMBOL);
            SetMFValue(mf, 1, v->u.i ? c->sym_true : c->sym_false);
            break;
        case SW_T_ENUM:
            SetMFType(mf, 1, SYMBOL);
            SetMFValue(mf, 1, c->members[ty->enumeration][v->u.i]);
            break;
        case SW_T_NUMBER:
            SetMFType(mf, 1, FLOAT);
            SetMFValue(mf, 1, EnvAddDouble(env, v->u.n));
            break;
        case SW_T_TEXT:
            SetMFType(mf, 1, STRING);
            SetMFValue(mf, 1, EnvAddSymbol(env, v->u.s));
            break;
        default:
            SetMFType(mf, 1, INTEGER);
            SetMFValue(mf, 1, EnvAddLong(env, v->u.i));
            break;
        }
        assert_fact(c, c->tmpl[s], mf, 1);
    }
    if (facts->has_assessed_on && c->today_tmpl) {
        void *mf = EnvCreateMultifield(env, 1);
        SetMFType(mf, 1, INTEGER);
        SetMFValue(mf, 1, EnvAddLong(env, facts->assessed_on));
        assert_fact(c, c->today_tmpl, mf, 1);
    }
    EnvRun(env, -1);
    bench_out_clear(o);
    for (void *f = EnvGetNextFact(env, NULL); f; f = EnvGetNextFact(env, f)) {
        if (EnvFactDeftemplate(env, f) != c->fired_tmpl)
            continue;
        DATA_OBJECT d;
        EnvGetFactSlot(env, f, NULL, &d);
        void *mf = GetValue(d);
        long long r = ValueToLong(GetMFValue(mf, GetDOBegin(d)));
        if (r >= 0 && r < (long long)p->nrules)
            BENCH_FIRE(o, (uint32_t)r);
    }
    return 1;
}

void bench_clips_free(bench_clips *c)
{
    if (!c)
        return;
    if (c->env)
        DestroyEnvironment(c->env);
    if (c->members)
        for (uint32_t e = 0; e < c->p->nenums; e++)
            free(c->members[e]);
    free(c->members);
    free(c->tmpl);
    free(c);
}
