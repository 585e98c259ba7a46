/*
 * schema.c - the rule set's schema as one JSON document ("stagewise-schema"):
 * the stages in order, the base facts grouped by the `facts` blocks they were
 * declared in (with each block's heading comment), the derived facts, the
 * catalogue and the sources with their statements. The workbench builds its
 * client form and its guidance pages from it (docs/workbench.md).
 *
 * Stage api/ - the top of the library (see ruleset.c).
 * May use: every stage. (tests/layout checks it.)
 */
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "compile/program.h"

static void string_or_null(sw_json *w, const char *s)
{
    if (s)
        sw_json_string(w, s);
    else
        sw_json_null(w);
}

static const char *type_name(const sw_program *p, const sw_type *t)
{
    const sw_type_words *w = sw_type_words_of(t, p->stage_enum);
    return w ? w->key : "text";
}

static void fact(sw_json *w, const sw_program *p, const sw_fact_def *f)
{
    sw_json_begin_object(w);
    sw_json_key(w, "name");
    sw_json_string(w, f->name);
    sw_json_key(w, "label");
    sw_json_string(w, f->label);
    sw_json_key(w, "type");
    sw_json_string(w, type_name(p, &f->type));
    if (f->type.has_range && f->type.kind == SW_T_INT) {
        sw_json_key(w, "min");
        sw_json_int(w, f->type.imin);
        sw_json_key(w, "max");
        sw_json_int(w, f->type.imax);
    } else if (f->type.has_range && f->type.kind == SW_T_NUMBER) {
        sw_json_key(w, "min");
        sw_json_number(w, f->type.nmin);
        sw_json_key(w, "max");
        sw_json_number(w, f->type.nmax);
    }
    if (f->type.kind == SW_T_ENUM || f->type.kind == SW_T_SET) {
        const sw_enum *e = &p->enums[f->type.enumeration];
        sw_json_key(w, "members");
        sw_json_begin_array(w);
        for (uint32_t m = 0; m < e->nmembers; m++)
            sw_json_string(w, e->members[m]);
        sw_json_end_array(w);
    }
    sw_json_key(w, "file");
    sw_json_string(w, f->file);
    sw_json_key(w, "line");
    sw_json_uint(w, f->line);
    sw_json_end_object(w);
}

/* Base facts in declaration order: by file as loaded, then line. */
static int cmp_declared(const void *a, const void *b, const sw_program *p)
{
    const sw_fact_def *x = &p->facts[*(const uint32_t *)a], *y = &p->facts[*(const uint32_t *)b];
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* qsort has no context argument in C11: an insertion sort (a schema has at most a
 * few hundred facts). */
static void sort_declared(uint32_t *order, uint32_t n, const sw_program *p)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = order[i], j = i;
        while (j > 0 && cmp_declared(&order[j - 1], &v, p) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

static void groups(sw_json *w, const sw_program *p, const uint32_t *order)
{
    sw_json_begin_array(w);
    for (uint32_t i = 0; i < p->nbase;) {
        const sw_fact_def *first = &p->facts[order[i]];
        sw_json_begin_object(w);
        sw_json_key(w, "title");
        string_or_null(w, first->group_title);
        sw_json_key(w, "file");
        sw_json_string(w, first->file);
        sw_json_key(w, "facts");
        sw_json_begin_array(w);
        uint32_t j = i;
        for (; j < p->nbase; j++) {
            const sw_fact_def *f = &p->facts[order[j]];
            if (f->group != first->group || strcmp(f->file, first->file) != 0)
                break;
            fact(w, p, f);
        }
        sw_json_end_array(w);
        sw_json_end_object(w);
        i = j;
    }
    sw_json_end_array(w);
}

static void stages(sw_json *w, const sw_program *p)
{
    sw_json_begin_array(w);
    if (p->stage_enum != SW_NONE) {
        const sw_enum *e = &p->enums[p->stage_enum];
        for (uint32_t i = 0; i < e->nmembers; i++) {
            sw_json_begin_object(w);
            sw_json_key(w, "id");
            sw_json_string(w, e->members[i]);
            sw_json_key(w, "title");
            string_or_null(w, p->stage_titles[i]);
            sw_json_key(w, "goal");
            string_or_null(w, p->stage_goals[i]);
            sw_json_end_object(w);
        }
    }
    sw_json_end_array(w);
}

static void items(sw_json *w, const sw_program *p, sw_item_kind kind)
{
    sw_json_begin_array(w);
    for (uint32_t i = 0; i < p->nitems[kind]; i++) {
        const sw_item_def *it = &p->items[kind][i];
        sw_json_begin_object(w);
        sw_json_key(w, "id");
        sw_json_string(w, it->id);
        sw_json_key(w, "label");
        sw_json_string(w, it->label);
        if (kind == SW_ITEM_INTERVENTION) {
            sw_json_key(w, "kind");
            string_or_null(w, it->kind);
        }
        if (sw_item_vocab[kind].level == SW_LEVEL_SEVERITY) {
            sw_json_key(w, "severity");
            sw_json_string(w, sw_severity_name((sw_risk_severity)it->severity));
        }
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void sources(sw_json *w, const sw_program *p)
{
    sw_json_begin_array(w);
    for (uint32_t i = 0; i < p->nsources; i++) {
        const sw_source_def *s = &p->sources[i];
        sw_json_begin_object(w);
        sw_json_key(w, "id");
        sw_json_string(w, s->id);
        sw_json_key(w, "title");
        string_or_null(w, s->title);
        sw_json_key(w, "file");
        string_or_null(w, s->file);
        sw_json_key(w, "statements");
        sw_json_begin_array(w);
        for (uint32_t k = 0; k < s->nstatements; k++) {
            const sw_statement_def *st = &s->statements[k];
            sw_json_begin_object(w);
            sw_json_key(w, "id");
            sw_json_string(w, st->id);
            sw_json_key(w, "section");
            string_or_null(w, st->section);
            sw_json_key(w, "text");
            string_or_null(w, st->text);
            sw_json_key(w, "excused");
            string_or_null(w, st->excused);
            sw_json_end_object(w);
        }
        sw_json_end_array(w);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void document(sw_json *w, const sw_program *p, const uint32_t *order)
{

    sw_json_begin_object(w);
    sw_json_key(w, "format");
    sw_json_string(w, "stagewise-schema");
    sw_json_key(w, "guideline");
    sw_json_string(w, p->guideline);
    sw_json_key(w, "title");
    string_or_null(w, p->title);
    sw_json_key(w, "version");
    string_or_null(w, p->version);
    sw_json_key(w, "ruleset_sha256");
    sw_json_string(w, p->sha256);
    sw_json_key(w, "stages");
    stages(w, p);
    sw_json_key(w, "groups");
    groups(w, p, order);
    sw_json_key(w, "derived");
    sw_json_begin_array(w);
    for (uint32_t s = p->nbase; s < p->nfacts; s++)
        fact(w, p, &p->facts[s]);
    sw_json_end_array(w);
    for (int k = 0; k < SW_ITEM__COUNT; k++) {
        sw_json_key(w, sw_item_vocab[k].plural);
        items(w, p, (sw_item_kind)k);
    }
    sw_json_key(w, "sources");
    sources(w, p);
    sw_json_end_object(w);
}

sw_status sw_ruleset_schema_render(const sw_ruleset *rules, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (!rules || !out)
        return SW_ERR_ARG;
    const sw_program *p = &rules->prog;
    uint32_t *order = sw_mem_alloc(p->arena.mem, (p->nbase ? p->nbase : 1) * sizeof *order);
    if (!order)
        return SW_ERR_NOMEM;
    for (uint32_t i = 0; i < p->nbase; i++)
        order[i] = i;
    sort_declared(order, p->nbase, p);
    sw_buf b = SW_BUF_WITH(p->arena.mem);
    sw_json w;
    sw_json_init(&w, &b, 1);
    document(&w, p, order);
    sw_mem_free(p->arena.mem, order, 0);
    if (sw_json_end_line(&w) != 0) {
        sw_status st = sw_json_finish(&w);
        sw_buf_free(&b);
        return st == SW_OK ? SW_ERR_NOMEM : st;
    }
    *out = sw_buf_give(&b, len);
    return *out ? SW_OK : SW_ERR_NOMEM;
}
