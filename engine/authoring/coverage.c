/*
 * coverage.c - coverage of the guidance by scenario tests, and the static table
 * of which rules encode which statements (see coverage.h).
 *
 * At the start of a run the accumulator lists what can be covered: every boolean
 * node of every rule's condition with the outcomes it can have, the stage
 * transitions the move rules make possible, and the statements each rule cites.
 * Each evaluated scenario then marks what it exercised; nothing is evaluated
 * here except the abstract pass that finds the possible transitions.
 */
#include "authoring/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/truth.h"
#include "lang/value.h"

/* Children each opcode has (program.h lists the instruction set once). */
static const uint8_t op_arity[SW_OP__COUNT] = {
#define SW_OP_ARITY(name, arity, doc) arity,
    SW_OPCODES(SW_OP_ARITY)
#undef SW_OP_ARITY
};

static void *cov_array(sw_coverage *c, size_t n, size_t size)
{
    return sw_arena_array(&c->arena, n ? n : 1, size);
}

/* ==== Condition nodes ======================================================= */

/* Whether node can evaluate to unknown for some client (memo: 0 not yet, 1 no,
 * 2 yes). Over-approximates: saying yes where it cannot only adds an outcome. */
static int can_be_unknown(const sw_program *p, uint32_t node, uint8_t *memo)
{
    if (memo[node])
        return memo[node] == 2;
    const sw_node *n = &p->nodes[node];
    int yes;
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING:
        yes = 0;
        break;
    case SW_OP_LOAD:
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
    case SW_OP_DIV:   /* division by zero */
        yes = 1;
        break;
    default:
        yes = op_arity[n->op] > 0 && can_be_unknown(p, n->a, memo);
        if (!yes && op_arity[n->op] > 1)
            yes = can_be_unknown(p, n->b, memo);
        break;
    }
    memo[node] = yes ? 2 : 1;
    return yes;
}

static uint8_t possible_outcomes(const sw_program *p, uint32_t node, uint8_t *memo)
{
    const sw_node *n = &p->nodes[node];
    if (n->op == SW_OP_CONST)
        return !n->imm.known ? SW_SEEN_UNKNOWN : n->imm.u.i ? SW_SEEN_TRUE : SW_SEEN_FALSE;
    uint8_t bits = SW_SEEN_TRUE | SW_SEEN_FALSE;
    if (can_be_unknown(p, node, memo))
        bits |= SW_SEEN_UNKNOWN;
    return bits;
}

/* Visits the boolean nodes of one condition tree, each once (stamp marks those
 * seen for this rule). With out NULL only counts. */
static uint32_t collect_bool_nodes(const sw_program *p, uint32_t node, uint32_t *stamp,
                                   uint32_t mark, uint32_t *out)
{
    if (stamp[node] == mark)
        return 0;
    stamp[node] = mark;
    const sw_node *n = &p->nodes[node];
    uint32_t k = 0;
    if (n->type == SW_T_BOOL) {
        if (out)
            out[k] = node;
        k++;
    }
    if (op_arity[n->op] > 0 && n->op != SW_OP_LOAD && n->op != SW_OP_CONST)
        k += collect_bool_nodes(p, n->a, stamp, mark, out ? out + k : NULL);
    if (op_arity[n->op] > 1)
        k += collect_bool_nodes(p, n->b, stamp, mark, out ? out + k : NULL);
    return k;
}

static int init_conditions(sw_coverage *c)
{
    const sw_program *p = c->prog;
    uint32_t *stamp = calloc(p->nnodes ? p->nnodes : 1, sizeof *stamp);
    uint8_t *memo = calloc(p->nnodes ? p->nnodes : 1, 1);
    c->cond_first = cov_array(c, (size_t)p->nrules + 1, sizeof *c->cond_first);
    int ok = stamp && memo && c->cond_first;
    for (uint32_t r = 0; ok && r < p->nrules; r++)
        c->cond_first[r + 1] = c->cond_first[r] + collect_bool_nodes(p, p->rules[r].cond, stamp,
                                                                     2 * r + 1, NULL);
    if (ok) {
        c->ncond = c->cond_first[p->nrules];
        c->cond_node = cov_array(c, c->ncond, sizeof *c->cond_node);
        c->cond_possible = cov_array(c, c->ncond, 1);
        c->cond_seen = cov_array(c, c->ncond, 1);
        ok = c->cond_node && c->cond_possible && c->cond_seen;
    }
    for (uint32_t r = 0; ok && r < p->nrules; r++)
        collect_bool_nodes(p, p->rules[r].cond, stamp, 2 * r + 2, c->cond_node + c->cond_first[r]);
    for (uint32_t i = 0; ok && i < c->ncond; i++)
        c->cond_possible[i] = possible_outcomes(p, c->cond_node[i], memo);
    free(stamp);
    free(memo);
    return ok;
}

/* ==== Possible stage transitions ============================================ */

/* An evaluation state in which only the current stage is known: every other fact,
 * derived fact and the assessment date may hold anything. */
typedef struct abstract {
    sw_eval ev;
    uint8_t *logic_below;   /* per node: 1 when its subtree holds is known / is missing */
} abstract;

static int has_known_test(const sw_program *p, uint32_t node)
{
    const sw_node *n = &p->nodes[node];
    if (n->op == SW_OP_IS_KNOWN || n->op == SW_OP_IS_MISSING)
        return 1;
    if (n->op == SW_OP_LOAD || n->op == SW_OP_CONST)
        return 0;
    return (op_arity[n->op] > 0 && has_known_test(p, n->a)) ||
           (op_arity[n->op] > 1 && has_known_test(p, n->b));
}

/* Kleene truth of a condition over every client in the current stage: false
 * only when no such client can make it true, true only when every one does. An
 * unknown value here means "could be anything", so `is known` of any fact but
 * the stage is unknown, and the evaluator's strict operators (unknown in, unknown
 * out) are sound as they are. */
static sw_truth abstract_truth(const abstract *a, uint32_t node)
{
    const sw_program *p = a->ev.prog;
    const sw_node *n = &p->nodes[node];
    sw_truth x, y;
    switch ((sw_opcode)n->op) {
    case SW_OP_NOT:
        return sw_truth_not(abstract_truth(a, n->a));
    case SW_OP_AND:
    case SW_OP_OR:
        x = abstract_truth(a, n->a);
        y = abstract_truth(a, n->b);
        return sw_truth_junction(n->op == SW_OP_AND, x, y);
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING: {
        const sw_node *operand = &p->nodes[n->a];
        if (operand->op == SW_OP_CONST || (operand->op == SW_OP_LOAD && operand->a == p->stage_slot))
            return n->op == SW_OP_IS_KNOWN ? SW_TRUE : SW_FALSE;
        return SW_UNKNOWN;
    }
    default:
        break;
    }
    if (a->logic_below[node])
        return SW_UNKNOWN;
    sw_value v = sw_eval_node(&a->ev, node);
    return !v.known ? SW_UNKNOWN : v.u.i ? SW_TRUE : SW_FALSE;
}

static int has_move_to(const sw_rule_def *r, uint32_t stage)
{
    for (uint32_t k = 0; k < r->nactions; k++)
        if (r->actions[k].kind == SW_ACT_MOVE && (stage == SW_NONE || r->actions[k].target == stage))
            return 1;
    return 0;
}

/* Marks the transitions possible from stage `from`: to each stage some move rule
 * can propose, unless a rule that always fires there proposes an earlier one (the
 * earliest proposal wins); and stay, when no rule always fires or the stage itself
 * can be the earliest proposal. */
static void transitions_from(sw_coverage *c, abstract *a, uint32_t from, sw_truth *truth)
{
    const sw_program *p = c->prog;
    uint32_t ns = c->nstages, earliest_sure = SW_NONE;
    a->ev.values[p->stage_slot].known = 1;
    a->ev.values[p->stage_slot].u.i = from;
    for (uint32_t r = 0; r < p->nrules; r++) {
        truth[r] = has_move_to(&p->rules[r], SW_NONE) ? abstract_truth(a, p->rules[r].cond) : SW_FALSE;
        for (uint32_t k = 0; truth[r] == SW_TRUE && k < p->rules[r].nactions; k++) {
            const sw_action *act = &p->rules[r].actions[k];
            if (act->kind == SW_ACT_MOVE && act->target < earliest_sure)
                earliest_sure = act->target;
        }
    }
    for (uint32_t r = 0; r < p->nrules; r++)
        for (uint32_t k = 0; truth[r] != SW_FALSE && k < p->rules[r].nactions; k++) {
            const sw_action *act = &p->rules[r].actions[k];
            if (act->kind == SW_ACT_MOVE && (earliest_sure == SW_NONE || act->target <= earliest_sure))
                c->trans_possible[from * ns + act->target] = 1;
        }
    if (earliest_sure == SW_NONE)
        c->trans_possible[from * ns + from] = 1;
}

static int init_transitions(sw_coverage *c)
{
    const sw_program *p = c->prog;
    if (p->stage_enum == SW_NONE || p->stage_slot == SW_NONE)
        return 1;   /* no current stage: no transitions */
    uint32_t ns = p->enums[p->stage_enum].nmembers;
    c->nstages = ns;
    c->trans_possible = cov_array(c, (size_t)ns * ns, 1);
    c->trans_seen = cov_array(c, (size_t)ns * ns, sizeof *c->trans_seen);
    abstract a;
    memset(&a, 0, sizeof a);
    a.ev.prog = p;
    a.ev.values = calloc(p->nfacts ? p->nfacts : 1, sizeof *a.ev.values);
    a.logic_below = calloc(p->nnodes ? p->nnodes : 1, 1);
    sw_truth *truth = calloc(p->nrules ? p->nrules : 1, sizeof *truth);
    int ok = c->trans_possible && c->trans_seen && a.ev.values && a.logic_below && truth;
    for (uint32_t i = 0; ok && i < p->nnodes; i++)
        a.logic_below[i] = (uint8_t)has_known_test(p, i);
    for (uint32_t s = 0; ok && s < ns; s++)
        transitions_from(c, &a, s, truth);
    free(a.ev.values);
    free(a.logic_below);
    free(truth);
    return ok;
}

/* ==== Statements ============================================================ */

uint32_t sw_coverage_statement_index(const sw_program *p, const uint32_t *stmt_first,
                                     const char *source, const char *statement)
{
    if (!source || !statement)
        return SW_NONE;
    for (uint32_t j = 0; j < p->nsources; j++) {
        if (strcmp(p->sources[j].id, source) != 0)
            continue;
        for (uint32_t k = 0; k < p->sources[j].nstatements; k++)
            if (strcmp(p->sources[j].statements[k].id, statement) == 0)
                return stmt_first[j] + k;
    }
    return SW_NONE;
}

static uint32_t *statement_starts(sw_arena *arena, const sw_program *p, uint32_t *total)
{
    uint32_t *first = sw_arena_array(arena, (size_t)p->nsources + 1, sizeof *first);
    for (uint32_t j = 0; first && j < p->nsources; j++)
        first[j + 1] = first[j] + p->sources[j].nstatements;
    *total = first ? first[p->nsources] : 0;
    return first;
}

/* The statements each rule cites, each once: rule r's are cites[first[r] ..
 * first[r+1]). Both arrays live in arena; NULL when it ran out. */
static uint32_t *rule_citations(sw_arena *arena, const sw_program *p, const uint32_t *stmt_first,
                                uint32_t **first_out)
{
    size_t ncites = 0;
    for (uint32_t r = 0; r < p->nrules; r++)
        ncites += p->rules[r].ncitations;
    uint32_t *first = sw_arena_array(arena, (size_t)p->nrules + 1, sizeof *first);
    uint32_t *cites = sw_arena_array(arena, ncites ? ncites : 1, sizeof *cites);
    *first_out = first;
    if (!first || !cites)
        return NULL;
    uint32_t k = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        for (uint32_t i = 0; i < p->rules[r].ncitations; i++) {
            const sw_citation *ct = &p->rules[r].citations[i];
            uint32_t s = sw_coverage_statement_index(p, stmt_first, ct->source, ct->statement);
            int dup = s == SW_NONE;
            for (uint32_t m = first[r]; m < k && !dup; m++)
                dup = cites[m] == s;
            if (!dup)
                cites[k++] = s;
        }
        first[r + 1] = k;
    }
    return cites;
}

static int init_statements(sw_coverage *c)
{
    const sw_program *p = c->prog;
    c->stmt_first = statement_starts(&c->arena, p, &c->nstatements);
    c->stmt_covered = cov_array(c, c->nstatements, sizeof *c->stmt_covered);
    c->stmt_stamp = cov_array(c, c->nstatements, sizeof *c->stmt_stamp);
    if (!c->stmt_first || !c->stmt_covered || !c->stmt_stamp)
        return 0;
    c->cite_stmt = rule_citations(&c->arena, p, c->stmt_first, &c->cite_first);
    return c->cite_stmt != NULL;
}

/* ==== The accumulator ======================================================= */

sw_status sw_coverage_init(sw_coverage *c, const sw_program *p)
{
    memset(c, 0, sizeof *c);
    c->prog = p;
    c->fired = cov_array(c, p->nrules, sizeof *c->fired);
    c->undecided = cov_array(c, p->nrules, sizeof *c->undecided);
    if (!c->fired || !c->undecided || !init_conditions(c) || !init_transitions(c) ||
        !init_statements(c)) {
        sw_coverage_free(c);
        return SW_ERR_NOMEM;
    }
    return SW_OK;
}

void sw_coverage_free(sw_coverage *c)
{
    sw_arena_free(&c->arena);
    memset(c, 0, sizeof *c);
}

static uint8_t seen_bit(sw_value v)
{
    return !v.known ? SW_SEEN_UNKNOWN : v.u.i ? SW_SEEN_TRUE : SW_SEEN_FALSE;
}

static uint32_t stage_index(const sw_program *p, const char *name)
{
    if (!name || p->stage_enum == SW_NONE)
        return SW_NONE;
    int i = sw_enum_find(&p->enums[p->stage_enum], name, strlen(name));
    return i < 0 ? SW_NONE : (uint32_t)i;
}

static void record_transition(sw_coverage *c, const sw_report *rep)
{
    if (!c->nstages)
        return;
    uint32_t from = stage_index(c->prog, rep->stage.current);
    uint32_t to = stage_index(c->prog, rep->stage.suggested);
    if (from == SW_NONE || to == SW_NONE)
        return;
    /* the analysis over-approximates, so this cannot be new; if it were, it
     * happened, so it was possible */
    c->trans_possible[from * c->nstages + to] = 1;
    c->trans_seen[from * c->nstages + to]++;
}

/* Counts each statement once per scenario, however many of its citing rules
 * fired (stmt_stamp holds the number of the passing scenario that last counted it). */
static void record_statements(sw_coverage *c, const sw_eval *ev)
{
    const sw_program *p = c->prog;
    uint32_t stamp = (uint32_t)c->passing;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (ev->truth[r] != SW_TRUE)
            continue;
        for (uint32_t k = c->cite_first[r]; k < c->cite_first[r + 1]; k++) {
            uint32_t s = c->cite_stmt[k];
            if (c->stmt_stamp[s] != stamp) {
                c->stmt_stamp[s] = stamp;
                c->stmt_covered[s]++;
            }
        }
    }
}

void sw_coverage_record(sw_coverage *c, const sw_eval *ev, const sw_report *rep, int passed)
{
    const sw_program *p = c->prog;
    c->scenarios++;
    for (uint32_t r = 0; r < p->nrules; r++) {
        c->fired[r] += ev->truth[r] == SW_TRUE;
        c->undecided[r] += ev->truth[r] == SW_UNKNOWN;
    }
    for (uint32_t i = 0; i < c->ncond; i++)
        c->cond_seen[i] |= seen_bit(sw_eval_node(ev, c->cond_node[i]));
    record_transition(c, rep);
    if (passed) {
        c->passing++;
        record_statements(c, ev);
    }
}

static unsigned bits_of(uint8_t x)
{
    return (x & 1u) + ((x >> 1) & 1u) + ((x >> 2) & 1u);
}

uint32_t sw_coverage_rule_outcomes(const sw_coverage *c, uint32_t r, uint32_t *possible)
{
    uint32_t seen = 0, all = 0;
    for (uint32_t i = c->cond_first[r]; i < c->cond_first[r + 1]; i++) {
        seen += bits_of(c->cond_seen[i] & c->cond_possible[i]);
        all += bits_of(c->cond_possible[i]);
    }
    *possible = all;
    return seen;
}

static int statement_excused(const sw_coverage *c, uint32_t s)
{
    const sw_program *p = c->prog;
    for (uint32_t j = 0; j < p->nsources; j++)
        if (s < c->stmt_first[j + 1])
            return p->sources[j].statements[s - c->stmt_first[j]].excused != NULL;
    return 0;
}

sw_coverage_metric sw_coverage_metric_of(const sw_coverage *c, sw_coverage_kind kind)
{
    sw_coverage_metric m = {0, 0};
    const sw_program *p = c->prog;
    switch (kind) {
    case SW_COV_RULES:
        m.total = p->nrules;
        for (uint32_t r = 0; r < p->nrules; r++)
            m.covered += c->fired[r] > 0;
        break;
    case SW_COV_CONDITIONS:
        for (uint32_t i = 0; i < c->ncond; i++) {
            m.covered += bits_of(c->cond_seen[i] & c->cond_possible[i]);
            m.total += bits_of(c->cond_possible[i]);
        }
        break;
    case SW_COV_TRANSITIONS:
        for (uint32_t i = 0; i < c->nstages * c->nstages; i++) {
            m.total += c->trans_possible[i];
            m.covered += c->trans_possible[i] && c->trans_seen[i] > 0;
        }
        break;
    case SW_COV_STATEMENTS:
        for (uint32_t s = 0; s < c->nstatements; s++)
            if (!statement_excused(c, s)) {
                m.total++;
                m.covered += c->stmt_covered[s] > 0;
            }
        break;
    case SW_COV__COUNT:
        break;
    }
    return m;
}

/* ==== Thresholds ============================================================ */

const char *sw_coverage_kind_name(sw_coverage_kind kind)
{
    static const char *const names[SW_COV__COUNT] = {"rules", "conditions", "transitions",
                                                     "statements"};
    return (unsigned)kind < SW_COV__COUNT ? names[kind] : "?";
}

void sw_coverage_minimum_init(sw_coverage_minimum *min)
{
    for (int k = 0; k < SW_COV__COUNT; k++)
        min->percent[k] = -1;
}

/* A whole number 0..100 in s[0..n); -1 when it is not one. */
static int parse_percent(const char *s, size_t n)
{
    int v = 0;
    if (n == 0 || n > 3)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= 100 ? v : -1;
}

static int parse_one(sw_coverage_minimum *min, const char *s, size_t n, char *error, size_t errsize)
{
    const char *eq = memchr(s, '=', n);
    size_t name_len = eq ? (size_t)(eq - s) : 0;
    const char *num = eq ? eq + 1 : s;
    size_t num_len = n - (size_t)(num - s);
    int kind = eq ? -1 : SW_COV_RULES;
    for (int k = 0; eq && k < SW_COV__COUNT; k++)
        if (strlen(sw_coverage_kind_name((sw_coverage_kind)k)) == name_len &&
            memcmp(sw_coverage_kind_name((sw_coverage_kind)k), s, name_len) == 0)
            kind = k;
    if (kind < 0) {
        snprintf(error, errsize,
                 "unknown coverage metric '%.*s' (use rules, conditions, transitions or statements)",
                 (int)name_len, s);
        return 0;
    }
    int v = parse_percent(num, num_len);
    if (v < 0) {
        snprintf(error, errsize, "'%.*s' is not a whole percentage from 0 to 100", (int)num_len, num);
        return 0;
    }
    min->percent[kind] = v;
    return 1;
}

int sw_coverage_minimum_parse(sw_coverage_minimum *min, const char *text, char *error,
                              size_t errsize)
{
    const char *s = text;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (!parse_one(min, s, n, error, errsize))
            return 0;
        if (!comma)
            return 1;
        s = comma + 1;
    }
}

int sw_coverage_meets(sw_coverage_metric m, int percent)
{
    if (percent < 0 || m.total == 0)
        return 1;
    return (double)m.covered * 100.0 >= (double)percent * (double)m.total;
}

/* ==== The statement table =================================================== */

/* Gives each row the ids of the rules citing its statement, in rule order. */
static int fill_rules(sw_statement_table *t, const uint32_t *first, const uint32_t *cites)
{
    const sw_program *p = t->prog;
    for (uint32_t k = 0; k < first[p->nrules]; k++)
        t->rows[cites[k]].nrules++;
    for (size_t s = 0; s < t->count; s++) {
        uint32_t n = t->rows[s].nrules;
        t->rows[s].rules = sw_arena_array(&t->arena, n ? n : 1, sizeof *t->rows[s].rules);
        t->rows[s].stage_only = sw_arena_alloc(&t->arena, n ? n : 1);
        if (!t->rows[s].rules || !t->rows[s].stage_only)
            return 0;
        t->rows[s].nrules = 0;
    }
    uint32_t stage = SW_NONE;
    for (uint32_t f = 0; f < p->nbase; f++)
        if (strcmp(p->facts[f].name, "stage") == 0)
            stage = f;
    for (uint32_t r = 0; r < p->nrules; r++) {
        /* A condition tests more than the stage when it reads another fact or the
         * assessment date. */
        const sw_rule_def *rd = &p->rules[r];
        int more = rd->reads_assessed_on;
        for (uint32_t i = 0; i < rd->nreads; i++)
            more |= rd->reads[i] != stage;
        for (uint32_t k = first[r]; k < first[r + 1]; k++) {
            sw_statement_row *row = &t->rows[cites[k]];
            row->stage_only[row->nrules] = (uint8_t)!more;
            row->nencoding += (uint32_t)more;
            row->rules[row->nrules++] = rd->id;
        }
    }
    return 1;
}

sw_status sw_statement_table_build(sw_statement_table *t, const sw_program *p)
{
    memset(t, 0, sizeof *t);
    t->prog = p;
    uint32_t total = 0, *cite_first = NULL;
    uint32_t *stmt_first = statement_starts(&t->arena, p, &total);
    uint32_t *cites = stmt_first ? rule_citations(&t->arena, p, stmt_first, &cite_first) : NULL;
    t->rows = cites ? sw_arena_array(&t->arena, total ? total : 1, sizeof *t->rows) : NULL;
    if (!t->rows) {
        sw_statement_table_free(t);
        return SW_ERR_NOMEM;
    }
    for (uint32_t j = 0; j < p->nsources; j++)
        for (uint32_t k = 0; k < p->sources[j].nstatements; k++) {
            t->rows[t->count].source = &p->sources[j];
            t->rows[t->count++].statement = &p->sources[j].statements[k];
        }
    if (!fill_rules(t, cite_first, cites)) {
        sw_statement_table_free(t);
        return SW_ERR_NOMEM;
    }
    for (size_t s = 0; s < t->count; s++) {
        if (t->rows[s].nencoding)
            t->encoded++;
        else if (t->rows[s].statement->excused)
            t->excused++;
        else if (t->rows[s].nrules)
            t->cited_only++;
        else
            t->missing++;
    }
    return SW_OK;
}

void sw_statement_table_free(sw_statement_table *t)
{
    sw_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}
