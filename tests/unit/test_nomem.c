/*
 * test_nomem.c - memory failure cannot crash: the Nth allocation fails, for N = 1,
 * 2, 3, ... until a run needs fewer than N, through loading, checking and
 * compiling the shipped rules (the lexer's own allocations included), through
 * reading, evaluating and rendering (text, JSON, YAML) every example client, and
 * through lint and fmt of the shipped rules, and through reading, judging and
 * rendering a hazard log (the golden "risk" rule set's failing log), and through
 * reading every FHIR test bundle (tests/golden/fhir) by the shipped mappings.
 *
 * Every call must answer SW_OK or SW_ERR_NOMEM, never crash, and free what it
 * took; a call that answers SW_OK despite a failed allocation (a fallback took
 * over) must have produced exactly what it produces without failures. The
 * library's malloc, calloc, realloc, strdup and strndup, and free, are wrapped at
 * link time (-Wl,--wrap, tests/CMakeLists.txt), so the failures reach every
 * allocation of the library, the generated lexer and parser included (libyaml and
 * libcrypto allocate for themselves and are not reached), and the wrappers count
 * the blocks live: after every run as many as before it, in any build (the
 * sanitizer build's leak checker and valgrind see the rest).
 *
 * STAGEWISE_NOMEM_STRIDE=K (environment, as for test_alloc.c) tries every N up to
 * 64 and every Kth N after that, for a quicker run under a slow checker; the
 * default, 1, tries every N (the README's test command does).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stagewise.h"
#include "support.h"
#include "authoring/fmt.h"
#include "authoring/lint.h"
#include "authoring/hazards.h"
#include "facts/facts.h"

/* ---- the failing allocator (this test's only state) ---- */

static int armed;
static unsigned long count, fail_at;
static long live;   /* blocks the wrapped functions handed out and free has not taken back */

void __real_free(void *p);
void __wrap_free(void *p);

static int fail_now(void)
{
    return armed && ++count == fail_at;
}

static void *counted(void *p)
{
    live += p != NULL;
    return p;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : counted(__real_malloc(n)); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : counted(__real_calloc(n, size)); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : counted(__real_strdup(s)); }
char *__wrap_strndup(const char *s, size_t n) { return fail_now() ? NULL : counted(__real_strndup(s, n)); }
void *__wrap_realloc(void *p, size_t n)
{
    if (fail_now())
        return NULL;   /* p stays as it was */
    void *q = __real_realloc(p, n);
    if (p == NULL)
        live += q != NULL;
    else if (n == 0 && q == NULL)
        live--;        /* glibc frees p */
    return q;
}
void __wrap_free(void *p)
{
    live -= p != NULL;
    __real_free(p);
}

static long live_before;

static void arm(unsigned long n)
{
    count = 0;
    fail_at = n;
    armed = 1;
}

/* Disarms; 1 when the Nth allocation was reached (so a larger N is worth trying). */
static int disarm(void)
{
    armed = 0;
    return count >= fail_at;
}

/* Before a run: the blocks live now. */
static void start_run(void)
{
    live_before = live;
}

/* After a run and the freeing of what it made: no block is left over. */
static void all_freed(const char *what, unsigned long n)
{
    if (live != live_before)
        fail_msg("%s with allocation %lu failing: %ld blocks not freed", what, n, live - live_before);
}

/* Every N up to 64, then every Kth (STAGEWISE_NOMEM_STRIDE=K; default 1). */
static unsigned long stride_after(unsigned long n)
{
    const char *e = getenv("STAGEWISE_NOMEM_STRIDE");
    unsigned long k = e ? strtoul(e, NULL, 10) : 1;
    return n < 64 || k < 1 ? 1 : k;
}

/* ---- inputs, read before any failure is armed ---- */

enum { MAX_FILES = 64 };
static test_file rule_files[MAX_FILES], clients[MAX_FILES];
static size_t nrule_files, nclients;
static sw_source_text sources[MAX_FILES];

/* Where the loader's arena blocks end depends on how long the file names are (they
 * are copied into it), so an unchecked copy that only fails when it starts a new
 * block hides behind one naming and shows behind another. The load and lint runs
 * are repeated under three namings: the paths as read, bare file names, and the
 * paths behind a long prefix. */
enum { NAMINGS = 3 };
static char names[MAX_FILES][1400];   /* a 512-byte path behind up to 740 digits */

static void name_sources(int naming)
{
    for (size_t i = 0; i < nrule_files; i++) {
        const char *path = rule_files[i].name, *base = strrchr(path, '/');
        if (naming == 0)
            snprintf(names[i], sizeof names[i], "%.511s", path);
        else if (naming == 1)
            snprintf(names[i], sizeof names[i], "%.511s", base ? base + 1 : path);
        else
            snprintf(names[i], sizeof names[i], "%0*d%.511s", (int)(37 + 11 * (i % 64)), 0, path);
        sources[i].name = names[i];
    }
}

static int setup(void **state)
{
    (void)state;
    static const char *const sw[] = {".sw", NULL};
    nrule_files = read_dir_sorted(SW_SOURCE_DIR "/rules", sw, rule_files, MAX_FILES);
    nclients = read_example_clients(clients, MAX_FILES);
    for (size_t i = 0; i < nrule_files; i++) {
        sources[i].name = rule_files[i].name;
        sources[i].text = rule_files[i].text;
        sources[i].len = rule_files[i].len;
    }
    return nrule_files > 0 && nclients > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free_files(rule_files, nrule_files);
    free_files(clients, nclients);
    return 0;
}

static void expect_ok_or_nomem(sw_status status, const char *what, unsigned long n)
{
    if (status != SW_OK && status != SW_ERR_NOMEM)
        fail_msg("%s with allocation %lu failing: %s", what, n, sw_status_text(status));
}

/* ---- the runs ---- */

static void load_fails_cleanly(int naming)
{
    name_sources(naming);
    unsigned long n = 1, tried = 0, nomem = 0;
    char reference_sha[65];
    size_t reference_rules;
    {
        sw_diagnostics *diags = sw_diagnostics_new();
        sw_ruleset *rules = NULL;
        assert_int_equal(sw_ruleset_load_texts(sources, nrule_files, &rules, diags), SW_OK);
        snprintf(reference_sha, sizeof reference_sha, "%s", sw_ruleset_describe(rules)->sha256);
        reference_rules = sw_ruleset_describe(rules)->rules;
        sw_ruleset_free(rules);
        sw_diagnostics_free(diags);
    }
    for (;; n += stride_after(n)) {
        start_run();
        sw_diagnostics *diags = sw_diagnostics_new();
        assert_non_null(diags);
        sw_ruleset *rules = NULL;
        arm(n);
        sw_status status = sw_ruleset_load_texts(sources, nrule_files, &rules, diags);
        int reached = disarm();
        tried++;
        expect_ok_or_nomem(status, "loading the shipped rules", n);
        if (status == SW_OK) {
            assert_non_null(rules);
            assert_string_equal(sw_ruleset_describe(rules)->sha256, reference_sha);
            assert_int_equal(sw_ruleset_describe(rules)->rules, reference_rules);
        } else {
            assert_null(rules);
            nomem++;
        }
        sw_ruleset_free(rules);
        sw_diagnostics_free(diags);
        all_freed("loading the shipped rules", n);
        if (!reached) {
            assert_int_equal(status, SW_OK);
            break;
        }
    }
    print_message("loading (naming %d): %lu allocations, %lu failing runs tried, %lu answered SW_ERR_NOMEM\n",
                  naming, n - 1, tried, nomem);
    assert_true(nomem > 0);
}

static void test_load_fails_cleanly(void **state)
{
    (void)state;
    for (int naming = 0; naming < NAMINGS; naming++)
        load_fails_cleanly(naming);
    name_sources(0);
}

enum { NFORMATS = 3 };

/* Reads, evaluates and renders one client; the first failure ends the run. With
 * want (the renderings made without failures), a run that answers SW_OK must have
 * rendered exactly the same: a failure may stop the work, never change it. With
 * got, the renderings are handed back instead. */
static sw_status one_client(const sw_ruleset *rules, const test_file *c, unsigned long n,
                            char *const *want, char **got)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL)
        return SW_ERR_NOMEM;
    sw_facts *facts = NULL;
    sw_result *result = NULL;
    sw_status status = sw_facts_parse(rules, c->name, c->text, c->len, &facts, diags);
    expect_ok_or_nomem(status, "reading a client", n);
    if (status == SW_OK) {
        status = sw_evaluate(rules, facts, &result);
        expect_ok_or_nomem(status, "evaluating", n);
    }
    static const sw_format formats[NFORMATS] = {SW_FORMAT_TEXT, SW_FORMAT_JSON, SW_FORMAT_YAML};
    for (size_t i = 0; status == SW_OK && i < NFORMATS; i++) {
        char *out = NULL;
        status = sw_result_render(result, formats[i], &out, NULL);
        expect_ok_or_nomem(status, "rendering", n);
        if (status == SW_OK)
            assert_non_null(out);
        else
            assert_null(out);
        if (want != NULL && out != NULL && strcmp(out, want[i]) != 0)
            fail_msg("%s: with allocation %lu failing, rendering %zu answered SW_OK but differs",
                     c->name, n, i);
        if (got != NULL)
            got[i] = out;
        else
            sw_free(out);
    }
    sw_result_free(result);
    sw_facts_free(facts);
    sw_diagnostics_free(diags);
    return status;
}

static void test_clients_fail_cleanly(void **state)
{
    (void)state;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_texts(sources, nrule_files, &rules, diags), SW_OK);
    for (size_t i = 0; i < nclients; i++) {
        unsigned long n = 1, nomem = 0;
        char *want[NFORMATS] = {NULL};
        assert_int_equal(one_client(rules, &clients[i], 0, NULL, want), SW_OK);
        for (;; n += stride_after(n)) {
            start_run();
            arm(n);
            sw_status status = one_client(rules, &clients[i], n, want, NULL);
            int reached = disarm();
            all_freed(clients[i].name, n);
            nomem += status == SW_ERR_NOMEM;
            if (!reached) {
                assert_int_equal(status, SW_OK);
                break;
            }
        }
        print_message("%s: %lu allocations, %lu runs answered SW_ERR_NOMEM\n", clients[i].name,
                      n - 1, nomem);
        for (size_t k = 0; k < NFORMATS; k++)
            sw_free(want[k]);
        assert_true(nomem > 0);
    }
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
}

/* The clinical leads' tools, lint and fmt, over every shipped rule file. */
static void lint_fails_cleanly(int naming)
{
    name_sources(naming);
    sw_lint_summary want_lint;
    sw_diagnostics *diags = sw_diagnostics_new();
    assert_int_equal(sw_lint_texts(sources, nrule_files, diags, &want_lint), SW_OK);
    sw_diagnostics_free(diags);
    unsigned long n = 1, nomem = 0;
    for (;; n += stride_after(n)) {
        start_run();
        sw_lint_summary got;
        memset(&got, 0, sizeof got);
        diags = sw_diagnostics_new();
        assert_non_null(diags);
        arm(n);
        sw_status status = sw_lint_texts(sources, nrule_files, diags, &got);
        int reached = disarm();
        expect_ok_or_nomem(status, "linting the shipped rules", n);
        if (status == SW_OK) {
            assert_int_equal(got.findings, want_lint.findings);
            assert_int_equal(got.silenced, want_lint.silenced);
            assert_int_equal(got.rules, want_lint.rules);
        }
        nomem += status == SW_ERR_NOMEM;
        sw_diagnostics_free(diags);
        all_freed("linting the shipped rules", n);
        if (!reached)
            break;
    }
    print_message("lint (naming %d): %lu allocations, %lu runs answered SW_ERR_NOMEM\n", naming, n - 1, nomem);
    assert_true(nomem > 0);
}

static void test_tools_fail_cleanly(void **state)
{
    (void)state;
    for (int naming = 0; naming < NAMINGS; naming++)
        lint_fails_cleanly(naming);
    name_sources(0);
    sw_diagnostics *diags;
    unsigned long n;
    for (size_t i = 0; i < nrule_files; i++) {
        char *want = NULL;
        diags = sw_diagnostics_new();
        assert_int_equal(sw_fmt_text(rule_files[i].name, rule_files[i].text, rule_files[i].len,
                                     &want, NULL, diags), SW_OK);
        sw_diagnostics_free(diags);
        for (n = 1;; n += stride_after(n)) {
            start_run();
            char *got = NULL;
            diags = sw_diagnostics_new();
            arm(n);
            sw_status status = sw_fmt_text(rule_files[i].name, rule_files[i].text,
                                           rule_files[i].len, &got, NULL, diags);
            int reached = disarm();
            expect_ok_or_nomem(status, "formatting a rule file", n);
            if (status == SW_OK)
                assert_string_equal(got, want);
            else
                assert_null(got);
            sw_free(got);
            sw_diagnostics_free(diags);
            all_freed("formatting a rule file", n);
            if (!reached)
                break;
        }
        sw_free(want);
    }
}

/* The workbench's schema document (sw_ruleset_schema_render) of the shipped rules. */
static void test_schema_fails_cleanly(void **state)
{
    (void)state;
    sw_ruleset *rules = NULL;
    name_sources(0);
    assert_int_equal(sw_ruleset_load_texts(sources, nrule_files, &rules, NULL), SW_OK);
    char *want = NULL;
    size_t want_len = 0;
    assert_int_equal(sw_ruleset_schema_render(rules, &want, &want_len), SW_OK);
    unsigned long n, nomem = 0;
    for (n = 1;; n += stride_after(n)) {
        start_run();
        char *got = NULL;
        size_t len = 0;
        arm(n);
        sw_status status = sw_ruleset_schema_render(rules, &got, &len);
        int reached = disarm();
        expect_ok_or_nomem(status, "rendering the schema", n);
        if (status == SW_OK) {
            assert_int_equal(len, want_len);
            assert_memory_equal(got, want, len);
        } else {
            assert_null(got);
        }
        nomem += status == SW_ERR_NOMEM;
        sw_free(got);
        all_freed("rendering the schema", n);
        if (!reached)
            break;
    }
    print_message("schema: %lu allocations, %lu runs answered SW_ERR_NOMEM\n", n - 1, nomem);
    assert_true(nomem > 0);
    sw_free(want);
    sw_ruleset_free(rules);
}

/* Reads, judges and renders the log; SW_OK or the first failure. */
static sw_status hazard_run(const sw_ruleset *rules, const sw_scenario_set *set, const char *log_text,
                            size_t log_len, char **rendered)
{
    sw_hazard_log log;
    sw_hazard_log_init(&log, rules, set);
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_status st = diags ? sw_hazard_read(&log, "failing.yaml", log_text, log_len, diags) : SW_ERR_NOMEM;
    if (st == SW_OK)
        st = sw_hazard_judge(&log);
    sw_buf out = SW_BUF_INIT;
    size_t bad = 0;
    if (st == SW_OK)
        st = sw_hazard_render_text(&log, &out, &bad);
    *rendered = NULL;
    if (st == SW_OK)
        *rendered = out.data ? strdup(out.data) : NULL;
    if (st == SW_OK && !*rendered)
        st = SW_ERR_NOMEM;
    sw_buf_free(&out);
    sw_diagnostics_free(diags);
    sw_hazard_log_free(&log);
    return st;
}

static void test_hazards_fail_cleanly(void **state)
{
    (void)state;
    size_t rlen, slen, hlen;
    char *rule_text = read_whole_file(SW_SOURCE_DIR "/tests/golden/rules/risk.sw", &rlen);
    char *scen = read_whole_file(SW_SOURCE_DIR "/tests/golden/scenarios/risk.yaml", &slen);
    char *haz = read_whole_file(SW_SOURCE_DIR "/tests/golden/hazards/failing.yaml", &hlen);
    sw_source_text src = {"risk.sw", rule_text, rlen};
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &rules, diags), SW_OK);
    sw_scenario_set set;
    sw_scenario_set_init(&set, rules);
    assert_int_equal(sw_scenario_read(&set, "risk.yaml", scen, slen, diags), SW_OK);
    sw_diagnostics_free(diags);
    char *want = NULL;
    assert_int_equal(hazard_run(rules, &set, haz, hlen, &want), SW_OK);
    unsigned long n, nomem = 0;
    for (n = 1;; n += stride_after(n)) {
        start_run();
        char *got = NULL;
        arm(n);
        sw_status status = hazard_run(rules, &set, haz, hlen, &got);
        int reached = disarm();
        expect_ok_or_nomem(status, "judging a hazard log", n);
        if (status == SW_OK)
            assert_string_equal(got, want);
        nomem += status == SW_ERR_NOMEM;
        free(got);
        all_freed("judging a hazard log", n);
        if (!reached)
            break;
    }
    print_message("hazard log: %lu allocations, %lu runs answered SW_ERR_NOMEM\n", n - 1, nomem);
    assert_true(nomem > 0);
    free(want);
    sw_scenario_set_free(&set);
    sw_ruleset_free(rules);
    free(rule_text);
    free(scen);
    free(haz);
}

/* Facts from FHIR: every FHIR test bundle through the shipped rules' mappings. A
 * run that answers SW_OK has the facts and diagnostics of a run without failures. */
static void test_fhir_fails_cleanly(void **state)
{
    (void)state;
    static const char *const suffixes[] = {".json", NULL};
    test_file *bundles = calloc(16, sizeof *bundles);
    assert_non_null(bundles);
    size_t nbundles = read_dir_sorted(SW_SOURCE_DIR "/tests/golden/fhir", suffixes, bundles, 16);
    assert_true(nbundles >= 2);
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_texts(sources, nrule_files, &rules, NULL), SW_OK);
    for (size_t i = 0; i < nbundles; i++) {
        sw_diagnostics *diags = sw_diagnostics_new();
        sw_facts *facts = NULL;
        assert_int_equal(sw_facts_from_fhir(rules, bundles[i].name, bundles[i].text, bundles[i].len,
                                            "2026-11-20", &facts, diags), SW_OK);
        sw_buf want = SW_BUF_INIT;
        sw_facts_canonical(facts, &want);
        size_t want_diags = sw_diagnostics_count(diags);
        sw_facts_free(facts);
        sw_diagnostics_free(diags);
        unsigned long n = 1, nomem = 0;
        for (;; n += stride_after(n)) {
            start_run();
            diags = sw_diagnostics_new();
            assert_non_null(diags);
            facts = NULL;
            arm(n);
            sw_status status = sw_facts_from_fhir(rules, bundles[i].name, bundles[i].text,
                                                  bundles[i].len, "2026-11-20", &facts, diags);
            int reached = disarm();
            expect_ok_or_nomem(status, "reading a FHIR bundle", n);
            if (status == SW_OK) {
                sw_buf got = SW_BUF_INIT;
                sw_facts_canonical(facts, &got);
                assert_string_equal(got.data, want.data);
                assert_int_equal(sw_diagnostics_count(diags), want_diags);
                sw_buf_free(&got);
            } else
                assert_null(facts);
            nomem += status == SW_ERR_NOMEM;
            sw_facts_free(facts);
            sw_diagnostics_free(diags);
            all_freed("reading a FHIR bundle", n);
            if (!reached)
                break;
        }
        print_message("%s: %lu allocations, %lu runs answered SW_ERR_NOMEM\n", bundles[i].name,
                      n - 1, nomem);
        assert_true(nomem > 0);
        sw_buf_free(&want);
        free(bundles[i].text);
    }
    free(bundles);
    sw_ruleset_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_fails_cleanly),
        cmocka_unit_test(test_clients_fail_cleanly),
        cmocka_unit_test(test_tools_fail_cleanly),
        cmocka_unit_test(test_schema_fails_cleanly),
        cmocka_unit_test(test_hazards_fail_cleanly),
        cmocka_unit_test(test_fhir_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
