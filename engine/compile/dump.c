/*
 * dump.c - a canonical text dump of a compiled rule set's content.
 *
 * One line per declaration, in the program's own (name-sorted) order, with
 * expressions written as trees in prefix form, e.g.
 *
 *   rule phq9_severe "PHQ-9 20-27" priority high status draft
 *     when (GE:int (LOAD phq9) (CONST int 20))
 *     risk depression_severe severity warning because "..."
 *
 * Positions and layout (file names, lines, source offsets, the rule's text) are
 * left out on purpose: the dump changes only when the meaning does. The
 * evaluator's fast form of each condition and its index are computed from the
 * expression nodes dumped here, so they are not dumped again.
 */
#include "compile/dump.h"

#include <string.h>

#include "lang/value.h"

static const char *const op_names[] = {
#define SW_OP_NAME(name, arity, doc) #name,
    SW_OPCODES(SW_OP_NAME)
#undef SW_OP_NAME
};


static void put_text(sw_buf *b, const char *s)
{
    if (!s) {
        sw_buf_puts(b, "-");
        return;
    }
    sw_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sw_buf_putc(b, '\\');
        if (*s == '\n')
            sw_buf_puts(b, "\\n");
        else
            sw_buf_putc(b, *s);
    }
    sw_buf_putc(b, '"');
}

static const char *type_name(uint8_t kind)
{
    return kind < SW_T__COUNT ? sw_type_vocab[kind].listing : "?";
}

static void put_value(sw_buf *b, uint8_t kind, sw_value v)
{
    char date[11];
    if (!v.known) {
        sw_buf_puts(b, "unknown");
        return;
    }
    switch ((sw_type_kind)kind) {
    case SW_T_NUMBER: sw_buf_printf(b, "%.17g", v.u.n); break;
    case SW_T_TEXT: put_text(b, v.u.s); break;
    case SW_T_SET: sw_buf_printf(b, "0x%llx", (unsigned long long)v.u.bits); break;
    case SW_T_DATE:
        sw_date_format((int32_t)v.u.i, date);
        sw_buf_puts(b, date);
        break;
    default: sw_buf_printf(b, "%lld", (long long)v.u.i); break;
    }
}

static void put_type(sw_buf *b, const sw_program *p, const sw_type *t)
{
    sw_buf_puts(b, type_name(t->kind));
    if ((t->kind == SW_T_ENUM || t->kind == SW_T_SET) && t->enumeration < p->nenums)
        sw_buf_printf(b, "(%s)", p->enums[t->enumeration].name);
    if (t->has_range && t->kind == SW_T_INT)
        sw_buf_printf(b, " %lld..%lld", (long long)t->imin, (long long)t->imax);
    if (t->has_range && t->kind == SW_T_NUMBER)
        sw_buf_printf(b, " %.17g..%.17g", t->nmin, t->nmax);
}

static const char *slot_name(const sw_program *p, uint32_t slot)
{
    return slot < p->nfacts ? p->facts[slot].name : "?";
}

/* An expression tree in prefix form. Depth is bounded by the parser's nesting limit. */
static void put_node(sw_buf *b, const sw_program *p, uint32_t i)
{
    if (i >= p->nnodes) {
        sw_buf_puts(b, "?");
        return;
    }
    const sw_node *n = &p->nodes[i];
    const char *op = n->op < SW_OP__COUNT ? op_names[n->op] : "?";
    sw_buf_printf(b, "(%s:%s%s", op, type_name(n->type), n->numeric ? ":numeric" : "");
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
        sw_buf_putc(b, ' ');
        put_value(b, n->type, n->imm);
        break;
    case SW_OP_LOAD:
        sw_buf_printf(b, " %s", slot_name(p, n->a));
        break;
    case SW_OP_IN:
        sw_buf_putc(b, ' ');
        put_node(b, p, n->a);
        for (uint32_t k = 0; k < n->nlist && n->list + k < p->nconsts; k++) {
            sw_buf_putc(b, ' ');
            put_value(b, p->nodes[n->a].type, p->consts[n->list + k]);
        }
        break;
    case SW_OP_CONTAINS:
    case SW_OP_CONTAINS_ANY:
        sw_buf_printf(b, " 0x%llx ", (unsigned long long)n->imm.u.bits);
        put_node(b, p, n->a);
        break;
    default:
        sw_buf_putc(b, ' ');
        put_node(b, p, n->a);
        if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV) {
            sw_buf_putc(b, ' ');
            put_node(b, p, n->b);
        }
        break;
    }
    sw_buf_putc(b, ')');
}

static void put_citations(sw_buf *b, const sw_citation *c, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        sw_buf_printf(b, "    cites %s ", c[i].source);
        put_text(b, c[i].source_title);
        sw_buf_printf(b, " %s ", c[i].statement ? c[i].statement : "-");
        put_text(b, c[i].text);
        sw_buf_putc(b, '\n');
    }
}

static void dump_schema(const sw_program *p, sw_buf *b)
{
    sw_buf_printf(b, "guideline %s ", p->guideline);
    put_text(b, p->title);
    sw_buf_puts(b, " version ");
    put_text(b, p->version);
    sw_buf_putc(b, '\n');
    for (uint32_t i = 0; i < p->nenums; i++) {
        sw_buf_printf(b, "enum %u %s:", i, p->enums[i].name);
        for (uint32_t k = 0; k < p->enums[i].nmembers; k++)
            sw_buf_printf(b, " %s", p->enums[i].members[k]);
        sw_buf_putc(b, '\n');
    }
    const sw_enum *stages = p->stage_enum < p->nenums ? &p->enums[p->stage_enum] : NULL;
    for (uint32_t i = 0; stages && i < stages->nmembers; i++) {
        sw_buf_printf(b, "stage %s ", stages->members[i]);
        put_text(b, p->stage_titles[i]);
        sw_buf_puts(b, " goal ");
        put_text(b, p->stage_goals[i]);
        sw_buf_putc(b, '\n');
    }
    sw_buf_printf(b, "stage fact %s\n", p->stage_slot == SW_NONE ? "-" : slot_name(p, p->stage_slot));
    for (uint32_t s = 0; s < p->nfacts; s++) {
        const sw_fact_def *f = &p->facts[s];
        sw_buf_printf(b, "%s %u %s: ", f->derived ? "derived" : "fact", f->slot, f->name);
        put_type(b, p, &f->type);
        sw_buf_putc(b, ' ');
        put_text(b, f->label);
        if (f->has_default) {
            sw_buf_puts(b, " default ");
            put_value(b, f->type.kind, f->deflt);
        }
        for (uint32_t k = 0; k < f->nsetters; k++)
            sw_buf_printf(b, " set-by %s", p->rules[f->setters[k]].id);
        sw_buf_putc(b, '\n');
    }
}

static void dump_sources(const sw_program *p, sw_buf *b)
{
    for (uint32_t i = 0; i < p->nsources; i++) {
        const sw_source_def *s = &p->sources[i];
        sw_buf_printf(b, "source %s ", s->id);
        put_text(b, s->title);
        sw_buf_puts(b, " file ");
        put_text(b, s->file);
        sw_buf_putc(b, '\n');
        for (uint32_t k = 0; k < s->nstatements; k++) {
            const sw_statement_def *st = &s->statements[k];
            sw_buf_printf(b, "  statement %s.%s ", s->id, st->id);
            put_text(b, st->section);
            sw_buf_putc(b, ' ');
            put_text(b, st->text);
            sw_buf_puts(b, " excused ");
            put_text(b, st->excused);
            sw_buf_putc(b, '\n');
        }
    }
    for (int k = 0; k < SW_ITEM__COUNT; k++)
        for (uint32_t i = 0; i < p->nitems[k]; i++) {
            const sw_item_def *it = &p->items[k][i];
            sw_buf_printf(b, "%s %s ", sw_item_vocab[k].noun, it->id);
            put_text(b, it->label);
            sw_buf_printf(b, " kind %s severity %s\n", it->kind ? it->kind : "-",
                          sw_severity_name((sw_risk_severity)it->severity));
            put_citations(b, it->citations, it->ncitations);
        }
}

static void dump_action(const sw_program *p, const sw_action *a, sw_buf *b)
{
    uint32_t t = a->target;
    const char *target = "?";
    int k = sw_action_item(a->kind);
    if (k >= 0 && t < p->nitems[k])
        target = p->items[a->kind][t].id;
    else if (a->kind == SW_ACT_MOVE && p->stage_enum < p->nenums &&
             t < p->enums[p->stage_enum].nmembers)
        target = p->enums[p->stage_enum].members[t];
    else if (a->kind == SW_ACT_SET)
        target = slot_name(p, t);
    sw_buf_printf(b, "    %s %s", a->kind < SW_ACT__COUNT ? sw_action_words[a->kind] : "?", target);
    if (k >= 0 && sw_item_vocab[k].level == SW_LEVEL_PRIORITY)
        sw_buf_printf(b, " %s %s", sw_item_vocab[k].level_word, sw_priority_name((sw_priority)a->priority));
    if (k >= 0 && sw_item_vocab[k].level == SW_LEVEL_SEVERITY)
        sw_buf_printf(b, " %s %s", sw_item_vocab[k].level_word, sw_severity_name((sw_risk_severity)a->severity));
    if (a->kind == SW_ACT_SET) {
        sw_buf_puts(b, " = ");
        put_node(b, p, a->value);
    }
    sw_buf_puts(b, " because ");
    put_text(b, a->because);
    sw_buf_putc(b, '\n');
}

static void dump_rule(const sw_program *p, const sw_rule_def *r, sw_buf *b)
{
    static const char *const statuses[] = {"draft", "testing", "production", "retired"};
    sw_buf_printf(b, "rule %s ", r->id);
    put_text(b, r->title);
    sw_buf_printf(b, " priority %s status %s author ", sw_priority_name((sw_priority)r->priority),
                  statuses[r->status & 3]);
    put_text(b, r->author);
    sw_buf_puts(b, " reviewer ");
    put_text(b, r->reviewer);
    sw_buf_puts(b, " version ");
    put_text(b, r->version);
    if (r->has_reviewed) {
        char date[11];
        sw_date_format(r->reviewed, date);
        sw_buf_printf(b, " reviewed %s", date);
    }
    sw_buf_putc(b, '\n');
    put_citations(b, r->citations, r->ncitations);
    for (uint32_t k = 0; k < r->nallows; k++) {
        sw_buf_printf(b, "    allow %s ", r->allows[k].code);
        put_text(b, r->allows[k].reason);
        sw_buf_putc(b, '\n');
    }
    sw_buf_puts(b, "    when ");
    put_node(b, p, r->cond);
    sw_buf_puts(b, "\n    reads");
    for (uint32_t k = 0; k < r->nreads; k++)
        sw_buf_printf(b, " %s", slot_name(p, r->reads[k]));
    sw_buf_puts(b, r->reads_assessed_on ? " assessed_on\n" : "\n");
    for (uint32_t k = 0; k < r->nactions; k++)
        dump_action(p, &r->actions[k], b);
}

void sw_dump_program(const sw_program *p, sw_buf *out)
{
    dump_schema(p, out);
    dump_sources(p, out);
    for (uint32_t i = 0; i < p->nrules; i++)
        dump_rule(p, &p->rules[i], out);
    sw_buf_puts(out, "schedule");
    for (uint32_t i = 0; i < p->nsteps; i++) {
        const sw_step *s = &p->steps[i];
        if (s->finalize)
            sw_buf_printf(out, " finalize:%s", slot_name(p, s->index));
        else
            sw_buf_printf(out, " rule:%s", s->index < p->nrules ? p->rules[s->index].id : "?");
    }
    sw_buf_putc(out, '\n');
}
