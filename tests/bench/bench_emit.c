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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct emitter {
    const sw_program *p;
    sw_buf *o;
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

#define STEPS_PER_CHUNK 200u

void bench_emit_c(const sw_program *p, const char *name, sw_buf *o)
{
    emitter e = {p, o};
    sw_buf_printf(o, "/* %s.c - generated by bench_emit_c from the compiled rule set: do not edit. */\n", name);
    sw_buf_puts(o, "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"facts/facts.h\"\n\n");
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
    sw_buf_printf(o, "} %s_client;\n\ntypedef struct %s_state {\n    int unused;\n", name, name);
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
        sw_buf_printf(o, "    c->k%u = f->values[%u].known;\n    c->f%u = f->values[%u].u.%s;\n", s, s, s, s,
                      value_member(p->facts[s].type.kind));
    sw_buf_puts(o, "}\n\n");

    uint32_t chunks = 0;
    for (uint32_t first = 0; first < p->nsteps; first += STEPS_PER_CHUNK, chunks++) {
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
        }
        sw_buf_puts(o, "}\n\n");
    }
    sw_buf_printf(o, "void %s_eval(const void *cv, uint64_t *fired);\nvoid %s_eval(const void *cv, uint64_t *fired)\n{\n"
                     "    const %s_client *c = cv;\n    %s_state st;\n    memset(&st, 0, sizeof st);\n",
                  name, name, name, name);
    for (uint32_t k = 0; k < chunks; k++)
        sw_buf_printf(o, "    chunk%u(c, &st, fired);\n", k);
    sw_buf_puts(o, "}\n");
}
