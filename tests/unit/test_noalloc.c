/*
 * test_noalloc.c - the integrator's path allocates nothing once warm: one sw_facts
 * reset and filled by handle and one sw_result reused (sw_evaluate_with), over
 * every example client twice, call no malloc, calloc, realloc, strdup or strndup
 * on the second pass, at every level. The library's allocations go through
 * counting wrappers (-Wl,--wrap, as test_nomem fails them); libcrypto's own
 * allocations for the facts' SHA-256 are inside libcrypto and not seen here.
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
#include "facts/facts.h"
#include "lang/value.h"

static size_t allocations;   /* counted while counting is set (this test only) */
static int counting;

static void count(void) { allocations += counting != 0; }
void *__wrap_malloc(size_t n) { count(); return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { count(); return __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { count(); return __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { count(); return __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { count(); return __real_strndup(s, n); }

#define MAX_CLIENTS 64

/* Every example client, parsed. */
static size_t load_clients(const sw_ruleset *rules, sw_facts **out)
{
    test_file files[MAX_CLIENTS];
    size_t n = read_example_clients(files, MAX_CLIENTS);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sw_facts_parse(rules, files[i].name, files[i].text, files[i].len, &out[i], NULL), SW_OK);
    free_files(files, n);
    return n;
}

/* Copies a parsed client into facts through the setters by handle, as an
 * integrator's code would fill them from its own records. */
static void set_by_handle(const sw_ruleset *rules, sw_fact_handle *handles, const sw_facts *from,
                          sw_facts *to)
{
    const sw_program *p = from->prog;
    sw_facts_reset(to);
    if (from->client)
        assert_int_equal(sw_facts_set_client(to, from->client), SW_OK);
    if (from->has_assessed_on) {
        char date[11];
        sw_date_format(from->assessed_on, date);
        assert_int_equal(sw_facts_set_assessed_on(to, date, NULL), SW_OK);
    }
    (void)rules;
    for (uint32_t s = 0; s < p->nbase; s++) {
        sw_value v = from->values[s];
        if (!v.known)
            continue;
        const sw_fact_def *fd = &p->facts[s];
        const sw_enum *e = &p->enums[fd->type.enumeration];
        const char *members[SW_SET_MAX_MEMBERS];
        size_t nm = 0;
        char date[11];
        sw_status st;
        switch (fd->type.kind) {
        case SW_T_BOOL: st = sw_facts_set_bool_h(to, handles[s], (int)v.u.i, NULL); break;
        case SW_T_INT: st = sw_facts_set_int_h(to, handles[s], v.u.i, NULL); break;
        case SW_T_NUMBER: st = sw_facts_set_number_h(to, handles[s], v.u.n, NULL); break;
        case SW_T_ENUM: st = sw_facts_set_text_h(to, handles[s], e->members[v.u.i], NULL); break;
        case SW_T_SET:
            for (uint32_t m = 0; m < e->nmembers; m++)
                if (v.u.bits >> m & 1)
                    members[nm++] = e->members[m];
            st = sw_facts_set_members_h(to, handles[s], members, nm, NULL);
            break;
        case SW_T_DATE:
            sw_date_format((int32_t)v.u.i, date);
            st = sw_facts_set_text_h(to, handles[s], date, NULL);
            break;
        default: st = sw_facts_set_text_h(to, handles[s], v.u.s, NULL); break;
        }
        assert_int_equal(st, SW_OK);
    }
}

static void test_second_pass_allocates_nothing(void **state)
{
    (void)state;
    const char *paths[] = {SW_SOURCE_DIR "/rules"};
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, NULL), SW_OK);
    sw_facts *clients[MAX_CLIENTS];
    size_t n = load_clients(rules, clients);
    assert_true(n >= 14);
    const sw_program *p = clients[0]->prog;
    sw_fact_handle *handles = calloc(p->nbase, sizeof *handles);
    assert_non_null(handles);
    for (uint32_t s = 0; s < p->nbase; s++) {
        handles[s] = sw_ruleset_fact(rules, p->facts[s].name);
        assert_non_null(handles[s].program);
    }
    sw_facts *facts = NULL;
    assert_int_equal(sw_facts_new(rules, &facts), SW_OK);
    const sw_eval_options levels[] = {
        {SW_RESULT_OUTPUTS, 0}, {SW_RESULT_OUTPUTS, 1}, {SW_RESULT_FULL, 0}, {SW_RESULT_FULL, 1}};
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        sw_result *res = NULL;
        assert_int_equal(sw_result_new(rules, &res), SW_OK);
        size_t gaps = 0, items = 0;
        for (int pass = 0; pass < 2; pass++) {
            allocations = 0;
            counting = pass == 1;
            for (size_t i = 0; i < n; i++) {
                set_by_handle(rules, handles, clients[i], facts);
                assert_int_equal(sw_evaluate_with(rules, facts, &levels[l], res), SW_OK);
                const sw_report *rep = sw_result_report(res);
                gaps += rep->ngaps;
                items += rep->nrecommendations + rep->nrisks;
            }
            counting = 0;
        }
        assert_int_equal(allocations, 0);
        assert_true(gaps > 0 && items > 0);   /* the reports were not empty */
        sw_result_free(res);
    }
    /* the counter sees the library's allocations: a fresh result takes memory */
    allocations = 0;
    counting = 1;
    sw_result *fresh = NULL;
    sw_status st = sw_evaluate(rules, clients[0], &fresh);
    counting = 0;
    assert_int_equal(st, SW_OK);
    assert_true(allocations > 0);
    sw_result_free(fresh);
    sw_facts_free(facts);
    free(handles);
    for (size_t i = 0; i < n; i++)
        sw_facts_free(clients[i]);
    sw_ruleset_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_pass_allocates_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
