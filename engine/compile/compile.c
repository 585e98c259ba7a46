/*
 * compile.c - the compiler: checked model in, immutable program out.
 *
 * Copies everything the evaluator and the reporters need into the program's own
 * arena (the model's arena is freed afterwards), turns expressions into a flat node
 * array over fact slots, and schedules rules and derived facts in dependency order
 * (Kahn's algorithm, ties broken by index, so the schedule never depends on file or
 * declaration order). Last, it builds what makes evaluation fast (program.h): the
 * fast form of every condition, hash-consed (the index on the stage and on the
 * facts each rule reads is built next, by eval/index.c). Everything here is linear in the rule set's size, or
 * n log n where it sorts.
 *
 * Stage compile/ - the immutable program (program.h), its fast forms and schedule,
 * its dump (dump.c) and values as text (value_text.c).
 * May use: util/, lang/, check/. It never runs the evaluator: the stage
 * index, which does, is built by eval/index.c. (tests/layout checks it.)
 */
#include "check/model.h"
#include "compile/compile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lang/truth.h"
#include "lang/value.h"
#include "util/grow.h"
#include "util/lookup.h"

/* Where each line of a file starts, so that a line number is a binary search
 * (counting newlines from the start for every rule was quadratic). */
typedef struct line_index {
    uint32_t *starts;
    uint32_t n;
    int built;
} line_index;

typedef struct compiler {
    const sw_model *m;
    sw_program *p;
    line_index *lines;     /* per file */
    sw_node *nodes;
    uint32_t nnodes, capnodes;
    sw_value *consts;
    uint32_t nconsts, capconsts;
    int failed;
} compiler;

static const char *copy(compiler *c, const char *s)
{
    if (!s)
        return NULL;
    const char *d = sw_arena_strdup(&c->p->arena, s);
    if (!d)
        c->failed = 1;
    return d;
}

static void *alloc_array(compiler *c, size_t n, size_t size)
{
    void *v = sw_arena_array(&c->p->arena, n ? n : 1, size);
    if (!v)
        c->failed = 1;
    return v;
}

static int line_start_at_or_before(const void *table, size_t i, const void *key)
{
    return ((const uint32_t *)table)[i] <= *(const uint32_t *)key ? -1 : 1;
}

static unsigned line_of(compiler *c, const sw_decl *d, sw_loc at)
{
    const sw_file *f = &c->m->files[d->file];
    line_index *li = c->lines ? &c->lines[d->file] : NULL;
    if (li && !li->built) {
        li->built = 1;
        uint32_t n = 1;
        for (size_t i = 0; i < f->len; i++)
            n += f->text[i] == '\n';
        li->starts = sw_mem_alloc(c->p->arena.mem, n * sizeof *li->starts);
        if (li->starts) {
            li->starts[li->n++] = 0;
            for (size_t i = 0; i < f->len; i++)
                if (f->text[i] == '\n')
                    li->starts[li->n++] = (uint32_t)i + 1;
        }
    }
    if (!li || !li->starts)
        return sw_syntax_line(f, at.off);
    /* lines starting at or before at.off; the first starts at 0 */
    return (uint32_t)sw_lower_bound(li->starts, li->n, line_start_at_or_before, &at.off);
}

/* ---- expressions ---- */

static uint32_t emit(compiler *c, sw_node n)
{
    if (!sw_grow32_m(c->p->arena.mem, &c->nodes, &c->capnodes, c->nnodes, sizeof *c->nodes, 256)) {
        c->failed = 1;
        return 0;
    }
    c->nodes[c->nnodes] = n;
    return c->nnodes++;
}

static uint32_t add_const(compiler *c, sw_value v)
{
    if (!sw_grow32_m(c->p->arena.mem, &c->consts, &c->capconsts, c->nconsts, sizeof *c->consts, 64)) {
        c->failed = 1;
        return 0;
    }
    c->consts[c->nconsts] = v;
    return c->nconsts++;
}

static sw_node node_at(sw_opcode op, sw_type_kind type, const sw_expr *e)
{
    sw_node n;
    memset(&n, 0, sizeof n);
    n.op = (uint8_t)op;
    n.type = (uint8_t)type;
    n.src_off = e->at.off;
    n.src_len = e->at.end - e->at.off;
    return n;
}

static uint32_t compile_expr(compiler *c, const sw_expr *e);

static uint32_t to_number(compiler *c, uint32_t child, const sw_expr *e)
{
    if (c->failed || c->nodes[child].type == SW_T_NUMBER)
        return child;
    sw_node n = node_at(SW_OP_TO_NUMBER, SW_T_NUMBER, e);
    n.a = child;
    return emit(c, n);
}

static sw_value literal_value(compiler *c, const sw_expr *e)
{
    sw_value v;
    memset(&v, 0, sizeof v);
    v.known = 1;
    switch ((sw_expr_kind)e->kind) {
    case SW_E_NUMBER: v.u.n = e->n; break;
    case SW_E_TEXT: v.u.s = copy(c, e->s); break;
    default: v.u.i = e->i; break;   /* int, bool, date, enumeration member */
    }
    return v;
}

static uint32_t compile_binary(compiler *c, const sw_expr *e, sw_opcode op)
{
    uint32_t a = compile_expr(c, e->lhs);
    uint32_t b = compile_expr(c, e->rhs);
    if (c->failed)
        return 0;
    int numeric = c->nodes[a].type == SW_T_NUMBER || c->nodes[b].type == SW_T_NUMBER ||
                  op == SW_OP_DIV;
    if (numeric) {
        a = to_number(c, a, e->lhs);
        b = to_number(c, b, e->rhs);
    }
    sw_node n = node_at(op, (sw_type_kind)e->type.kind, e);
    n.numeric = (uint8_t)numeric;
    n.a = a;
    n.b = b;
    return emit(c, n);
}

static uint64_t member_mask(const sw_expr *items)
{
    uint64_t mask = 0;
    for (const sw_expr *it = items; it; it = it->next)
        mask |= (uint64_t)1 << it->i;
    return mask;
}

static uint32_t wrap_not(compiler *c, uint32_t child, const sw_expr *e)
{
    sw_node n = node_at(SW_OP_NOT, SW_T_BOOL, e);
    n.a = child;
    return emit(c, n);
}

static uint32_t compile_expr(compiler *c, const sw_expr *e)
{
    if (c->failed)
        return 0;
    sw_node n = node_at(SW_OP_CONST, (sw_type_kind)e->type.kind, e);
    switch ((sw_expr_kind)e->kind) {
    case SW_E_INT:
    case SW_E_NUMBER:
    case SW_E_BOOL:
    case SW_E_TEXT:
    case SW_E_DATE:
        n.imm = literal_value(c, e);
        return emit(c, n);
    case SW_E_NAME:
        if (e->is_member) {
            n.imm = literal_value(c, e);
            return emit(c, n);
        }
        n.op = SW_OP_LOAD;
        n.a = e->slot;
        return emit(c, n);
    case SW_E_NOT:
    case SW_E_NEG:
    case SW_E_KNOWN:
    case SW_E_SINCE:
        n.op = e->kind == SW_E_NOT    ? SW_OP_NOT
             : e->kind == SW_E_NEG    ? SW_OP_NEG
             : e->kind == SW_E_KNOWN  ? (e->negated ? SW_OP_IS_MISSING : SW_OP_IS_KNOWN)
             : e->mode == 7           ? SW_OP_WEEKS_SINCE
             : e->mode == SW_SINCE_MONTHS ? SW_OP_MONTHS_SINCE
                                      : SW_OP_DAYS_SINCE;
        n.a = compile_expr(c, e->lhs);
        n.numeric = e->kind == SW_E_NEG && e->type.kind == SW_T_NUMBER;
        return emit(c, n);
    case SW_E_AND:
        return compile_binary(c, e, SW_OP_AND);
    case SW_E_OR:
        return compile_binary(c, e, SW_OP_OR);
    case SW_E_CMP:
    case SW_E_ARITH:
        return compile_binary(c, e, (sw_opcode)e->op);
    case SW_E_IN: {
        n.op = SW_OP_IN;
        n.a = compile_expr(c, e->lhs);
        n.list = c->nconsts;
        for (const sw_expr *it = e->items; it; it = it->next) {
            add_const(c, literal_value(c, it));
            n.nlist++;
        }
        uint32_t in = emit(c, n);
        return e->negated ? wrap_not(c, in, e) : in;
    }
    case SW_E_CONTAINS:
        n.op = e->mode == SW_CONTAINS_ANY ? SW_OP_CONTAINS_ANY : SW_OP_CONTAINS;
        n.a = compile_expr(c, e->lhs);
        n.imm.known = 1;
        n.imm.u.bits = e->mode == SW_CONTAINS_ONE ? (uint64_t)1 << e->rhs->i : member_mask(e->items);
        return emit(c, n);
    }
    c->failed = 1;
    return 0;
}

/* ---- reads: the slots an expression uses ---- */

typedef struct slot_set {
    uint32_t *v;
    uint32_t n, cap;
    int uses_date;
    int failed;
} slot_set;

static void reads_of(const sw_program *p, const sw_node *nodes, uint32_t root, slot_set *s)
{
    const sw_node *n = &nodes[root];
    (void)p;
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
        return;
    case SW_OP_LOAD:
        for (uint32_t i = 0; i < s->n; i++)
            if (s->v[i] == n->a)
                return;
        if (!sw_grow32_m(p->arena.mem, &s->v, &s->cap, s->n, sizeof *s->v, 8)) {
            s->failed = 1;
            return;
        }
        s->v[s->n++] = n->a;
        return;
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
        s->uses_date = 1;
        reads_of(p, nodes, n->a, s);
        return;
    default:
        break;
    }
    reads_of(p, nodes, n->a, s);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV)
        reads_of(p, nodes, n->b, s);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- declarations ---- */

static sw_citation *compile_cites(compiler *c, const sw_cite *cites, uint32_t *count)
{
    uint32_t n = 0;
    for (const sw_cite *ct = cites; ct; ct = ct->next)
        n++;
    *count = n;
    sw_citation *v = alloc_array(c, n, sizeof *v);
    if (!v)
        return NULL;
    const sw_model *m = c->m;
    uint32_t i = 0;
    for (const sw_cite *ct = cites; ct; ct = ct->next, i++) {
        uint32_t s = sw_model_find(m->sources, m->nsources, ct->source.name);
        const sw_decl *src = m->sources[s];
        v[i].source = copy(c, src->name.name);
        v[i].source_title = copy(c, src->title);
        if (ct->statement.name) {
            const sw_decl *st = m->statements[sw_model_find_statement(m, ct->source.name, ct->statement.name)];
            v[i].statement = copy(c, st->name.name);
            v[i].text = copy(c, st->text);
        } else
            v[i].text = copy(c, ct->locator);
    }
    return v;
}

static void compile_schema(compiler *c)
{
    const sw_model *m = c->m;
    sw_program *p = c->p;
    p->nenums = m->nenums;
    p->enums = alloc_array(c, m->nenums, sizeof *p->enums);
    for (uint32_t i = 0; p->enums && i < m->nenums; i++) {
        const char **members = alloc_array(c, m->enums[i].nmembers, sizeof *members);
        for (uint32_t k = 0; members && k < m->enums[i].nmembers; k++)
            members[k] = copy(c, m->enums[i].members[k]);
        p->enums[i].name = copy(c, m->enums[i].name);
        p->enums[i].nmembers = m->enums[i].nmembers;
        p->enums[i].members = members;
    }
    p->stage_enum = m->stage_enum;
    p->stage_titles = alloc_array(c, m->nstages, sizeof(char *));
    p->stage_goals = alloc_array(c, m->nstages, sizeof(char *));
    for (uint32_t i = 0; p->stage_titles && p->stage_goals && i < m->nstages; i++) {
        p->stage_titles[i] = copy(c, m->stages[i]->title);
        p->stage_goals[i] = copy(c, m->stages[i]->text);
    }
    p->nfacts = m->nfacts;
    p->nbase = m->nbase;
    p->stage_slot = SW_NONE;
    p->facts = alloc_array(c, m->nfacts, sizeof *p->facts);
    p->facts_by_name = alloc_array(c, m->nfacts, sizeof *p->facts_by_name);
    if (!p->facts || !p->facts_by_name)
        return;
    for (uint32_t s = 0; s < m->nfacts; s++) {
        const sw_decl *d = m->facts[s];
        sw_fact_def *f = &p->facts[s];
        f->name = copy(c, d->name.name);
        f->label = copy(c, d->title);
        f->type = m->types[s];
        f->slot = s;
        f->derived = d->kind == SW_D_DERIVED;
        f->file = copy(c, m->files[d->file].name);
        f->line = line_of(c, d, d->name.at);
        f->group = d->group;
        f->group_title = d->group_title ? copy(c, d->group_title) : NULL;
        if (d->deflt) {
            f->has_default = 1;
            f->deflt = literal_value(c, d->deflt);
        }
        if (!f->derived && strcmp(d->name.name, "stage") == 0)
            p->stage_slot = s;
    }
    /* merge the two name-sorted runs (base, derived) into one index */
    uint32_t i = 0, j = m->nbase, k = 0;
    while (i < m->nbase || j < m->nfacts) {
        if (j >= m->nfacts || (i < m->nbase && strcmp(m->facts[i]->name.name, m->facts[j]->name.name) < 0))
            p->facts_by_name[k++] = i++;
        else
            p->facts_by_name[k++] = j++;
    }
}

/* The FHIR mappings, copied out of the compilation's arena. */
static void compile_fhir(compiler *c)
{
    const sw_model *m = c->m;
    sw_program *p = c->p;
    p->nfhir = m->nfhir;
    p->fhir = alloc_array(c, m->nfhir, sizeof *p->fhir);
    for (uint32_t i = 0; p->fhir && i < m->nfhir; i++) {
        const sw_fhir_source *s = &m->fhir[i];
        sw_fhir_source *d = &p->fhir[i];
        *d = *s;
        d->code = copy(c, s->code);
        d->component = copy(c, s->component);
        d->item = copy(c, s->item);
        d->file = copy(c, s->file);
        const char **units = alloc_array(c, s->nunits, sizeof *units);
        for (uint32_t k = 0; units && k < s->nunits; k++)
            units[k] = copy(c, s->units[k]);
        d->units = units;
        const char **codes = alloc_array(c, s->nmap, sizeof *codes);
        sw_value *vals = alloc_array(c, s->nmap, sizeof *vals);
        for (uint32_t k = 0; codes && vals && k < s->nmap; k++) {
            codes[k] = copy(c, s->map_codes[k]);
            vals[k] = s->map_values[k];
        }
        d->map_codes = codes;
        d->map_values = vals;
        const char **also = alloc_array(c, s->nalso, sizeof *also);
        for (uint32_t k = 0; also && k < s->nalso; k++)
            also[k] = copy(c, s->also[k]);
        d->also = also;
    }
}

static void compile_sources(compiler *c)
{
    const sw_model *m = c->m;
    sw_program *p = c->p;
    p->nsources = m->nsources;
    p->sources = alloc_array(c, m->nsources, sizeof *p->sources);
    if (!p->sources)
        return;
    uint32_t st = 0;
    for (uint32_t i = 0; i < m->nsources; i++) {
        const sw_decl *d = m->sources[i];
        sw_source_def *s = &p->sources[i];
        s->id = copy(c, d->name.name);
        s->title = copy(c, d->title);
        s->file = copy(c, d->text);
        /* statements are sorted by source id then id, as sources are by id */
        while (st < m->nstatements && strcmp(m->statements[st]->source.name, d->name.name) < 0)
            st++;
        uint32_t first = st;
        while (st < m->nstatements && strcmp(m->statements[st]->source.name, d->name.name) == 0)
            st++;
        s->nstatements = st - first;
        s->statements = alloc_array(c, s->nstatements, sizeof *s->statements);
        for (uint32_t k = 0; s->statements && k < s->nstatements; k++) {
            const sw_decl *sd = m->statements[first + k];
            s->statements[k].id = copy(c, sd->name.name);
            s->statements[k].section = copy(c, sd->section);
            s->statements[k].text = copy(c, sd->text);
            s->statements[k].excused = copy(c, sd->excused);
        }
    }
}

static int level_of(const char *word, int is_priority, int fallback)
{
    static const char *const pri[] = {"low", "normal", "high", "urgent"};
    static const char *const sev[] = {"info", "warning", "critical"};
    if (!word)
        return fallback;
    for (int i = 0; i < (is_priority ? 4 : 3); i++)
        if (strcmp(word, is_priority ? pri[i] : sev[i]) == 0)
            return i;
    return fallback;
}

static void compile_catalogue(compiler *c)
{
    const sw_model *m = c->m;
    for (int k = 0; k < SW_ITEM__COUNT; k++) {
        c->p->nitems[k] = m->nitems[k];
        c->p->items[k] = alloc_array(c, m->nitems[k], sizeof(sw_item_def));
        for (uint32_t i = 0; c->p->items[k] && i < m->nitems[k]; i++) {
            const sw_decl *d = m->items[k][i];
            sw_item_def *it = &c->p->items[k][i];
            it->id = copy(c, d->name.name);
            it->label = copy(c, d->title);
            it->kind = copy(c, d->kind_word.name);
            it->severity = (uint8_t)level_of(d->level.name, 0, SW_SEVERITY_WARNING);
            it->citations = compile_cites(c, d->cites, &it->ncitations);
        }
    }
}

static uint32_t action_target(const sw_model *m, const sw_action_ast *a)
{
    int k = sw_action_item(a->kind);
    if (k >= 0)
        return sw_model_find(m->items[k], m->nitems[k], a->target.name);
    switch ((sw_action_kind)a->kind) {
    case SW_ACT_MOVE:
        return (uint32_t)sw_enum_find(&m->enums[m->stage_enum], a->target.name, strlen(a->target.name));
    case SW_ACT_SET:
        return m->nbase + sw_model_find(m->facts + m->nbase, m->nfacts - m->nbase, a->target.name);
    default:
        return SW_NONE;
    }
}

static void compile_rule(compiler *c, const sw_decl *d, sw_rule_def *r)
{
    const sw_model *m = c->m;
    r->id = copy(c, d->name.name);
    r->title = copy(c, d->title);
    r->file = copy(c, m->files[d->file].name);
    r->line = line_of(c, d, d->name.at);
    r->priority = (uint8_t)level_of(d->level.name, 1, SW_PRIORITY_NORMAL);
    r->citations = compile_cites(c, d->cites, &r->ncitations);
    r->cond = compile_expr(c, d->cond);
    const sw_file *file = &m->files[d->file];
    uint32_t from = d->span.off, to = d->span.end <= file->len ? d->span.end : (uint32_t)file->len;
    r->text = sw_arena_strndup(&c->p->arena, file->text + from, to > from ? to - from : 0);
    if (!r->text)
        c->failed = 1;
    r->text_off = from;
    r->status = (uint8_t)(d->status.name ? sw_rule_status_index(d->status.name) : SW_STATUS_DRAFT);
    r->author = copy(c, d->author);
    r->reviewer = copy(c, d->reviewer);
    r->version = copy(c, d->text);
    r->reviewed = (int32_t)d->reviewed;
    r->has_reviewed = d->has_reviewed;
    uint32_t nallow = 0;
    for (const sw_allow *a = d->allows; a; a = a->next)
        nallow++;
    r->allows = alloc_array(c, nallow, sizeof *r->allows);
    r->nallows = nallow;
    uint32_t ai = nallow;
    for (const sw_allow *a = d->allows; r->allows && a; a = a->next) {
        /* the list was built newest first: store in written order */
        ai--;
        r->allows[ai].code = copy(c, a->code.name);
        r->allows[ai].reason = copy(c, a->reason);
    }
    uint32_t n = 0;
    for (const sw_action_ast *a = d->actions; a; a = a->next)
        n++;
    r->nactions = n;
    r->actions = alloc_array(c, n, sizeof *r->actions);
    if (!r->actions)
        return;
    slot_set reads = {0};
    if (!c->failed)
        reads_of(c->p, c->nodes, r->cond, &reads);
    uint32_t i = 0;
    for (const sw_action_ast *a = d->actions; a; a = a->next, i++) {
        sw_action *act = &r->actions[i];
        act->kind = a->kind;
        act->target = action_target(m, a);
        act->because = copy(c, a->because);
        act->priority = (uint8_t)level_of(a->level.name, 1, r->priority);
        int k = sw_action_item(a->kind);
        if (k >= 0 && sw_item_vocab[k].level == SW_LEVEL_SEVERITY)
            act->severity = (uint8_t)level_of(a->level.name, 0, c->p->items[k][act->target].severity);
        if (a->kind == SW_ACT_SET) {
            act->value = compile_expr(c, a->value);
            /* a whole number set into a number fact is stored as a number */
            if (!c->failed && act->target < m->nfacts && m->types[act->target].kind == SW_T_NUMBER)
                act->value = to_number(c, act->value, a->value);
            if (!c->failed)
                reads_of(c->p, c->nodes, act->value, &reads);
        }
    }
    if (reads.failed)
        c->failed = 1;
    if (reads.n > 1)
        qsort(reads.v, reads.n, sizeof *reads.v, cmp_u32);
    r->nreads = reads.n;
    r->reads = sw_arena_memdup(&c->p->arena, reads.v ? (void *)reads.v : (void *)"", reads.n * sizeof *reads.v);
    if (!r->reads)
        c->failed = 1;
    r->reads_assessed_on = (uint8_t)reads.uses_date;
    sw_mem_free(c->p->arena.mem, reads.v, 0);
}

/* ---- the schedule ---- */

typedef struct heap {
    uint32_t *v;
    uint32_t n;
} heap;

static void heap_push(heap *h, uint32_t x)
{
    uint32_t i = h->n++;
    h->v[i] = x;
    while (i > 0 && h->v[(i - 1) / 2] > h->v[i]) {
        uint32_t t = h->v[i];
        h->v[i] = h->v[(i - 1) / 2];
        h->v[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static uint32_t heap_pop(heap *h)
{
    uint32_t top = h->v[0];
    h->v[0] = h->v[--h->n];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, s = i;
        if (l < h->n && h->v[l] < h->v[s])
            s = l;
        if (r < h->n && h->v[r] < h->v[s])
            s = r;
        if (s == i)
            break;
        uint32_t t = h->v[i];
        h->v[i] = h->v[s];
        h->v[s] = t;
        i = s;
    }
    return top;
}

/* Graph nodes: derived fact d is node d; rule r is node nd + r. A rule depends on
 * the derived facts it reads; a derived fact on the rules that set it. */
static void schedule(compiler *c)
{
    sw_program *p = c->p;
    uint32_t nd = p->nfacts - p->nbase, total = nd + p->nrules;
    uint32_t *indeg = sw_mem_calloc(p->arena.mem, total ? total : 1, sizeof *indeg);
    uint32_t *readers_n = sw_mem_calloc(p->arena.mem, nd ? nd : 1, sizeof *readers_n);
    heap h = {sw_mem_calloc(p->arena.mem, total ? total : 1, sizeof(uint32_t)), 0};
    p->steps = alloc_array(c, total, sizeof *p->steps);
    if (!indeg || !readers_n || !h.v || !p->steps) {
        c->failed = 1;
        goto done;
    }
    /* count: rule reads of derived facts, setters of derived facts */
    for (uint32_t r = 0; r < p->nrules; r++)
        for (uint32_t k = 0; k < p->rules[r].nreads; k++)
            if (p->rules[r].reads[k] >= p->nbase) {
                indeg[nd + r]++;
                readers_n[p->rules[r].reads[k] - p->nbase]++;
            }
    for (uint32_t d = 0; d < nd; d++)
        indeg[d] = p->facts[p->nbase + d].nsetters;
    /* readers index: for each derived fact, the rules reading it */
    uint32_t **readers = sw_mem_calloc(p->arena.mem, nd ? nd : 1, sizeof *readers);
    if (!readers) {
        c->failed = 1;
        goto done;
    }
    for (uint32_t d = 0; d < nd; d++) {
        readers[d] = sw_mem_alloc(p->arena.mem, (readers_n[d] ? readers_n[d] : 1) * sizeof **readers);
        if (!readers[d])
            c->failed = 1;
        readers_n[d] = 0;
    }
    for (uint32_t r = 0; !c->failed && r < p->nrules; r++)
        for (uint32_t k = 0; k < p->rules[r].nreads; k++)
            if (p->rules[r].reads[k] >= p->nbase) {
                uint32_t d = p->rules[r].reads[k] - p->nbase;
                readers[d][readers_n[d]++] = r;
            }
    for (uint32_t v = 0; !c->failed && v < total; v++)
        if (indeg[v] == 0)
            heap_push(&h, v);
    while (!c->failed && h.n) {
        uint32_t v = heap_pop(&h);
        sw_step *st = &p->steps[p->nsteps++];
        if (v < nd) {
            st->finalize = 1;
            st->index = p->nbase + v;
            for (uint32_t k = 0; k < readers_n[v]; k++)
                if (--indeg[nd + readers[v][k]] == 0)
                    heap_push(&h, nd + readers[v][k]);
        } else {
            uint32_t r = v - nd;
            st->finalize = 0;
            st->index = r;
            for (uint32_t a = 0; a < p->rules[r].nactions; a++) {
                const sw_action *act = &p->rules[r].actions[a];
                if (act->kind == SW_ACT_SET && --indeg[act->target - p->nbase] == 0)
                    heap_push(&h, act->target - p->nbase);
            }
        }
    }
    if (!c->failed && p->nsteps != total)
        c->failed = 1;   /* a cycle: the checker rules these out */
    for (uint32_t d = 0; d < nd; d++)
        sw_mem_free(p->arena.mem, readers[d], 0);
    sw_mem_free(p->arena.mem, readers, 0);
done:
    sw_mem_free(p->arena.mem, indeg, 0);
    sw_mem_free(p->arena.mem, readers_n, 0);
    sw_mem_free(p->arena.mem, h.v, 0);
}

static void link_setters(compiler *c)
{
    sw_program *p = c->p;
    for (uint32_t r = 0; r < p->nrules; r++)
        for (uint32_t a = 0; a < p->rules[r].nactions; a++)
            if (p->rules[r].actions[a].kind == SW_ACT_SET)
                p->facts[p->rules[r].actions[a].target].nsetters++;
    for (uint32_t s = p->nbase; s < p->nfacts; s++) {
        p->facts[s].setters = alloc_array(c, p->facts[s].nsetters, sizeof(uint32_t));
        p->facts[s].nsetters = 0;
    }
    if (c->failed)
        return;
    for (uint32_t r = 0; r < p->nrules; r++)
        for (uint32_t a = 0; a < p->rules[r].nactions; a++)
            if (p->rules[r].actions[a].kind == SW_ACT_SET) {
                sw_fact_def *f = &p->facts[p->rules[r].actions[a].target];
                if (f->nsetters == 0 || f->setters[f->nsetters - 1] != r)
                    f->setters[f->nsetters++] = r;
            }
}

/* ---- the fast form: fused tests, flattened and hash-consed ---- */

typedef struct fast_builder {
    sw_fast *v;
    uint8_t *nonmono;      /* per fast node: reads `is known`/`is missing` */
    uint8_t *rank;         /* per fast node: evaluation order among siblings */
    uint32_t n, cap;
    uint32_t *kids;
    uint32_t nkids, capkids;
    uint32_t *table;       /* open addressing: fast node + 1, 0 when empty */
    uint32_t tcap;
    uint32_t key_slot;
    int failed;
    sw_mem mem;            /* the program's allocator */
} fast_builder;

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9E3779B97F4A7C15u + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDu;
}

static uint64_t fast_hash(const sw_fast *f, const uint32_t *kids, uint32_t nk)
{
    uint64_t h = mix(0, (uint64_t)f->op | (uint64_t)f->neg << 16 | (uint64_t)f->as_number << 24 |
                            (uint64_t)f->slot << 32);
    uint64_t k[2];
    memcpy(k, &f->k, sizeof k);
    h = mix(mix(h, k[0]), k[1]);
    for (uint32_t i = 0; i < nk; i++)
        h = mix(h, kids[i]);
    h = mix(h, nk);
    return h ^ (h >> 29) ^ (h >> 47); /* the table uses the low bits */
}

static int fast_same(const fast_builder *b, const sw_fast *x, const sw_fast *f, const uint32_t *kids, uint32_t nk)
{
    return x->op == f->op && x->neg == f->neg && x->as_number == f->as_number &&
           x->slot == f->slot && memcmp(&x->k, &f->k, sizeof f->k) == 0 && x->n == nk &&
           (nk == 0 || memcmp(b->kids + x->first, kids, nk * sizeof *kids) == 0);
}

static int fast_grow(fast_builder *b)
{
    if (b->n * 2 >= b->tcap) {
        uint32_t cap = b->tcap ? b->tcap * 2 : 1024;
        uint32_t *t = sw_mem_calloc(b->mem, cap, sizeof *t);
        if (!t)
            return 0;
        for (uint32_t i = 0; i < b->n; i++) {
            uint64_t h = fast_hash(&b->v[i], b->kids + b->v[i].first, b->v[i].n);
            uint32_t j = (uint32_t)h & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = i + 1;
        }
        sw_mem_free(b->mem, b->table, 0);
        b->table = t;
        b->tcap = cap;
    }
    if (b->n == b->cap) {
        /* three arrays side by side: each grows from the shared count */
        uint32_t cv = b->cap, cn = b->cap, cr = b->cap;
        if (!sw_grow32_m(b->mem, &b->v, &cv, b->n, sizeof *b->v, 256) ||
            !sw_grow32_m(b->mem, &b->nonmono, &cn, b->n, sizeof *b->nonmono, 256) ||
            !sw_grow32_m(b->mem, &b->rank, &cr, b->n, sizeof *b->rank, 256))
            return 0;
        b->cap = cv;
    }
    return 1;
}

/* The fast node equal to f with these children: an existing one, or a new one. */
static uint32_t fast_add(fast_builder *b, sw_fast f, const uint32_t *kids, uint32_t nk, int nonmono)
{
    if (b->failed || !fast_grow(b)) {
        b->failed = 1;
        return 0;
    }
    f.n = nk;
    uint64_t h = fast_hash(&f, kids, nk);
    uint32_t j = (uint32_t)h & (b->tcap - 1);
    for (; b->table[j]; j = (j + 1) & (b->tcap - 1))
        if (fast_same(b, &b->v[b->table[j] - 1], &f, kids, nk))
            return b->table[j] - 1;
    size_t capkids = b->capkids;
    if (!sw_grow_to_m(b->mem, &b->kids, &capkids, (size_t)b->nkids + nk, sizeof *b->kids, 256, UINT32_MAX)) {
        b->failed = 1;
        return 0;
    }
    b->capkids = (uint32_t)capkids;
    f.first = b->nkids;
    if (nk)
        memcpy(b->kids + b->nkids, kids, nk * sizeof *kids);
    b->nkids += nk;
    uint32_t id = b->n++;
    b->v[id] = f;
    b->nonmono[id] = (uint8_t)nonmono;
    /* among siblings: tests of facts first, then of the key (the index has
     * already used it, so it rarely decides), then lists, then expressions */
    b->rank[id] = f.op == SW_FAST_AND || f.op == SW_FAST_OR ? 2
                  : f.op == SW_FAST_NODE                    ? 3
                  : f.slot == b->key_slot                   ? 1
                                                            : 0;
    b->table[j] = id + 1;
    return id;
}

static sw_fast fast_leaf(sw_fast_op op, uint32_t slot, int neg)
{
    sw_fast f;
    memset(&f, 0, sizeof f);
    f.op = (uint8_t)op;
    f.slot = slot;
    f.neg = (uint8_t)(neg != 0);
    return f;
}

static int reads_known(const sw_node *nodes, uint32_t n)
{
    const sw_node *x = &nodes[n];
    switch ((sw_opcode)x->op) {
    case SW_OP_CONST: case SW_OP_LOAD: return 0;
    case SW_OP_IS_KNOWN: case SW_OP_IS_MISSING: return 1;
    default: break;
    }
    return reads_known(nodes, x->a) || (x->op >= SW_OP_AND && x->op <= SW_OP_DIV && reads_known(nodes, x->b));
}

/* A fact, seen through a conversion to number. */
static uint32_t bare_load(const sw_node *nodes, uint32_t n)
{
    const sw_node *x = &nodes[n];
    return x->op == SW_OP_TO_NUMBER && nodes[x->a].op == SW_OP_LOAD ? x->a : n;
}

static uint8_t cmp_swapped(uint8_t op) { return sw_compare_mirror(op); }

static int cmp_holds(uint8_t op, int64_t a, int64_t b) { return sw_compare_holds(op, (a > b) - (a < b)); }

/* A comparison of a fact with a constant as one test; SW_NONE when it is not one. */
static uint32_t fast_compare(const sw_program *p, fast_builder *b, const sw_node *n, int neg)
{
    uint32_t a = bare_load(p->nodes, n->a), c = bare_load(p->nodes, n->b);
    uint8_t op = n->op;
    if (p->nodes[a].op == SW_OP_CONST && p->nodes[c].op == SW_OP_LOAD) {
        uint32_t t = a;
        a = c;
        c = t;
        op = cmp_swapped(op);
    }
    const sw_node *load = &p->nodes[a], *k = &p->nodes[c];
    if (load->op != SW_OP_LOAD || k->op != SW_OP_CONST)
        return SW_NONE;
    const sw_type *t = &p->facts[load->a].type;
    sw_fast f = fast_leaf(SW_FAST_INT, load->a, neg ^ (op == SW_OP_NE));
    if (n->numeric) {
        if (t->kind != SW_T_NUMBER && t->kind != SW_T_INT)
            return SW_NONE;
        double v = k->type == SW_T_NUMBER ? k->imm.u.n : (double)k->imm.u.i;
        f.op = SW_FAST_NUM;
        f.as_number = t->kind == SW_T_INT;
        f.k.n.lo = op == SW_OP_GT ? nextafter(v, INFINITY) : op <= SW_OP_NE || op == SW_OP_GE ? v : -INFINITY;
        f.k.n.hi = op == SW_OP_LT ? nextafter(v, -INFINITY) : op <= SW_OP_NE || op == SW_OP_LE ? v : INFINITY;
    } else if (t->kind == SW_T_ENUM && p->enums[t->enumeration].nmembers <= 64) {
        f.op = SW_FAST_MEMBER;
        f.neg = (uint8_t)(neg != 0);
        for (uint32_t m = 0; m < p->enums[t->enumeration].nmembers; m++)
            f.k.mask |= (uint64_t)cmp_holds(op, m, k->imm.u.i) << m;
    } else if (t->kind == SW_T_BOOL || t->kind == SW_T_INT || t->kind == SW_T_DATE) {
        int64_t v = k->imm.u.i;
        f.k.i.lo = op <= SW_OP_NE || op == SW_OP_GE ? v : op == SW_OP_GT ? v + (v < INT64_MAX) : INT64_MIN;
        f.k.i.hi = op <= SW_OP_NE || op == SW_OP_LE ? v : op == SW_OP_LT ? v - (v > INT64_MIN) : INT64_MAX;
        if ((op == SW_OP_GT && v == INT64_MAX) || (op == SW_OP_LT && v == INT64_MIN)) {
            f.k.i.lo = 1; /* nothing is greater than the largest int */
            f.k.i.hi = 0;
        }
    } else {
        return SW_NONE;
    }
    return fast_add(b, f, NULL, 0, 0);
}

static uint32_t fast_of(const sw_program *p, fast_builder *b, uint32_t idx, int neg);

/* The children of an and/or chain, `not` pushed into each. */
static void fast_chain(const sw_program *p, fast_builder *b, uint32_t idx, uint8_t op, int neg,
                       uint32_t **list, uint32_t *n, uint32_t *cap)
{
    const sw_node *x = &p->nodes[idx];
    if (x->op == op) {
        fast_chain(p, b, x->a, op, neg, list, n, cap);
        fast_chain(p, b, x->b, op, neg, list, n, cap);
        return;
    }
    uint32_t f = fast_of(p, b, idx, neg);
    if (!sw_grow32_m(p->arena.mem, list, cap, *n, sizeof **list, 8)) {
        b->failed = 1;
        return;
    }
    (*list)[(*n)++] = f;
}

static uint32_t fast_of(const sw_program *p, fast_builder *b, uint32_t idx, int neg)
{
    const sw_node *x = &p->nodes[idx];
    if (b->failed)
        return 0;
    switch ((sw_opcode)x->op) {
    case SW_OP_NOT:
        return fast_of(p, b, x->a, !neg);
    case SW_OP_AND:
    case SW_OP_OR: {
        uint32_t *list = NULL, n = 0, cap = 0;
        fast_chain(p, b, idx, x->op, neg, &list, &n, &cap);
        if (b->failed || n == 0) {
            sw_mem_free(p->arena.mem, list, 0);
            b->failed = 1;
            return 0;
        }
        /* cheap tests first: the key, then other facts, then the rest (and/or
         * are commutative in Kleene logic, so the order changes no truth) */
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = i; j > 0 && (b->rank[list[j]] < b->rank[list[j - 1]] ||
                                           (b->rank[list[j]] == b->rank[list[j - 1]] && list[j] < list[j - 1]));
                 j--) {
                uint32_t t = list[j];
                list[j] = list[j - 1];
                list[j - 1] = t;
            }
        int nonmono = 0;
        for (uint32_t i = 0; i < n; i++)
            nonmono |= b->nonmono[list[i]];
        sw_fast f = fast_leaf((x->op == SW_OP_AND) != neg ? SW_FAST_AND : SW_FAST_OR, SW_NONE, 0);
        uint32_t r = n == 1 ? list[0] : fast_add(b, f, list, n, nonmono);
        sw_mem_free(p->arena.mem, list, 0);
        return r;
    }
    case SW_OP_LOAD:
        if (x->type == SW_T_BOOL) {
            sw_fast f = fast_leaf(SW_FAST_INT, x->a, neg);
            f.k.i.lo = f.k.i.hi = 1;
            return fast_add(b, f, NULL, 0, 0);
        }
        break;
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING:
        if (p->nodes[x->a].op == SW_OP_LOAD)
            return fast_add(b, fast_leaf(SW_FAST_KNOWN, p->nodes[x->a].a, neg ^ (x->op == SW_OP_IS_MISSING)),
                            NULL, 0, 1);
        break;
    case SW_OP_EQ: case SW_OP_NE: case SW_OP_LT: case SW_OP_LE: case SW_OP_GT: case SW_OP_GE: {
        uint32_t f = fast_compare(p, b, x, neg);
        if (f != SW_NONE)
            return f;
        break;
    }
    case SW_OP_IN: {
        const sw_node *a = &p->nodes[x->a];
        if (a->op == SW_OP_LOAD && a->type == SW_T_ENUM && p->enums[p->facts[a->a].type.enumeration].nmembers <= 64) {
            sw_fast f = fast_leaf(SW_FAST_MEMBER, a->a, neg);
            for (uint32_t k = 0; k < x->nlist; k++)
                f.k.mask |= (uint64_t)1 << p->consts[x->list + k].u.i;
            return fast_add(b, f, NULL, 0, 0);
        }
        break;
    }
    case SW_OP_CONTAINS:
    case SW_OP_CONTAINS_ANY:
        if (p->nodes[x->a].op == SW_OP_LOAD) {
            sw_fast f = fast_leaf(x->op == SW_OP_CONTAINS ? SW_FAST_ALL : SW_FAST_ANY, p->nodes[x->a].a, neg);
            f.k.mask = x->imm.u.bits;
            return fast_add(b, f, NULL, 0, 0);
        }
        break;
    default:
        break;
    }
    sw_fast f = fast_leaf(SW_FAST_NODE, SW_NONE, neg);
    f.k.node = idx;
    return fast_add(b, f, NULL, 0, reads_known(p->nodes, idx));
}

/* ---- the index: the key's rows and the readers of each fact ---- */

static int node_reads_derived(const sw_program *p, uint32_t n)
{
    const sw_node *x = &p->nodes[n];
    switch ((sw_opcode)x->op) {
    case SW_OP_CONST: return 0;
    case SW_OP_LOAD: return x->a >= p->nbase;
    default: break;
    }
    return node_reads_derived(p, x->a) ||
           (x->op >= SW_OP_AND && x->op <= SW_OP_DIV && node_reads_derived(p, x->b));
}

/* Which fast nodes read derived facts, and the order of the rest. */
static void order_fast(compiler *c)
{
    sw_program *p = c->p;
    p->fast_derived = alloc_array(c, p->nfast, 1);
    p->fast_order = alloc_array(c, p->nfast, sizeof *p->fast_order);
    if (c->failed)
        return;
    uint32_t count[SW_FAST__COUNT] = {0};
    for (uint32_t i = 0; i < p->nfast; i++) {   /* children come before parents */
        const sw_fast *f = &p->fast[i];
        uint8_t d = f->op == SW_FAST_NODE  ? (uint8_t)node_reads_derived(p, f->k.node)
                    : f->op >= SW_FAST_INT ? (uint8_t)(f->slot >= p->nbase)
                                           : 0;
        for (uint32_t k = 0; k < f->n && (f->op == SW_FAST_AND || f->op == SW_FAST_OR); k++)
            d |= p->fast_derived[p->fast_kids[f->first + k]];
        p->fast_derived[i] = d;
        if (!d)
            count[f->op >= SW_FAST_INT ? f->op : SW_FAST_NODE]++;
    }
    uint32_t at = 0;
    for (int op = 0; op < SW_FAST__COUNT; op++) {
        p->fast_group[op] = at;
        if (op >= SW_FAST_INT)
            at += count[op];
    }
    p->fast_group[SW_FAST__COUNT] = at;
    uint32_t fill[SW_FAST__COUNT] = {0}, rest = at;
    for (uint32_t i = 0; i < p->nfast; i++) {
        const sw_fast *f = &p->fast[i];
        if (p->fast_derived[i])
            continue;
        if (f->op >= SW_FAST_INT)
            p->fast_order[p->fast_group[f->op] + fill[f->op]++] = i;
        else
            p->fast_order[rest++] = i;
    }
    p->nfast_order = rest;
}

static void build_fast(compiler *c)
{
    sw_program *p = c->p;
    fast_builder b;
    memset(&b, 0, sizeof b);
    b.mem = p->arena.mem;
    b.key_slot = p->stage_slot;
    p->rule_fast = alloc_array(c, p->nrules, sizeof *p->rule_fast);
    for (uint32_t r = 0; !c->failed && !b.failed && r < p->nrules; r++)
        p->rule_fast[r] = fast_of(p, &b, p->rules[r].cond, 0);
    if (!c->failed && !b.failed) {
        p->nfast = b.n;
        p->fast = sw_arena_memdup(&p->arena, b.v ? (void *)b.v : (void *)"", b.n * sizeof *b.v);
        p->nfast_kids = b.nkids;
        p->fast_kids = sw_arena_memdup(&p->arena, b.kids ? (void *)b.kids : (void *)"", b.nkids * sizeof *b.kids);
        if (!p->fast || !p->fast_kids)
            c->failed = 1;
    }
    if (b.failed)
        c->failed = 1;
    if (!c->failed)
        order_fast(c);
    if (!c->failed) {
        p->fast_nonmono = sw_arena_memdup(&p->arena, b.nonmono ? (void *)b.nonmono : (void *)"",
                                          b.n ? b.n : 1);
        if (!p->fast_nonmono)
            c->failed = 1;
    }
    sw_mem_free(p->arena.mem, b.v, 0);
    sw_mem_free(p->arena.mem, b.nonmono, 0);
    sw_mem_free(p->arena.mem, b.rank, 0);
    sw_mem_free(p->arena.mem, b.kids, 0);
    sw_mem_free(p->arena.mem, b.table, 0);
}

sw_status sw_compile(const sw_model *m, sw_program *p)
{
    compiler c = {0};
    c.m = m;
    c.p = p;
    c.lines = sw_mem_calloc(p->arena.mem, m->nfiles ? m->nfiles : 1, sizeof *c.lines);   /* NULL: count slowly */
    p->guideline = copy(&c, m->guideline->name.name);
    p->title = copy(&c, m->guideline->title);
    p->version = copy(&c, m->guideline->text);
    compile_schema(&c);
    compile_fhir(&c);
    compile_sources(&c);
    compile_catalogue(&c);
    p->nrules = m->nrules;
    p->rules = alloc_array(&c, m->nrules, sizeof *p->rules);
    for (uint32_t i = 0; p->rules && i < m->nrules && !c.failed; i++)
        compile_rule(&c, m->rules[i], &p->rules[i]);
    if (!c.failed) {
        p->nnodes = c.nnodes;
        p->nodes = sw_arena_memdup(&p->arena, c.nodes ? (void *)c.nodes : (void *)"", c.nnodes * sizeof *c.nodes);
        p->nconsts = c.nconsts;
        p->consts = sw_arena_memdup(&p->arena, c.consts ? (void *)c.consts : (void *)"", c.nconsts * sizeof *c.consts);
        if (!p->nodes || !p->consts)
            c.failed = 1;
    }
    sw_mem_free(p->arena.mem, c.nodes, 0);
    sw_mem_free(p->arena.mem, c.consts, 0);
    if (p->arena.failed)   /* a copy that went unchecked above still counts */
        c.failed = 1;
    if (!c.failed)
        link_setters(&c);
    if (!c.failed)
        schedule(&c);
    if (!c.failed)
        build_fast(&c);
    for (uint32_t f = 0; c.lines && f < m->nfiles; f++)
        sw_mem_free(p->arena.mem, c.lines[f].starts, 0);
    sw_mem_free(p->arena.mem, c.lines, 0);
    if (c.failed)
        return SW_ERR_NOMEM;
    sw_ruleset_info *info = &p->info;
    info->name = p->guideline;
    info->title = p->title;
    info->version = p->version;
    info->sha256 = p->sha256;
    info->sources = p->nsources;
    info->statements = m->nstatements;
    info->stages = m->nstages;
    info->facts = p->nbase;
    info->derived = p->nfacts - p->nbase;
    info->interventions = p->nitems[SW_ITEM_INTERVENTION];
    info->practices = p->nitems[SW_ITEM_PRACTICE];
    info->challenges = p->nitems[SW_ITEM_CHALLENGE];
    info->risks = p->nitems[SW_ITEM_RISK];
    info->rules = p->nrules;
    return SW_OK;
}
