/*
 * lint.c - static analysis of a checked rule set (see lint.h, docs/lint.md).
 *
 * The rule set is parsed, checked and compiled exactly as for loading; lint then
 * reasons over the typed syntax tree, which keeps every span for file:line:col.
 *
 * Conditions are read in the engine's own logic: a rule fires only when its
 * condition is true, so each condition is turned into the ways it can be true, a
 * disjunction of conjunctions of atoms (negation pushed into the atoms, which
 * Kleene logic allows: `not (x < 5)` is true exactly when x is known and >= 5). An
 * atom constrains one variable: a fact, or an expression such as `days since d`
 * compared with a literal. Per variable the atoms of a conjunction are intersected
 * with the declared range or enumeration: intervals and excluded points for
 * numbers and dates, member masks for one-of facts, stages and booleans, required
 * and forbidden members for sets, known or missing for anything. Other
 * comparisons are opaque atoms that only contradict their own negation.
 *
 * The reasoning is sound but not complete: what it calls impossible is impossible,
 * and what it cannot decide it leaves alone, so it never reports a rule that could
 * fire as dead. Contradiction and overlap findings say two conditions are not
 * provably exclusive.
 *
 * A risk rule must stay undecided when a fact it tests is missing: a `x is known`
 * guard beside a test of x makes it false instead, and is reported (L018).
 *
 * A derived fact no rule that can fire sets is always unknown, or always its
 * default; that is fed back until nothing changes, so a chain of dead rules is
 * found whole.
 *
 * Stage authoring/ - the clinical leads' tools: lint, fmt, scenario tests and
 * guidance coverage.
 * May use: every stage up to audit/. (tests/layout checks it.)
 */
#include "authoring/lint.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/diag.h"
#include "authoring/fmt.h"
#include "check/front.h"
#include "check/model.h"
#include "compile/compile.h"
#include "eval/index.h"
#include "lang/truth.h"
#include "lang/value.h"
#include "compile/value_text.h"
#include "util/grow.h"

const sw_lint_code sw_lint_codes[] = {
    {"L001", "part of a condition can never be true"},
    {"L002", "rule can never fire"},
    {"L003", "comparison always true when the fact is known"},
    {"L004", "rule made redundant by another rule with the same actions"},
    {"L005", "rule without citations"},
    {"L006", "derived fact read but never set by a rule that can fire"},
    {"L007", "rules that can both fire move to different stages"},
    {"L008", "rules that can both fire set a derived fact to different values"},
    {"L009", "fact never used"},
    {"L010", "intervention never recommended"},
    {"L011", "practice never advised"},
    {"L012", "challenge never flagged"},
    {"L013", "risk never flagged"},
    {"L014", "stage never used"},
    {"L015", "source never cited"},
    {"L016", "statement neither cited by a rule nor excused"},
    {"L017", "allow that silences nothing"},
    {"L018", "a missing fact makes a risk rule false, not undecided"},
    {NULL, NULL},
};

#define MAX_CONJ 512        /* ways a condition can be true before lint gives up on it */
#define MAX_POINTS 64       /* values in one `in { ... }` that lint reasons about */

/* ---- variables and atoms ---- */

enum { V_NUM, V_MASK, V_SET, V_OPAQUE };
enum { D_NORMAL, D_UNKNOWN, D_CONSTANT };   /* what lint knows of a derived fact */

typedef struct var_info {
    uint8_t kind;
    uint8_t is_int;
    uint8_t derived;        /* D_* for derived facts */
    double lo, hi;          /* V_NUM domain */
    uint64_t full;          /* V_MASK, V_SET: every member */
    double constant;        /* D_CONSTANT of a V_NUM */
    uint64_t constant_mask; /* D_CONSTANT of a V_MASK */
    const char *name;       /* fact name or expression text */
    const sw_decl *decl;    /* the fact, or NULL */
} var_info;

enum { A_NUM, A_MASK, A_SET, A_KNOWN, A_MISSING, A_OPAQUE };
enum { N_LT, N_LE, N_GT, N_GE, N_IN, N_NOTIN };
enum { S_ALL, S_NOTALL, S_ANY, S_NONE };

typedef struct atom {
    uint8_t kind, op;
    uint8_t neg;            /* A_OPAQUE: the negation of the key */
    uint8_t src_neg;        /* the atom says `not SRC` */
    uint32_t var;
    double v;               /* N_LT .. N_GE */
    const double *pts;      /* N_IN, N_NOTIN */
    uint32_t npts;
    uint64_t mask;          /* A_MASK: allowed members; A_SET: the members named */
    const sw_expr *src;     /* the comparison as written */
} atom;

typedef struct conj {
    uint32_t *atoms;
    uint32_t n;
} conj;

typedef struct dnf {
    conj *c;
    uint32_t n;
    int overflow;
} dnf;

typedef struct rule_info {
    dnf cond;
    uint8_t *sat;           /* per conjunction */
    int can_fire;
    uint32_t first_atom, end_atom;   /* its atoms in the atom table */
} rule_info;

/* Why a conjunction is impossible: the smallest set of atoms found. */
typedef struct reason {
    uint32_t atoms[8];
    uint32_t n;
    uint32_t var;
} reason;

typedef struct finding {
    const char *code;
    uint32_t file;
    sw_loc at;
    const char *message, *hint;
    uint32_t rule, rule2;   /* rules it concerns (for allow), or SW_NONE */
} finding;

typedef struct linter {
    sw_model *m;
    sw_program *p;
    sw_arena *arena;
    var_info *vars;
    uint32_t nvars, capvars;
    atom *atoms;
    uint32_t natoms, capatoms;
    rule_info *rules;
    finding *found;
    size_t nfound, capfound;
    int failed;
} linter;

/* ---- small helpers ---- */

static void *grow(linter *L, void *v, uint32_t *cap, size_t size)
{
    uint32_t n = *cap;   /* called when full */
    if (!sw_grow32(&v, cap, n, size, 64)) {
        L->failed = 1;
        return NULL;
    }
    return v;
}

static uint64_t full_mask(uint32_t n) { return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1; }

/* The file a declaration is in (expressions print numbers from their own file). */
static const sw_file *file_of(const linter *L, const sw_decl *d) { return &L->m->files[d->file]; }

static const char *expr_text_in(linter *L, const sw_decl *d, const sw_expr *e)
{
    sw_buf b = SW_BUF_INIT;
    sw_fmt_expr(&b, file_of(L, d), e);
    const char *s = b.failed ? NULL : sw_arena_strdup(L->arena, b.data ? b.data : "");
    sw_buf_free(&b);
    if (!s)
        L->failed = 1;
    return s ? s : "";
}

/* ---- findings ---- */

static void add_finding(linter *L, const char *code, const sw_decl *d, sw_loc at, uint32_t rule,
                        uint32_t rule2, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void add_finding(linter *L, const char *code, const sw_decl *d, sw_loc at, uint32_t rule,
                        uint32_t rule2, const char *hint, const char *fmt, ...)
{
    if (L->nfound == L->capfound) {
        uint32_t cap = (uint32_t)L->capfound;
        finding *v = grow(L, L->found, &cap, sizeof *v);
        if (!v)
            return;
        L->found = v;
        L->capfound = cap;
    }
    sw_buf b = SW_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    finding *f = &L->found[L->nfound];
    f->code = code;
    f->file = d->file;
    f->at = at;
    f->message = b.failed ? NULL : sw_arena_strdup(L->arena, b.data ? b.data : "");
    f->hint = hint ? sw_arena_strdup(L->arena, hint) : NULL;
    f->rule = rule;
    f->rule2 = rule2;
    sw_buf_free(&b);
    if (!f->message || (hint && !f->hint)) {
        L->failed = 1;
        return;
    }
    L->nfound++;
}

/* The text built in b; on a failed allocation "" and the run fails. */
static const char *buf_text(linter *L, const sw_buf *b)
{
    if (b->failed)
        L->failed = 1;
    return b->data && !b->failed ? b->data : "";
}

/* "file:line" of a declaration, for hints that point at another rule. */
static const char *where(linter *L, const sw_decl *d)
{
    char buf[512];
    const sw_file *f = file_of(L, d);
    snprintf(buf, sizeof buf, "%s:%u", f->name, sw_syntax_line(f, d->name.at.off));
    const char *s = sw_arena_strdup(L->arena, buf);
    if (!s)
        L->failed = 1;
    return s ? s : "";
}

/* ---- variables ---- */

static uint32_t add_var(linter *L, var_info v)
{
    if (L->nvars == L->capvars) {
        var_info *nv = grow(L, L->vars, &L->capvars, sizeof *nv);
        if (!nv)
            return SW_NONE;
        L->vars = nv;
    }
    L->vars[L->nvars] = v;
    return L->nvars++;
}

/* Variables 0..nfacts-1 are the facts, by slot. */
static void init_vars(linter *L)
{
    const sw_model *m = L->m;
    for (uint32_t s = 0; s < m->nfacts && !L->failed; s++) {
        const sw_type *t = &m->types[s];
        var_info v;
        memset(&v, 0, sizeof v);
        v.name = m->facts[s]->name.name;
        v.decl = m->facts[s];
        v.lo = -INFINITY;
        v.hi = INFINITY;
        v.kind = V_OPAQUE;
        if (t->kind == SW_T_INT || t->kind == SW_T_NUMBER || t->kind == SW_T_DATE) {
            v.kind = V_NUM;
            v.is_int = t->kind != SW_T_NUMBER;
            if (t->has_range && t->kind == SW_T_INT) {
                v.lo = (double)t->imin;
                v.hi = (double)t->imax;
            } else if (t->has_range) {
                v.lo = t->nmin;
                v.hi = t->nmax;
            }
        } else if (t->kind == SW_T_BOOL) {
            v.kind = V_MASK;
            v.full = 3;
        } else if ((t->kind == SW_T_ENUM || t->kind == SW_T_SET) && t->enumeration < m->nenums &&
                   m->enums[t->enumeration].nmembers <= 64) {
            v.kind = t->kind == SW_T_ENUM ? V_MASK : V_SET;
            v.full = full_mask(m->enums[t->enumeration].nmembers);
        }
        add_var(L, v);
    }
}

/* The variable for an expression compared with literals (`days since d`), by text. */
static uint32_t expr_var(linter *L, const char *key, int kind, int is_int)
{
    for (uint32_t i = L->m->nfacts; i < L->nvars; i++)
        if (!L->vars[i].decl && L->vars[i].kind == kind && strcmp(L->vars[i].name, key) == 0)
            return i;
    var_info v;
    memset(&v, 0, sizeof v);
    v.kind = (uint8_t)kind;
    v.is_int = (uint8_t)is_int;
    v.lo = -INFINITY;
    v.hi = INFINITY;
    v.name = key;
    return add_var(L, v);
}

/* ---- atoms ---- */

static uint32_t add_atom(linter *L, atom a)
{
    if (L->natoms == L->capatoms) {
        atom *v = grow(L, L->atoms, &L->capatoms, sizeof *v);
        if (!v)
            return SW_NONE;
        L->atoms = v;
    }
    L->atoms[L->natoms] = a;
    return L->natoms++;
}

static int is_fact(const sw_expr *e)
{
    return e->kind == SW_E_NAME && !e->is_member && e->checked_ok;
}

/* A numeric literal (int, number, date, or a negated number). */
static int literal_number(const sw_expr *e, double *v)
{
    if (e->kind == SW_E_NEG && literal_number(e->lhs, v)) {
        *v = -*v;
        return 1;
    }
    if (e->kind == SW_E_INT || e->kind == SW_E_DATE) {
        *v = (double)e->i;
        return 1;
    }
    if (e->kind == SW_E_NUMBER) {
        *v = e->n;
        return 1;
    }
    return 0;
}

static int flip_op(int op) { return sw_compare_mirror((uint8_t)op); }

static atom negate(const linter *L, atom a)
{
    static const uint8_t num[] = {N_GE, N_GT, N_LE, N_LT, N_NOTIN, N_IN};
    static const uint8_t set[] = {S_NOTALL, S_ALL, S_NONE, S_ANY};
    a.src_neg = !a.src_neg;
    switch (a.kind) {
    case A_NUM: a.op = num[a.op]; break;
    case A_MASK: a.mask = L->vars[a.var].full & ~a.mask; break;
    case A_SET: a.op = set[a.op]; break;
    case A_KNOWN: a.kind = A_MISSING; break;
    case A_MISSING: a.kind = A_KNOWN; break;
    default: a.neg = !a.neg; break;
    }
    return a;
}

static atom opaque_atom(linter *L, const sw_decl *d, const sw_expr *e)
{
    atom a;
    memset(&a, 0, sizeof a);
    a.kind = A_OPAQUE;
    a.src = e;
    a.var = expr_var(L, expr_text_in(L, d, e), V_OPAQUE, 0);
    return a;
}

/* `fact OP literal` (op already turned so the fact is on the left). */
static int compare_atom(linter *L, uint32_t var, int op, const sw_expr *lit, atom *a)
{
    const var_info *v = &L->vars[var];
    double x;
    a->var = var;
    if (v->kind == V_NUM && literal_number(lit, &x)) {
        static const uint8_t ops[] = {[SW_OP_LT] = N_LT, [SW_OP_LE] = N_LE, [SW_OP_GT] = N_GT,
                                      [SW_OP_GE] = N_GE};
        a->kind = A_NUM;
        if (op == SW_OP_EQ || op == SW_OP_NE) {
            double *pt = sw_arena_alloc(L->arena, sizeof *pt);
            if (!pt)
                return L->failed = 1, 0;
            *pt = x;
            a->op = op == SW_OP_EQ ? N_IN : N_NOTIN;
            a->pts = pt;
            a->npts = 1;
        } else {
            a->op = ops[op];
            a->v = x;
        }
        return 1;
    }
    int64_t k;
    if (v->kind == V_MASK && lit->kind == SW_E_BOOL)
        k = lit->i ? 1 : 0;
    else if (v->kind == V_MASK && lit->kind == SW_E_NAME && lit->is_member)
        k = lit->i;
    else
        return 0;
    if (k < 0 || k >= 64)
        return 0;
    uint64_t m = 0;
    for (int64_t i = 0; i < 64; i++)
        if ((v->full >> i) & 1) {
            int hit = op == SW_OP_EQ ? i == k : op == SW_OP_NE ? i != k : op == SW_OP_LT ? i < k
                    : op == SW_OP_LE ? i <= k : op == SW_OP_GT ? i > k : i >= k;
            m |= (uint64_t)hit << i;
        }
    a->kind = A_MASK;
    a->mask = m;
    return 1;
}

static int cmp_atom(linter *L, const sw_decl *d, const sw_expr *e, atom *a)
{
    const sw_expr *x = e->lhs, *lit = e->rhs;
    int op = e->op;
    if (!is_fact(x) && is_fact(lit)) {
        x = e->rhs;
        lit = e->lhs;
        op = flip_op(op);
    }
    if (is_fact(x))
        return compare_atom(L, x->slot, op, lit, a);
    double v;
    if (literal_number(x, &v)) {
        x = e->rhs;
        lit = e->lhs;
        op = flip_op(op);
    }
    if (!literal_number(lit, &v) || (x->type.kind != SW_T_INT && x->type.kind != SW_T_NUMBER))
        return 0;
    uint32_t var = expr_var(L, expr_text_in(L, d, x), V_NUM, x->type.kind == SW_T_INT);
    return var != SW_NONE && compare_atom(L, var, op, lit, a);
}

static int in_atom(linter *L, const sw_decl *d, const sw_expr *e, atom *a)
{
    const sw_expr *x = e->lhs;
    uint32_t var = SW_NONE, n = 0;
    for (const sw_expr *it = e->items; it; it = it->next)
        n++;
    if (is_fact(x))
        var = x->slot;
    else if (x->type.kind == SW_T_INT)
        var = expr_var(L, expr_text_in(L, d, x), V_NUM, 1);
    if (var == SW_NONE || n > MAX_POINTS)
        return 0;
    a->var = var;
    if (L->vars[var].kind == V_MASK) {
        a->kind = A_MASK;
        for (const sw_expr *it = e->items; it; it = it->next)
            if (it->is_member && it->i >= 0 && it->i < 64)
                a->mask |= (uint64_t)1 << it->i;
        if (e->negated)
            a->mask = L->vars[var].full & ~a->mask;
        return 1;
    }
    if (L->vars[var].kind != V_NUM)
        return 0;
    double *pts = sw_arena_array(L->arena, n ? n : 1, sizeof *pts);
    if (!pts)
        return L->failed = 1, 0;
    n = 0;
    for (const sw_expr *it = e->items; it; it = it->next)
        if (!literal_number(it, &pts[n++]))
            return 0;
    a->kind = A_NUM;
    a->op = e->negated ? N_NOTIN : N_IN;
    a->pts = pts;
    a->npts = n;
    return 1;
}

static int contains_atom(linter *L, const sw_expr *e, atom *a)
{
    if (!is_fact(e->lhs) || L->vars[e->lhs->slot].kind != V_SET)
        return 0;
    a->var = e->lhs->slot;
    a->kind = A_SET;
    if (e->mode == SW_CONTAINS_ONE) {
        if (e->rhs->i < 0 || e->rhs->i >= 64)
            return 0;
        a->mask = (uint64_t)1 << e->rhs->i;
        a->op = S_ALL;
        return 1;
    }
    for (const sw_expr *it = e->items; it; it = it->next)
        if (it->i >= 0 && it->i < 64)
            a->mask |= (uint64_t)1 << it->i;
    a->op = e->mode == SW_CONTAINS_ANY ? S_ANY : S_ALL;
    return 1;
}

/* The atom a leaf of a condition is, as written (before any `not` around it). */
static atom leaf_atom(linter *L, const sw_decl *d, const sw_expr *e)
{
    atom a;
    memset(&a, 0, sizeof a);
    int ok = 0;
    if (is_fact(e) && L->vars[e->slot].kind == V_MASK) {
        a.kind = A_MASK;
        a.var = e->slot;
        a.mask = 2;   /* true */
        ok = 1;
    } else if (e->kind == SW_E_KNOWN && is_fact(e->lhs)) {
        a.kind = e->negated ? A_MISSING : A_KNOWN;
        a.var = e->lhs->slot;
        ok = 1;
    } else if (e->kind == SW_E_CMP)
        ok = cmp_atom(L, d, e, &a);
    else if (e->kind == SW_E_IN)
        ok = in_atom(L, d, e, &a);
    else if (e->kind == SW_E_CONTAINS)
        ok = contains_atom(L, e, &a);
    if (!ok) {
        memset(&a, 0, sizeof a);
        a = opaque_atom(L, d, e);
    }
    a.src = e;
    return a;
}

/* ---- conditions as disjunctions of conjunctions ---- */

static dnf dnf_one(linter *L, uint32_t atom_index)
{
    dnf r = {0};
    r.c = sw_arena_alloc(L->arena, sizeof *r.c);
    uint32_t *v = sw_arena_alloc(L->arena, sizeof *v);
    if (!r.c || !v || atom_index == SW_NONE) {
        L->failed = 1;
        r.overflow = 1;
        return r;
    }
    *v = atom_index;
    r.c[0].atoms = v;
    r.c[0].n = 1;
    r.n = 1;
    return r;
}

static dnf dnf_union(linter *L, dnf a, dnf b)
{
    dnf r = {0};
    if (a.overflow || b.overflow || a.n + b.n > MAX_CONJ) {
        r.overflow = 1;
        return r;
    }
    r.c = sw_arena_array(L->arena, a.n + b.n ? a.n + b.n : 1, sizeof *r.c);
    if (!r.c) {
        L->failed = 1;
        r.overflow = 1;
        return r;
    }
    if (a.n)
        memcpy(r.c, a.c, a.n * sizeof *r.c);
    if (b.n)
        memcpy(r.c + a.n, b.c, b.n * sizeof *r.c);
    r.n = a.n + b.n;
    return r;
}

static dnf dnf_product(linter *L, dnf a, dnf b)
{
    dnf r = {0};
    if (a.overflow || b.overflow || (uint64_t)a.n * b.n > MAX_CONJ) {
        r.overflow = 1;
        return r;
    }
    r.c = sw_arena_array(L->arena, (a.n * b.n) != 0 ? a.n * b.n : 1, sizeof *r.c);
    if (!r.c) {
        L->failed = 1;
        r.overflow = 1;
        return r;
    }
    for (uint32_t i = 0; i < a.n; i++)
        for (uint32_t j = 0; j < b.n; j++) {
            conj *c = &r.c[r.n++];
            c->n = a.c[i].n + b.c[j].n;
            c->atoms = sw_arena_array(L->arena, c->n ? c->n : 1, sizeof *c->atoms);
            if (!c->atoms) {
                L->failed = 1;
                r.overflow = 1;
                return r;
            }
            memcpy(c->atoms, a.c[i].atoms, a.c[i].n * sizeof *c->atoms);
            memcpy(c->atoms + a.c[i].n, b.c[j].atoms, b.c[j].n * sizeof *c->atoms);
        }
    return r;
}

/* The ways e (negated when neg) can be true. */
static dnf dnf_of(linter *L, const sw_decl *d, const sw_expr *e, int neg)
{
    dnf r = {0};
    if (L->failed) {
        r.overflow = 1;
        return r;
    }
    switch ((sw_expr_kind)e->kind) {
    case SW_E_AND:
    case SW_E_OR: {
        dnf a = dnf_of(L, d, e->lhs, neg), b = dnf_of(L, d, e->rhs, neg);
        return (e->kind == SW_E_AND) != neg ? dnf_product(L, a, b) : dnf_union(L, a, b);
    }
    case SW_E_NOT:
        return dnf_of(L, d, e->lhs, !neg);
    case SW_E_BOOL:
        if (e->i != neg) {   /* true: one way, with nothing to meet */
            r.c = sw_arena_alloc(L->arena, sizeof *r.c);
            if (!r.c)
                L->failed = r.overflow = 1;
            r.n = 1;
        }
        return r;   /* false: no way at all */
    default: {
        atom a = leaf_atom(L, d, e);
        if (neg)
            a = negate(L, a);
        return dnf_one(L, add_atom(L, a));
    }
    }
}

/* ---- is a set of atoms satisfiable? ---- */

typedef struct num_state {
    double lo, hi;
    int lo_open, hi_open;
    double allow[MAX_POINTS];
    uint32_t nallow;
    int has_allow;
    const double *excl[MAX_POINTS];
    uint32_t nexcl;
    int too_many;           /* gave up: treat as satisfiable */
} num_state;

static int excluded(const num_state *s, double x)
{
    for (uint32_t i = 0; i < s->nexcl; i++)
        if (*s->excl[i] == x)
            return 1;
    return 0;
}

static int in_interval(const num_state *s, double x)
{
    return (x > s->lo || (x == s->lo && !s->lo_open)) && (x < s->hi || (x == s->hi && !s->hi_open));
}

static void num_apply(num_state *s, const atom *a)
{
    switch (a->op) {
    case N_LT: case N_LE:
        if (a->v < s->hi || (a->v == s->hi && a->op == N_LT)) {
            s->hi = a->v;
            s->hi_open = a->op == N_LT;
        }
        break;
    case N_GT: case N_GE:
        if (a->v > s->lo || (a->v == s->lo && a->op == N_GT)) {
            s->lo = a->v;
            s->lo_open = a->op == N_GT;
        }
        break;
    case N_IN:
        if (!s->has_allow) {
            for (uint32_t i = 0; i < a->npts && i < MAX_POINTS; i++)
                s->allow[i] = a->pts[i];
            s->nallow = a->npts < MAX_POINTS ? a->npts : MAX_POINTS;
            s->has_allow = 1;
        } else {
            uint32_t k = 0;
            for (uint32_t i = 0; i < s->nallow; i++)
                for (uint32_t j = 0; j < a->npts; j++)
                    if (s->allow[i] == a->pts[j]) {
                        s->allow[k++] = s->allow[i];
                        break;
                    }
            s->nallow = k;
        }
        break;
    default:
        for (uint32_t i = 0; i < a->npts; i++) {
            if (s->nexcl == MAX_POINTS) {
                s->too_many = 1;
                return;
            }
            s->excl[s->nexcl++] = &a->pts[i];
        }
        break;
    }
}

static int num_nonempty(num_state *s, int is_int)
{
    if (s->too_many)
        return 1;
    if (is_int) {   /* integers only: close the bounds on whole numbers */
        if (isfinite(s->lo))
            s->lo = s->lo_open ? floor(s->lo) + 1 : ceil(s->lo);
        if (isfinite(s->hi))
            s->hi = s->hi_open ? ceil(s->hi) - 1 : floor(s->hi);
        s->lo_open = s->hi_open = 0;
    }
    if (s->has_allow) {
        for (uint32_t i = 0; i < s->nallow; i++)
            if (in_interval(s, s->allow[i]) && !excluded(s, s->allow[i]) &&
                (!is_int || s->allow[i] == floor(s->allow[i])))
                return 1;
        return 0;
    }
    if (s->lo > s->hi || (s->lo == s->hi && (s->lo_open || s->hi_open)))
        return 0;
    if (s->lo == s->hi)
        return !excluded(s, s->lo);
    if (!is_int || !isfinite(s->lo) || !isfinite(s->hi) || s->hi - s->lo >= MAX_POINTS)
        return 1;
    for (double x = s->lo; x <= s->hi; x++)
        if (!excluded(s, x))
            return 1;
    return 0;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

typedef struct set_state {
    uint64_t must, mustnot;
    uint64_t any[16], notall[16];
    uint32_t nany, nnotall;
} set_state;

/* A clause that does not fit is dropped, which can only make more sets possible. */
static void set_apply(set_state *s, const atom *a)
{
    int single = popcount64(a->mask) == 1;
    switch (a->op) {
    case S_ALL: s->must |= a->mask; break;
    case S_NONE: s->mustnot |= a->mask; break;
    case S_ANY:
        if (single)
            s->must |= a->mask;
        else if (s->nany < 16)
            s->any[s->nany++] = a->mask;
        break;
    default:
        if (single)
            s->mustnot |= a->mask;
        else if (s->nnotall < 16)
            s->notall[s->nnotall++] = a->mask;
        break;
    }
}

static int set_nonempty(const set_state *s)
{
    if (s->must & s->mustnot)
        return 0;
    for (uint32_t i = 0; i < s->nany; i++)
        if (!(s->any[i] & ~s->mustnot))
            return 0;
    for (uint32_t i = 0; i < s->nnotall; i++)
        if (!(s->notall[i] & ~s->must))
            return 0;
    return 1;
}

/* Whether atoms idx[0..n), all on one variable, can be true together. */
static int group_sat(const linter *L, const uint32_t *idx, uint32_t n)
{
    if (n == 0)
        return 1;
    const var_info *v = &L->vars[L->atoms[idx[0]].var];
    int known = v->derived == D_CONSTANT, missing = 0;
    num_state ns;
    memset(&ns, 0, sizeof ns);
    ns.lo = v->lo;
    ns.hi = v->hi;
    if (v->derived == D_CONSTANT && v->kind == V_NUM)
        ns.lo = ns.hi = v->constant;
    uint64_t mask = v->derived == D_CONSTANT && v->kind == V_MASK ? v->constant_mask : v->full;
    set_state ss;
    memset(&ss, 0, sizeof ss);
    int pos = 0, negs = 0;
    for (uint32_t i = 0; i < n; i++) {
        const atom *a = &L->atoms[idx[i]];
        switch (a->kind) {
        case A_MISSING: missing = 1; break;
        case A_KNOWN: known = 1; break;
        case A_NUM: known = 1; num_apply(&ns, a); break;
        case A_MASK: known = 1; mask &= a->mask; break;
        case A_SET: known = 1; set_apply(&ss, a); break;
        default:
            if (a->neg)
                negs = 1;
            else
                pos = 1;
            break;
        }
    }
    if (pos && negs)
        return 0;
    if (missing)
        return !known;
    if (known && v->derived == D_UNKNOWN)
        return 0;
    if (v->kind == V_NUM)
        return num_nonempty(&ns, v->is_int);
    if (v->kind == V_MASK)
        return mask != 0;
    if (v->kind == V_SET)
        return set_nonempty(&ss);
    return 1;
}

/* Sorts atom indexes by variable (insertion sort: conjunctions are short). */
static void sort_by_var(const linter *L, uint32_t *idx, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = idx[i], j = i;
        while (j > 0 && L->atoms[idx[j - 1]].var > L->atoms[x].var) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

/* The smallest subset of an impossible group found by dropping atoms one by one. */
static void explain(const linter *L, const uint32_t *idx, uint32_t n, reason *why)
{
    uint32_t keep[MAX_CONJ];
    uint32_t k = 0;
    for (uint32_t i = 0; i < n && i < MAX_CONJ; i++)
        keep[k++] = idx[i];
    for (uint32_t i = 0; i < k;) {
        uint32_t trial[MAX_CONJ], t = 0;
        for (uint32_t j = 0; j < k; j++)
            if (j != i)
                trial[t++] = keep[j];
        if (!group_sat(L, trial, t)) {
            memcpy(keep, trial, t * sizeof *keep);
            k = t;
        } else
            i++;
    }
    why->n = 0;
    for (uint32_t i = 0; i < k && why->n < 8; i++)
        why->atoms[why->n++] = keep[i];
    why->var = n ? L->atoms[idx[0]].var : SW_NONE;
}

/* Whether the atoms of a and b (b may be NULL) can all be true together. */
static int conj_sat(const linter *L, const conj *a, const conj *b, reason *why)
{
    uint32_t idx[2 * MAX_CONJ];
    uint32_t n = 0;
    for (uint32_t i = 0; i < a->n && n < 2 * MAX_CONJ; i++)
        idx[n++] = a->atoms[i];
    for (uint32_t i = 0; b && i < b->n && n < 2 * MAX_CONJ; i++)
        idx[n++] = b->atoms[i];
    sort_by_var(L, idx, n);
    for (uint32_t s = 0; s < n;) {
        uint32_t e = s;
        while (e < n && L->atoms[idx[e]].var == L->atoms[idx[s]].var)
            e++;
        if (!group_sat(L, idx + s, e - s)) {
            if (why)
                explain(L, idx + s, e - s, why);
            return 0;
        }
        s = e;
    }
    return 1;
}

/* Whether conjunction a requires its variable var known. */
static int requires_known(const linter *L, const conj *a, uint32_t var)
{
    if (L->vars[var].derived == D_CONSTANT)
        return 1;
    for (uint32_t i = 0; i < a->n; i++) {
        const atom *x = &L->atoms[a->atoms[i]];
        if (x->var == var && x->kind != A_MISSING && x->kind != A_OPAQUE)
            return 1;
    }
    return 0;
}

/* Whether every way conjunction a is true makes atom b true. */
static int conj_implies_atom(linter *L, const conj *a, uint32_t bi)
{
    const atom *b = &L->atoms[bi];
    for (uint32_t i = 0; i < a->n; i++) {
        const atom *x = &L->atoms[a->atoms[i]];
        if (x->var == b->var && x->kind == b->kind && b->kind == A_OPAQUE && x->neg == b->neg)
            return 1;
        if (x->var == b->var && x->kind == A_MISSING && b->kind == A_MISSING)
            return 1;
    }
    if (b->kind == A_OPAQUE || b->kind == A_MISSING)
        return L->vars[b->var].derived == D_UNKNOWN && b->kind == A_MISSING;
    if (!requires_known(L, a, b->var))
        return 0;
    if (b->kind == A_KNOWN)
        return 1;
    uint32_t mark = L->natoms;
    uint32_t ni = add_atom(L, negate(L, *b));
    if (ni == SW_NONE)
        return 0;
    uint32_t one = ni;
    conj c = {&one, 1};
    int sat = conj_sat(L, a, &c, NULL);
    L->natoms = mark;   /* the negation was scratch */
    return !sat;
}

static int conj_implies(linter *L, const conj *a, const conj *b)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (!conj_implies_atom(L, a, b->atoms[i]))
            return 0;
    return 1;
}

/* Whether rule i's condition being true makes rule j's true. */
static int rule_implies(linter *L, uint32_t i, uint32_t j)
{
    const rule_info *a = &L->rules[i], *b = &L->rules[j];
    if (a->cond.overflow || b->cond.overflow)
        return 0;
    for (uint32_t x = 0; x < a->cond.n; x++) {
        if (!a->sat[x])
            continue;
        int found = 0;
        for (uint32_t y = 0; y < b->cond.n && !found; y++)
            found = b->sat[y] && conj_implies(L, &a->cond.c[x], &b->cond.c[y]);
        if (!found)
            return 0;
    }
    return 1;
}

/* Whether the conditions of rules i and j can be true for the same client. */
static int rules_overlap(const linter *L, uint32_t i, uint32_t j)
{
    const rule_info *a = &L->rules[i], *b = &L->rules[j];
    if (a->cond.overflow || b->cond.overflow)
        return 0;
    for (uint32_t x = 0; x < a->cond.n; x++)
        for (uint32_t y = 0; y < b->cond.n; y++)
            if (a->sat[x] && b->sat[y] && conj_sat(L, &a->cond.c[x], &b->cond.c[y], NULL))
                return 1;
    return 0;
}

/* ---- per rule: the conditions, and derived facts fed back ---- */

static void build_conditions(linter *L)
{
    const sw_model *m = L->m;
    for (uint32_t i = 0; i < m->nrules && !L->failed; i++) {
        rule_info *r = &L->rules[i];
        r->first_atom = L->natoms;
        r->cond = dnf_of(L, m->rules[i], m->rules[i]->cond, 0);
        r->end_atom = L->natoms;
        r->sat = sw_arena_alloc(L->arena, r->cond.n ? r->cond.n : 1);
        if (!r->sat)
            L->failed = 1;
    }
}

static void decide_rules(linter *L)
{
    for (uint32_t i = 0; i < L->m->nrules && !L->failed; i++) {
        rule_info *r = &L->rules[i];
        r->can_fire = r->cond.overflow;
        for (uint32_t k = 0; k < r->cond.n; k++) {
            r->sat[k] = (uint8_t)conj_sat(L, &r->cond.c[k], NULL, NULL);
            r->can_fire |= r->sat[k];
        }
    }
}

/* Derived facts no rule that can fire sets are constant (their default) or always
 * unknown; repeat until no more rules are found dead. Returns nothing. */
static void settle_derived(linter *L)
{
    const sw_program *p = L->p;
    for (int changed = 1; changed && !L->failed;) {
        decide_rules(L);
        changed = 0;
        for (uint32_t s = p->nbase; s < p->nfacts; s++) {
            var_info *v = &L->vars[s];
            const sw_fact_def *f = &p->facts[s];
            if (v->derived != D_NORMAL)
                continue;
            int live = 0;
            for (uint32_t k = 0; k < f->nsetters; k++)
                live |= L->rules[f->setters[k]].can_fire;
            if (live)
                continue;
            changed = 1;
            v->derived = f->has_default ? D_CONSTANT : D_UNKNOWN;
            if (f->has_default && v->kind == V_NUM)
                v->constant = f->type.kind == SW_T_NUMBER ? f->deflt.u.n : (double)f->deflt.u.i;
            else if (f->has_default && v->kind == V_MASK && f->deflt.u.i >= 0 && f->deflt.u.i < 64)
                v->constant_mask = (uint64_t)1 << f->deflt.u.i;
            else if (f->has_default && v->kind == V_MASK)
                v->constant_mask = v->full;
        }
    }
}

/* ---- describing atoms and reasons ---- */

/* An atom as written: 'phq9 < 10', or 'not (phq9 < 10)' when negated. */
static void put_atom_in(linter *L, sw_buf *b, const sw_decl *d, const atom *a)
{
    int paren = a->src_neg && a->src->kind != SW_E_NAME;
    sw_buf_printf(b, "'%s%s", a->src_neg ? "not " : "", paren ? "(" : "");
    sw_fmt_expr(b, file_of(L, d), a->src);
    sw_buf_puts(b, paren ? ")'" : "'");
}

/* How a variable is declared, for "can never be true" reasons. */
static void put_domain(linter *L, sw_buf *b, uint32_t var)
{
    const var_info *v = &L->vars[var];
    const sw_model *m = L->m;
    if (v->derived == D_UNKNOWN) {
        sw_buf_printf(b, "no rule that can fire sets '%s' and it has no default, so it is always unknown",
                      v->name);
        return;
    }
    if (v->derived == D_CONSTANT) {
        const sw_fact_def *f = &L->p->facts[var];
        sw_buf_printf(b, "no rule that can fire sets '%s', so it is always its default, ", v->name);
        sw_value_format(L->p, &f->type, f->deflt, b);
        return;
    }
    if (!v->decl) {
        sw_buf_printf(b, "'%s' cannot take such a value", v->name);
        return;
    }
    const sw_type *t = &m->types[var];
    if (t->kind == SW_T_INT && t->has_range)
        sw_buf_printf(b, "'%s' is declared as int %lld..%lld", v->name, (long long)t->imin,
                      (long long)t->imax);
    else if (t->kind == SW_T_NUMBER && t->has_range)
        sw_buf_printf(b, "'%s' is declared as number %g..%g", v->name, t->nmin, t->nmax);
    else if (t->kind == SW_T_ENUM && t->enumeration < m->nenums) {
        const sw_enum *e = &m->enums[t->enumeration];
        sw_buf_printf(b, "'%s' is one of ", v->name);
        for (uint32_t i = 0; i < e->nmembers; i++)
            sw_buf_printf(b, "%s%s", e->members[i], i + 1 < e->nmembers ? ", " : "");
    } else
        sw_buf_printf(b, "of how '%s' is declared", v->name);
}

static void put_reason(linter *L, sw_buf *b, const sw_decl *d, const reason *why)
{
    if (why->n == 1) {
        put_atom_in(L, b, d, &L->atoms[why->atoms[0]]);
        sw_buf_puts(b, " can never be true: ");
        put_domain(L, b, why->var);
        return;
    }
    for (uint32_t i = 0; i < why->n; i++) {
        if (i)
            sw_buf_puts(b, i + 1 == why->n ? " and " : ", ");
        put_atom_in(L, b, d, &L->atoms[why->atoms[i]]);
    }
    sw_buf_puts(b, why->n == 2 ? " cannot both be true" : " cannot all be true");
    const var_info *v = &L->vars[why->var];
    if (v->derived != D_NORMAL) {
        sw_buf_puts(b, " (");
        put_domain(L, b, why->var);
        sw_buf_putc(b, ')');
    }
}

/* Where a reason points: its first atom as written. */
static sw_loc reason_at(const linter *L, const reason *why, sw_loc fallback)
{
    sw_loc at = fallback;
    int found = 0;
    for (uint32_t i = 0; i < why->n; i++) {
        const sw_expr *e = L->atoms[why->atoms[i]].src;
        if (e && (!found || e->at.off < at.off)) {
            at = e->at;
            found = 1;
        }
    }
    return at;
}

/* ---- the findings about conditions: L001, L002, L003 ---- */

static int same_reason(const reason *a, const reason *b)
{
    if (a->n != b->n)
        return 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (a->atoms[i] != b->atoms[i])
            return 0;
    return 1;
}

static void dead_parts(linter *L, uint32_t i)
{
    const sw_decl *d = L->m->rules[i];
    rule_info *r = &L->rules[i];
    if (r->cond.overflow)
        return;
    if (r->cond.n == 0) {
        add_finding(L, "L002", d, d->cond->at, i, SW_NONE,
                    "remove the rule, or write the condition it was meant to have",
                    "rule '%s' can never fire: its condition is always false", d->name.name);
        return;
    }
    reason seen[16];
    uint32_t nseen = 0;
    for (uint32_t k = 0; k < r->cond.n && !L->failed; k++) {
        reason why;
        if (r->sat[k] || conj_sat(L, &r->cond.c[k], NULL, &why))
            continue;
        int dup = 0;
        for (uint32_t s = 0; s < nseen; s++)
            dup |= same_reason(&seen[s], &why);
        if (dup)
            continue;
        if (nseen < 16)
            seen[nseen++] = why;
        sw_buf b = SW_BUF_INIT;
        put_reason(L, &b, d, &why);
        if (!r->can_fire)
            add_finding(L, "L002", d, reason_at(L, &why, d->name.at), i, SW_NONE,
                        "no client can meet this condition; correct the values or remove the rule",
                        "rule '%s' can never fire: %s", d->name.name, buf_text(L, &b));
        else
            add_finding(L, "L001", d, reason_at(L, &why, d->cond->at), i, SW_NONE,
                        "correct the values, or remove the part that can never be true",
                        "part of this condition is dead: %s", buf_text(L, &b));
        sw_buf_free(&b);
        if (!r->can_fire)
            return;   /* one reason is enough for a rule that never fires */
    }
}

static void fixed_comparisons(linter *L, uint32_t i)
{
    const sw_decl *d = L->m->rules[i];
    const rule_info *r = &L->rules[i];
    for (uint32_t k = r->first_atom; k < r->end_atom && !L->failed; k++) {
        const atom copy = L->atoms[k], *a = &copy;   /* add_atom may move the table */
        const var_info *v = &L->vars[a->var];
        if ((a->kind != A_NUM && a->kind != A_MASK) || !v->decl || v->derived != D_NORMAL ||
            L->m->types[a->var].kind == SW_T_BOOL)
            continue;
        uint32_t mark = L->natoms;
        uint32_t ni = add_atom(L, negate(L, *a));
        if (ni == SW_NONE)
            return;
        int always = !group_sat(L, &ni, 1);
        L->natoms = mark;
        if (!always)
            continue;
        sw_buf b = SW_BUF_INIT, hint = SW_BUF_INIT;
        put_atom_in(L, &b, d, a);
        sw_buf_printf(&b, " is always true when '%s' is known (", v->name);
        put_domain(L, &b, a->var);
        sw_buf_putc(&b, ')');
        sw_buf_printf(&hint, "write '%s is known' if that is what you mean, or remove the comparison",
                      v->name);
        add_finding(L, "L003", d, a->src->at, i, SW_NONE, buf_text(L, &hint), "%s", buf_text(L, &b));
        sw_buf_free(&b);
        sw_buf_free(&hint);
    }
}

/* ---- derived facts read but never set: L006 ---- */

typedef struct read_walk {
    linter *L;
    uint32_t rule;
    uint8_t *reported;      /* per derived slot */
} read_walk;

static void derived_reads(read_walk *w, const sw_expr *e)
{
    if (!e)
        return;
    {
        linter *L = w->L;
        if (is_fact(e) && e->slot >= L->m->nbase && !w->reported[e->slot - L->m->nbase] &&
            L->vars[e->slot].derived != D_NORMAL) {
            w->reported[e->slot - L->m->nbase] = 1;
            const sw_decl *d = L->m->rules[w->rule];
            sw_buf b = SW_BUF_INIT, hint = SW_BUF_INIT;
            sw_buf_printf(&b, "'%s' is read here but ", e->s);
            put_domain(L, &b, e->slot);
            sw_buf_printf(&hint, "add a rule that sets '%s'%s", e->s,
                          L->vars[e->slot].derived == D_UNKNOWN ? ", or give it a default" : "");
            add_finding(L, "L006", d, e->at, w->rule, SW_NONE, buf_text(L, &hint), "%s", buf_text(L, &b));
            sw_buf_free(&b);
            sw_buf_free(&hint);
        }
    }
    derived_reads(w, e->lhs);
    derived_reads(w, e->rhs);
    for (const sw_expr *it = e->items; it; it = it->next)
        derived_reads(w, it);
}

static void unset_derived(linter *L, uint32_t i)
{
    uint32_t nd = L->m->nfacts - L->m->nbase;
    uint8_t *reported = sw_arena_alloc(L->arena, nd ? nd : 1);
    if (!reported) {
        L->failed = 1;
        return;
    }
    read_walk w = {L, i, reported};
    const sw_decl *d = L->m->rules[i];
    derived_reads(&w, d->cond);
    for (const sw_action_ast *a = d->actions; a; a = a->next)
        if (a->value)
            derived_reads(&w, a->value);
}

/* ---- a missing fact that silences a risk: L018 ---- */

/* Rules whose firing raises a risk: those with a `risk` action, and those that set
 * a derived fact a risk-raising rule's condition reads (to a fixed point). Which
 * derived fact carried it is kept, for the message. */
static uint8_t *risk_rules(linter *L, uint32_t **via)
{
    const sw_model *m = L->m;
    const sw_program *p = L->p;
    uint8_t *risky = sw_arena_alloc(L->arena, m->nrules + 1);
    *via = sw_arena_array(L->arena, m->nrules + 1, sizeof **via);
    if (!risky || !*via) {
        L->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < m->nrules; i++) {
        (*via)[i] = SW_NONE;
        for (uint32_t k = 0; k < p->rules[i].nactions; k++)
            if (sw_action_item(p->rules[i].actions[k].kind) >= 0 &&
                sw_item_vocab[sw_action_item(p->rules[i].actions[k].kind)].level == SW_LEVEL_SEVERITY)
                risky[i] = 1;
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (uint32_t i = 0; i < m->nrules; i++) {
            if (risky[i])
                continue;
            for (uint32_t k = 0; k < p->rules[i].nactions && !risky[i]; k++) {
                const sw_action *a = &p->rules[i].actions[k];
                if (a->kind != SW_ACT_SET)
                    continue;
                for (uint32_t j = 0; j < m->nrules && !risky[i]; j++) {
                    if (!risky[j])
                        continue;
                    for (uint32_t r = 0; r < p->rules[j].nreads; r++)
                        if (p->rules[j].reads[r] == a->target) {
                            risky[i] = 1;
                            (*via)[i] = a->target;
                            changed = 1;
                            break;
                        }
                }
            }
        }
    }
    return risky;
}

/* Whether e reads the fact in slot, other than through `is known`/`is missing`. */
static int reads_value_of(const sw_expr *e, uint32_t slot)
{
    if (!e || e->kind == SW_E_KNOWN)
        return 0;
    if (is_fact(e) && e->slot == slot)
        return 1;
    if (reads_value_of(e->lhs, slot) || reads_value_of(e->rhs, slot))
        return 1;
    for (const sw_expr *it = e->items; it; it = it->next)
        if (reads_value_of(it, slot))
            return 1;
    return 0;
}

/* The fact e requires to be recorded when e counts as true at polarity pos
 * (`x is known`, `not (x is missing)`; under `not`, `x is missing`), or SW_NONE. */
static uint32_t known_guard(const sw_expr *e, int pos)
{
    while (e->kind == SW_E_NOT) {
        e = e->lhs;
        pos = !pos;
    }
    if (e->kind == SW_E_KNOWN && e->lhs && is_fact(e->lhs) && (e->negated ? !pos : pos))
        return e->lhs->slot;
    return SW_NONE;
}

typedef struct guard_walk {
    linter *L;
    uint32_t rule, via;
    const sw_expr **parts;
    uint32_t nparts, cap;
} guard_walk;

/* The operands of a chain of one kind (a and b and c) into w->parts. */
static void chain_parts(guard_walk *w, const sw_expr *e, int kind)
{
    if (e->kind == kind) {
        chain_parts(w, e->lhs, kind);
        chain_parts(w, e->rhs, kind);
        return;
    }
    if (w->nparts == w->cap) {
        const sw_expr **v = grow(w->L, (void *)w->parts, &w->cap, sizeof *v);
        if (!v)
            return;
        w->parts = v;
    }
    w->parts[w->nparts++] = e;
}

static void silencing_guard(guard_walk *w, const sw_expr *guard, const sw_expr *test, uint32_t slot)
{
    linter *L = w->L;
    const sw_decl *d = L->m->rules[w->rule];
    const char *name = L->m->facts[slot]->name.name;
    const char *g = expr_text_in(L, d, guard), *t = expr_text_in(L, d, test);
    sw_buf b = SW_BUF_INIT, hint = SW_BUF_INIT;
    if (w->via == SW_NONE)
        sw_buf_printf(&b, "rule '%s' raises a risk", d->name.name);
    else
        sw_buf_printf(&b, "rule '%s' sets '%s', which a risk rule reads", d->name.name,
                      L->m->facts[w->via]->name.name);
    sw_buf_printf(&b, ", but '%s' makes it false rather than undecided when '%s' is missing: "
                  "the risk is then neither raised nor asked about", g, name);
    sw_buf_printf(&hint, "remove the guard, so that '%s' alone leaves the rule undecided and the "
                  "result asks for '%s'; if '%s' matters only in some cases, write "
                  "'(%s is known or <when it matters>)'", t, name, name, name);
    add_finding(L, "L018", d, guard->at, w->rule, SW_NONE, buf_text(L, &hint), "%s", buf_text(L, &b));
    sw_buf_free(&b);
    sw_buf_free(&hint);
}

/* Every conjunction (an `and` counted true, an `or` under `not`) in which one operand
 * is a known-guard of a fact another operand tests. */
static void guards_in(guard_walk *w, const sw_expr *e, int pos)
{
    if (!e || w->L->failed)
        return;
    if (e->kind == SW_E_NOT) {
        guards_in(w, e->lhs, !pos);
        return;
    }
    if (e->kind != SW_E_AND && e->kind != SW_E_OR)
        return;
    uint32_t first = w->nparts;
    chain_parts(w, e, e->kind);
    uint32_t end = w->nparts;
    int conjunction = (e->kind == SW_E_AND) == pos;
    for (uint32_t i = first; conjunction && i < end && !w->L->failed; i++) {
        uint32_t slot = known_guard(w->parts[i], pos);
        if (slot == SW_NONE)
            continue;
        for (uint32_t j = first; j < end; j++)
            if (j != i && reads_value_of(w->parts[j], slot)) {
                silencing_guard(w, w->parts[i], w->parts[j], slot);
                break;
            }
    }
    for (uint32_t i = first; i < end && !w->L->failed; i++)
        guards_in(w, w->parts[i], pos);
    w->nparts = first;
}

static void silencing_guards(linter *L)
{
    uint32_t *via = NULL;
    uint8_t *risky = risk_rules(L, &via);
    if (!risky)
        return;
    guard_walk w = {L, 0, SW_NONE, NULL, 0, 0};
    for (uint32_t i = 0; i < L->m->nrules && !L->failed; i++) {
        if (!risky[i])
            continue;
        w.rule = i;
        w.via = via[i];
        w.nparts = 0;
        guards_in(&w, L->m->rules[i]->cond, 1);
    }
    free((void *)w.parts);
}

/* ---- pairs of rules: L004, L007, L008 ---- */

static int same_action(linter *L, uint32_t ri, const sw_action *a, uint32_t rj, const sw_action *b)
{
    if (a->kind != b->kind || a->target != b->target)
        return 0;
    int ik = sw_action_item(a->kind);
    if (ik >= 0 && sw_item_vocab[ik].level == SW_LEVEL_PRIORITY && a->priority != b->priority)
        return 0;
    if (ik >= 0 && sw_item_vocab[ik].level == SW_LEVEL_SEVERITY && a->severity != b->severity)
        return 0;
    if (a->kind != SW_ACT_SET)
        return 1;
    const sw_action_ast *x = L->m->rules[ri]->actions, *y = L->m->rules[rj]->actions;
    for (const sw_action *k = L->p->rules[ri].actions; k != a && x; k++)
        x = x->next;
    for (const sw_action *k = L->p->rules[rj].actions; k != b && y; k++)
        y = y->next;
    return x && y && x->value && y->value &&
           strcmp(expr_text_in(L, L->m->rules[ri], x->value),
                  expr_text_in(L, L->m->rules[rj], y->value)) == 0;
}

/* Whether every action of rule i is an action of rule j. */
static int actions_within(linter *L, uint32_t i, uint32_t j)
{
    const sw_rule_def *a = &L->p->rules[i], *b = &L->p->rules[j];
    for (uint32_t x = 0; x < a->nactions; x++) {
        int found = 0;
        for (uint32_t y = 0; y < b->nactions && !found; y++)
            found = same_action(L, i, &a->actions[x], j, &b->actions[y]);
        if (!found)
            return 0;
    }
    return 1;
}

static void redundant(linter *L, uint32_t i, uint32_t j)
{
    const sw_decl *a = L->m->rules[i], *b = L->m->rules[j];
    int ij = actions_within(L, i, j) && rule_implies(L, i, j);
    int ji = actions_within(L, j, i) && rule_implies(L, j, i);
    char hint[600];
    if (ij && ji) {   /* the same rule twice: report the second */
        snprintf(hint, sizeof hint, "'%s' is at %s; keep one and merge their citations", a->name.name,
                 where(L, a));
        add_finding(L, "L004", b, b->name.at, j, i, hint,
                    "rule '%s' duplicates rule '%s': they fire for the same clients with the same actions",
                    b->name.name, a->name.name);
        return;
    }
    const sw_decl *x = ij ? a : b, *y = ij ? b : a;
    if (!ij && !ji)
        return;
    snprintf(hint, sizeof hint,
             "'%s' is at %s; remove '%s', or move its citations to '%s'", y->name.name, where(L, y),
             x->name.name, y->name.name);
    add_finding(L, "L004", x, x->name.at, ij ? i : j, ij ? j : i, hint,
                "rule '%s' is redundant: whenever it fires, rule '%s' fires too, with the same actions",
                x->name.name, y->name.name);
}

/* The first action of a kind in a rule (program and tree), or NULL. */
static const sw_action *action_of(const linter *L, uint32_t r, int kind, const sw_action_ast **ast)
{
    const sw_rule_def *rd = &L->p->rules[r];
    const sw_action_ast *x = L->m->rules[r]->actions;
    for (uint32_t k = 0; k < rd->nactions; k++, x = x ? x->next : NULL)
        if (rd->actions[k].kind == kind) {
            *ast = x;
            return &rd->actions[k];
        }
    return NULL;
}

static void conflicting_moves(linter *L, uint32_t i, uint32_t j)
{
    const sw_action_ast *ai, *aj;
    const sw_action *mi = action_of(L, i, SW_ACT_MOVE, &ai), *mj = action_of(L, j, SW_ACT_MOVE, &aj);
    if (!mi || !mj || mi->target == mj->target || !ai || !aj || !rules_overlap(L, i, j))
        return;
    /* report at the rule whose move the earliest-stage policy overrides */
    int later_i = mi->target > mj->target;
    uint32_t lose = later_i ? i : j, win = later_i ? j : i;
    const sw_decl *dl = L->m->rules[lose], *dw = L->m->rules[win];
    const sw_action_ast *al = later_i ? ai : aj, *aw = later_i ? aj : ai;
    char hint[700];
    snprintf(hint, sizeof hint,
             "when both fire the earliest stage (%s) wins ('%s' is at %s); make the conditions "
             "exclusive, or add allow L007 because \"...\" saying why",
             aw->target.name, dw->name.name, where(L, dw));
    add_finding(L, "L007", dl, al->at, lose, win, hint,
                "rules '%s' and '%s' can fire for the same client but move to different stages (%s and %s)",
                dl->name.name, dw->name.name, al->target.name, aw->target.name);
}

/* The rule whose value a derived fact takes when both fire (engine's order). */
static int wins(const linter *L, uint32_t i, uint32_t j)
{
    const sw_rule_def *a = &L->p->rules[i], *b = &L->p->rules[j];
    if (a->priority != b->priority)
        return a->priority > b->priority;
    return strcmp(a->id, b->id) < 0;
}

static void conflicting_sets(linter *L, uint32_t i, uint32_t j)
{
    const sw_rule_def *ri = &L->p->rules[i], *rj = &L->p->rules[j];
    const sw_action_ast *ai = L->m->rules[i]->actions;
    for (uint32_t x = 0; x < ri->nactions; x++, ai = ai ? ai->next : NULL) {
        const sw_action_ast *aj = L->m->rules[j]->actions;
        for (uint32_t y = 0; y < rj->nactions; y++, aj = aj ? aj->next : NULL) {
            const sw_action *a = &ri->actions[x], *b = &rj->actions[y];
            if (a->kind != SW_ACT_SET || b->kind != SW_ACT_SET || a->target != b->target || !ai ||
                !aj || same_action(L, i, a, j, b) || !rules_overlap(L, i, j))
                continue;
            int iw = wins(L, i, j);
            uint32_t lose = iw ? j : i, win = iw ? i : j;
            const sw_decl *dl = L->m->rules[lose], *dw = L->m->rules[win];
            const sw_action_ast *al = iw ? aj : ai, *aw = iw ? ai : aj;
            char hint[700];
            snprintf(hint, sizeof hint,
                     "when both fire '%s' wins (%s; it is at %s); make the conditions exclusive, or "
                     "add allow L008 because \"...\"",
                     dw->name.name,
                     L->p->rules[win].priority != L->p->rules[lose].priority
                         ? "it has the higher priority"
                         : "same priority: the first by name wins",
                     where(L, dw));
            add_finding(L, "L008", dl, al->at, lose, win, hint,
                        "rules '%s' and '%s' can fire for the same client but set '%s' to different values (%s and %s)",
                        dl->name.name, dw->name.name, al->target.name,
                        expr_text_in(L, dl, al->value), expr_text_in(L, dw, aw->value));
            return;
        }
    }
}

static void rule_pairs(linter *L)
{
    uint32_t n = L->m->nrules;
    for (uint32_t i = 0; i < n && !L->failed; i++) {
        if (!L->rules[i].can_fire || L->rules[i].cond.overflow)
            continue;
        for (uint32_t j = i + 1; j < n && !L->failed; j++) {
            if (!L->rules[j].can_fire || L->rules[j].cond.overflow)
                continue;
            redundant(L, i, j);
            conflicting_moves(L, i, j);
            conflicting_sets(L, i, j);
        }
    }
}

/* ---- declarations nothing uses: L005, L009 - L016 ---- */

typedef struct usage {
    uint8_t *facts;          /* by slot: read */
    uint8_t *set;            /* by slot: set by a rule */
    uint8_t *items[SW_ITEM__COUNT];   /* by item index: used by an action */
    uint8_t *stages;         /* by stage index */
    uint8_t *sources;
    uint8_t *statements;
} usage;

static void mark_reads(const linter *L, usage *u, const sw_expr *e)
{
    if (!e)
        return;
    if (is_fact(e))
        u->facts[e->slot] = 1;
    if (e->kind == SW_E_NAME && e->is_member && e->type.kind == SW_T_ENUM &&
        e->type.enumeration == L->m->stage_enum && e->i >= 0 && (uint64_t)e->i < L->m->nstages)
        u->stages[e->i] = 1;
    mark_reads(L, u, e->lhs);
    mark_reads(L, u, e->rhs);
    for (const sw_expr *it = e->items; it; it = it->next)
        mark_reads(L, u, it);
}

static void mark_cites(const linter *L, usage *u, const sw_cite *c, int statements)
{
    const sw_model *m = L->m;
    for (; c; c = c->next) {
        uint32_t s = sw_model_find(m->sources, m->nsources, c->source.name);
        if (s != SW_NONE)
            u->sources[s] = 1;
        uint32_t st = c->statement.name ? sw_model_find_statement(m, c->source.name, c->statement.name)
                                        : SW_NONE;
        if (statements && st != SW_NONE)
            u->statements[st] = 1;
    }
}

static int alloc_usage(linter *L, usage *u)
{
    const sw_model *m = L->m;
    u->facts = sw_arena_alloc(L->arena, m->nfacts + 1);
    u->set = sw_arena_alloc(L->arena, m->nfacts + 1);
    u->stages = sw_arena_alloc(L->arena, m->nstages + 1);
    u->sources = sw_arena_alloc(L->arena, m->nsources + 1);
    u->statements = sw_arena_alloc(L->arena, m->nstatements + 1);
    int ok = u->facts && u->set && u->stages && u->sources && u->statements;
    for (int k = 0; k < SW_ITEM__COUNT; k++) {
        u->items[k] = sw_arena_alloc(L->arena, m->nitems[k] + 1);
        ok = ok && u->items[k];
    }
    if (!ok)
        L->failed = 1;
    return ok;
}

static void collect_usage(linter *L, usage *u)
{
    const sw_model *m = L->m;
    const sw_program *p = L->p;
    for (uint32_t i = 0; i < m->nrules; i++) {
        const sw_decl *d = m->rules[i];
        mark_reads(L, u, d->cond);
        mark_cites(L, u, d->cites, 1);
        const sw_action_ast *x = d->actions;
        for (uint32_t k = 0; k < p->rules[i].nactions; k++, x = x ? x->next : NULL) {
            const sw_action *a = &p->rules[i].actions[k];
            if (sw_action_item(a->kind) >= 0 && a->target < m->nitems[a->kind])
                u->items[a->kind][a->target] = 1;
            else if (a->kind == SW_ACT_MOVE && a->target < m->nstages)
                u->stages[a->target] = 1;
            else if (a->kind == SW_ACT_SET && a->target < m->nfacts)
                u->set[a->target] = 1;
            if (x && x->value)
                mark_reads(L, u, x->value);
        }
    }
    for (int k = 0; k < SW_ITEM__COUNT; k++)
        for (uint32_t i = 0; i < m->nitems[k]; i++)
            mark_cites(L, u, m->items[k][i]->cites, 0);
    for (uint32_t s = 0; s < m->nfacts; s++)
        if (m->facts[s]->deflt && m->facts[s]->deflt->is_member && m->types[s].kind == SW_T_ENUM &&
            m->types[s].enumeration == m->stage_enum && (uint64_t)m->facts[s]->deflt->i < m->nstages)
            u->stages[m->facts[s]->deflt->i] = 1;
}

static void unused_facts(linter *L, const usage *u)
{
    const sw_model *m = L->m;
    for (uint32_t s = 0; s < m->nfacts; s++) {
        const sw_decl *d = m->facts[s];
        if (u->facts[s] || u->set[s] || (s < m->nbase && strcmp(d->name.name, "stage") == 0))
            continue;
        if (s < m->nbase)
            add_finding(L, "L009", d, d->name.at, SW_NONE, SW_NONE,
                        "remove it, or write the rule that needs it",
                        "fact '%s' is declared but no rule reads it", d->name.name);
        else
            add_finding(L, "L009", d, d->name.at, SW_NONE, SW_NONE, "remove it",
                        "derived fact '%s' is declared but no rule sets or reads it", d->name.name);
    }
}

static void unused_items(linter *L, const usage *u)
{
    static const char *const codes[SW_ITEM__COUNT] = {"L010", "L011", "L012", "L013"};
    const sw_model *m = L->m;
    for (int k = 0; k < SW_ITEM__COUNT; k++)
        for (uint32_t i = 0; i < m->nitems[k]; i++) {
            const sw_decl *d = m->items[k][i];
            if (u->items[k][i])
                continue;
            char hint[300];
            snprintf(hint, sizeof hint, "remove it, or add '%s %s' to the rule that should give it",
                     sw_item_vocab[k].action, d->name.name);
            add_finding(L, codes[k], d, d->name.at, SW_NONE, SW_NONE, hint,
                        "%s '%s' is declared but no rule %s it", sw_item_vocab[k].noun, d->name.name, sw_item_vocab[k].does);
        }
}

static void unused_decls(linter *L, const usage *u)
{
    const sw_model *m = L->m;
    for (uint32_t i = 0; i < m->nstages; i++)
        if (!u->stages[i])
            add_finding(L, "L014", m->stages[i], m->stages[i]->name.at, SW_NONE, SW_NONE,
                        "no rule moves a client to it or tests for it: check the stage rules",
                        "stage '%s' is never used by a rule", m->stages[i]->name.name);
    for (uint32_t i = 0; i < m->nsources; i++)
        if (!u->sources[i])
            add_finding(L, "L015", m->sources[i], m->sources[i]->name.at, SW_NONE, SW_NONE,
                        "remove it, or cite it from the rules that rest on it",
                        "source '%s' is never cited", m->sources[i]->name.name);
    for (uint32_t i = 0; i < m->nstatements; i++) {
        const sw_decl *s = m->statements[i];
        if (!u->statements[i] && !s->excused)
            add_finding(L, "L016", s, (sw_loc){s->source.at.off, s->name.at.end}, SW_NONE, SW_NONE,
                        "cite it from the rule that encodes it, or add excused \"reason\" to it",
                        "statement %s.%s is not cited by any rule and not excused", s->source.name,
                        s->name.name);
    }
    for (uint32_t i = 0; i < m->nrules; i++)
        if (!m->rules[i]->cites)
            add_finding(L, "L005", m->rules[i], m->rules[i]->name.at, i, SW_NONE,
                        "add e.g. 'cites DD.eng_bp2' so every piece of advice can be traced to the guidance",
                        "rule '%s' cites no source", m->rules[i]->name.name);
}

/* ---- allow: silencing, and L017 ---- */

static int is_lint_code(const char *code)
{
    for (const sw_lint_code *c = sw_lint_codes; c->code; c++)
        if (strcmp(c->code, code) == 0)
            return 1;
    return 0;
}

/* Drops silenced findings; marks the allows that silenced something. Returns how
 * many were silenced. */
static size_t silence(linter *L, uint8_t **used)
{
    size_t out = 0, silenced = 0;
    for (size_t i = 0; i < L->nfound; i++) {
        finding *f = &L->found[i];
        int hit = 0;
        uint32_t rs[2] = {f->rule, f->rule2};
        for (int k = 0; k < 2; k++) {
            uint32_t n = 0;
            for (sw_allow *a = rs[k] == SW_NONE ? NULL : L->m->rules[rs[k]]->allows; a; a = a->next, n++)
                if (strcmp(a->code.name, f->code) == 0) {
                    used[rs[k]][n] = 1;
                    hit = 1;
                }
        }
        if (hit)
            silenced++;
        else
            L->found[out++] = *f;
    }
    L->nfound = out;
    return silenced;
}

static void stale_allows(linter *L, uint8_t **used)
{
    for (uint32_t r = 0; r < L->m->nrules; r++) {
        const sw_decl *d = L->m->rules[r];
        uint32_t n = 0;
        for (const sw_allow *a = d->allows; a; a = a->next, n++) {
            if (used[r][n])
                continue;
            if (!is_lint_code(a->code.name))
                add_finding(L, "L017", d, a->at, SW_NONE, SW_NONE,
                            "docs/lint.md lists the codes, L001 to L018",
                            "'%s' is not a lint finding code", a->code.name);
            else
                add_finding(L, "L017", d, a->at, SW_NONE, SW_NONE,
                            "remove the allow: lint finds nothing of that kind here",
                            "allow %s silences nothing: rule '%s' has no %s finding", a->code.name,
                            d->name.name, a->code.name);
        }
    }
}

/* ---- the whole run ---- */

static int cmp_finding(const void *a, const void *b)
{
    const finding *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->at.off != y->at.off)
        return x->at.off < y->at.off ? -1 : 1;
    int c = strcmp(x->code, y->code);
    return c ? c : strcmp(x->message, y->message);
}

static void analyse(linter *L)
{
    const sw_model *m = L->m;
    init_vars(L);
    L->rules = sw_arena_array(L->arena, m->nrules ? m->nrules : 1, sizeof *L->rules);
    if (!L->rules) {
        L->failed = 1;
        return;
    }
    build_conditions(L);
    settle_derived(L);
    for (uint32_t i = 0; i < m->nrules && !L->failed; i++) {
        dead_parts(L, i);
        fixed_comparisons(L, i);
        unset_derived(L, i);
    }
    rule_pairs(L);
    silencing_guards(L);
    usage u;
    memset(&u, 0, sizeof u);
    if (!L->failed && alloc_usage(L, &u)) {
        collect_usage(L, &u);
        unused_facts(L, &u);
        unused_items(L, &u);
        unused_decls(L, &u);
    }
}

static size_t apply_allows(linter *L)
{
    uint8_t **used = sw_arena_array(L->arena, L->m->nrules ? L->m->nrules : 1, sizeof *used);
    if (!used) {
        L->failed = 1;
        return 0;
    }
    for (uint32_t r = 0; r < L->m->nrules; r++) {
        uint32_t n = 0;
        for (const sw_allow *a = L->m->rules[r]->allows; a; a = a->next)
            n++;
        used[r] = sw_arena_alloc(L->arena, n + 1);
        if (!used[r]) {
            L->failed = 1;
            return 0;
        }
    }
    size_t silenced = silence(L, used);
    stale_allows(L, used);
    return silenced;
}

static void report(linter *L, sw_diagnostics *diags)
{
    if (L->nfound)
        qsort(L->found, L->nfound, sizeof *L->found, cmp_finding);
    for (size_t i = 0; i < L->nfound; i++) {
        const finding *f = &L->found[i];
        sw_diag_add(diags, SW_SEV_WARNING, f->code, sw_syntax_where(&L->m->files[f->file], f->at),
                    NULL, f->hint, "%s", f->message);
    }
}

static sw_status lint_model(sw_model *m, sw_diagnostics *diags, sw_lint_summary *summary)
{
    sw_program p;
    memset(&p, 0, sizeof p);
    if (sw_compile(m, &p) != SW_OK || sw_index_build(&p) != SW_OK) {
        sw_arena_free(&p.arena);
        return SW_ERR_NOMEM;
    }
    linter L;
    memset(&L, 0, sizeof L);
    L.m = m;
    L.p = &p;
    L.arena = m->arena;
    analyse(&L);
    size_t silenced = L.failed ? 0 : apply_allows(&L);
    if (!L.failed)
        report(&L, diags);
    summary->findings = L.nfound;
    summary->silenced = silenced;
    summary->rules = m->nrules;
    free(L.vars);
    free(L.atoms);
    free(L.found);
    sw_arena_free(&p.arena);
    return L.failed ? SW_ERR_NOMEM : SW_OK;
}

sw_status sw_lint_texts(const sw_source_text *texts, size_t ntexts, sw_diagnostics *diags,
                        sw_lint_summary *summary)
{
    sw_lint_summary none = {0, 0, 0};
    if (summary)
        *summary = none;
    if ((!texts && ntexts) || !summary)
        return SW_ERR_ARG;
    sw_arena arena = SW_ARENA_INIT;
    sw_model m;
    sw_status st = sw_front_load(&arena, texts, ntexts, diags, &m);
    if (st == SW_OK)
        st = lint_model(&m, diags, summary);
    sw_arena_free(&arena);
    return st;
}
