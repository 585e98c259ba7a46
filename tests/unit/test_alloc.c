/*
 * test_alloc.c - the injectable allocator (sw_load_options, sw_alloc_fn): a
 * counting allocator, given through the public API only, fails exactly the Nth
 * allocation, for N = 1, 2, 3, ... until a run needs fewer than N, through
 *   - loading (lexing, parsing, checking, compiling) a small rule set, and one
 *     with errors whose diagnostics are rendered (the lexer's and the parser's
 *     allocations included),
 *   - loading the shipped rules (rules/),
 *   - reading every example client (examples/clients), evaluating it in full and
 *     outputs-only, rendering each result as text, JSON and YAML, and explaining
 *     it (sw_explain, rendered as text and JSON).
 * For every N the call answers SW_OK or SW_ERR_NOMEM (SW_ERR_RULES for the rule
 * set with errors), never crashes, hands back NULL outputs on failure, and gives
 * every byte back: the allocator counts live blocks, and after each run they are
 * as many as before it (none, once the rule set is freed). A run that answers
 * SW_OK produces byte for byte what the default allocator (malloc) produces.
 * Every osize the library passes is checked against the size it allocated.
 *
 * Every N is tried everywhere (about 15,000 runs, 13 s of CPU in a normal build).
 * STAGEWISE_NOMEM_STRIDE=K tries only every Kth N past the first 64 of the
 * shipped rules' load and of each client's run, for a quicker run under a slow
 * checker (the small rule sets are always tried at every N):
 *   STAGEWISE_NOMEM_STRIDE=7 ctest --test-dir build -R unit.test_alloc
 * test_nomem.c, which fails the C library's malloc by link-time wrapping, still
 * covers what no allocator reaches.
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

/* ---- the counting allocator: all its state is behind ud ---- */

typedef struct counter {
    unsigned long calls;      /* allocations and resizes asked for */
    unsigned long fail_at;    /* the one that fails; 0: none */
    int persistent;           /* and every one after it: memory stays exhausted */
    int reached;              /* fail_at was asked for */
    size_t live_blocks, live_bytes;
    unsigned long bad_osize;  /* an osize other than 0 or the block's size */
} counter;

typedef union header {
    size_t size;
    max_align_t align;
} header;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    counter *c = ud;
    header *h = ptr ? (header *)ptr - 1 : NULL;
    if (h && osize && osize != h->size)
        c->bad_osize++;
    if (nsize == 0) {
        if (h) {
            c->live_blocks--;
            c->live_bytes -= h->size;
            free(h);
        }
        return NULL;
    }
    if (++c->calls == c->fail_at || (c->persistent && c->fail_at && c->calls > c->fail_at)) {
        c->reached = 1;
        return NULL;   /* ptr stays as it was */
    }
    size_t old = h ? h->size : 0;
    header *grown = realloc(h, sizeof *grown + nsize);
    if (!grown)
        return NULL;
    if (!h)
        c->live_blocks++;
    c->live_bytes = c->live_bytes - old + nsize;
    grown->size = nsize;
    return grown + 1;
}

static void arm(counter *c, unsigned long n)
{
    c->calls = 0;
    c->fail_at = n;
    c->reached = 0;
}

static void expect(sw_status st, sw_status also, const char *what, unsigned long n)
{
    if (st != SW_OK && st != SW_ERR_NOMEM && st != also)
        fail_msg("%s with allocation %lu failing: %s", what, n, sw_status_text(st));
}

/* ---- inputs, read once ---- */

enum { MAX_FILES = 64 };
static test_file clients[MAX_FILES];
static size_t nclients;

static int setup(void **state)
{
    (void)state;
    nclients = read_example_clients(clients, MAX_FILES);
    return nclients > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free_files(clients, nclients);
    return 0;
}

static const char *const shipped[] = {SW_SOURCE_DIR "/rules"};

/* ---- loading ---- */

/* Comments (kept by the lexer), escapes, every kind of declaration the small set
 * needs, and a derived fact. */
static const char small_rules[] =
    "# a small guideline\n"
    "guideline g \"G \\\"quoted\\\"\" version \"1.0.0\"\n"
    "source DD \"Doc\" file \"doc.md\"\n"
    "statement DD.s1 \"Part\" \"The first statement.\"\n"
    "stage a \"A\" stage b \"B\" order a -> b\n"
    "facts {\n  # Assessment\n  stage: stage \"S\"\n  x: int 0..9 \"X\"\n  y: bool \"Y\"\n"
    "  z: one of { p, q } \"Z\"\n}\n"
    "derived w: bool \"W\" default false\n"
    "intervention i \"I\" kind assessment cites DD.s1\n"
    "rule r1 \"R1\" cites DD.s1 when x > 3 and (y or z is p) then recommend i priority high move b end\n"
    "rule r2 \"R2\" cites DD.s1 when x is missing then set w = true end\n";

/* Lexer errors (a stray character, a bad escape, an unterminated string), a
 * parser error and checker errors, all reported. */
static const char broken_rules[] =
    "guideline g \"G\" version \"1.0.0\" source DD \"Doc\"\n"
    "stage a \"A\" order a\n"
    "facts { x: int 0..9 \"X\" \xE2\x89\xA5 }\n"
    "rule r \"bad \\q escape\" cites EE when x > 3 and unknown_fact then recommend nothing end\n"
    "rule s \"S\" when x ? 3 then end\n"
    "intervention i \"unterminated\n";

typedef struct load_run {
    unsigned long allocations;   /* of the run that needed fewer than N */
    unsigned long tried, nomem;
    unsigned long fallbacks;     /* a failure a fallback absorbed: SW_OK, same answer */
} load_run;

/* Loads texts (or the shipped files) with allocation n failing; checks the
 * outcome against want (the default allocator's) and that every byte came back. */
static sw_status load_once(counter *c, unsigned long n, const sw_source_text *text,
                           sw_status want, const char *want_sha, const char *want_diags)
{
    sw_load_options opt = {counting_alloc, c};
    int persistent = c->persistent;
    arm(c, n);
    c->persistent = persistent;
    sw_diagnostics *diags = sw_diagnostics_new_with(counting_alloc, c);
    sw_ruleset *rules = NULL;
    sw_status st = SW_ERR_NOMEM;
    if (diags != NULL)
        st = text ? sw_ruleset_load_texts_with(text, 1, &opt, &rules, diags)
                  : sw_ruleset_load_files_with(shipped, 1, &opt, &rules, diags);
    expect(st, want, "loading", n);
    if (st == SW_OK) {
        assert_int_equal(want, SW_OK);
        assert_non_null(rules);
        assert_string_equal(sw_ruleset_describe(rules)->sha256, want_sha);
    } else {
        assert_null(rules);
    }
    if (st == SW_ERR_RULES) {
        char *out = NULL;
        sw_status r = sw_diagnostics_render(diags, &out, NULL);
        expect(r, SW_OK, "rendering diagnostics", n);
        if (r == SW_OK)
            assert_string_equal(out, want_diags);   /* no diagnostic lost, none changed */
        else
            assert_null(out);
        sw_free(out);
    }
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
    if (c->live_blocks != 0)
        fail_msg("loading with allocation %lu failing left %zu blocks (%zu bytes)", n,
                 c->live_blocks, c->live_bytes);
    assert_int_equal(c->bad_osize, 0);
    return st;
}

/* Every N: the Nth allocation fails, and with persistent every one after it too (a
 * fallback that retries then fails as well). */
static load_run load_every(const sw_source_text *text, unsigned long stride, int persistent)
{
    /* the default allocator's answer */
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    sw_status want = text ? sw_ruleset_load_texts(text, 1, &rules, diags)
                          : sw_ruleset_load_files(shipped, 1, &rules, diags);
    char sha[65] = "";
    if (rules)
        snprintf(sha, sizeof sha, "%s", sw_ruleset_describe(rules)->sha256);
    char *want_diags = NULL;
    assert_int_equal(sw_diagnostics_render(diags, &want_diags, NULL), SW_OK);
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);

    counter c = {0};
    c.persistent = persistent;
    load_run run = {0, 0, 0, 0};
    assert_int_equal(load_once(&c, 0, text, want, sha, want_diags), want);
    unsigned long total = c.calls;
    for (unsigned long n = 1;; n += n < 64 ? 1 : stride) {
        sw_status st = load_once(&c, n, text, want, sha, want_diags);
        run.tried++;
        run.nomem += st == SW_ERR_NOMEM;
        if (!c.reached) {
            assert_int_equal(st, want);
            break;
        }
        if (st != SW_ERR_NOMEM)
            run.fallbacks++;   /* load_once saw the same answer */
    }
    run.allocations = total;
    sw_free(want_diags);
    return run;
}

static void test_small_load_every_n(void **state)
{
    (void)state;
    sw_source_text t = {"small.sw", small_rules, sizeof small_rules - 1};
    load_run run = load_every(&t, 1, 0);
    print_message("small rule set: %lu allocations, %lu runs, %lu answered SW_ERR_NOMEM, "
                  "%lu absorbed by a fallback\n", run.allocations, run.tried, run.nomem,
                  run.fallbacks);
    assert_int_equal(run.nomem + run.fallbacks + 1, run.tried);
    assert_int_equal(run.tried, run.allocations + 1);
}

static void test_broken_load_every_n(void **state)
{
    (void)state;
    sw_source_text t = {"broken.sw", broken_rules, sizeof broken_rules - 1};
    load_run run = load_every(&t, 1, 0);
    print_message("rule set with errors: %lu allocations, %lu runs, %lu answered SW_ERR_NOMEM, "
                  "%lu absorbed by a fallback\n", run.allocations, run.tried, run.nomem,
                  run.fallbacks);
    assert_int_equal(run.tried, run.allocations + 1);
    assert_true(run.nomem > 0);
}

/* Every N past the first 64 in steps of STAGEWISE_NOMEM_STRIDE (default 1). */
static unsigned long nomem_stride(void)
{
    const char *e = getenv("STAGEWISE_NOMEM_STRIDE");
    unsigned long k = e ? strtoul(e, NULL, 10) : 1;
    return k ? k : 1;
}

static void test_shipped_load(void **state)
{
    (void)state;
    unsigned long stride = nomem_stride();
    load_run run = load_every(NULL, stride, 0);
    print_message("shipped rules: %lu allocations, %lu runs (stride %lu), %lu answered "
                  "SW_ERR_NOMEM, %lu absorbed by a fallback\n", run.allocations, run.tried,
                  stride, run.nomem, run.fallbacks);
    assert_int_equal(run.nomem + run.fallbacks + 1, run.tried);
    assert_true(run.nomem > 0);
}

/* Memory that stays exhausted from the Nth allocation on: no retry or fallback can
 * rescue the load, and none may crash or leak (the grammar's reserve identifier). */
static void test_load_from_n_on(void **state)
{
    (void)state;
    sw_source_text small = {"small.sw", small_rules, sizeof small_rules - 1};
    sw_source_text broken = {"broken.sw", broken_rules, sizeof broken_rules - 1};
    load_run a = load_every(&small, 1, 1), b = load_every(&broken, 1, 1);
    load_run c = load_every(NULL, nomem_stride(), 1);
    print_message("memory exhausted from the Nth allocation on: small %lu runs, with errors "
                  "%lu runs, shipped %lu runs; every one answered or SW_ERR_NOMEM\n", a.tried,
                  b.tried, c.tried);
    assert_int_equal(a.tried, a.allocations + 1);
    assert_int_equal(b.tried, b.allocations + 1);
    assert_true(a.nomem > 0 && b.nomem > 0 && c.nomem > 0);
}

/* ---- clients: read, evaluate (full and outputs-only), render ---- */

enum { NFORMATS = 3, NRESULTS = 2 * NFORMATS, NRENDER = NRESULTS + 2 };
static const sw_format formats[NFORMATS] = {SW_FORMAT_TEXT, SW_FORMAT_JSON, SW_FORMAT_YAML};

/* One client through the pipeline; the first failure ends the run. With got, the
 * renderings are handed back; with want, a rendering made must equal it. */
static sw_status one_client(const sw_ruleset *rules, const test_file *f, unsigned long n,
                            counter *c, char **got, char *const *want)
{
    sw_diagnostics *diags = c ? sw_diagnostics_new_with(counting_alloc, c) : sw_diagnostics_new();
    if (!diags)
        return SW_ERR_NOMEM;
    sw_facts *facts = NULL;
    sw_result *full = NULL, *outputs = NULL;
    sw_explanation *why = NULL;
    sw_status st = sw_facts_parse(rules, f->name, f->text, f->len, &facts, diags);
    expect(st, SW_OK, "reading a client", n);
    if (st == SW_OK) {
        st = sw_evaluate(rules, facts, &full);
        expect(st, SW_OK, "evaluating", n);
    }
    if (st == SW_OK) {
        st = sw_result_new(rules, &outputs);
        expect(st, SW_OK, "making a result", n);
    }
    if (st == SW_OK) {
        sw_eval_options o = {SW_RESULT_OUTPUTS, 0};
        st = sw_evaluate_with(rules, facts, &o, outputs);
        expect(st, SW_OK, "evaluating outputs only", n);
    }
    if (st == SW_OK) {
        st = sw_explain(rules, facts, NULL, &why, diags);
        expect(st, SW_OK, "explaining", n);
        if (st != SW_OK)
            assert_null(why);
    }
    for (size_t i = 0; st == SW_OK && i < NRENDER; i++) {
        char *out = NULL;
        if (i < NRESULTS)
            st = sw_result_render(i < NFORMATS ? full : outputs, formats[i % NFORMATS], &out, NULL);
        else
            st = sw_explanation_render(why, i == NRESULTS ? SW_FORMAT_TEXT : SW_FORMAT_JSON, &out,
                                       NULL);
        expect(st, SW_OK, "rendering", n);
        if (st != SW_OK) {
            assert_null(out);
            break;
        }
        if (want && strcmp(out, want[i]) != 0)
            fail_msg("%s: with allocation %lu failing, rendering %zu differs", f->name, n, i);
        if (got)
            got[i] = out;
        else
            sw_free(out);
    }
    sw_explanation_free(why);
    sw_result_free(outputs);
    sw_result_free(full);
    sw_facts_free(facts);
    sw_diagnostics_free(diags);
    return st;
}

static void test_clients_every_n(void **state)
{
    (void)state;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *plain = NULL, *counted = NULL;
    assert_int_equal(sw_ruleset_load_files(shipped, 1, &plain, diags), SW_OK);
    counter c = {0};
    sw_load_options opt = {counting_alloc, &c};
    assert_int_equal(sw_ruleset_load_files_with(shipped, 1, &opt, &counted, diags), SW_OK);
    size_t base_blocks = c.live_blocks, base_bytes = c.live_bytes;
    unsigned long most = 0, least = (unsigned long)-1, stride = nomem_stride();
    for (size_t k = 0; k < nclients; k++) {
        char *want[NRENDER] = {NULL};
        assert_int_equal(one_client(plain, &clients[k], 0, NULL, want, NULL), SW_OK);
        arm(&c, 0);
        assert_int_equal(one_client(counted, &clients[k], 0, &c, NULL, want), SW_OK);
        unsigned long total = c.calls, nomem = 0, n;
        for (n = 1;; n += n < 64 ? 1 : stride) {
            arm(&c, n);
            sw_status st = one_client(counted, &clients[k], n, &c, NULL, want);
            if (c.live_blocks != base_blocks || c.live_bytes != base_bytes)
                fail_msg("%s with allocation %lu failing left %zu blocks", clients[k].name, n,
                         c.live_blocks - base_blocks);
            if (!c.reached) {
                assert_int_equal(st, SW_OK);
                break;
            }
            nomem += st == SW_ERR_NOMEM;   /* else SW_OK, one_client saw the same bytes */
        }
        if (stride == 1)
            assert_int_equal(n, total + 1);   /* every N, the last past the end */
        else
            assert_true(n > total && n <= total + stride);
        assert_true(nomem > 0);
        most = total > most ? total : most;
        least = total < least ? total : least;
        for (size_t i = 0; i < NRENDER; i++)
            sw_free(want[i]);
    }
    print_message("%zu clients: %lu to %lu allocations each, each N tried failed in turn "
                  "(stride %lu past 64)\n", nclients, least, most, stride);
    assert_int_equal(c.bad_osize, 0);
    sw_ruleset_free(counted);
    sw_ruleset_free(plain);
    sw_diagnostics_free(diags);
    assert_int_equal(c.live_blocks, 0);
    assert_int_equal(c.live_bytes, 0);
}

/* Buffers from the allocator are freed by sw_free through it; the default
 * allocator is untouched by a rule set that has its own. */
static void test_sw_free_returns_to_its_allocator(void **state)
{
    (void)state;
    counter c = {0};
    sw_diagnostics *diags = sw_diagnostics_new_with(counting_alloc, &c);
    assert_non_null(diags);
    assert_int_equal(c.live_blocks, 1);
    sw_source_text t = {"small.sw", small_rules, sizeof small_rules - 1};
    sw_load_options opt = {counting_alloc, &c};
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_texts_with(&t, 1, &opt, &rules, diags), SW_OK);
    size_t loaded = c.live_blocks;
    char *schema = NULL;
    assert_int_equal(sw_ruleset_schema_render(rules, &schema, NULL), SW_OK);
    assert_int_equal(c.live_blocks, loaded + 1);
    sw_free(schema);
    assert_int_equal(c.live_blocks, loaded);
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
    assert_int_equal(c.live_blocks, 0);
    assert_int_equal(c.bad_osize, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sw_free_returns_to_its_allocator),
        cmocka_unit_test(test_small_load_every_n),
        cmocka_unit_test(test_broken_load_every_n),
        cmocka_unit_test(test_shipped_load),
        cmocka_unit_test(test_load_from_n_on),
        cmocka_unit_test(test_clients_every_n),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
