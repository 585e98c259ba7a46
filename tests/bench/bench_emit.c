/*
 * bench_emit.c - writes the "hand-written C" side of the benchmark: the compiled
 * program as if-statements over a struct.
 *
 * The C is generated from the program rather than typed, so that it says exactly
 * what the rules say, but it is what a careful programmer would write by hand: a
 * struct with one value and one known flag per fact, and for each rule one `if`
 * whose condition is true only when the rule's condition is true under Kleene
 * logic. Each condition e is written twice, as T(e) (certainly true) and F(e)
 * (certainly false): T(a and b) = T(a) && T(b), F(a and b) = F(a) || F(b),
 * T(not a) = F(a), a comparison is true when both sides are known and it holds.
 * Derived facts are computed in the program's schedule with the same ranking of
 * setters as the engine (language.md). No unknown is ever represented at run
 * time: that is what makes it the practical limit.
 *
 * A second entry, NAME_eval_gaps, also computes the data gaps that the public
 * outputs-only level reports (see "the data gaps" below), so that outputs only
 * can be compared with generated C doing the same work.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct emitter {
    const sw_program *p;
    sw_buf *o;
    /* the data gaps (bench_emit_c's gaps variant) */
    uint32_t nslots, nwords;  /* nfacts + 1 (the last: the assessment date); words of a slot set */
    uint64_t *poss;           /* per derived slot, the slots its list can hold */
    uint8_t *poss_done;
    uint64_t *seen;           /* the slots the code being written adds unconditionally */
    int to_list;              /* 0: adds to rule `rule`'s gaps; 1: to derived slot `list`'s list */
    uint32_t rule, list;
    int once;                 /* the rule's adds are stamped (a slot could come twice) */
    size_t nsites;            /* the slots the written adds can give, counted with repeats */
} emitter;

static void e_known(emitter *e, uint32_t n);
static void e_val(emitter *e, uint32_t n);
static void e_true(emitter *e, uint32_t n);
static void e_false(emitter *e, uint32_t n);

static const sw_node *node(const emitter *e, uint32_t n) { return &e->p->nodes[n]; }

static void e_slot(emitter *e, const char *what, uint32_t slot)
{
    sw_buf_printf(e->o, "%s%s%u", slot < e->p->nbase ? "c->" : "s->", what, slot);
}

static void e_const(emitter *e, const sw_node *n)
{
    switch ((sw_type_kind)n->type) {
    case SW_T_NUMBER: {
        char t[64];
        snprintf(t, sizeof t, "%.17g", n->imm.u.n);
        sw_buf_puts(e->o, t);
        if (!strpbrk(t, ".eni"))
            sw_buf_puts(e->o, ".0");
        break;
    }
    case SW_T_SET: sw_buf_printf(e->o, "UINT64_C(0x%" PRIx64 ")", n->imm.u.bits); break;
    case SW_T_TEXT:
        sw_buf_putc(e->o, '"');
        for (const char *s = n->imm.u.s; *s; s++)
            sw_buf_printf(e->o, "\\x%02x", (unsigned char)*s);
        sw_buf_putc(e->o, '"');
        break;
    default: sw_buf_printf(e->o, "INT64_C(%" PRId64 ")", n->imm.u.i); break;
    }
}

static const char *cmp_op(uint8_t op)
{
    switch ((sw_opcode)op) {
    case SW_OP_EQ: return "==";
    case SW_OP_NE: return "!=";
    case SW_OP_LT: return "<";
    case SW_OP_LE: return "<=";
    case SW_OP_GT: return ">";
    default: return ">=";
    }
}

/* Whether node n has a value for this client. */
static void e_known(emitter *e, uint32_t idx)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: sw_buf_puts(e->o, "1"); return;
    case SW_OP_LOAD: e_slot(e, "k", n->a); return;
    case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: sw_buf_puts(e->o, "1"); return;
    case SW_OP_NOT: case SW_OP_AND: case SW_OP_OR:
        sw_buf_puts(e->o, "(");
        e_true(e, idx);
        sw_buf_puts(e->o, " || ");
        e_false(e, idx);
        sw_buf_puts(e->o, ")");
        return;
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE: case SW_OP_MONTHS_SINCE:
        sw_buf_puts(e->o, "(c->has_today && ");
        e_known(e, n->a);
        sw_buf_puts(e->o, ")");
        return;
    case SW_OP_ADD: case SW_OP_SUB: case SW_OP_MUL: case SW_OP_DIV:
        sw_buf_puts(e->o, "(");
        e_known(e, n->a);
        sw_buf_puts(e->o, " && ");
        e_known(e, n->b);
        if (n->op == SW_OP_DIV || n->numeric) {
            if (n->op == SW_OP_DIV) {
                sw_buf_puts(e->o, " && ");
                e_val(e, n->b);
                sw_buf_puts(e->o, " != 0.0");
            }
        } else {
            sw_buf_printf(e->o, " && !hc_ovf('%c', ", n->op == SW_OP_ADD ? '+' : n->op == SW_OP_SUB ? '-' : '*');
            e_val(e, n->a);
            sw_buf_puts(e->o, ", ");
            e_val(e, n->b);
            sw_buf_puts(e->o, ")");
        }
        sw_buf_puts(e->o, ")");
        return;
    case SW_OP_NEG:
        sw_buf_puts(e->o, "(");
        e_known(e, n->a);
        if (!n->numeric) {
            sw_buf_puts(e->o, " && ");
            e_val(e, n->a);
            sw_buf_puts(e->o, " != INT64_MIN");
        }
        sw_buf_puts(e->o, ")");
        return;
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE:
        sw_buf_puts(e->o, "(");
        e_known(e, n->a);
        sw_buf_puts(e->o, " && ");
        e_known(e, n->b);
        sw_buf_puts(e->o, ")");
        return;
    default:
        e_known(e, n->a);
        return;
    }
}

/* Node n's value, written as if it were known. */
static void e_val(emitter *e, uint32_t idx)
{
    const sw_node *n = node(e, idx);
    sw_buf *o = e->o;
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: e_const(e, n); return;
    case SW_OP_LOAD: e_slot(e, "f", n->a); return;
    case SW_OP_NOT: case SW_OP_AND: case SW_OP_OR: e_true(e, idx); return;
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE:
        sw_buf_puts(o, "(");
        if (!n->numeric && node(e, n->a)->type == SW_T_TEXT) {
            sw_buf_puts(o, "strcmp(");
            e_val(e, n->a);
            sw_buf_puts(o, ", ");
            e_val(e, n->b);
            sw_buf_printf(o, ") %s 0", cmp_op(n->op));
        } else {
            e_val(e, n->a);
            sw_buf_printf(o, " %s ", cmp_op(n->op));
            e_val(e, n->b);
        }
        sw_buf_puts(o, ")");
        return;
    case SW_OP_ADD: case SW_OP_SUB: case SW_OP_MUL: case SW_OP_DIV: {
        const char *op = n->op == SW_OP_ADD ? "+" : n->op == SW_OP_SUB ? "-" : n->op == SW_OP_MUL ? "*" : "/";
        if (n->numeric) {
            sw_buf_puts(o, "(");
            e_val(e, n->a);
            sw_buf_printf(o, " %s ", op);
            e_val(e, n->b);
            sw_buf_puts(o, ")");
        } else {
            sw_buf_printf(o, "(int64_t)((uint64_t)");
            e_val(e, n->a);
            sw_buf_printf(o, " %s (uint64_t)", op);
            e_val(e, n->b);
            sw_buf_puts(o, ")");
        }
        return;
    }
    case SW_OP_NEG:
        sw_buf_puts(o, n->numeric ? "(-" : "(int64_t)(0 - (uint64_t)");
        e_val(e, n->a);
        sw_buf_puts(o, ")");
        return;
    case SW_OP_TO_NUMBER:
        sw_buf_puts(o, "((double)");
        e_val(e, n->a);
        sw_buf_puts(o, ")");
        return;
    case SW_OP_IN: {
        int text = node(e, n->a)->type == SW_T_TEXT;
        sw_buf_puts(o, "(");
        for (uint32_t k = 0; k < n->nlist; k++) {
            const sw_value *c = &e->p->consts[n->list + k];
            if (k)
                sw_buf_puts(o, " || ");
            if (text) {
                sw_buf_puts(o, "!strcmp(");
                e_val(e, n->a);
                sw_node lit = *n;
                lit.type = SW_T_TEXT;
                lit.imm = *c;
                sw_buf_puts(o, ", ");
                e_const(e, &lit);
                sw_buf_puts(o, ")");
            } else {
                e_val(e, n->a);
                sw_buf_printf(o, " == INT64_C(%" PRId64 ")", c->u.i);
            }
        }
        sw_buf_puts(o, n->nlist ? ")" : "0)");
        return;
    }
    case SW_OP_CONTAINS:
        sw_buf_puts(o, "((");
        e_val(e, n->a);
        sw_buf_printf(o, " & UINT64_C(0x%" PRIx64 ")) == UINT64_C(0x%" PRIx64 "))", n->imm.u.bits,
                      n->imm.u.bits);
        return;
    case SW_OP_CONTAINS_ANY:
        sw_buf_puts(o, "((");
        e_val(e, n->a);
        sw_buf_printf(o, " & UINT64_C(0x%" PRIx64 ")) != 0)", n->imm.u.bits);
        return;
    case SW_OP_IS_KNOWN: e_known(e, n->a); return;
    case SW_OP_IS_MISSING:
        sw_buf_puts(o, "!");
        e_known(e, n->a);
        return;
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE:
        sw_buf_puts(o, n->op == SW_OP_DAYS_SINCE ? "(c->today - " : "hc_floordiv7(c->today - ");
        e_val(e, n->a);
        sw_buf_puts(o, ")");
        return;
    case SW_OP_MONTHS_SINCE:
        sw_buf_puts(o, "hc_months(");
        e_val(e, n->a);
        sw_buf_puts(o, ", c->today)");
        return;
    case SW_OP__COUNT: break;
    }
    sw_buf_puts(o, "0");
}

static void e_true(emitter *e, uint32_t idx)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_NOT: e_false(e, n->a); return;
    case SW_OP_AND: case SW_OP_OR:
        sw_buf_puts(e->o, "(");
        e_true(e, n->a);
        sw_buf_puts(e->o, n->op == SW_OP_AND ? " && " : " || ");
        e_true(e, n->b);
        sw_buf_puts(e->o, ")");
        return;
    default:
        sw_buf_puts(e->o, "(");
        e_known(e, idx);
        sw_buf_puts(e->o, " && ");
        e_val(e, idx);
        sw_buf_puts(e->o, ")");
        return;
    }
}

static void e_false(emitter *e, uint32_t idx)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_NOT: e_true(e, n->a); return;
    case SW_OP_AND: case SW_OP_OR:
        sw_buf_puts(e->o, "(");
        e_false(e, n->a);
        sw_buf_puts(e->o, n->op == SW_OP_AND ? " || " : " && ");
        e_false(e, n->b);
        sw_buf_puts(e->o, ")");
        return;
    default:
        sw_buf_puts(e->o, "(");
        e_known(e, idx);
        sw_buf_puts(e->o, " && !");
        e_val(e, idx);
        sw_buf_puts(e->o, ")");
        return;
    }
}

static const char *c_type(uint8_t kind)
{
    switch ((sw_type_kind)kind) {
    case SW_T_NUMBER: return "double";
    case SW_T_SET: return "uint64_t";
    case SW_T_TEXT: return "const char *";
    default: return "int64_t";
    }
}

static const char *value_member(uint8_t kind)
{
    switch ((sw_type_kind)kind) {
    case SW_T_NUMBER: return "n";
    case SW_T_SET: return "bits";
    case SW_T_TEXT: return "s";
    default: return "i";
    }
}

static int is_setter(const sw_program *p, uint32_t r)
{
    for (uint32_t a = 0; a < p->rules[r].nactions; a++)
        if (p->rules[r].actions[a].kind == SW_ACT_SET)
            return 1;
    return 0;
}

static uint32_t set_value_node(const sw_program *p, uint32_t r, uint32_t slot)
{
    for (uint32_t a = 0; a < p->rules[r].nactions; a++)
        if (p->rules[r].actions[a].kind == SW_ACT_SET && p->rules[r].actions[a].target == slot)
            return p->rules[r].actions[a].value;
    return SW_NONE;
}

static void e_same(emitter *e, uint8_t kind, uint32_t x, uint32_t y)
{
    if (kind == SW_T_TEXT) {
        sw_buf_puts(e->o, "!strcmp(");
        e_val(e, x);
        sw_buf_puts(e->o, ", ");
        e_val(e, y);
        sw_buf_puts(e->o, ")");
    } else {
        e_val(e, x);
        sw_buf_puts(e->o, " == ");
        e_val(e, y);
    }
}

static int outranks(const sw_program *p, uint32_t x, uint32_t y)
{
    if (p->rules[x].priority != p->rules[y].priority)
        return p->rules[x].priority > p->rules[y].priority;
    return x < y;
}

static void e_finalize(emitter *e, uint32_t slot)
{
    const sw_program *p = e->p;
    const sw_fact_def *f = &p->facts[slot];
    sw_buf *o = e->o;
    uint32_t n = f->nsetters;
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!rank) {
        o->failed = 1;
        return;
    }
    memcpy(rank, f->setters, n * sizeof *rank);
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && outranks(p, rank[j], rank[j - 1]); j--) {
            uint32_t t = rank[j];
            rank[j] = rank[j - 1];
            rank[j - 1] = t;
        }
    sw_buf_printf(o, "    /* derived %s */\n    ", f->name);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t vi = set_value_node(p, rank[i], slot);
        sw_buf_printf(o, "if (s->rt%u) {\n        s->k%u = ", rank[i], slot);
        e_known(e, vi);
        for (uint32_t j = 0; j < i; j++) {
            uint32_t vj = set_value_node(p, rank[j], slot);
            sw_buf_printf(o, "\n            && (s->rf%u || (", rank[j]);
            e_known(e, vj);
            sw_buf_puts(o, " && ");
            e_same(e, f->type.kind, vj, vi);
            sw_buf_puts(o, "))");
        }
        sw_buf_printf(o, ";\n        s->f%u = ", slot);
        e_val(e, vi);
        sw_buf_puts(o, ";\n    } else ");
    }
    sw_buf_printf(o, "{\n        s->k%u = %d", slot, f->has_default);
    for (uint32_t j = 0; j < n; j++)
        sw_buf_printf(o, " && s->rf%u", rank[j]);
    sw_buf_printf(o, ";\n        s->f%u = ", slot);
    if (f->has_default) {
        sw_node lit;
        memset(&lit, 0, sizeof lit);
        lit.type = f->type.kind;
        lit.imm = f->deflt;
        e_const(e, &lit);
    } else {
        sw_buf_puts(o, "0");
    }
    sw_buf_puts(o, ";\n    }\n");
    free(rank);
}

/* ---- the data gaps ----
 *
 * The gaps variant (NAME_eval_gaps) computes what the public outputs-only level
 * reports as data gaps (engine/report/result_gaps.c, docs/result-format.md): for
 * every undecided rule (neither T(cond) nor F(cond)), the missing facts behind its
 * condition, each once per rule, walked as gaps_of walks it: only the unknown
 * parts of the condition; an unknown base fact read is a gap; an unknown derived
 * fact gives the gaps of its undecided setters and of the unknown values of its
 * fired setters, or itself when no setter explains it (a list made once per
 * client, when first needed); `days/weeks/months since` without an assessment
 * date gives the assessment date (slot nfacts); `is known` and `is missing` give
 * nothing.
 *
 * Written as a programmer would for these rules: after the evaluation, one `if`
 * per rule in rule order on its undecided bit, then straight-line code. Below the
 * `and`s, `or`s and `not`s, a test with none inside is unknown exactly when a fact
 * it reads is (or the date it needs is missing), so its gaps are `if (!known)
 * add` per fact it reads, unguarded; under an unknown `and` every part is unknown
 * or true, so an `and` inside it needs no check either, and only a junction of
 * the other kind (`or` under `and`, through any `not`s) is guarded by whether it
 * is known. A slot the code adds unconditionally is not written again below it.
 * The adds of a rule are stamped (each slot once) only when two of them could
 * give the same slot. */

#define SET_HAS(set, i) ((set)[(i) >> 6] >> ((i) & 63) & 1)
#define SET_ADD(set, i) ((set)[(i) >> 6] |= (uint64_t)1 << ((i) & 63))

static size_t set_count(const emitter *e, const uint64_t *set)
{
    size_t n = 0;
    for (uint32_t w = 0; w < e->nwords; w++)
        n += (size_t)__builtin_popcountll(set[w]);
    return n;
}

static void poss_derived(emitter *e, uint32_t slot);

/* The slots node's gaps can hold, whatever the client, into set. */
static void poss_node(emitter *e, uint32_t idx, uint64_t *set)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: return;
    case SW_OP_LOAD:
        if (n->a < e->p->nbase) {
            SET_ADD(set, n->a);
        } else {
            poss_derived(e, n->a);
            for (uint32_t w = 0; w < e->nwords; w++)
                set[w] |= e->poss[(size_t)n->a * e->nwords + w];
        }
        return;
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE: case SW_OP_MONTHS_SINCE:
        SET_ADD(set, e->nslots - 1);
        break;
    default: break;
    }
    poss_node(e, n->a, set);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV)
        poss_node(e, n->b, set);
}

/* The slots derived `slot`'s list can hold: itself, and its setters' gaps. */
static void poss_derived(emitter *e, uint32_t slot)
{
    if (e->poss_done[slot])
        return;
    e->poss_done[slot] = 1;   /* derived facts have no cycles (the checker) */
    const sw_program *p = e->p;
    uint64_t *set = calloc(e->nwords, sizeof *set);
    if (!set) {
        e->o->failed = 1;
        return;
    }
    SET_ADD(set, slot);
    const sw_fact_def *f = &p->facts[slot];
    for (uint32_t k = 0; k < f->nsetters; k++) {
        const sw_rule_def *r = &p->rules[f->setters[k]];
        poss_node(e, r->cond, set);
        for (uint32_t a = 0; a < r->nactions; a++)
            if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot)
                poss_node(e, r->actions[a].value, set);
    }
    memcpy(e->poss + (size_t)slot * e->nwords, set, e->nwords * sizeof *set);
    free(set);
}

/* Whether node is a test whose value is unknown exactly when a fact it reads is:
 * no `and` or `or` inside (below `is known` and `is missing` anything goes). */
static int g_strict(const emitter *e, uint32_t idx)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: case SW_OP_LOAD: return 1;
    case SW_OP_AND: case SW_OP_OR: return 0;
    default: break;
    }
    return g_strict(e, n->a) && (!(n->op >= SW_OP_AND && n->op <= SW_OP_DIV) || g_strict(e, n->b));
}

static void g_add(emitter *e, const char *slot)
{
    if (e->to_list)
        sw_buf_printf(e->o, "HC_DADD(%u, %s);", e->list, slot);
    else
        sw_buf_printf(e->o, "%s(%s, %u);", e->once ? "HC_ADD1" : "HC_ADD", slot, e->rule);
}

/* An add of slot when it is unknown (slot nslots - 1: when there is no date). */
static void g_site(emitter *e, uint32_t slot)
{
    if (SET_HAS(e->seen, slot))
        return;
    SET_ADD(e->seen, slot);
    char t[16];
    snprintf(t, sizeof t, "%u", slot);
    if (slot == e->nslots - 1) {
        sw_buf_puts(e->o, "        if (!c->has_today) ");
        g_add(e, t);
        sw_buf_puts(e->o, "\n");
        e->nsites++;
    } else if (slot < e->p->nbase) {
        sw_buf_printf(e->o, "        if (!c->k%u) ", slot);
        g_add(e, t);
        sw_buf_puts(e->o, "\n");
        e->nsites++;
    } else {
        /* a derived fact: its list, made once per client (ready already when
         * this is a list being made: hc_dg makes its setters' first) */
        sw_buf_printf(e->o, "        if (!s->k%u) {\n", slot);
        if (!e->to_list)
            sw_buf_printf(e->o, "            if (!gs->dd%u)\n                hc_dg%u(c, s, gs, g);\n", slot, slot);
        sw_buf_printf(e->o, "            for (uint32_t k_ = 0; k_ < gs->dn%u; k_++)\n                ", slot);
        snprintf(t, sizeof t, "gs->dl%u[k_]", slot);
        g_add(e, t);
        sw_buf_puts(e->o, "\n        }\n");
        e->nsites += set_count(e, e->poss + (size_t)slot * e->nwords);
    }
}

/* A strict test's sites: every fact it reads, the date when it needs one. */
static void g_test(emitter *e, uint32_t idx)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: return;
    case SW_OP_LOAD: g_site(e, n->a); return;
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE: case SW_OP_MONTHS_SINCE: g_site(e, e->nslots - 1); break;
    default: break;
    }
    g_test(e, n->a);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV)
        g_test(e, n->b);
}

static void g_gaps(emitter *e, uint32_t idx, int neg, int kind);

/* `if (node is unknown) { its gaps }`, its adds not seen outside. */
static void g_guarded(emitter *e, uint32_t idx, int neg, int kind)
{
    uint64_t *outer = e->seen, *inner = malloc(e->nwords * sizeof *inner);
    if (!inner) {
        e->o->failed = 1;
        return;
    }
    memcpy(inner, outer, e->nwords * sizeof *inner);
    e->seen = inner;
    sw_buf_puts(e->o, "        if (!");
    e_known(e, idx);
    sw_buf_puts(e->o, ") {\n");
    g_gaps(e, idx, neg, kind);
    sw_buf_puts(e->o, "        }\n");
    e->seen = outer;
    free(inner);
}

/* The gaps of a node that is unknown, or, under an unguarded junction of its own
 * kind, true as a part of an `and` (false as a part of an `or`) and so without
 * gaps. kind: the effective kind (1 `and`, 0 `or`) of the junction above, -1 at
 * the top of what is known to be unknown. */
static void g_gaps(emitter *e, uint32_t idx, int neg, int kind)
{
    const sw_node *n = node(e, idx);
    if (n->op == SW_OP_NOT) {
        g_gaps(e, n->a, !neg, kind);
        return;
    }
    if (n->op == SW_OP_AND || n->op == SW_OP_OR) {
        int k = (n->op == SW_OP_AND) ^ neg;
        if (kind >= 0 && k != kind) {
            g_guarded(e, idx, neg, -1);
            return;
        }
        g_gaps(e, n->a, neg, k);
        g_gaps(e, n->b, neg, k);
        return;
    }
    if (g_strict(e, idx)) {
        g_test(e, idx);
        return;
    }
    /* a test with an `and` or `or` inside: walked as gaps_of walks it */
    switch ((sw_opcode)n->op) {
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE: case SW_OP_MONTHS_SINCE: g_site(e, e->nslots - 1); break;
    default: break;
    }
    g_guarded(e, n->a, 0, -1);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV)
        g_guarded(e, n->b, 0, -1);
}

/* Whether a condition is one junction kind (through any `not`s) over tests with
 * no `and` or `or` inside, as the engine's plans are (result_gaps.c): its gaps are
 * then the unknown facts it reads. Notes the base facts it reads in slots, and
 * whether it reads a derived fact or the assessment date. */
static int g_plan(const emitter *e, uint32_t idx, int neg, int *junction, int in_test, uint64_t *slots, int *dated,
                  int *derived)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: return 1;
    case SW_OP_LOAD:
        if (n->a < e->p->nbase)
            SET_ADD(slots, n->a);
        else
            *derived = 1;
        return 1;
    case SW_OP_NOT: return g_plan(e, n->a, !neg, junction, in_test, slots, dated, derived);
    case SW_OP_AND: case SW_OP_OR: {
        int kind = (n->op == SW_OP_AND) ^ neg;
        if (in_test || (*junction >= 0 && *junction != kind))
            return 0;
        *junction = kind;
        return g_plan(e, n->a, neg, junction, 0, slots, dated, derived) &&
               g_plan(e, n->b, neg, junction, 0, slots, dated, derived);
    }
    case SW_OP_DAYS_SINCE: case SW_OP_WEEKS_SINCE: case SW_OP_MONTHS_SINCE: *dated = 1; break;
    default: break;
    }
    if (!g_plan(e, n->a, neg, junction, 1, slots, dated, derived))
        return 0;
    return !(n->op >= SW_OP_AND && n->op <= SW_OP_DIV) || g_plan(e, n->b, neg, junction, 1, slots, dated, derived);
}

/* The derived facts a node reads (outside `is known` and `is missing`). */
static void g_reads(const emitter *e, uint32_t idx, uint64_t *set)
{
    const sw_node *n = node(e, idx);
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST: case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: return;
    case SW_OP_LOAD:
        if (n->a >= e->p->nbase)
            SET_ADD(set, n->a);
        return;
    default: break;
    }
    g_reads(e, n->a, set);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV)
        g_reads(e, n->b, set);
}

/* A rule's gaps (when undecided), adds stamped or not: counts the sites. */
static void g_rule(emitter *e, uint32_t r)
{
    memset(e->seen, 0, e->nwords * sizeof *e->seen);
    e->to_list = 0;
    e->rule = r;
    e->nsites = 0;
    g_gaps(e, e->p->rules[r].cond, 0, -1);
}

/* hc_dgS: derived slot S's list, for the client of this call. */
static void g_derived_fn(emitter *e, uint32_t slot, const char *name)
{
    const sw_program *p = e->p;
    const sw_fact_def *f = &p->facts[slot];
    sw_buf *o = e->o;
    sw_buf_printf(o, "/* why derived %s is unknown */\n"
                     "static void hc_dg%u(const %s_client *c, const %s_state *s, %s_gstate *gs, bench_gaps *g)\n{\n"
                     "    gs->dd%u = 1;\n    gs->dn%u = 0;\n",
                  f->name, slot, name, name, name, slot, slot);
    uint64_t *reads = calloc(e->nwords, sizeof *reads);
    if (!reads) {
        o->failed = 1;
        return;
    }
    for (uint32_t k = 0; k < f->nsetters; k++) {
        const sw_rule_def *r = &p->rules[f->setters[k]];
        g_reads(e, r->cond, reads);
        for (uint32_t a = 0; a < r->nactions; a++)
            if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot)
                g_reads(e, r->actions[a].value, reads);
    }
    for (uint32_t d = p->nbase; d < p->nfacts; d++)
        if (SET_HAS(reads, d))
            sw_buf_printf(o, "    if (!s->k%u && !gs->dd%u)\n        hc_dg%u(c, s, gs, g);\n", d, d, d);
    free(reads);
    sw_buf_puts(o, "    uint32_t dep = hc_epoch(g->dmark, &g->depoch);\n    int found = 0;\n");
    e->to_list = 1;
    e->list = slot;
    for (uint32_t k = 0; k < f->nsetters; k++) {
        uint32_t ri = f->setters[k];
        const sw_rule_def *r = &p->rules[ri];
        sw_buf_printf(o, "    /* %s */\n    if (!s->rt%u && !s->rf%u) {\n        found = 1;\n", r->id, ri, ri);
        memset(e->seen, 0, e->nwords * sizeof *e->seen);
        g_gaps(e, r->cond, 0, -1);
        sw_buf_printf(o, "    } else if (s->rt%u) {\n", ri);
        for (uint32_t a = 0; a < r->nactions; a++) {
            if (r->actions[a].kind != SW_ACT_SET || r->actions[a].target != slot)
                continue;
            sw_buf_puts(o, "        if (!");
            e_known(e, r->actions[a].value);
            sw_buf_puts(o, ") {\n        found = 1;\n");
            memset(e->seen, 0, e->nwords * sizeof *e->seen);
            g_gaps(e, r->actions[a].value, 0, -1);
            sw_buf_puts(o, "        }\n");
        }
        sw_buf_puts(o, "    }\n");
    }
    sw_buf_printf(o, "    if (!found)\n        HC_DADD(%u, %u);\n}\n\n", slot, slot);
}

/* The bound on (slot, rule) pairs of one client: each rule's possible slots. */
static size_t g_max_pairs(emitter *e, uint64_t *set)
{
    size_t total = 0;
    for (uint32_t r = 0; r < e->p->nrules; r++) {
        memset(set, 0, e->nwords * sizeof *set);
        poss_node(e, e->p->rules[r].cond, set);
        total += set_count(e, set);
    }
    return total;
}

static int g_init(emitter *e)
{
    e->nslots = e->p->nfacts + 1;
    e->nwords = e->nslots / 64 + 1;
    e->poss = calloc((size_t)e->p->nfacts * e->nwords + 1, sizeof *e->poss);
    e->poss_done = calloc(e->p->nfacts + 1, 1);
    e->seen = calloc(e->nwords, sizeof *e->seen);
    if (!e->poss || !e->poss_done || !e->seen) {
        e->o->failed = 1;
        return 0;
    }
    for (uint32_t d = e->p->nbase; d < e->p->nfacts; d++)
        poss_derived(e, d);
    return 1;
}

static void g_free(emitter *e)
{
    free(e->poss);
    free(e->poss_done);
    free(e->seen);
}

uint32_t bench_emit_max_pairs(const sw_program *p)
{
    sw_buf scratch = SW_BUF_INIT;
    emitter e;
    memset(&e, 0, sizeof e);
    e.p = p;
    e.o = &scratch;
    size_t n = 0;
    if (g_init(&e)) {
        uint64_t *set = calloc(e.nwords, sizeof *set);
        if (set)
            n = g_max_pairs(&e, set);
        free(set);
    }
    g_free(&e);
    sw_buf_free(&scratch);
    return (uint32_t)n;
}

#define STEPS_PER_CHUNK 200u

#define RULES_PER_PASS 200u

/* The gaps variant: its state, the derived facts' lists, the passes over the
 * undecided rules and NAME_eval_gaps. chunks: the gchunks written. */
static void emit_gaps(emitter *e, const char *name, uint32_t chunks)
{
    const sw_program *p = e->p;
    sw_buf *o = e->o;
    if (!g_init(e))
        return;
    sw_buf_printf(o, "/* ---- the data gaps (bench_emit.c) ---- */\n\n"
                     "#define HC_NSLOTS %uu\n"
                     "static inline uint32_t hc_epoch(uint32_t *mark, uint32_t *epoch)\n{\n"
                     "    if (++*epoch == 0) {\n        memset(mark, 0, HC_NSLOTS * sizeof *mark);\n        *epoch = 1;\n    }\n"
                     "    return *epoch;\n}\n"
                     "/* rule r waits on slot */\n"
                     "#define HC_ADD(S_, R_) do { uint32_t s_ = (S_); if (g->count[s_]++ == 0) g->touched[g->ntouched++] = s_;"
                     " g->pairs[g->npairs].slot = s_; g->pairs[g->npairs++].rule = (R_); } while (0)\n"
                     "/* ... once: the rule's stamp is ep */\n"
                     "#define HC_ADD1(S_, R_) do { uint32_t t_ = (S_); if (g->mark[t_] != ep) { g->mark[t_] = ep;"
                     " HC_ADD(t_, R_); } } while (0)\n"
                     "/* derived D_'s list holds slot S_, once: the list's stamp is dep */\n"
                     "#define HC_DADD(D_, S_) do { uint32_t t_ = (S_); if (g->dmark[t_] != dep) { g->dmark[t_] = dep;"
                     " gs->dl##D_[gs->dn##D_++] = t_; } } while (0)\n\n",
                  e->nslots);
    sw_buf_printf(o, "typedef struct %s_gstate {\n    int unused;\n", name);
    for (uint32_t d = p->nbase; d < p->nfacts; d++) {
        size_t cap = set_count(e, e->poss + (size_t)d * e->nwords);
        sw_buf_printf(o, "    uint8_t dd%u;\n    uint32_t dn%u, dl%u[%zu]; /* %s */\n", d, d, d, cap, p->facts[d].name);
    }
    sw_buf_printf(o, "} %s_gstate;\n\n", name);
    for (uint32_t d = p->nbase; d < p->nfacts; d++)
        sw_buf_printf(o, "static void hc_dg%u(const %s_client *c, const %s_state *s, %s_gstate *gs, bench_gaps *g);\n", d,
                      name, name, name);
    sw_buf_puts(o, "\n");
    for (uint32_t d = p->nbase; d < p->nfacts; d++)
        g_derived_fn(e, d, name);
    /* most rules: a list of the base facts they read (a table); the others,
     * straight-line code in a switch */
    uint64_t *set = calloc(e->nwords, sizeof *set);
    uint8_t *table = calloc(p->nrules + 1, 1);
    if (!set || !table) {
        o->failed = 1;
        free(set);
        free(table);
        return;
    }
    sw_buf slots = SW_BUF_INIT, first = SW_BUF_INIT, kinds = SW_BUF_INIT;
    uint32_t nslots = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        memset(set, 0, e->nwords * sizeof *set);
        int junction = -1, dated = 0, derived = 0;
        if (g_plan(e, p->rules[r].cond, 0, &junction, 0, set, &dated, &derived) && !derived)
            table[r] = (uint8_t)(1 | (dated ? 2 : 0));
        sw_buf_printf(&first, "%s%u", r ? ", " : "", nslots);
        sw_buf_printf(&kinds, "%s%u", r ? ", " : "", table[r]);
        for (uint32_t k = 0; table[r] && k < p->nbase; k++)
            if (SET_HAS(set, k))
                sw_buf_printf(&slots, "%s%u", nslots++ ? ", " : "", k);
        if (r % 16 == 15) {
            sw_buf_puts(&first, "\n   ");
            sw_buf_puts(&kinds, "\n   ");
        }
    }
    sw_buf_printf(o, "/* per rule: 1 its gaps are the unknown facts in hc_slots[hc_first[r] .. hc_first[r + 1]),\n"
                     " * | 2 and the assessment date when there is none; 0 its gaps are code (hc_code) */\n"
                     "static const uint8_t hc_kind[%u] = {%s};\nstatic const uint32_t hc_first[%u] = {%s, %u};\n"
                     "static const uint32_t hc_slots[%u] = {%s};\n\n",
                  p->nrules + 1, p->nrules ? kinds.data : "0", p->nrules + 1, p->nrules ? first.data : "0", nslots,
                  nslots + 1, nslots ? slots.data : "0");
    sw_buf_free(&slots);
    sw_buf_free(&first);
    sw_buf_free(&kinds);
    sw_buf scratch = SW_BUF_INIT;
    uint32_t passes = 0;
    for (uint32_t from = 0; from < p->nrules; from += RULES_PER_PASS, passes++) {
        sw_buf_printf(o, "static void hc_code%u(const %s_client *c, const %s_state *s, %s_gstate *gs, bench_gaps *g, "
                         "uint32_t r)\n{\n    switch (r) {\n",
                      passes, name, name, name);
        for (uint32_t r = from; r < p->nrules && r < from + RULES_PER_PASS; r++) {
            if (table[r])
                continue;
            /* a dry run counts the sites: stamped when two could give one slot */
            e->o = &scratch;
            e->once = 1;
            g_rule(e, r);
            e->o = o;
            memset(set, 0, e->nwords * sizeof *set);
            poss_node(e, p->rules[r].cond, set);
            e->once = e->nsites > set_count(e, set);
            sw_buf_printf(o, "    case %u: { /* %s */\n", r, p->rules[r].id);
            if (e->once)
                sw_buf_puts(o, "        uint32_t ep = hc_epoch(g->mark, &g->epoch);\n");
            g_rule(e, r);
            sw_buf_puts(o, "        break;\n    }\n");
            scratch.len = 0;
        }
        sw_buf_puts(o, "    }\n}\n\n");
    }
    free(set);
    free(table);
    sw_buf_free(&scratch);
    sw_buf_printf(o, "static void hc_gaps(const %s_client *c, const %s_state *s, %s_gstate *gs, bench_gaps *g, "
                     "const uint64_t *und)\n{\n"
                     "    uint32_t *count = g->count, *touched = g->touched, nt = g->ntouched, np = g->npairs;\n"
                     "    bench_gap_pair *pairs = g->pairs;\n"
                     "    for (uint32_t w = 0; w < %uu; w++)\n"
                     "        for (uint64_t m = und[w]; m; m &= m - 1) {\n"
                     "            uint32_t r = w * 64 + (uint32_t)__builtin_ctzll(m);\n"
                     "            if (hc_kind[r]) {\n"
                     "                for (uint32_t k = hc_first[r]; k < hc_first[r + 1]; k++) {\n"
                     "                    uint32_t slot = hc_slots[k];\n"
                     "                    if (!c->known[slot]) {\n"
                     "                        if (count[slot]++ == 0)\n"
                     "                            touched[nt++] = slot;\n"
                     "                        pairs[np].slot = slot;\n"
                     "                        pairs[np++].rule = r;\n"
                     "                    }\n"
                     "                }\n"
                     "                if ((hc_kind[r] & 2) && !c->has_today) {\n"
                     "                    if (count[%u]++ == 0)\n"
                     "                        touched[nt++] = %u;\n"
                     "                    pairs[np].slot = %u;\n"
                     "                    pairs[np++].rule = r;\n"
                     "                }\n"
                     "                continue;\n"
                     "            }\n"
                     "            g->ntouched = nt;\n            g->npairs = np;\n"
                     "            switch (r / %uu) {\n",
                  name, name, name, p->nrules / 64 + 1, p->nfacts, p->nfacts, p->nfacts, RULES_PER_PASS);
    for (uint32_t k = 0; k < passes; k++)
        sw_buf_printf(o, "            case %u: hc_code%u(c, s, gs, g, r); break;\n", k, k);
    sw_buf_puts(o, "            }\n            nt = g->ntouched;\n            np = g->npairs;\n        }\n"
                   "    g->ntouched = nt;\n    g->npairs = np;\n}\n\n");
    sw_buf_printf(o, "void %s_eval_gaps(const void *cv, uint64_t *fired, uint64_t *und, bench_gaps *g);\n"
                     "void %s_eval_gaps(const void *cv, uint64_t *fired, uint64_t *und, bench_gaps *g)\n{\n"
                     "    const %s_client *c = cv;\n    %s_state st;\n    memset(&st, 0, sizeof st);\n"
                     "    %s_gstate gs;\n",
                  name, name, name, name, name);
    for (uint32_t d = p->nbase; d < p->nfacts; d++)
        sw_buf_printf(o, "    gs.dd%u = 0;\n", d);
    sw_buf_puts(o, "    for (uint32_t k = 0; k < g->ntouched; k++)\n        g->count[g->touched[k]] = 0;\n"
                   "    g->ntouched = 0;\n    g->npairs = 0;\n");
    for (uint32_t k = 0; k < chunks; k++)
        sw_buf_printf(o, "    gchunk%u(c, &st, fired, und);\n", k);
    sw_buf_puts(o, "    hc_gaps(c, &st, &gs, g, und);\n");
    sw_buf_puts(o, "}\n");
    g_free(e);
}

void bench_emit_c(const sw_program *p, const char *name, sw_buf *o)
{
    emitter e;
    memset(&e, 0, sizeof e);
    e.p = p;
    e.o = o;
    sw_buf_printf(o, "/* %s.c - generated by bench_emit_c from the compiled rule set: do not edit. */\n", name);
    sw_buf_puts(o, "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"facts/facts.h\"\n#include \"bench.h\"\n\n");
    sw_buf_puts(o, "static inline int hc_ovf(char op, int64_t a, int64_t b)\n{\n    int64_t r;\n"
                   "    return op == '+' ? __builtin_add_overflow(a, b, &r) : op == '-' ? "
                   "__builtin_sub_overflow(a, b, &r) : __builtin_mul_overflow(a, b, &r);\n}\n"
                   "static inline int64_t hc_floordiv7(int64_t a)\n{\n"
                   "    return a / 7 - (a % 7 != 0 && a < 0);\n}\n\n");
    /* months since: the engine's sw_date_months_between (lang/value.c), restated */
    sw_buf_puts(o, "static int64_t hc_civil(int64_t y, int64_t m, int64_t d)\n{\n"
                   "    y -= m <= 2;\n    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;\n"
                   "    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;\n"
                   "    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;\n}\n"
                   "static void hc_ymd(int64_t z, int64_t *y, int64_t *m, int64_t *d)\n{\n"
                   "    z += 719468;\n    int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;\n"
                   "    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;\n"
                   "    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;\n"
                   "    *d = doy - (153 * mp + 2) / 5 + 1;\n    *m = mp + (mp < 10 ? 3 : -9);\n"
                   "    *y = yoe + era * 400 + (*m <= 2);\n}\n"
                   "static int64_t hc_add_months(int64_t y, int64_t m, int64_t d, int64_t k)\n{\n"
                   "    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};\n"
                   "    int64_t t = y * 12 + (m - 1) + k, ny = t >= 0 ? t / 12 : -((-t + 11) / 12);\n"
                   "    int64_t nm = t - ny * 12 + 1;\n"
                   "    int64_t last = md[nm - 1] + (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0));\n"
                   "    return hc_civil(ny, nm, d < last ? d : last);\n}\n"
                   "static double hc_months(int64_t from, int64_t to)\n{\n"
                   "    int64_t y, m, d, ty, tm, td;\n    hc_ymd(from, &y, &m, &d);\n    hc_ymd(to, &ty, &tm, &td);\n"
                   "    int64_t k = (ty * 12 + tm) - (y * 12 + m);\n"
                   "    while (hc_add_months(y, m, d, k) > to)\n        k--;\n"
                   "    while (hc_add_months(y, m, d, k + 1) <= to)\n        k++;\n"
                   "    int64_t lo = hc_add_months(y, m, d, k), hi = hc_add_months(y, m, d, k + 1);\n"
                   "    (void)td;\n    return (double)k + (double)(to - lo) / (double)(hi - lo);\n}\n\n");
    sw_buf_printf(o, "typedef struct %s_client {\n    int64_t today;\n    int has_today;\n", name);
    for (uint32_t s = 0; s < p->nbase; s++)
        sw_buf_printf(o, "    uint8_t k%u;\n    %s f%u; /* %s */\n", s, c_type(p->facts[s].type.kind), s,
                      p->facts[s].name);
    /* the known flags again, by slot: the data gaps' fact lists read them */
    sw_buf_printf(o, "    uint8_t known[%u];\n} %s_client;\n\ntypedef struct %s_state {\n    int unused;\n", p->nbase + 1,
                  name, name);
    for (uint32_t s = p->nbase; s < p->nfacts; s++)
        sw_buf_printf(o, "    uint8_t k%u;\n    %s f%u; /* %s */\n", s, c_type(p->facts[s].type.kind), s,
                      p->facts[s].name);
    for (uint32_t r = 0; r < p->nrules; r++)
        if (is_setter(p, r))
            sw_buf_printf(o, "    uint8_t rt%u, rf%u; /* %s */\n", r, r, p->rules[r].id);
    sw_buf_printf(o, "} %s_state;\n\n", name);

    sw_buf_printf(o, "void *%s_new(void);\nvoid *%s_new(void) { return calloc(1, sizeof(%s_client)); }\n\n",
                  name, name, name);
    sw_buf_printf(o, "void %s_load(void *cv, const sw_facts *f);\nvoid %s_load(void *cv, const sw_facts *f)\n{\n"
                     "    %s_client *c = cv;\n    c->today = f->assessed_on;\n    c->has_today = f->has_assessed_on;\n",
                  name, name, name);
    for (uint32_t s = 0; s < p->nbase; s++)
        sw_buf_printf(o, "    c->k%u = c->known[%u] = f->values[%u].known;\n    c->f%u = f->values[%u].u.%s;\n", s, s, s,
                      s, s, value_member(p->facts[s].type.kind));
    sw_buf_puts(o, "}\n\n");

    uint32_t chunks = 0;
    for (int gaps = 0; gaps <= 1; gaps++) {
        chunks = 0;
        for (uint32_t first = 0; first < p->nsteps; first += STEPS_PER_CHUNK, chunks++) {
            if (gaps)
                sw_buf_printf(o, "static void gchunk%u(const %s_client *c, %s_state *s, uint64_t *fired, uint64_t *und)\n{\n"
                                 "    (void)c; (void)s; (void)fired; (void)und;\n",
                              chunks, name, name);
            else
                sw_buf_printf(o, "static void chunk%u(const %s_client *c, %s_state *s, uint64_t *fired)\n{\n"
                                 "    (void)c; (void)s; (void)fired;\n",
                              chunks, name, name);
            for (uint32_t k = first; k < p->nsteps && k < first + STEPS_PER_CHUNK; k++) {
                const sw_step *st = &p->steps[k];
                if (st->finalize) {
                    e_finalize(&e, st->index);
                    continue;
                }
                uint32_t r = st->index;
                sw_buf_printf(o, "    /* %s */\n", p->rules[r].id);
                if (is_setter(p, r)) {
                    sw_buf_printf(o, "    s->rt%u = ", r);
                    e_true(&e, p->rules[r].cond);
                    sw_buf_printf(o, ";\n    s->rf%u = !s->rt%u && ", r, r);
                    e_false(&e, p->rules[r].cond);
                    sw_buf_printf(o, ";\n    if (s->rt%u)\n", r);
                } else {
                    sw_buf_puts(o, "    if (");
                    e_true(&e, p->rules[r].cond);
                    sw_buf_puts(o, ")\n");
                }
                sw_buf_printf(o, "        fired[%u] |= UINT64_C(1) << %u;\n", r >> 6, r & 63);
                if (gaps && is_setter(p, r)) {
                    sw_buf_printf(o, "    else if (!s->rf%u)\n        und[%u] |= UINT64_C(1) << %u;\n", r, r >> 6, r & 63);
                } else if (gaps) {
                    sw_buf_puts(o, "    else if (!");
                    e_false(&e, p->rules[r].cond);
                    sw_buf_printf(o, ")\n        und[%u] |= UINT64_C(1) << %u;\n", r >> 6, r & 63);
                }
            }
            sw_buf_puts(o, "}\n\n");
        }
        if (gaps)
            break;
        sw_buf_printf(o, "void %s_eval(const void *cv, uint64_t *fired);\nvoid %s_eval(const void *cv, uint64_t *fired)\n{\n"
                         "    const %s_client *c = cv;\n    %s_state st;\n    memset(&st, 0, sizeof st);\n",
                      name, name, name, name);
        for (uint32_t k = 0; k < chunks; k++)
            sw_buf_printf(o, "    chunk%u(c, &st, fired);\n", k);
        sw_buf_puts(o, "}\n\n");
    }
    emit_gaps(&e, name, chunks);
}
