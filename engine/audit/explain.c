/*
 * explain.c - explain and why not: the rules behind a decision, in their own words.
 *
 * Both start from the evaluator's state for the client (eval.h): sw_eval_node gives
 * the value of any node of a condition, and each node knows its text in the rule
 * (src_off/src_len into the rule's `text`). Explain walks a rule's condition and
 * lists every sub-expression with its value; why not finds the rules with an action
 * producing the asked-for output and, for those that did not fire, walks down from
 * the condition to the parts that were false or unknown (through `and`, and through
 * `or` as alternatives) and says what the client's values were and what would have
 * satisfied each. Everything built lives in the explanation's arena; strings of the
 * rule set are borrowed. Rendering (text and JSON) is at the end of the file, and so
 * are the rule provenance functions (rule metadata, production mode).
 */
#include "audit/explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/diag.h"
#include "util/digest.h"
#include "eval/eval.h"
#include "facts/facts.h"
#include "util/json.h"
#include "check/model.h"
#include "lang/truth.h"
#include "lang/value.h"
#include "compile/value_text.h"
#include "util/grow.h"
#include "util/lookup.h"

/* ==== building ============================================================== */

typedef struct ex {
    const sw_program *p;
    const sw_facts *facts;
    sw_eval ev;
    sw_arena *arena;
    int failed;
} ex;

/* A growable array of fixed-size elements, moved into the arena when done. */
typedef struct vec {
    char *v;
    size_t n, cap, size;
} vec;

static void *vec_push(ex *e, vec *x)
{
    if (!sw_grow_m(e->p->arena.mem, &x->v, &x->cap, x->n, x->size, 8)) {
        e->failed = 1;
        return NULL;
    }
    void *slot = x->v + x->n++ * x->size;
    memset(slot, 0, x->size);
    return slot;
}

static const void *vec_finish(ex *e, vec *x, size_t *n)
{
    void *copy = x->n ? sw_arena_memdup(e->arena, x->v, x->n * x->size) : NULL;
    if (x->n && !copy)
        e->failed = 1;
    *n = copy ? x->n : 0;
    sw_mem_free(e->p->arena.mem, x->v, 0);
    x->v = NULL;
    return copy;
}

/* Moves a built text into the arena (NULL and failed when memory ran out). */
static const char *take(ex *e, sw_buf *b)
{
    const char *s = b->failed ? NULL : sw_arena_strndup(e->arena, b->data ? b->data : "", b->len);
    sw_buf_free(b);
    if (!s)
        e->failed = 1;
    return s;
}

static const char *printf_str(ex *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *printf_str(ex *e, const char *fmt, ...)
{
    sw_buf b = SW_BUF_WITH(e->p->arena.mem);
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return take(e, &b);
}

static sw_truth_value truth_of(sw_value v)
{
    return !v.known ? SW_TRUTH_UNKNOWN : v.u.i ? SW_TRUTH_TRUE : SW_TRUTH_FALSE;
}

static const char *truth_name(sw_truth_value t)
{
    switch (t) {
    case SW_TRUTH_FALSE: return "false";
    case SW_TRUTH_TRUE: return "true";
    case SW_TRUTH_UNKNOWN: return "unknown";
    default: return NULL;
    }
}

/* ---- nodes: type, value and text ---- */

static int has_b(const sw_node *n) { return n->op >= SW_OP_AND && n->op <= SW_OP_DIV; }

/* The node itself, or what a TO_NUMBER conversion wraps (it has the same text). */
static uint32_t unwrap(const sw_program *p, uint32_t idx)
{
    while (p->nodes[idx].op == SW_OP_TO_NUMBER)
        idx = p->nodes[idx].a;
    return idx;
}

/* The full type of a node; constants of an enumeration take it from hint. */
static sw_type node_type(const sw_program *p, uint32_t idx, const sw_type *hint)
{
    const sw_node *n = &p->nodes[idx];
    if (n->op == SW_OP_LOAD)
        return p->facts[n->a].type;
    sw_type t;
    memset(&t, 0, sizeof t);
    t.kind = n->type;
    if (hint && (t.kind == SW_T_ENUM || t.kind == SW_T_SET))
        t.enumeration = hint->enumeration;
    return t;
}

static const char *value_text(ex *e, const sw_type *t, sw_value v)
{
    sw_buf b = SW_BUF_WITH(e->p->arena.mem);
    sw_value_format(e->p, t, v, &b);
    return take(e, &b);
}

static const char *node_value(ex *e, uint32_t idx, const sw_type *hint)
{
    sw_type t = node_type(e->p, idx, hint);
    return value_text(e, &t, sw_eval_node(&e->ev, idx));
}

/* Copies source text to b on one line: runs of blanks and newlines become one
 * space and comments are left out (strings are copied as they are). */
static void one_line(const char *s, size_t n, sw_buf *b)
{
    int in_string = 0, space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!in_string && c == '#') {
            while (i + 1 < n && s[i + 1] != '\n')
                i++;
            continue;
        }
        if (!in_string && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            space = b->len > 0;
            continue;
        }
        if (space)
            sw_buf_putc(b, ' ');
        space = 0;
        sw_buf_putc(b, c);
        if (c == '"')
            in_string = !in_string;
        else if (c == '\\' && in_string && i + 1 < n)
            sw_buf_putc(b, s[++i]);
    }
}

static const char *node_text(ex *e, const sw_rule_def *r, uint32_t idx)
{
    const sw_node *n = &e->p->nodes[idx];
    size_t len = strlen(r->text);
    if (n->src_off < r->text_off || n->src_off - r->text_off > len ||
        n->src_len > len - (n->src_off - r->text_off))
        return "?";
    sw_buf b = SW_BUF_WITH(e->p->arena.mem);
    one_line(r->text + (n->src_off - r->text_off), n->src_len, &b);
    return take(e, &b);
}

/* ---- explain: the condition tree ---- */

static void walk_tree(ex *e, const sw_rule_def *r, uint32_t idx, unsigned depth, vec *out)
{
    const sw_program *p = e->p;
    idx = unwrap(p, idx);
    const sw_node *n = &p->nodes[idx];
    if (n->op == SW_OP_CONST)
        return;
    sw_condition *c = vec_push(e, out);
    if (!c)
        return;
    sw_type t = node_type(p, idx, NULL);
    sw_value v = sw_eval_node(&e->ev, idx);
    c->depth = depth;
    c->text = node_text(e, r, idx);
    c->value = value_text(e, &t, v);
    c->truth = t.kind == SW_T_BOOL ? truth_of(v) : SW_TRUTH_NONE;
    c->fact = n->op == SW_OP_LOAD ? p->facts[n->a].name : NULL;
    if (n->op == SW_OP_LOAD)
        return;
    uint32_t child = n->a;
    const sw_node *cn = &p->nodes[child];
    if (n->op == SW_OP_NOT && cn->src_off == n->src_off && cn->src_len == n->src_len)
        child = cn->a;   /* `x not in {...}`: one node in the text */
    walk_tree(e, r, child, depth + 1, out);
    if (has_b(n))
        walk_tree(e, r, n->b, depth + 1, out);
}

static void fact_value(ex *e, uint32_t slot, sw_fact_value *out)
{
    const sw_fact_def *f = &e->p->facts[slot];
    out->fact = f->name;
    out->label = f->label;
    out->known = e->ev.values[slot].known;
    out->derived = f->derived;
    out->value = value_text(e, &f->type, e->ev.values[slot]);
}

static const char *action_text(ex *e, const sw_rule_def *r, const sw_action *a)
{
    const sw_program *p = e->p;
    int k = sw_action_item(a->kind);
    if (k >= 0) {
        const sw_item_words *w = &sw_item_vocab[k];
        const char *id = p->items[k][a->target].id;
        if (w->level == SW_LEVEL_PRIORITY)
            return printf_str(e, "%s %s %s %s", w->action, id, w->level_word,
                              sw_priority_name((sw_priority)a->priority));
        if (w->level == SW_LEVEL_SEVERITY)
            return printf_str(e, "%s %s %s %s", w->action, id, w->level_word,
                              sw_severity_name((sw_risk_severity)a->severity));
        return printf_str(e, "%s %s", w->action, id);
    }
    if (a->kind == SW_ACT_MOVE)
        return printf_str(e, "move %s", p->enums[p->stage_enum].members[a->target]);
    if (a->kind == SW_ACT_SET)
        return printf_str(e, "set %s = %s", p->facts[a->target].name, node_text(e, r, a->value));
    return "?";
}

static const char *outcome_of(sw_truth_value t)
{
    switch (t) {
    case SW_TRUTH_TRUE: return "fired";
    case SW_TRUTH_FALSE: return "did not fire";
    default: return "undecided: missing data";
    }
}

static void explain_rule(ex *e, uint32_t ri, sw_rule_explanation *x)
{
    const sw_rule_def *r = &e->p->rules[ri];
    x->rule = r->id;
    x->title = r->title;
    x->file = r->file;
    x->line = r->line;
    x->status = (sw_validation)r->status;
    x->truth = (sw_truth_value)e->ev.truth[ri];
    x->outcome = outcome_of(x->truth);
    x->citations = r->citations;
    x->ncitations = r->ncitations;
    vec tree = {NULL, 0, 0, sizeof(sw_condition)};
    walk_tree(e, r, r->cond, 0, &tree);
    x->conditions = vec_finish(e, &tree, &x->nconditions);
    sw_fact_value *facts = sw_arena_array(e->arena, r->nreads ? r->nreads : 1, sizeof *facts);
    const char **actions = sw_arena_array(e->arena, r->nactions ? r->nactions : 1, sizeof *actions);
    const char **because = sw_arena_array(e->arena, r->nactions ? r->nactions : 1, sizeof *because);
    if (!facts || !actions || !because) {
        e->failed = 1;
        return;
    }
    for (uint32_t k = 0; k < r->nreads; k++)
        fact_value(e, r->reads[k], &facts[k]);
    x->facts = facts;
    x->nfacts = r->nreads;
    for (uint32_t a = 0; a < r->nactions; a++) {
        actions[a] = action_text(e, r, &r->actions[a]);
        if (r->actions[a].because)
            because[x->nbecause++] = r->actions[a].because;
    }
    x->actions = actions;
    x->nactions = r->nactions;
    x->because = because;
}

/* ---- why not: what stood in the way ---- */

/* The missing facts behind an unknown node. */
typedef struct missing {
    vec slots;            /* uint32_t */
    uint8_t *visited;     /* derived slots explored */
    int no_date;          /* `days since` without an assessment date */
} missing;

static void add_slot(ex *e, missing *m, uint32_t slot)
{
    const uint32_t *v = (const uint32_t *)m->slots.v;
    for (size_t i = 0; i < m->slots.n; i++)
        if (v[i] == slot)
            return;
    uint32_t *s = vec_push(e, &m->slots);
    if (s)
        *s = slot;
}

static void missing_of(ex *e, uint32_t idx, missing *m);

static void missing_derived(ex *e, uint32_t slot, missing *m)
{
    const sw_program *p = e->p;
    if (m->visited[slot - p->nbase])
        return;
    m->visited[slot - p->nbase] = 1;
    const sw_fact_def *f = &p->facts[slot];
    size_t before = m->slots.n;
    int before_date = m->no_date;
    for (uint32_t k = 0; k < f->nsetters; k++) {
        const sw_rule_def *r = &p->rules[f->setters[k]];
        if (e->ev.truth[f->setters[k]] == SW_UNKNOWN)
            missing_of(e, r->cond, m);
        for (uint32_t a = 0; e->ev.truth[f->setters[k]] == SW_TRUE && a < r->nactions; a++)
            if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot)
                missing_of(e, r->actions[a].value, m);
    }
    if (m->slots.n == before && m->no_date == before_date)
        add_slot(e, m, slot);
}

static void missing_of(ex *e, uint32_t idx, missing *m)
{
    const sw_program *p = e->p;
    const sw_node *n = &p->nodes[idx];
    if (sw_eval_node(&e->ev, idx).known || n->op == SW_OP_CONST)
        return;
    if (n->op == SW_OP_LOAD) {
        if (n->a < p->nbase)
            add_slot(e, m, n->a);
        else
            missing_derived(e, n->a, m);
        return;
    }
    if ((n->op == SW_OP_DAYS_SINCE || n->op == SW_OP_WEEKS_SINCE || n->op == SW_OP_MONTHS_SINCE) &&
        !e->ev.has_today)
        m->no_date = 1;
    missing_of(e, n->a, m);
    if (has_b(n))
        missing_of(e, n->b, m);
}

/* "a", "a and b", "a, b and c" with " (derived)" after derived facts. */
static void name_list(ex *e, const uint32_t *slots, size_t n, sw_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        const sw_fact_def *f = &e->p->facts[slots[i]];
        sw_buf_puts(b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
        sw_buf_puts(b, f->name);
        if (f->derived)
            sw_buf_puts(b, " (derived, no rule could settle it)");
    }
}

static void unknown_blocker(ex *e, uint32_t idx, sw_blocker *bl)
{
    missing m = {{NULL, 0, 0, sizeof(uint32_t)}, NULL, 0};
    m.visited = sw_mem_calloc(e->p->arena.mem, e->p->nfacts - e->p->nbase + 1, 1);
    if (!m.visited) {
        e->failed = 1;
        return;
    }
    missing_of(e, idx, &m);
    sw_mem_free(e->p->arena.mem, m.visited, 0);
    size_t n = m.slots.n;
    sw_buf b = SW_BUF_WITH(e->p->arena.mem);
    name_list(e, (const uint32_t *)m.slots.v, n, &b);
    if (n)
        sw_buf_puts(&b, n == 1 ? " is missing" : " are missing");
    if (m.no_date)
        sw_buf_puts(&b, n ? "; the assessment date is missing" : "the assessment date is missing");
    if (!n && !m.no_date)
        sw_buf_puts(&b, "its value could not be worked out (division by zero or overflow)");
    sw_mem_free(e->p->arena.mem, m.slots.v, 0);
    bl->actual = take(e, &b);
    bl->needs = n + m.no_date > 1 ? "record them"
              : n == 1 ? "record it"
              : m.no_date ? "give the assessment date (assessed_on)"
                          : "values that can be worked out";
}

/* A comparison operator with its sides swapped (10 <= phq9 is phq9 >= 10). */
static sw_opcode flip(sw_opcode op) { return (sw_opcode)sw_compare_mirror((uint8_t)op); }

static const char *needs_compare(ex *e, sw_opcode op, const char *v, int ordered_in_time)
{
    switch (op) {
    case SW_OP_EQ: return printf_str(e, "%s", v);
    case SW_OP_NE: return printf_str(e, "anything but %s", v);
    case SW_OP_LT: return printf_str(e, ordered_in_time ? "before %s" : "less than %s", v);
    case SW_OP_LE: return printf_str(e, ordered_in_time ? "%s or earlier" : "%s or less", v);
    case SW_OP_GT: return printf_str(e, ordered_in_time ? "after %s" : "more than %s", v);
    default: return printf_str(e, ordered_in_time ? "%s or later" : "%s or more", v);
    }
}

/* "name = value" for the side of a condition that is not a constant. */
static const char *actual_of(ex *e, const sw_rule_def *r, uint32_t idx)
{
    idx = unwrap(e->p, idx);
    return printf_str(e, "%s = %s", node_text(e, r, idx), node_value(e, idx, NULL));
}

static void compare_blocker(ex *e, const sw_rule_def *r, const sw_node *n, sw_blocker *bl)
{
    const sw_program *p = e->p;
    uint32_t a = unwrap(p, n->a), b = unwrap(p, n->b);
    sw_opcode op = (sw_opcode)n->op;
    if (p->nodes[a].op == SW_OP_CONST && p->nodes[b].op != SW_OP_CONST) {
        uint32_t t = a;
        a = b;
        b = t;
        op = flip(op);
    }
    if (p->nodes[b].op != SW_OP_CONST) {
        bl->actual = printf_str(e, "%s; %s", actual_of(e, r, a), actual_of(e, r, b));
        bl->needs = "the comparison to hold";
        return;
    }
    sw_type ta = node_type(p, a, NULL);
    sw_type tb = node_type(p, b, &ta);
    int in_time = ta.kind == SW_T_DATE || ta.kind == SW_T_ENUM;
    bl->actual = actual_of(e, r, a);
    bl->needs = needs_compare(e, op, value_text(e, &tb, p->nodes[b].imm), in_time);
}

/* "a, b" for the constants of an `in` list or the members of a set mask. */
static const char *list_text(ex *e, const sw_node *n, const sw_type *t)
{
    sw_buf b = SW_BUF_WITH(e->p->arena.mem);
    if (n->op == SW_OP_IN) {
        for (uint32_t k = 0; k < n->nlist; k++) {
            sw_buf_puts(&b, k ? ", " : "");
            sw_value_format(e->p, t, e->p->consts[n->list + k], &b);
        }
        return take(e, &b);
    }
    const sw_enum *en = &e->p->enums[t->enumeration];
    int first = 1;
    for (uint32_t k = 0; k < en->nmembers; k++)
        if (n->imm.u.bits & ((uint64_t)1 << k)) {
            sw_buf_puts(&b, first ? "" : ", ");
            sw_buf_puts(&b, en->members[k]);
            first = 0;
        }
    return take(e, &b);
}

static int single_member(uint64_t bits) { return bits && !(bits & (bits - 1)); }

/* A false condition that is not `and`/`or`: the values and what was needed. */
static void false_blocker(ex *e, const sw_rule_def *r, uint32_t idx, sw_blocker *bl)
{
    const sw_program *p = e->p;
    const sw_node *n = &p->nodes[idx];
    const sw_node *c = &p->nodes[n->a];
    sw_type ta = n->op == SW_OP_LOAD ? node_type(p, idx, NULL) : node_type(p, unwrap(p, n->a), NULL);
    switch ((sw_opcode)n->op) {
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE:
        compare_blocker(e, r, n, bl);
        return;
    case SW_OP_IN:
        bl->actual = actual_of(e, r, n->a);
        bl->needs = printf_str(e, "one of %s", list_text(e, n, &ta));
        return;
    case SW_OP_CONTAINS:
    case SW_OP_CONTAINS_ANY:
        bl->actual = actual_of(e, r, n->a);
        bl->needs = printf_str(e, "%s%s", n->op == SW_OP_CONTAINS_ANY ? "to include one of "
                                          : single_member(n->imm.u.bits) ? "to include "
                                                                         : "to include all of ",
                               list_text(e, n, &ta));
        return;
    case SW_OP_IS_KNOWN:
        bl->actual = printf_str(e, "%s is missing", node_text(e, r, n->a));
        bl->needs = "record it";
        return;
    case SW_OP_IS_MISSING:
        bl->actual = actual_of(e, r, n->a);
        bl->needs = "it to be unrecorded";
        return;
    case SW_OP_LOAD:
        bl->actual = actual_of(e, r, idx);
        bl->needs = "true";
        return;
    case SW_OP_NOT:
        if (c->op == SW_OP_IN && c->src_off == n->src_off && c->src_len == n->src_len) {
            sw_type tc = node_type(p, unwrap(p, c->a), NULL);
            bl->actual = actual_of(e, r, c->a);
            bl->needs = printf_str(e, "none of %s", list_text(e, c, &tc));
        } else if (c->op == SW_OP_LOAD) {
            bl->actual = actual_of(e, r, n->a);
            bl->needs = "false";
        } else {
            bl->actual = printf_str(e, "%s was true", node_text(e, r, n->a));
            bl->needs = "it to be false";
        }
        return;
    default:
        bl->actual = printf_str(e, "%s = %s", node_text(e, r, idx), node_value(e, idx, NULL));
        bl->needs = "true";
        return;
    }
}

/* Lists what kept node idx from being true. in_or: idx is a side of an `or` whose
 * group was already opened, so a nested `or` joins that group. */
static void blockers(ex *e, const sw_rule_def *r, uint32_t idx, unsigned depth, int in_or, vec *out)
{
    const sw_program *p = e->p;
    const sw_node *n = &p->nodes[idx];
    sw_truth_value t = truth_of(sw_eval_node(&e->ev, idx));
    if (t == SW_TRUTH_TRUE || e->failed)
        return;
    if (n->op == SW_OP_AND && !in_or) {
        blockers(e, r, n->a, depth, 0, out);
        blockers(e, r, n->b, depth, 0, out);
        return;
    }
    if (n->op == SW_OP_OR && in_or) {
        blockers(e, r, n->a, depth, 1, out);
        blockers(e, r, n->b, depth, 1, out);
        return;
    }
    sw_blocker *bl = vec_push(e, out);
    if (!bl)
        return;
    bl->depth = depth;
    bl->text = node_text(e, r, idx);
    bl->truth = t;
    if (n->op == SW_OP_OR || n->op == SW_OP_AND) {
        bl->any_of = n->op == SW_OP_OR;
        bl->needs = n->op == SW_OP_OR ? "any one of" : "all of";
        blockers(e, r, n->a, depth + 1, n->op == SW_OP_OR, out);
        blockers(e, r, n->b, depth + 1, n->op == SW_OP_OR, out);
    } else if (t == SW_TRUTH_UNKNOWN) {
        unknown_blocker(e, idx, bl);
    } else {
        false_blocker(e, r, idx, bl);
    }
}

static void add_blockers(ex *e, uint32_t ri, sw_rule_explanation *x)
{
    vec list = {NULL, 0, 0, sizeof(sw_blocker)};
    blockers(e, &e->p->rules[ri], e->p->rules[ri].cond, 0, 0, &list);
    x->blockers = vec_finish(e, &list, &x->nblockers);
}

/* ==== the questions ========================================================= */

typedef struct question {
    sw_action_kind action;
    int item_kind;          /* sw_item_kind, or -1 for a stage */
    uint32_t target;
    const char *id;
    const char *label;
    const char *verb;       /* "recommended" */
    const char *noun;       /* "intervention" */
} question;

static const struct {
    const char *word;
    sw_action_kind action;
    int item_kind;
    const char *verb, *noun;
} question_kinds[] = {
#define SW_QUESTION_ROW(kind, noun, plural, action, word, does, participle, ...) \
    {word, SW_ACT_##action, SW_ITEM_##kind, participle, noun},
    SW_ITEM_KINDS(SW_QUESTION_ROW)
#undef SW_QUESTION_ROW
    {"stage", SW_ACT_MOVE, -1, "suggested", "stage"},
};

#define NKINDS (sizeof question_kinds / sizeof question_kinds[0])

/* Queues an A002 diagnostic for a question that cannot be answered. */
static sw_status bad_question(sw_diagnostics *diags, const char *hint, const char *message)
{
    if (diags)
        sw_diag_add(diags, SW_SEV_ERROR, "A002", (sw_where){NULL, NULL, 0, 0, 0}, NULL, hint, "%s",
                    message);
    return SW_ERR_ARG;
}

static sw_status find_target(const sw_program *p, question *q, const char *id, sw_diagnostics *diags)
{
    const char *const *names;
    const char **tmp = NULL;
    uint32_t n;
    if (q->item_kind < 0) {
        if (p->stage_enum == SW_NONE)
            return bad_question(diags, NULL, "the rule set declares no stages");
        names = p->enums[p->stage_enum].members;
        n = p->enums[p->stage_enum].nmembers;
    } else {
        n = p->nitems[q->item_kind];
        tmp = sw_mem_alloc(p->arena.mem, (n ? n : 1) * sizeof *tmp);
        if (!tmp)
            return SW_ERR_NOMEM;
        for (uint32_t i = 0; i < n; i++)
            tmp[i] = p->items[q->item_kind][i].id;
        names = tmp;
    }
    q->target = SW_NONE;
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(names[i], id) == 0)
            q->target = i;
    const char *s = q->target == SW_NONE ? sw_suggest(id, names, n) : NULL;
    char hint[160], message[200];
    if (s)
        snprintf(hint, sizeof hint, "did you mean '%s'?", s);
    snprintf(message, sizeof message, "unknown %s '%s'", q->noun, id);
    sw_mem_free(p->arena.mem, tmp, 0);
    if (q->target == SW_NONE)
        return bad_question(diags, s ? hint : NULL, message);
    q->id = q->item_kind < 0 ? p->enums[p->stage_enum].members[q->target]
                             : p->items[q->item_kind][q->target].id;
    q->label = q->item_kind < 0 ? p->stage_titles[q->target] : p->items[q->item_kind][q->target].label;
    return SW_OK;
}

static sw_status parse_question(const sw_program *p, const char *text, question *q,
                                sw_diagnostics *diags)
{
    const char *colon = text ? strchr(text, ':') : NULL;
    if (!colon)
        return bad_question(diags, "ask KIND:ID, e.g. recommend:cbt or stage:active_treatment",
                            "a why-not question needs a kind and an identifier");
    size_t len = (size_t)(colon - text);
    for (size_t k = 0; k < NKINDS; k++) {
        if (strlen(question_kinds[k].word) == len && strncmp(text, question_kinds[k].word, len) == 0) {
            q->action = question_kinds[k].action;
            q->item_kind = question_kinds[k].item_kind;
            q->verb = question_kinds[k].verb;
            q->noun = question_kinds[k].noun;
            return find_target(p, q, colon + 1, diags);
        }
    }
    char message[200];
    snprintf(message, sizeof message, "unknown kind '%.*s' in a why-not question",
             len > 100 ? 100 : (int)len, text);
    return bad_question(diags, "the kinds are recommend, advise, challenge, risk and stage", message);
}

/* ==== public: explain and why not ============================================ */

static sw_status begin(ex *e, const sw_ruleset *rules, const sw_facts *facts, sw_explanation **out)
{
    memset(e, 0, sizeof *e);
    if (!rules || !facts || !out || facts->prog != &rules->prog)
        return SW_ERR_ARG;
    *out = sw_mem_calloc(rules->prog.arena.mem, 1, sizeof **out);
    if (!*out)
        return SW_ERR_NOMEM;
    (*out)->arena.mem = rules->prog.arena.mem;
    e->p = &rules->prog;
    e->facts = facts;
    e->arena = &(*out)->arena;
    sw_status st = sw_eval_run(&e->ev, e->p, facts);
    if (st != SW_OK) {
        sw_mem_free(rules->prog.arena.mem, *out, 0);
        *out = NULL;
        return st;
    }
    sw_explanation_report *rep = &(*out)->report;
    rep->guideline = e->p->guideline;
    rep->guideline_version = e->p->version;
    rep->ruleset_sha256 = e->p->sha256;
    rep->client = facts->client;
    sw_buf canon = SW_BUF_WITH(e->p->arena.mem);
    sw_facts_canonical(facts, &canon);
    char *hex = sw_arena_alloc(e->arena, 65);
    if (!hex || canon.failed || !sw_sha256_hex(canon.data ? canon.data : "", canon.len, hex))
        e->failed = 1;
    sw_buf_free(&canon);
    rep->facts_sha256 = hex;
    return SW_OK;
}

static sw_status finish(ex *e, sw_explanation **out, sw_status st)
{
    sw_eval_free(&e->ev);
    if (st == SW_OK && e->failed)
        st = SW_ERR_NOMEM;
    if (st != SW_OK) {
        sw_explanation_free(*out);
        *out = NULL;
    }
    return st;
}

static int rule_id_compare(const void *table, size_t i, const void *key)
{
    return strcmp(((const sw_rule_def *)table)[i].id, key);
}

static uint32_t find_rule(const sw_program *p, const char *id)
{
    size_t i = sw_lookup(p->rules, p->nrules, rule_id_compare, id);
    return i == SIZE_MAX ? SW_NONE : (uint32_t)i;
}

static sw_status unknown_rule(const sw_program *p, const char *id, sw_diagnostics *diags)
{
    const char **names = sw_mem_alloc(p->arena.mem, (p->nrules ? p->nrules : 1) * sizeof *names);
    if (!names)
        return SW_ERR_NOMEM;
    for (uint32_t i = 0; i < p->nrules; i++)
        names[i] = p->rules[i].id;
    const char *s = sw_suggest(id, names, p->nrules);
    char hint[160], message[200];
    if (s)
        snprintf(hint, sizeof hint, "did you mean '%s'?", s);
    snprintf(message, sizeof message, "unknown rule '%s'", id);
    sw_mem_free(p->arena.mem, names, 0);
    return bad_question(diags, s ? hint : NULL, message);
}

static sw_status select_rules(ex *e, const sw_explain_options *o, vec *picked, sw_diagnostics *diags)
{
    const sw_program *p = e->p;
    for (size_t i = 0; o && i < o->nrules; i++) {
        uint32_t r = o->rules[i] ? find_rule(p, o->rules[i]) : SW_NONE;
        if (r == SW_NONE)
            return o->rules[i] ? unknown_rule(p, o->rules[i], diags) : SW_ERR_ARG;
        uint32_t *slot = vec_push(e, picked);
        if (slot)
            *slot = r;
    }
    for (uint32_t r = 0; !(o && o->nrules) && r < p->nrules; r++) {
        if (!(o && o->all) && e->ev.truth[r] != SW_TRUE)
            continue;
        uint32_t *slot = vec_push(e, picked);
        if (slot)
            *slot = r;
    }
    return e->failed ? SW_ERR_NOMEM : SW_OK;
}

sw_status sw_explain(const sw_ruleset *rules, const sw_facts *facts, const sw_explain_options *options,
                     sw_explanation **out, sw_diagnostics *diags)
{
    ex e;
    sw_status st = begin(&e, rules, facts, out);
    if (st != SW_OK)
        return st;
    vec picked = {NULL, 0, 0, sizeof(uint32_t)};
    st = select_rules(&e, options, &picked, diags);
    sw_rule_explanation *list = NULL;
    if (st == SW_OK) {
        list = sw_arena_array(e.arena, picked.n ? picked.n : 1, sizeof *list);
        if (!list)
            e.failed = 1;
    }
    for (size_t i = 0; list && i < picked.n; i++)
        explain_rule(&e, ((const uint32_t *)picked.v)[i], &list[i]);
    if (list) {
        (*out)->report.rules = list;
        (*out)->report.nrules = picked.n;
    }
    sw_mem_free(e.p->arena.mem, picked.v, 0);
    return finish(&e, out, st);
}

static int produces(const sw_rule_def *r, const question *q)
{
    for (uint32_t a = 0; a < r->nactions; a++)
        if (r->actions[a].kind == q->action && r->actions[a].target == q->target)
            return 1;
    return 0;
}

/* Was the item or stage asked about in the result? */
static int in_report(const sw_report *rep, const question *q)
{
    if (q->item_kind < 0)
        return rep->stage.suggested && strcmp(rep->stage.suggested, q->id) == 0;
    const sw_item *list;
    size_t count = sw_report_items(rep, (size_t)q->item_kind, &list);
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i].id, q->id) == 0)
            return 1;
    return 0;
}

static void why_not_answer(ex *e, sw_explanation_report *rep, const question *q,
                           const sw_report *res, size_t fired)
{
    const char *what = q->item_kind < 0 ? "stage " : "";
    if (rep->produced && q->item_kind < 0 && fired == 0)
        rep->answer = printf_str(e, "%s is the current stage and no rule proposed a move, so it "
                                    "stays the suggestion", q->id);
    else if (rep->produced)
        rep->answer = printf_str(e, "%s%s was %s, by %zu rule%s", what, q->id, q->verb, fired,
                                 fired == 1 ? "" : "s");
    else if (rep->nrules == 0)
        rep->answer = printf_str(e, "%s%s was not %s: no rule in the rule set can produce it",
                                 what, q->id, q->verb);
    else if (fired > 0)
        rep->answer = printf_str(e, "stage %s was not suggested: %s was, under the stated policy: %s",
                                 q->id, res->stage.suggested ? res->stage.suggested : "none",
                                 res->stage.policy);
    else
        rep->answer = printf_str(e, "%s%s was not %s: %zu rule%s could have produced it and "
                                    "none fired",
                                 what, q->id, q->verb, rep->nrules, rep->nrules == 1 ? "" : "s");
}

static void why_not_rules(ex *e, sw_explanation_report *rep, const question *q,
                          const sw_report *res)
{
    const sw_program *p = e->p;
    size_t n = 0, fired = 0;
    for (uint32_t r = 0; r < p->nrules; r++)
        n += produces(&p->rules[r], q);
    sw_rule_explanation *list = sw_arena_array(e->arena, n ? n : 1, sizeof *list);
    if (!list) {
        e->failed = 1;
        return;
    }
    size_t k = 0;
    for (uint32_t r = 0; r < p->nrules && !e->failed; r++) {
        if (!produces(&p->rules[r], q))
            continue;
        sw_rule_explanation *x = &list[k++];
        explain_rule(e, r, x);
        if (x->truth != SW_TRUTH_TRUE) {
            add_blockers(e, r, x);
            continue;
        }
        fired++;
        if (!rep->produced && q->item_kind < 0)
            x->outcome = printf_str(e, "fired, but %s was suggested instead (earliest-stage policy)",
                                    res->stage.suggested ? res->stage.suggested : "none");
    }
    rep->rules = list;
    rep->nrules = k;
    why_not_answer(e, rep, q, res, fired);
}

sw_status sw_why_not(const sw_ruleset *rules, const sw_facts *facts, const char *text,
                     sw_explanation **out, sw_diagnostics *diags)
{
    question q;
    memset(&q, 0, sizeof q);
    if (!rules)
        return SW_ERR_ARG;
    sw_status st = parse_question(&rules->prog, text, &q, diags);
    if (st != SW_OK) {
        if (out)
            *out = NULL;
        return st;
    }
    ex e;
    st = begin(&e, rules, facts, out);
    if (st != SW_OK)
        return st;
    sw_result *res = NULL;
    st = sw_evaluate(rules, facts, &res);
    if (st == SW_OK) {
        sw_explanation_report *rep = &(*out)->report;
        rep->question = sw_arena_strdup(e.arena, text);
        rep->target_label = q.label;
        rep->produced = in_report(sw_result_report(res), &q);
        e.failed |= rep->question == NULL;
        why_not_rules(&e, rep, &q, sw_result_report(res));
    }
    sw_result_free(res);
    return finish(&e, out, st);
}

const sw_explanation_report *sw_explanation_get(const sw_explanation *x)
{
    return x ? &x->report : NULL;
}

void sw_explanation_free(sw_explanation *x)
{
    if (!x)
        return;
    sw_arena_free(&x->arena);
    sw_mem_free(x->arena.mem, x, 0);
}

/* ==== rendering: text ======================================================= */

static void text_header(const sw_explanation_report *rep, sw_buf *out)
{
    sw_buf_printf(out, "%s %s, rules sha256 %s\n", rep->guideline, rep->guideline_version,
                  rep->ruleset_sha256);
    sw_buf_printf(out, "client %s, facts sha256 %s\n", rep->client ? rep->client : "(none)",
                  rep->facts_sha256);
    if (rep->question) {
        sw_buf_printf(out, "\nWhy not %s", rep->question);
        if (rep->target_label)
            sw_buf_printf(out, " (%s)", rep->target_label);
        sw_buf_printf(out, "?\n%s.\n", rep->answer);
    }
}

/* One line per sub-expression, indented by depth: "text: true" for a condition,
 * "text = value" for anything else (a fact, a number, a date...). */
static void text_conditions(const sw_rule_explanation *x, sw_buf *out)
{
    sw_buf_puts(out, "  when\n");
    for (size_t i = 0; i < x->nconditions; i++) {
        const sw_condition *c = &x->conditions[i];
        sw_buf_repeat(out, ' ', 4 + 2 * (size_t)c->depth);
        sw_buf_printf(out, c->truth == SW_TRUTH_NONE ? "%s = %s\n" : "%s: %s\n", c->text,
                      c->value);
    }
}

static void text_blockers(const sw_rule_explanation *x, sw_buf *out)
{
    if (x->nblockers)
        sw_buf_puts(out, "  why not\n");
    for (size_t i = 0; i < x->nblockers; i++) {
        const sw_blocker *b = &x->blockers[i];
        sw_buf_repeat(out, ' ', 4 + 2 * (size_t)b->depth);
        sw_buf_printf(out, "- %s was %s", b->text, truth_name(b->truth));
        if (b->actual)
            sw_buf_printf(out, ": %s", b->actual);
        if (b->actual && b->truth == SW_TRUTH_UNKNOWN)
            sw_buf_printf(out, ": %s\n", b->needs);
        else
            sw_buf_printf(out, "; needs %s%s\n", b->needs, b->actual ? "" : ":");
    }
}

static void text_rule(const sw_rule_explanation *x, sw_buf *out)
{
    sw_buf_printf(out, "\nrule %s: %s\n", x->rule, x->outcome);
    if (x->title)
        sw_buf_printf(out, "  \"%s\"\n", x->title);
    sw_buf_printf(out, "  %s:%u, status %s\n", x->file ? x->file : "?", x->line,
                  sw_validation_name(x->status));
    text_conditions(x, out);
    sw_buf_puts(out, "  then\n");
    for (size_t i = 0; i < x->nactions; i++)
        sw_buf_printf(out, "    %s\n", x->actions[i]);
    for (size_t i = 0; i < x->nbecause; i++)
        sw_buf_printf(out, "  because \"%s\"\n", x->because[i]);
    for (size_t i = 0; i < x->ncitations; i++) {
        const sw_citation *c = &x->citations[i];
        sw_buf_printf(out, "  cites %s", c->source);
        if (c->statement)
            sw_buf_printf(out, ".%s", c->statement);
        if (c->text)
            sw_buf_printf(out, " \"%s\"", c->text);
        if (c->source_title)
            sw_buf_printf(out, " (%s)", c->source_title);
        sw_buf_putc(out, '\n');
    }
    text_blockers(x, out);
}

sw_status sw_explanation_render_text(const sw_explanation_report *rep, sw_buf *out)
{
    if (!rep || !out)
        return SW_ERR_ARG;
    text_header(rep, out);
    for (size_t i = 0; i < rep->nrules; i++)
        text_rule(&rep->rules[i], out);
    if (rep->nrules == 0 && !rep->question)
        sw_buf_puts(out, "\nno rules selected (no rule fired for this client)\n");
    return sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}

/* ==== rendering: JSON ======================================================= */

static void json_kv(sw_json *w, const char *key, const char *value)
{
    sw_json_key(w, key);
    sw_json_string(w, value);
}

static void json_citations(sw_json *w, const sw_citation *list, size_t n)
{
    sw_json_key(w, "citations");
    sw_json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        sw_json_begin_object(w);
        json_kv(w, "source", list[i].source);
        json_kv(w, "source_title", list[i].source_title);
        json_kv(w, "statement", list[i].statement);
        json_kv(w, "text", list[i].text);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void json_strings(sw_json *w, const char *key, const char *const *list, size_t n)
{
    sw_json_key(w, key);
    sw_json_begin_array(w);
    for (size_t i = 0; i < n; i++)
        sw_json_string(w, list[i]);
    sw_json_end_array(w);
}

static void json_facts(sw_json *w, const sw_fact_value *list, size_t n)
{
    sw_json_key(w, "facts");
    sw_json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        sw_json_begin_object(w);
        json_kv(w, "fact", list[i].fact);
        json_kv(w, "label", list[i].label);
        json_kv(w, "value", list[i].value);
        sw_json_key(w, "known");
        sw_json_bool(w, list[i].known);
        sw_json_key(w, "derived");
        sw_json_bool(w, list[i].derived);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

/* The condition at *i and its subtree (the entries after it with greater depth). */
static void json_condition(sw_json *w, const sw_condition *list, size_t n, size_t *i)
{
    const sw_condition *c = &list[(*i)++];
    sw_json_begin_object(w);
    json_kv(w, "text", c->text);
    json_kv(w, "value", c->value);
    json_kv(w, "truth", truth_name(c->truth));
    json_kv(w, "fact", c->fact);
    sw_json_key(w, "children");
    sw_json_begin_array(w);
    while (*i < n && list[*i].depth > c->depth)
        json_condition(w, list, n, i);
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_blocker(sw_json *w, const sw_blocker *list, size_t n, size_t *i)
{
    const sw_blocker *b = &list[(*i)++];
    sw_json_begin_object(w);
    json_kv(w, "text", b->text);
    json_kv(w, "truth", truth_name(b->truth));
    json_kv(w, "actual", b->actual);
    json_kv(w, "needs", b->needs);
    sw_json_key(w, "any_of");
    sw_json_bool(w, b->any_of);
    sw_json_key(w, "parts");
    sw_json_begin_array(w);
    while (*i < n && list[*i].depth > b->depth)
        json_blocker(w, list, n, i);
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_rule(sw_json *w, const sw_rule_explanation *x)
{
    sw_json_begin_object(w);
    json_kv(w, "rule", x->rule);
    json_kv(w, "title", x->title);
    sw_json_key(w, "at");
    if (x->file)
        sw_json_stringf(w, "%s:%u", x->file, x->line);
    else
        sw_json_null(w);
    json_kv(w, "status", sw_validation_name(x->status));
    json_kv(w, "truth", truth_name(x->truth));
    json_kv(w, "outcome", x->outcome);
    sw_json_key(w, "condition");
    size_t i = 0;
    if (x->nconditions)
        json_condition(w, x->conditions, x->nconditions, &i);
    else
        sw_json_null(w);
    json_facts(w, x->facts, x->nfacts);
    json_strings(w, "actions", x->actions, x->nactions);
    json_strings(w, "because", x->because, x->nbecause);
    json_citations(w, x->citations, x->ncitations);
    sw_json_key(w, "blockers");
    sw_json_begin_array(w);
    for (i = 0; i < x->nblockers;)
        json_blocker(w, x->blockers, x->nblockers, &i);
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_question(sw_json *w, const sw_explanation_report *rep)
{
    sw_json_key(w, "question");
    if (!rep->question) {
        sw_json_null(w);
        return;
    }
    sw_json_begin_object(w);
    json_kv(w, "ask", rep->question);
    json_kv(w, "label", rep->target_label);
    sw_json_key(w, "produced");
    sw_json_bool(w, rep->produced);
    json_kv(w, "answer", rep->answer);
    sw_json_end_object(w);
}

sw_status sw_explanation_render_json(const sw_explanation_report *rep, int pretty, sw_buf *out)
{
    if (!rep || !out)
        return SW_ERR_ARG;
    sw_json w;
    sw_json_init(&w, out, pretty);
    sw_json_begin_object(&w);
    json_kv(&w, "format", SW_EXPLANATION_FORMAT_NAME);
    json_kv(&w, "format_version", SW_EXPLANATION_FORMAT);
    sw_json_key(&w, "provenance");
    sw_json_begin_object(&w);
    json_kv(&w, "guideline", rep->guideline);
    json_kv(&w, "guideline_version", rep->guideline_version);
    json_kv(&w, "ruleset_sha256", rep->ruleset_sha256);
    json_kv(&w, "facts_sha256", rep->facts_sha256);
    json_kv(&w, "client", rep->client);
    sw_json_end_object(&w);
    json_question(&w, rep);
    sw_json_key(&w, "rules");
    sw_json_begin_array(&w);
    for (size_t i = 0; i < rep->nrules; i++)
        json_rule(&w, &rep->rules[i]);
    sw_json_end_array(&w);
    sw_json_end_object(&w);
    sw_buf_putc(out, '\n');
    return sw_json_finish(&w);
}

sw_status sw_explanation_render(const sw_explanation *x, sw_format format, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (!x || !out || (format != SW_FORMAT_TEXT && format != SW_FORMAT_JSON))
        return SW_ERR_ARG;
    sw_buf b = SW_BUF_WITH(x->arena.mem);
    sw_status st = format == SW_FORMAT_TEXT ? sw_explanation_render_text(&x->report, &b)
                                            : sw_explanation_render_json(&x->report, 1, &b);
    if (st != SW_OK) {
        sw_buf_free(&b);
        *out = NULL;
        return st;
    }
    *out = sw_buf_give(&b, len);
    return *out ? SW_OK : SW_ERR_NOMEM;
}

/* ==== rule provenance ======================================================= */

const char *sw_validation_name(sw_validation status)
{
    return (unsigned)status < 4 ? sw_rule_status_names[status] : "?";
}

size_t sw_ruleset_rule_count(const sw_ruleset *rules) { return rules ? rules->prog.nrules : 0; }

sw_status sw_ruleset_rule(const sw_ruleset *rules, size_t i, sw_rule_info *out)
{
    if (!rules || !out || i >= rules->prog.nrules)
        return SW_ERR_ARG;
    const sw_rule_def *r = &rules->prog.rules[i];
    memset(out, 0, sizeof *out);
    out->id = r->id;
    out->title = r->title;
    out->file = r->file;
    out->line = r->line;
    out->status = (sw_validation)r->status;
    out->author = r->author;
    out->reviewer = r->reviewer;
    out->version = r->version;
    if (r->has_reviewed)
        sw_date_format(r->reviewed, out->reviewed);
    out->text = r->text;
    out->citations = r->citations;
    out->ncitations = r->ncitations;
    return SW_OK;
}

/* A diagnostic at the rule's identifier, on the first line of its text. */
static void not_production(const sw_rule_def *r, sw_diagnostics *diags)
{
    const char *nl = strchr(r->text, '\n');
    size_t len = nl ? (size_t)(nl - r->text) : strlen(r->text);
    char *line = malloc(len + 1);
    unsigned column = 0;
    if (line) {
        memcpy(line, r->text, len);
        line[len] = '\0';
        const char *at = strstr(line, r->id);
        column = at ? (unsigned)(at - line) + 1 : 1;
    }
    sw_diag_add_at(diags, SW_SEV_ERROR, "A001", r->file, r->line, column, line, NULL,
                   "production mode evaluates only rules with `status production`; review the "
                   "rule and set its status, or leave it out of the production rule set",
                   "rule '%s' has status %s, not production", r->id,
                   sw_rule_status_names[r->status < 4 ? r->status : 0]);
    free(line);
}

sw_status sw_ruleset_require_production(const sw_ruleset *rules, sw_diagnostics *diags)
{
    if (!rules)
        return SW_ERR_ARG;
    sw_status st = SW_OK;
    for (uint32_t i = 0; i < rules->prog.nrules; i++) {
        const sw_rule_def *r = &rules->prog.rules[i];
        if (r->status == SW_STATUS_PRODUCTION)
            continue;
        st = SW_ERR_RULES;
        if (diags)
            not_production(r, diags);
    }
    return st;
}
