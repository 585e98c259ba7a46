/*
 * fuzz_harness.h - what the fuzz targets do with one input, shared with the
 * regression test (tests/unit/test_fuzz_regressions.c) so that a saved crash
 * input is replayed through exactly the code that found it.
 *
 * Rules: the input is split at lines "%%" into rule files. When its first byte is
 * odd, a small valid prelude (guideline, stages, a schema of every type, a
 * catalogue) is loaded with it, so short inputs reach the checker, the compiler
 * and the evaluator instead of stopping at "no guideline". A rule set that loads is
 * evaluated for three clients (every fact unknown, and two whose values are drawn
 * from the input's bytes), each evaluation is checked against a plain
 * node-by-node evaluation of every rule (the indexes must never change a truth),
 * and the results are rendered in every format.
 *
 * Facts: the input is read as a stream and as one document against a rule set
 * loaded once (the shipped rules/), and every client read is evaluated and
 * rendered.
 *
 * Each function returns the status of its load or parse; it aborts on an
 * inconsistency, which the fuzzer reports as a crash.
 */
#ifndef SW_FUZZ_HARNESS_H
#define SW_FUZZ_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "facts/facts.h"
#include "stagewise.h"

#define FUZZ_PRELUDE                                                                   \
    "guideline fuzz \"Fuzz guideline\" version \"1.0.0\"\n"                            \
    "source DD \"Source\"\n"                                                           \
    "statement DD.s1 \"Section\" \"A statement.\"\n"                                   \
    "stage engagement \"Engagement\"\n"                                                \
    "stage persuasion \"Persuasion\"\n"                                                \
    "stage active_treatment \"Active treatment\"\n"                                    \
    "order engagement -> persuasion -> active_treatment\n"                             \
    "facts {\n"                                                                        \
    "  stage: stage \"Stage\"\n"                                                       \
    "  housing: one of { stable, temporary, rough_sleeping } \"Housing\"\n"            \
    "  phq9: int 0..27 \"PHQ-9\"\n"                                                    \
    "  count: int \"Count\"\n"                                                         \
    "  bmi: number 10.0..80.0 \"BMI\"\n"                                               \
    "  ratio: number \"Ratio\"\n"                                                      \
    "  injecting: bool \"Injecting\"\n"                                                \
    "  substances: set of { opioids, alcohol, crack } \"Substances\"\n"                \
    "  released_on: date \"Released on\"\n"                                            \
    "  note: text \"Note\"\n"                                                          \
    "}\n"                                                                              \
    "derived flag: bool \"Flag\" default false\n"                                      \
    "derived level: int 0..10 \"Level\"\n"                                             \
    "intervention support \"Support\" kind social cites DD.s1\n"                       \
    "intervention outreach \"Outreach\" kind engagement\n"                             \
    "practice empathy \"Empathy\"\n"                                                   \
    "challenge instability \"Instability\"\n"                                          \
    "risk suicide \"Suicide\" severity critical\n"                                     \
    "risk overdose \"Overdose\"\n"

#define FUZZ_MAX_FILES 8

static inline void fuzz_check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz harness: %s\n", what);
        abort();
    }
}

/* A value of fact slot s's type drawn from the bytes at *k (wrapping). */
static inline sw_value fuzz_value(const sw_program *p, uint32_t s, const uint8_t *d, size_t n,
                                  size_t *k)
{
    sw_value v;
    memset(&v, 0, sizeof v);
    uint64_t r = 0;
    for (int i = 0; i < 8; i++)
        r = r << 8 | (n ? d[(*k)++ % n] : 0);
    if (r % 5 == 0)
        return v; /* unknown */
    v.known = 1;
    const sw_type *t = &p->facts[s].type;
    switch ((sw_type_kind)t->kind) {
    case SW_T_BOOL: v.u.i = (int64_t)(r >> 8 & 1); break;
    case SW_T_INT: {
        uint64_t span = (uint64_t)t->imax - (uint64_t)t->imin + 1;
        v.u.i = !t->has_range ? (int64_t)(r >> 8 & 0xFFFFF) - (1 << 19)
                : span ? (int64_t)((uint64_t)t->imin + (r >> 8) % span) : (int64_t)r;
        break;
    }
    case SW_T_NUMBER: {
        double x = (double)(r >> 11) / 9007199254740992.0;
        v.u.n = t->has_range ? t->nmin * (1 - x) + t->nmax * x : (double)(int32_t)(r >> 8) / 16.0;
        break;
    }
    case SW_T_ENUM: v.u.i = (int64_t)((r >> 8) % p->enums[t->enumeration].nmembers); break;
    case SW_T_SET: {
        uint32_t m = p->enums[t->enumeration].nmembers;
        v.u.bits = m >= 64 ? r : (r >> 3) & (((uint64_t)1 << m) - 1);
        break;
    }
    case SW_T_DATE: v.u.i = 20000 + (int64_t)((r >> 8) % 2000); break;
    case SW_T_TEXT: v.u.s = (r >> 8 & 1) ? "note" : ""; break;
    }
    return v;
}

/* Evaluates one client, checks every rule's truth against a plain evaluation of
 * its condition, and renders the result in every format. */
static inline void fuzz_evaluate(const sw_ruleset *rs, const sw_facts *f)
{
    const sw_program *p = &rs->prog;
    sw_eval ev;
    if (sw_eval_run(&ev, p, f) == SW_OK) {
        for (uint32_t r = 0; r < p->nrules; r++) {
            sw_value v = sw_eval_node(&ev, p->rules[r].cond);
            int want = !v.known ? SW_UNKNOWN : v.u.i ? SW_TRUE : SW_FALSE;
            fuzz_check(ev.truth[r] == want, "an indexed rule's truth differs from its condition's");
        }
        sw_eval_free(&ev);
    }
    sw_result *res = NULL;
    if (sw_evaluate(rs, f, &res) != SW_OK)
        return;
    for (int fmt = SW_FORMAT_TEXT; fmt <= SW_FORMAT_YAML; fmt++) {
        char *out = NULL;
        if (sw_result_render(res, (sw_format)fmt, &out, NULL) == SW_OK)
            fuzz_check(out != NULL, "render gave no text");
        sw_free(out);
    }
    sw_result_free(res);
}

/* Loads the input as rule files (see above) and evaluates what loads. The
 * diagnostics go to keep when it is not NULL. */
static inline sw_status fuzz_rules_one(const uint8_t *data, size_t size, sw_diagnostics *keep)
{
    sw_source_text texts[FUZZ_MAX_FILES + 1];
    static const char *const names[] = {"f0.sw", "f1.sw", "f2.sw", "f3.sw",
                                        "f4.sw", "f5.sw", "f6.sw", "f7.sw"};
    size_t n = 0;
    if (size && (data[0] & 1)) {
        texts[n].name = "prelude.sw";
        texts[n].text = FUZZ_PRELUDE;
        texts[n].len = strlen(FUZZ_PRELUDE);
        n++;
    }
    const char *s = (const char *)data, *end = s + size;
    if (size)
        s++; /* the mode byte */
    for (size_t f = 0; f < FUZZ_MAX_FILES; f++) {
        const char *cut = NULL;
        for (const char *q = s; f + 1 < FUZZ_MAX_FILES && q + 4 <= end; q++)
            if (memcmp(q, "\n%%\n", 4) == 0) {
                cut = q;
                break;
            }
        texts[n].name = names[f];
        texts[n].text = s;
        texts[n].len = (size_t)((cut ? cut + 1 : end) - s);
        n++;
        if (!cut)
            break;
        s = cut + 4;
    }
    sw_diagnostics *diags = keep ? keep : sw_diagnostics_new();
    fuzz_check(diags != NULL, "out of memory");
    sw_ruleset *rs = NULL;
    sw_status st = sw_ruleset_load_texts(texts, n, &rs, diags);
    char *rendered = NULL;
    if (sw_diagnostics_render(diags, &rendered, NULL) == SW_OK)
        fuzz_check(rendered != NULL, "no rendered diagnostics");
    sw_free(rendered);
    fuzz_check((st == SW_OK) == (rs != NULL), "status and rule set disagree");
    fuzz_check(st != SW_ERR_RULES || sw_diagnostics_error_count(diags) > 0,
               "rules refused without an error");
    if (rs) {
        const sw_program *p = &rs->prog;
        size_t k = 0;
        for (int c = 0; c < 3; c++) {
            sw_facts *f = NULL;
            if (sw_facts_new(rs, &f) != SW_OK)
                break;
            for (uint32_t sl = 0; c > 0 && sl < p->nbase; sl++)
                f->values[sl] = fuzz_value(p, sl, data, size, &k);
            if (c == 2)
                sw_facts_set_assessed_on(f, "2026-11-20", NULL);
            fuzz_evaluate(rs, f);
            sw_facts_free(f);
        }
        sw_ruleset_free(rs);
    }
    if (!keep)
        sw_diagnostics_free(diags);
    return st;
}

/* Reads the input as a stream of clients and as one document, against rs. Returns
 * the status of the single-document parse, whose diagnostics go to keep when it is
 * not NULL. */
static inline sw_status fuzz_facts_one(const sw_ruleset *rs, const uint8_t *data, size_t size,
                                       sw_diagnostics *keep)
{
    sw_diagnostics *diags = keep ? keep : sw_diagnostics_new();
    fuzz_check(diags != NULL, "out of memory");
    sw_facts_stream *stream = NULL;
    if (sw_facts_stream_open(rs, "fuzz.yaml", (const char *)data, size, &stream) == SW_OK) {
        for (int docs = 0; docs < 1000; docs++) {
            sw_facts *f = NULL;
            sw_status st = sw_facts_stream_next(stream, &f, diags);
            fuzz_check((st == SW_OK) == (f != NULL), "stream status and facts disagree");
            if (st == SW_OK)
                fuzz_evaluate(rs, f);
            sw_facts_free(f);
            if (st != SW_OK && st != SW_ERR_FACTS)
                break;
        }
        sw_facts_stream_free(stream);
    }
    sw_diagnostics_clear(diags);
    sw_facts *one = NULL;
    sw_status st = sw_facts_parse(rs, "fuzz.yaml", (const char *)data, size, &one, diags);
    fuzz_check((st == SW_OK) == (one != NULL), "parse status and facts disagree");
    fuzz_check(st != SW_ERR_FACTS || sw_diagnostics_error_count(diags) > 0,
               "facts refused without an error");
    char *rendered = NULL;
    if (sw_diagnostics_render(diags, &rendered, NULL) == SW_OK)
        fuzz_check(rendered != NULL, "no rendered diagnostics");
    sw_free(rendered);
    if (one)
        fuzz_evaluate(rs, one);
    sw_facts_free(one);
    /* the same bytes as FHIR, through the rule set's fhir mappings (its own
     * diagnostics: keep holds what the facts reader said) */
    sw_diagnostics *fd = sw_diagnostics_new();
    fuzz_check(fd != NULL, "out of memory");
    sw_facts *ff = NULL;
    sw_status fs = sw_facts_from_fhir(rs, "fuzz.json", (const char *)data, size, "2026-11-20",
                                      &ff, fd);
    fuzz_check((fs == SW_OK) == (ff != NULL), "FHIR status and facts disagree");
    fuzz_check(fs != SW_ERR_FACTS || sw_diagnostics_error_count(fd) > 0,
               "FHIR refused without an error");
    fuzz_check(fs != SW_OK || sw_diagnostics_error_count(fd) == 0, "FHIR read with an error");
    rendered = NULL;
    if (sw_diagnostics_render(fd, &rendered, NULL) == SW_OK)
        fuzz_check(rendered != NULL, "no rendered diagnostics");
    sw_free(rendered);
    if (ff)
        fuzz_evaluate(rs, ff);
    sw_facts_free(ff);
    sw_diagnostics_free(fd);
    if (!keep)
        sw_diagnostics_free(diags);
    return st;
}

#endif
