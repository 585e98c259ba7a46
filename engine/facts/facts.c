/*
 * facts.c - one client's facts: their lifetime, the client and date, merging two
 * sources of one client's facts, the canonical text the facts digest is taken
 * over, and the setters of the public API.
 *
 * The setters check values with the functions the reader uses (facts_check.c), so
 * they say the same things. sw_facts_merge joins a second source of one client's
 * facts (FHIR) to a first (the facts document): the first wins a conflict, which
 * is told (F114). The reader is facts_read.c, the stream facts_stream.c.
 *
 * Stage facts/ - one client's facts in the program's slots.
 * May use: util/, lang/, compile/. (tests/layout checks it.)
 */
#include "facts/facts.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lang/diag.h"
#include "lang/value.h"
#include "util/doc_split.h"
#include "util/text.h"
#include "compile/value_text.h"

#include "facts/facts_check.h"

/* ==== Facts: lifetime, client, canonical text ================================ */

sw_facts *sw_facts_create(const sw_program *p)
{
    sw_facts *f = sw_mem_calloc(p->arena.mem, 1, sizeof *f);
    if (!f)
        return NULL;
    f->prog = p;
    f->arena.mem = p->arena.mem;
    f->values = sw_arena_array(&f->arena, p->nbase ? p->nbase : 1, sizeof *f->values);
    if (!f->values) {
        sw_arena_free(&f->arena);
        sw_mem_free(p->arena.mem, f, 0);
        return NULL;
    }
    return f;
}

sw_status sw_facts_new(const sw_ruleset *rules, sw_facts **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules)
        return SW_ERR_ARG;
    *out = sw_facts_create(&rules->prog);
    return *out ? SW_OK : SW_ERR_NOMEM;
}

void sw_facts_free(sw_facts *f)
{
    if (!f)
        return;
    sw_arena_free(&f->arena);
    sw_mem_free(f->prog->arena.mem, f, 0);
}

void sw_facts_reset(sw_facts *f)
{
    if (!f)
        return;
    /* the values are the arena's first allocation, so the block sw_arena_clear
     * keeps gives the same memory back (zeroed) without a call to malloc */
    sw_arena_clear(&f->arena);
    f->values = sw_arena_array(&f->arena, f->prog->nbase ? f->prog->nbase : 1, sizeof *f->values);
    f->source_name = NULL;
    f->line = 0;
    f->client = NULL;
    f->has_assessed_on = 0;
    f->assessed_on = 0;
    f->origin = NULL;
}


sw_status sw_facts_set_client(sw_facts *f, const char *client_id)
{
    if (!f)
        return SW_ERR_ARG;
    if (!client_id) {
        f->client = NULL;
        return SW_OK;
    }
    if (strlen(client_id) > FACTS_MAX_TEXT)
        return SW_ERR_LIMIT;
    if (sw_facts_blank_text(client_id, strlen(client_id)))
        return SW_ERR_ARG; /* no identifier: give NULL for none */
    const char *copy = sw_arena_strdup(&f->arena, client_id);
    if (!copy)
        return SW_ERR_NOMEM;
    f->client = copy;
    return SW_OK;
}

const char *sw_facts_client(const sw_facts *f) { return f ? f->client : NULL; }

int sw_facts_assessed_on(const sw_facts *f, char date[11])
{
    if (!f || !date || !f->has_assessed_on)
        return 0;
    sw_date_format(f->assessed_on, date);
    return 1;
}

/* ==== Merging two sources of one client's facts ============================== */

static int same_known_value(const sw_type *t, const sw_value *a, const sw_value *b)
{
    switch (t->kind) {
    case SW_T_NUMBER:
        return a->u.n == b->u.n;
    case SW_T_TEXT:
        return strcmp(a->u.s, b->u.s) == 0;
    case SW_T_SET:
        return a->u.bits == b->u.bits;
    default:
        return a->u.i == b->u.i;
    }
}

static sw_status copy_origin(sw_facts *dst, uint32_t slot, const sw_fact_origin *o)
{
    if (!dst->origin)
        dst->origin = sw_arena_array(&dst->arena, dst->prog->nbase ? dst->prog->nbase : 1,
                                     sizeof *dst->origin);
    if (!dst->origin)
        return SW_ERR_NOMEM;
    sw_fact_origin *to = &dst->origin[slot];
    *to = *o;
    to->resource = sw_arena_strdup(&dst->arena, o->resource);
    to->path = o->path ? sw_arena_strdup(&dst->arena, o->path) : NULL;
    to->file = o->file ? sw_arena_strdup(&dst->arena, o->file) : NULL;
    to->source_line = o->source_line ? sw_arena_strdup(&dst->arena, o->source_line) : NULL;
    if (!to->resource || (o->path && !to->path) || (o->file && !to->file) ||
        (o->source_line && !to->source_line))
        return SW_ERR_NOMEM;
    return SW_OK;
}

/* A conflict: dst's value stays, and a warning names both values and where the
 * other was read (F114, docs/errors.md). */
static sw_status report_conflict(const sw_facts *dst, const sw_fact_def *fd, const sw_value *mine,
                                 const sw_value *theirs, const sw_fact_origin *o,
                                 sw_diagnostics *diags)
{
    if (!diags)
        return SW_OK;
    sw_buf a = SW_BUF_INIT, b = SW_BUF_INIT, field = SW_BUF_INIT;
    sw_value_format(dst->prog, &fd->type, *mine, &a);
    sw_value_format(dst->prog, &fd->type, *theirs, &b);
    sw_buf_printf(&field, "facts.%s", fd->name);
    int ok = !a.failed && !b.failed && !field.failed;
    if (ok && o)
        ok = sw_diag_add_at(diags, SW_SEV_WARNING, "F114", o->file, o->line, o->column,
                            o->source_line, o->path, "correct the record or the assessment; "
                            "the assessment's value is the one evaluated and recorded",
                            "'%s' is %s in the facts document but %s in %s; the facts "
                            "document's value, %s, is used (at %s)", fd->name, a.data, b.data,
                            o->resource, a.data, o->path ? o->path : "?");
    else if (ok)
        ok = sw_diag_add_at(diags, SW_SEV_WARNING, "F114", NULL, 0, 0, NULL, field.data,
                            "correct one of the two sources",
                            "'%s' is %s in the facts document but %s in the other source; the "
                            "facts document's value, %s, is used", fd->name, a.data, b.data,
                            a.data);
    sw_buf_free(&a);
    sw_buf_free(&b);
    sw_buf_free(&field);
    return ok || !sw_diag_nomem(diags) ? SW_OK : SW_ERR_NOMEM;
}

sw_status sw_facts_merge(sw_facts *dst, const sw_facts *src, sw_diagnostics *diags)
{
    if (!dst || !src || dst->prog != src->prog || dst == src)
        return SW_ERR_ARG;
    const sw_program *p = dst->prog;
    if (!dst->client && src->client) {
        dst->client = sw_arena_strdup(&dst->arena, src->client);
        if (!dst->client)
            return SW_ERR_NOMEM;
    }
    if (!dst->has_assessed_on && src->has_assessed_on) {
        dst->assessed_on = src->assessed_on;
        dst->has_assessed_on = 1;
    }
    for (uint32_t i = 0; i < p->nbase; i++) {
        const sw_fact_def *fd = &p->facts[i];
        const sw_value *theirs = &src->values[fd->slot];
        sw_value *mine = &dst->values[fd->slot];
        const sw_fact_origin *o = src->origin && src->origin[fd->slot].resource
                                      ? &src->origin[fd->slot] : NULL;
        if (!theirs->known)
            continue;   /* unknown in src never overrides, nor clears, dst */
        if (!mine->known) {
            sw_value v = *theirs;
            if (fd->type.kind == SW_T_TEXT) {
                v.u.s = sw_arena_strdup(&dst->arena, theirs->u.s);
                if (!v.u.s)
                    return SW_ERR_NOMEM;
            }
            if (o && copy_origin(dst, fd->slot, o) != SW_OK)
                return SW_ERR_NOMEM;
            *mine = v;
            continue;
        }
        if (same_known_value(&fd->type, mine, theirs))
            continue;
        if (report_conflict(dst, fd, mine, theirs, o, diags) != SW_OK)
            return SW_ERR_NOMEM;
    }
    return SW_OK;
}

void sw_facts_canonical(const sw_facts *f, sw_buf *out)
{
    if (f->has_assessed_on) {
        char date[11];
        sw_date_format(f->assessed_on, date);
        sw_buf_printf(out, "assessed_on=%s\n", date);
    } else {
        sw_buf_puts(out, "assessed_on=unknown\n");
    }
    for (uint32_t i = 0; i < f->prog->nbase; i++) {
        const sw_fact_def *fd = &f->prog->facts[i];
        sw_buf_puts(out, fd->name);
        sw_buf_putc(out, '=');
        sw_value_format(f->prog, &fd->type, f->values[fd->slot], out);
        sw_buf_putc(out, '\n');
    }
}

/* ==== Setters =============================================================== */

/* Setting a good value stores it and nothing else: no lookup (by handle), no
 * formatting, no allocation (but for the copy of a text fact's value). The text a
 * problem is told in - the field, the value as shown - is made only when there is
 * a problem to tell. The setters by name look the fact up, then do the same. */

/* One setter call that found a problem: the fact and the site it is told at. */
typedef struct setter {
    sw_facts *f;
    const sw_fact_def *fd;
    site s;
} setter;

static void setter_init(setter *st, sw_facts *f, const sw_fact_def *fd, sw_diagnostics *diags)
{
    memset(st, 0, sizeof *st);
    st->f = f;
    st->fd = fd;
    st->s.diags = diags;
    st->s.field_fact = fd->name;
    st->s.field_index = -1;
}

/* The fact a setter by name names; SW_OK when it may be set. */
static sw_status fact_by_name(sw_facts *f, const char *name, sw_diagnostics *diags,
                              const sw_fact_def **out)
{
    if (!f || !name)
        return SW_ERR_ARG;
    site s = {.diags = diags, .field_fact = name, .field_index = -1};
    *out = sw_program_fact(f->prog, name, strlen(name));
    if (!*out) {
        sw_facts_report_unknown_fact(&s, f->prog, name);
        return SW_ERR_ARG;
    }
    if ((*out)->derived) {
        sw_facts_report_derived(&s, (*out)->name);
        return SW_ERR_FACTS;
    }
    return SW_OK;
}

sw_fact_handle sw_ruleset_fact(const sw_ruleset *rules, const char *name)
{
    sw_fact_handle h = {NULL, 0};
    if (!rules || !name)
        return h;
    const sw_fact_def *fd = sw_program_fact(&rules->prog, name, strlen(name));
    if (fd && !fd->derived) {
        h.program = &rules->prog;
        h.index = (uint32_t)(fd - rules->prog.facts);
    }
    return h;
}

/* The fact a handle names, when it is a base fact of f's rule set; else NULL. */
static const sw_fact_def *fact_of(const sw_facts *f, sw_fact_handle h)
{
    if (!f || h.program != f->prog || h.index >= f->prog->nbase)
        return NULL;
    return &f->prog->facts[h.index];
}

static const char *setter_for(sw_type_kind kind)
{
    switch (kind) {
    case SW_T_BOOL:
        return "set it with sw_facts_set_bool";
    case SW_T_INT:
        return "set it with sw_facts_set_int";
    case SW_T_NUMBER:
        return "set it with sw_facts_set_number or sw_facts_set_int";
    case SW_T_SET:
        return "set it with sw_facts_set_members";
    default:
        return "set it with sw_facts_set_text";
    }
}

static sw_status setter_wrong_type(setter *st, const char *got)
{
    sw_facts_report_value(&st->s, "F004", st->f->prog, st->fd->name, 0, &st->fd->type, got,
                 setter_for((sw_type_kind)st->fd->type.kind));
    return SW_ERR_FACTS;
}

static sw_status put(sw_facts *f, const sw_fact_def *fd, sw_value v)
{
    v.known = 1;
    f->values[fd->slot] = v;
    return SW_OK;
}

static sw_status set_bool(sw_facts *f, const sw_fact_def *fd, int value, sw_diagnostics *diags)
{
    if (fd->type.kind == SW_T_BOOL)
        return put(f, fd, (sw_value){.u.i = value != 0});
    setter st;
    setter_init(&st, f, fd, diags);
    return setter_wrong_type(&st, value ? "true" : "false");
}

static sw_status set_int(sw_facts *f, const sw_fact_def *fd, int64_t value, sw_diagnostics *diags)
{
    const sw_type *t = &fd->type;
    if (t->kind == SW_T_INT && sw_facts_int_fits(t, value))
        return put(f, fd, (sw_value){.u.i = value});
    if (t->kind == SW_T_NUMBER && sw_facts_number_fits(t, (double)value))
        return put(f, fd, (sw_value){.u.n = (double)value});
    setter st;
    setter_init(&st, f, fd, diags);
    char shown[32];
    snprintf(shown, sizeof shown, "%" PRId64, value);
    if (t->kind != SW_T_INT && t->kind != SW_T_NUMBER)
        return setter_wrong_type(&st, shown);
    sw_facts_report_value(&st.s, "F005", f->prog, fd->name, 0, t, shown, NULL);
    return SW_ERR_FACTS;
}

static sw_status set_number(sw_facts *f, const sw_fact_def *fd, double value,
                            sw_diagnostics *diags)
{
    const sw_type *t = &fd->type;
    if (t->kind == SW_T_NUMBER && sw_facts_number_fits(t, value))
        return put(f, fd, (sw_value){.u.n = value});
    setter st;
    setter_init(&st, f, fd, diags);
    char shown[40];
    if (isnan(value))
        strcpy(shown, "NaN");
    else if (isinf(value))
        strcpy(shown, value > 0 ? "infinity" : "-infinity");
    else
        snprintf(shown, sizeof shown, "%.15g", value);
    if (t->kind != SW_T_NUMBER || !isfinite(value))
        return setter_wrong_type(&st, shown);
    sw_facts_report_value(&st.s, "F005", f->prog, fd->name, 0, t, shown, NULL);
    return SW_ERR_FACTS;
}

static sw_status set_text(sw_facts *f, const sw_fact_def *fd, const char *value,
                          sw_diagnostics *diags)
{
    if (!value)
        return SW_ERR_ARG;
    setter st;
    setter_init(&st, f, fd, diags);
    const sw_program *p = f->prog;
    const sw_type *t = &fd->type;
    size_t len = strlen(value);
    switch ((sw_type_kind)t->kind) {
    case SW_T_ENUM: {
        int index;
        if (!sw_facts_check_member(&st.s, p, fd->name, 0, t, value, len, &index))
            return SW_ERR_FACTS;
        return put(f, fd, (sw_value){.u.i = index});
    }
    case SW_T_DATE: {
        int32_t days;
        if (!sw_facts_check_date(&st.s, fd->name, value, len, &days))
            return SW_ERR_FACTS;
        return put(f, fd, (sw_value){.u.i = days});
    }
    case SW_T_TEXT: {
        if (len > FACTS_MAX_TEXT) {
            sw_facts_report_too_long(&st.s, fd->name);
            return SW_ERR_LIMIT;
        }
        const char *copy = sw_arena_strndup(&f->arena, value, len);
        return copy ? put(f, fd, (sw_value){.u.s = copy}) : SW_ERR_NOMEM;
    }
    default: {
        sw_buf got = SW_BUF_INIT;
        sw_facts_show_quoted_text(&got, value, len);
        sw_status rc = setter_wrong_type(&st, buf_text(&got));
        sw_buf_free(&got);
        return rc;
    }
    }
}

static sw_status set_members(sw_facts *f, const sw_fact_def *fd, const char *const *members,
                             size_t n, sw_diagnostics *diags)
{
    setter st;
    setter_init(&st, f, fd, diags);
    if (fd->type.kind != SW_T_SET)
        return setter_wrong_type(&st, "a list");
    const sw_type *t = &fd->type;
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        st.s.field_index = (long)i;
        int index;
        if (!sw_facts_check_member(&st.s, f->prog, fd->name, 1, t, members[i], strlen(members[i]),
                                   &index))
            continue;
        if (bits & ((uint64_t)1 << index))
            sw_facts_report_duplicate_member(&st.s, members[i], fd->name);
        bits |= (uint64_t)1 << index;
    }
    if (st.s.errors)
        return SW_ERR_FACTS;
    return put(f, fd, (sw_value){.u.bits = bits});
}

static int members_ok(const char *const *members, size_t n)
{
    if (n && !members)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!members[i])
            return 0;
    return 1;
}

/* -- by name -- */

sw_status sw_facts_set_bool(sw_facts *f, const char *fact, int value, sw_diagnostics *diags)
{
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_bool(f, fd, value, diags);
}

sw_status sw_facts_set_int(sw_facts *f, const char *fact, int64_t value, sw_diagnostics *diags)
{
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_int(f, fd, value, diags);
}

sw_status sw_facts_set_number(sw_facts *f, const char *fact, double value, sw_diagnostics *diags)
{
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_number(f, fd, value, diags);
}

sw_status sw_facts_set_text(sw_facts *f, const char *fact, const char *value, sw_diagnostics *diags)
{
    if (!value)
        return SW_ERR_ARG;
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_text(f, fd, value, diags);
}

sw_status sw_facts_set_members(sw_facts *f, const char *fact, const char *const *members,
                               size_t nmembers, sw_diagnostics *diags)
{
    if (!members_ok(members, nmembers))
        return SW_ERR_ARG;
    const sw_fact_def *fd;
    sw_status rc = fact_by_name(f, fact, diags, &fd);
    return rc != SW_OK ? rc : set_members(f, fd, members, nmembers, diags);
}

sw_status sw_facts_set_unknown(sw_facts *f, const char *fact)
{
    if (!f || !fact)
        return SW_ERR_ARG;
    const sw_fact_def *fd = sw_program_fact(f->prog, fact, strlen(fact));
    if (!fd || fd->derived)
        return SW_ERR_ARG;
    memset(&f->values[fd->slot], 0, sizeof f->values[fd->slot]);
    return SW_OK;
}

/* -- by handle -- */

sw_status sw_facts_set_bool_h(sw_facts *f, sw_fact_handle fact, int value, sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_bool(f, fd, value, diags) : SW_ERR_ARG;
}

sw_status sw_facts_set_int_h(sw_facts *f, sw_fact_handle fact, int64_t value,
                             sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_int(f, fd, value, diags) : SW_ERR_ARG;
}

sw_status sw_facts_set_number_h(sw_facts *f, sw_fact_handle fact, double value,
                                sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    return fd ? set_number(f, fd, value, diags) : SW_ERR_ARG;
}

/* The member of e named text, or -1; the same answer as sw_enum_find, without
 * measuring every member (the by-handle setters' path for a good value). */
static int member_index(const sw_enum *e, const char *text)
{
    for (uint32_t i = 0; i < e->nmembers; i++)
        if (e->members[i][0] == text[0] && strcmp(e->members[i], text) == 0)
            return (int)i;
    return -1;
}

sw_status sw_facts_set_text_h(sw_facts *f, sw_fact_handle fact, const char *value,
                              sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    if (fd && value && fd->type.kind == SW_T_ENUM) {
        int i = member_index(&f->prog->enums[fd->type.enumeration], value);
        if (i >= 0)
            return put(f, fd, (sw_value){.u.i = i});
    }
    return fd ? set_text(f, fd, value, diags) : SW_ERR_ARG;   /* and what is wrong, told */
}

sw_status sw_facts_set_members_h(sw_facts *f, sw_fact_handle fact, const char *const *members,
                                 size_t nmembers, sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    if (!fd || !members_ok(members, nmembers))
        return SW_ERR_ARG;
    if (fd->type.kind == SW_T_SET) {   /* every member known, none twice: stored at once */
        const sw_enum *e = &f->prog->enums[fd->type.enumeration];
        uint64_t bits = 0;
        size_t k = 0;
        for (; k < nmembers; k++) {
            int i = member_index(e, members[k]);
            if (i < 0 || (bits >> i & 1))
                break;
            bits |= (uint64_t)1 << i;
        }
        if (k == nmembers)
            return put(f, fd, (sw_value){.u.bits = bits});
    }
    return set_members(f, fd, members, nmembers, diags);
}

int sw_ruleset_member(const sw_ruleset *rules, sw_fact_handle fact, const char *member)
{
    if (!rules || !member || fact.program != &rules->prog || fact.index >= rules->prog.nbase)
        return -1;
    const sw_fact_def *fd = &rules->prog.facts[fact.index];
    if (fd->type.kind != SW_T_ENUM)
        return -1;
    return member_index(&rules->prog.enums[fd->type.enumeration], member);
}

sw_status sw_facts_set_member_h(sw_facts *f, sw_fact_handle fact, int member,
                                sw_diagnostics *diags)
{
    const sw_fact_def *fd = fact_of(f, fact);
    if (!fd)
        return SW_ERR_ARG;
    if (fd->type.kind != SW_T_ENUM) {
        setter st;
        setter_init(&st, f, fd, diags);
        return setter_wrong_type(&st, "a member's number");
    }
    if (member < 0 || (uint32_t)member >= f->prog->enums[fd->type.enumeration].nmembers)
        return SW_ERR_ARG;
    return put(f, fd, (sw_value){.u.i = member});
}

sw_status sw_facts_set_unknown_h(sw_facts *f, sw_fact_handle fact)
{
    const sw_fact_def *fd = fact_of(f, fact);
    if (!fd)
        return SW_ERR_ARG;
    memset(&f->values[fd->slot], 0, sizeof f->values[fd->slot]);
    return SW_OK;
}

sw_status sw_facts_set_assessed_on(sw_facts *f, const char *iso_date, sw_diagnostics *diags)
{
    if (!f)
        return SW_ERR_ARG;
    if (!iso_date) {
        f->has_assessed_on = 0;
        return SW_OK;
    }
    site s = {.diags = diags, .field = "assessed_on"};
    int32_t days;
    if (!sw_facts_check_date(&s, "assessed_on", iso_date, strlen(iso_date), &days))
        return SW_ERR_FACTS;
    f->assessed_on = days;
    f->has_assessed_on = 1;
    return SW_OK;
}

