/*
 * check_fhir.c - the checker's part for `fhir` declarations: where a fact comes
 * from in FHIR R4.
 *
 * Input: the SW_D_FHIR declarations, after the facts have slots and types. Output:
 * m->fhir, one sw_fhir_source per mapped fact, sorted by slot, for the compiler.
 * Every clause is the parser's word and argument; here they get their meaning:
 * the resource type, the code, which value, a component or questionnaire item,
 * the accepted units, the look-back window and the code map, each checked against
 * the fact's type. A fact may have several sources (an Observation and a
 * questionnaire item, say); the latest resource of any of them gives its value.
 * Condition, MedicationStatement and MedicationRequest mappings read a presence
 * (`value present`) of any code of a value set (the code and `also`), and say what
 * present, absent and past records mean for the fact. Codes E401..E408 (docs/errors.md).
 *
 * May use: util/, lang/. (tests/layout checks it.)
 */
#include "check/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value.h"

static const char *const resource_words[SW_FHIR__RESOURCES] = {
    "Observation", "QuestionnaireResponse", "Condition", "MedicationStatement", "MedicationRequest"};
static const char *const kind_words[] = {"number", "bool", "code", "text", "date", "present"};
#define NKINDS 6
static const char *const clause_words[] = {"value", "component", "item", "unit", "within", "map",
                                           "also", "present", "absent", "past"};
enum { CW_VALUE, CW_COMPONENT, CW_ITEM, CW_UNIT, CW_WITHIN, CW_MAP, CW_ALSO, CW_PRESENT,
       CW_ABSENT, CW_PAST, CW_COUNT };

/* Condition, MedicationStatement and MedicationRequest record presence, not a value. */
static int records_presence(int res) { return res >= SW_FHIR_CONDITION; }

#define SW_FHIR_MAX_WITHIN 36500

static int word_index(const char *w, const char *const *words, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(w, words[i]) == 0)
            return i;
    return -1;
}

static const char *did_you_mean(const char *w, const char *const *words, int n, char *buf,
                                size_t size, const char *otherwise)
{
    const char *s = sw_suggest(w, words, (size_t)n);
    if (s) {
        snprintf(buf, size, "did you mean '%s'?", s);
        return buf;
    }
    return otherwise;
}

/* "system|code" with both parts present and no blanks. */
static int is_coding(const char *s)
{
    const char *bar = strchr(s, '|');
    if (!bar || bar == s || bar[1] == '\0' || strchr(bar + 1, '|'))
        return 0;
    for (const char *p = s; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n')
            return 0;
    return 1;
}

static int is_url(const char *s)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n')
            return 0;
    return 1;
}

static const char *type_name(const sw_model *m, const sw_type *t)
{
    const sw_type_words *w = sw_type_words_of(t, m->stage_enum);
    return w ? w->word : "?";
}

/* Which value kinds a fact of this type can take. */
static int kind_fits(sw_fhir_kind k, const sw_type *t)
{
    switch (k) {
    case SW_FHIR_NUMBER: return t->kind == SW_T_INT || t->kind == SW_T_NUMBER;
    case SW_FHIR_BOOL: return t->kind == SW_T_BOOL;
    case SW_FHIR_CODE: return t->kind == SW_T_ENUM || t->kind == SW_T_INT || t->kind == SW_T_BOOL;
    case SW_FHIR_TEXT: return t->kind == SW_T_TEXT;
    case SW_FHIR_DATE: return t->kind == SW_T_DATE;
    case SW_FHIR_PRESENT: return t->kind == SW_T_BOOL || (t->kind == SW_T_ENUM && t->enumeration != SW_NONE);
    }
    return 0;
}

static const char *kind_hint(const sw_type *t)
{
    switch ((sw_type_kind)t->kind) {
    case SW_T_INT: case SW_T_NUMBER: return "a number fact takes 'value number' (or 'value code' with a map)";
    case SW_T_BOOL: return "a bool fact takes 'value bool' (or 'value code' with a map)";
    case SW_T_ENUM: return "a one-of fact takes 'value code' with a map to its values";
    case SW_T_TEXT: return "a text fact takes 'value text'";
    case SW_T_DATE: return "a date fact takes 'value date'";
    case SW_T_SET: return "a set-of fact has no FHIR mapping: several resources make one set";
    }
    return NULL;
}

/* One map target: a member, an int in range or true/false, as the fact's type. */
static int map_target(sw_model *m, sw_decl *d, const sw_fhir_pair *pr, const sw_type *t,
                      sw_value *out)
{
    const sw_expr *e = pr->target;
    char hint[200];
    out->known = 1;
    switch ((sw_type_kind)t->kind) {
    case SW_T_ENUM:
        if (e->kind == SW_E_NAME && t->enumeration != SW_NONE) {
            const sw_enum *en = &m->enums[t->enumeration];
            int k = sw_enum_find(en, e->s, strlen(e->s));
            if (k >= 0) {
                out->u.i = k;
                return 1;
            }
            const char *s = sw_suggest(e->s, en->members, en->nmembers);
            if (s)
                snprintf(hint, sizeof hint, "did you mean '%s'?", s);
            sw_model_report(m, d, e->at, "E406", s ? hint : NULL, "'%s' is not one of the values of '%s'",
                   e->s, d->name.name);
            return 0;
        }
        break;
    case SW_T_INT:
        if (e->kind == SW_E_INT) {
            if (t->has_range && (e->i < t->imin || e->i > t->imax)) {
                sw_model_report(m, d, e->at, "E406", NULL, "%lld is outside the range of '%s' (%lld..%lld)",
                       (long long)e->i, d->name.name, (long long)t->imin, (long long)t->imax);
                return 0;
            }
            out->u.i = e->i;
            return 1;
        }
        break;
    case SW_T_BOOL:
        if (e->kind == SW_E_BOOL) {
            out->u.i = e->i;
            return 1;
        }
        break;
    default:
        break;
    }
    sw_model_report(m, d, e->at, "E406", NULL, "a code of '%s' must stand for a value of its type (%s)",
           d->name.name, type_name(m, t));
    return 0;
}

/* A presence clause's word (true, false or a member) as a value of the fact's type. */
static int presence_target(sw_model *m, sw_decl *d, const sw_ident *w, const sw_type *t,
                           sw_value *out)
{
    char hint[200];
    memset(out, 0, sizeof *out);
    if (t->kind == SW_T_BOOL) {
        if (strcmp(w->name, "true") == 0 || strcmp(w->name, "false") == 0) {
            out->known = 1;
            out->u.i = w->name[0] == 't';
            return 1;
        }
        sw_model_report(m, d, w->at, "E406", "a bool fact takes true or false",
               "'%s' is not a value of '%s'", w->name, d->name.name);
        return 0;
    }
    if (t->kind == SW_T_ENUM && t->enumeration != SW_NONE) {
        const sw_enum *en = &m->enums[t->enumeration];
        int k = sw_enum_find(en, w->name, strlen(w->name));
        if (k >= 0) {
            out->known = 1;
            out->u.i = k;
            return 1;
        }
        const char *s = sw_suggest(w->name, en->members, en->nmembers);
        if (s)
            snprintf(hint, sizeof hint, "did you mean '%s'?", s);
        sw_model_report(m, d, w->at, "E406", s ? hint : NULL, "'%s' is not one of the values of '%s'",
               w->name, d->name.name);
    }
    return 0;
}

/* Whether two presence mappings of one resource type read a code in common. */
static int share_code(const sw_fhir_source *a, const sw_fhir_source *b)
{
    for (uint32_t i = 0; i <= a->nalso; i++)
        for (uint32_t j = 0; j <= b->nalso; j++) {
            const char *x = i ? a->also[i - 1] : a->code, *y = j ? b->also[j - 1] : b->code;
            if (x && y && strcmp(x, y) == 0)
                return 1;
        }
    return 0;
}

static int cmp_source(const void *a, const void *b)
{
    const sw_fhir_source *x = a, *y = b;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    if (x->resource != y->resource)
        return x->resource < y->resource ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    c = strcmp(x->component ? x->component : "", y->component ? y->component : "");
    return c ? c : strcmp(x->item ? x->item : "", y->item ? y->item : "");
}

static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Checks one declaration into *src; returns 0 when it has errors. */
static int check_one(sw_model *m, sw_decl *d, sw_fhir_source *src)
{
    char hint[200];
    unsigned before = m->errors;
    memset(src, 0, sizeof *src);
    /* the fact */
    uint32_t slot = sw_model_find(m->facts, m->nbase, d->name.name);
    if (slot == SW_NONE) {
        if (sw_model_find(m->facts + m->nbase, m->nfacts - m->nbase, d->name.name) != SW_NONE)
            sw_model_report(m, d, d->name.at, "E401", "rules set a derived fact; map the facts it is derived from",
                   "'%s' is a derived fact: only recorded facts come from FHIR", d->name.name);
        else {
            const char **names = sw_arena_array(m->arena, m->nbase ? m->nbase : 1, sizeof *names);
            for (uint32_t i = 0; names && i < m->nbase; i++)
                names[i] = m->facts[i]->name.name;
            const char *s = names ? sw_suggest(d->name.name, names, m->nbase) : NULL;
            if (s)
                snprintf(hint, sizeof hint, "did you mean '%s'?", s);
            sw_model_report(m, d, d->name.at, "E101", s ? hint : "declare the fact in a facts block",
                   "unknown fact '%s'", d->name.name);
        }
    }
    src->slot = slot;
    src->file = m->files[d->file].name;
    src->line = sw_syntax_line(&m->files[d->file], d->at.off);
    /* the resource and its code */
    int res = word_index(d->kind_word.name, resource_words, SW_FHIR__RESOURCES);
    if (res < 0)
        sw_model_report(m, d, d->kind_word.at, "E402",
               did_you_mean(d->kind_word.name, resource_words, SW_FHIR__RESOURCES, hint, sizeof hint,
                            "facts come from Observation, QuestionnaireResponse, Condition, "
                            "MedicationStatement or MedicationRequest"),
               "'%s' is not a FHIR resource Stagewise reads", d->kind_word.name);
    src->resource = (uint8_t)(res < 0 ? 0 : res);
    src->code = d->text;
    if ((res == SW_FHIR_OBSERVATION || records_presence(res)) && !is_coding(d->text))
        sw_model_report(m, d, d->text_at, "E403", "write the code system and the code: \"http://loinc.org|44261-6\"",
               "'%s' is not a coding written system|code", d->text);
    if (res == SW_FHIR_QUESTIONNAIRE_RESPONSE && !is_url(d->text))
        sw_model_report(m, d, d->text_at, "E403", "write the Questionnaire's canonical URL",
               "'%s' is not a questionnaire's URL", d->text);
    /* the clauses */
    const sw_fhir_clause *seen[CW_COUNT] = {0};
    int kind = -1;
    for (const sw_fhir_clause *c = d->fhir; c; c = c->next) {
        int w = word_index(c->word.name, clause_words, CW_COUNT);
        if (w < 0) {
            sw_model_report(m, d, c->word.at, "E404",
                   did_you_mean(c->word.name, clause_words, CW_COUNT, hint, sizeof hint,
                                "the clauses are value, component, item, unit, within, map, "
                                "also, present, absent and past"),
                   "'%s' is not a clause of a fhir mapping", c->word.name);
            continue;
        }
        if (seen[w]) {
            sw_model_report(m, d, c->word.at, "E404", NULL, "'%s' is given twice", c->word.name);
            continue;
        }
        seen[w] = c;
        static const uint8_t wants[CW_COUNT] = {SW_FA_WORD, SW_FA_TEXTS, SW_FA_TEXTS, SW_FA_TEXTS,
                                                 SW_FA_DAYS, SW_FA_MAP, SW_FA_TEXTS, SW_FA_WORD,
                                                 SW_FA_WORD, SW_FA_WORD};
        static const char *const shape[CW_COUNT] = {
            "value number, value bool, value code, value text, value date or value present",
            "component \"system|code\"", "item \"linkId\"", "unit \"{score}\", \"1\"",
            "within 365 days", "map { \"system|code\" -> value, ... }",
            "also \"system|code\", ...", "present VALUE", "absent VALUE", "past VALUE"};
        /* which clauses go with which resources */
        int presence_clause = w == CW_ALSO || w == CW_PRESENT || w == CW_ABSENT || w == CW_PAST;
        int value_clause = w == CW_COMPONENT || w == CW_ITEM || w == CW_UNIT || w == CW_MAP;
        if (res >= 0 && ((presence_clause && !records_presence(res)) ||
                         (value_clause && records_presence(res)))) {
            sw_model_report(m, d, c->word.at, "E408",
                   records_presence(res) ? "a Condition or medication is read with value present, also, "
                                           "present, absent, past and within"
                                         : "also, present, absent and past go with Condition, "
                                           "MedicationStatement and MedicationRequest",
                   "'%s' does not go with a%s %s mapping", c->word.name,
                   strchr("AEIOU", resource_words[res][0]) ? "n" : "", resource_words[res]);
            seen[w] = NULL;
            continue;
        }
        if (c->arg != wants[w]) {
            snprintf(hint, sizeof hint, "write %s", shape[w]);
            sw_model_report(m, d, c->at, "E404", hint, "'%s' is not written this way", c->word.name);
            seen[w] = NULL;
            continue;
        }
        if ((w == CW_COMPONENT || w == CW_ITEM) && c->texts->next) {
            sw_model_report(m, d, c->texts->next->at, "E404", NULL, "'%s' takes one text", c->word.name);
            continue;
        }
        switch (w) {
        case CW_VALUE:
            kind = word_index(c->value.name, kind_words, NKINDS);
            if (kind < 0)
                sw_model_report(m, d, c->value.at, "E404",
                       did_you_mean(c->value.name, kind_words, NKINDS, hint, sizeof hint, shape[w]),
                       "'%s' is not a kind of FHIR value", c->value.name);
            else if (res >= 0 && (kind == SW_FHIR_PRESENT) != records_presence(res)) {
                sw_model_report(m, d, c->value.at, "E408",
                       kind == SW_FHIR_PRESENT ? "only Condition, MedicationStatement and MedicationRequest "
                                                 "record a presence"
                                               : "a Condition or medication is read with value present",
                       "'value %s' does not go with a%s %s mapping", c->value.name,
                       strchr("AEIOU", resource_words[res][0]) ? "n" : "", resource_words[res]);
                kind = -1;
            }
            break;
        case CW_ALSO: {
            uint32_t n = 0;
            for (const sw_ident *t = c->texts; t; t = t->next)
                n++;
            const char **codes = sw_arena_array(m->arena, n, sizeof *codes);
            if (!codes)
                return 0;
            n = 0;
            for (const sw_ident *t = c->texts; t; t = t->next) {
                if (!is_coding(t->name)) {
                    sw_model_report(m, d, t->at, "E403", "write \"system|code\"",
                           "'%s' is not a coding written system|code", t->name);
                    continue;
                }
                int dup = strcmp(t->name, d->text) == 0;
                for (uint32_t i = 0; i < n; i++)
                    dup |= strcmp(codes[i], t->name) == 0;
                if (dup) {
                    sw_model_report(m, d, t->at, "E406", NULL, "the code '%s' is given twice", t->name);
                    continue;
                }
                codes[n++] = t->name;
            }
            src->also = codes;
            src->nalso = n;
            break;
        }
        case CW_COMPONENT:
            if (res == SW_FHIR_QUESTIONNAIRE_RESPONSE)
                sw_model_report(m, d, c->word.at, "E404", "a questionnaire's answers are chosen with item",
                       "a QuestionnaireResponse has no components");
            else if (!is_coding(c->texts->name))
                sw_model_report(m, d, c->texts->at, "E403", "write \"system|code\"",
                       "'%s' is not a coding written system|code", c->texts->name);
            src->component = c->texts->name;
            break;
        case CW_ITEM:
            if (res == SW_FHIR_OBSERVATION)
                sw_model_report(m, d, c->word.at, "E404", "an Observation's parts are chosen with component",
                       "an Observation has no items");
            else if (!*c->texts->name)
                sw_model_report(m, d, c->texts->at, "E403", NULL, "an item's linkId cannot be empty");
            src->item = c->texts->name;
            break;
        case CW_UNIT: {
            uint32_t n = 0;
            for (const sw_ident *t = c->texts; t; t = t->next)
                n++;
            const char **units = sw_arena_array(m->arena, n, sizeof *units);
            if (!units)
                return 0;
            n = 0;
            for (const sw_ident *t = c->texts; t; t = t->next)
                units[n++] = t->name;
            src->units = units;
            src->nunits = n;
            break;
        }
        case CW_WITHIN:
            if (c->days < 1 || c->days > SW_FHIR_MAX_WITHIN)
                sw_model_report(m, d, c->at, "E404", "the look-back runs from 1 to 36500 days",
                       "a look-back of %lld days", (long long)c->days);
            src->within_days = (int32_t)(c->days < 1 || c->days > SW_FHIR_MAX_WITHIN ? 0 : c->days);
            break;
        default:
            break;
        }
    }
    if (res == SW_FHIR_QUESTIONNAIRE_RESPONSE && !seen[CW_ITEM])
        sw_model_report(m, d, d->at, "E404", "add item \"linkId\"",
               "a QuestionnaireResponse mapping must say which item holds the answer");
    if (!seen[CW_VALUE])
        sw_model_report(m, d, d->name.at, "E405", "add value number, value bool, value code, value text or value date",
               "the mapping of '%s' does not say which value to read", d->name.name);
    src->kind = (uint8_t)(kind < 0 ? 0 : kind);
    const sw_type *t = slot != SW_NONE ? &m->types[slot] : NULL;
    if (t && kind >= 0 && !kind_fits((sw_fhir_kind)kind, t))
        sw_model_report(m, d, seen[CW_VALUE]->value.at, "E405", kind_hint(t),
               "'value %s' cannot fill '%s', a fact of type %s", kind_words[kind], d->name.name,
               type_name(m, t));
    if (seen[CW_UNIT] && kind >= 0 && kind != SW_FHIR_NUMBER)
        sw_model_report(m, d, seen[CW_UNIT]->word.at, "E405", NULL, "only a number has a unit");
    if (kind == SW_FHIR_CODE && !seen[CW_MAP])
        sw_model_report(m, d, seen[CW_VALUE]->value.at, "E405",
               "add map { \"system|code\" -> value, ... }: a code is never guessed",
               "'value code' needs a map from codes to the values of '%s'", d->name.name);
    if (seen[CW_MAP] && kind >= 0 && kind != SW_FHIR_CODE)
        sw_model_report(m, d, seen[CW_MAP]->word.at, "E405", "a map goes with 'value code'",
               "only a code is mapped");
    /* a presence: what each kind of record means for the fact. A bool fact is true
     * when present and false when explicitly absent by default; "past" (resolved,
     * stopped) says nothing unless the mapping says what it means. */
    if (kind == SW_FHIR_PRESENT && t && kind_fits(SW_FHIR_PRESENT, t)) {
        static const int cw[SW_FP__COUNT] = {CW_PRESENT, CW_ABSENT, CW_PAST};
        if (t->kind == SW_T_BOOL) {
            src->presence[SW_FP_PRESENT] = (sw_value){.known = 1, .u.i = 1};
            src->presence[SW_FP_ABSENT] = (sw_value){.known = 1, .u.i = 0};
        } else if (!seen[CW_PRESENT])
            sw_model_report(m, d, seen[CW_VALUE]->value.at, "E405",
                   "add present VALUE: which of its values a record of presence stands for",
                   "'value present' cannot fill '%s', a fact of type %s, without a present clause",
                   d->name.name, type_name(m, t));
        for (int k = 0; k < SW_FP__COUNT; k++)
            if (seen[cw[k]] && !presence_target(m, d, &seen[cw[k]]->value, t, &src->presence[k]))
                src->presence[k].known = 0;
    } else if (kind >= 0 && kind != SW_FHIR_PRESENT) {
        static const int pw[3] = {CW_PRESENT, CW_ABSENT, CW_PAST};
        for (int k = 0; k < 3; k++)
            if (seen[pw[k]])
                sw_model_report(m, d, seen[pw[k]]->word.at, "E408", "present, absent and past go with 'value present'",
                       "only a presence is mapped with '%s'", seen[pw[k]]->word.name);
    }
    /* the map */
    if (seen[CW_MAP] && kind == SW_FHIR_CODE) {
        uint32_t n = 0;
        for (const sw_fhir_pair *p = seen[CW_MAP]->map; p; p = p->next)
            n++;
        const char **codes = sw_arena_array(m->arena, n ? n : 1, sizeof *codes);
        sw_value *vals = sw_arena_array(m->arena, n ? n : 1, sizeof *vals);
        if (!codes || !vals)
            return 0;
        n = 0;
        for (const sw_fhir_pair *p = seen[CW_MAP]->map; p; p = p->next) {
            if (!is_coding(p->code)) {
                sw_model_report(m, d, p->at, "E403", "write \"system|code\"",
                       "'%s' is not a coding written system|code", p->code);
                continue;
            }
            int dup = 0;
            for (uint32_t i = 0; i < n; i++)
                dup |= strcmp(codes[i], p->code) == 0;
            if (dup) {
                sw_model_report(m, d, p->at, "E406", NULL, "the code '%s' is mapped twice", p->code);
                continue;
            }
            if (t && map_target(m, d, p, t, &vals[n]))
                codes[n++] = p->code;
        }
        src->map_codes = codes;
        src->map_values = vals;
        src->nmap = n;
    }
    return m->errors == before;
}

void sw_check_fhir(sw_model *m)
{
    uint32_t n = 0;
    for (sw_decl *d = m->decls; d; d = d->next)
        n += d->kind == SW_D_FHIR;
    m->nfhir = 0;
    if (n == 0)
        return;
    sw_fhir_source *src = sw_arena_array(m->arena, n, sizeof *src);
    sw_decl **decl_of = sw_arena_array(m->arena, n, sizeof *decl_of);
    if (!src || !decl_of) {
        m->errors++;
        return;
    }
    uint32_t k = 0;
    for (sw_decl *d = m->decls; d; d = d->next) {
        if (d->kind != SW_D_FHIR)
            continue;
        if (check_one(m, d, src + k))
            decl_of[k++] = d;
        if (m->arena->failed)
            return;
    }
    /* two mappings of the very same place (for one fact or two) */
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < i; j++)
            if (src[i].resource == src[j].resource &&
                (records_presence(src[i].resource)
                     ? share_code(&src[i], &src[j])
                     : same_text(src[i].code, src[j].code) && same_text(src[i].component, src[j].component) &&
                           same_text(src[i].item, src[j].item))) {
                char hint[200];
                const sw_decl *first = decl_of[j];
                snprintf(hint, sizeof hint, "'%s' reads it already (%s:%u)", first->name.name,
                         m->files[first->file].name,
                         sw_syntax_line(&m->files[first->file], first->at.off));
                sw_model_report(m, decl_of[i], decl_of[i]->text_at, "E407", hint,
                       "'%s' is read from a FHIR source mapped already", decl_of[i]->name.name);
                break;
            }
    qsort(src, k, sizeof *src, cmp_source);   /* a total order: identical sources are refused */
    m->fhir = src;
    m->nfhir = k;
}
