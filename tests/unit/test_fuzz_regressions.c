/*
 * test_fuzz_regressions.c - replays every input the fuzzers found a crash with
 * (tests/fuzz/regressions/rules/ and facts/) through the fuzz harness, and checks
 * the outcome written beside it in NAME.expect:
 *
 *     status: SW_ERR_RULES
 *     codes: E110 E204
 *
 * (the status of the load or parse, and the diagnostic codes in the order found).
 * Under the sanitizer build a crash comes back as a failure of this test.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fuzz/fuzz_harness.h"

static const char *const status_names[] = {"SW_OK",        "SW_END",        "SW_ERR_NOMEM",
                                           "SW_ERR_IO",    "SW_ERR_RULES",  "SW_ERR_FACTS",
                                           "SW_ERR_ARG",   "SW_ERR_LIMIT"};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            char *p = realloc(data, cap + 1);
            assert_non_null(p);
            data = p;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

/* "status: X\ncodes: A B\n" for what happened. */
static char *outcome(sw_status st, const sw_diagnostics *d)
{
    size_t cap = 64 + 8 * sw_diagnostics_count(d);
    char *s = malloc(cap);
    assert_non_null(s);
    int n = snprintf(s, cap, "status: %s\ncodes:", status_names[st]);
    for (size_t i = 0; i < sw_diagnostics_count(d); i++)
        n += snprintf(s + n, cap - (size_t)n, " %s", sw_diagnostics_at(d, i)->code);
    snprintf(s + n, cap - (size_t)n, "\n");
    return s;
}

/* Replays every input of one directory; returns how many there were. */
static int replay_dir(const char *kind, const sw_ruleset *shipped)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", SW_SOURCE_DIR, kind);
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || (n > 7 && strcmp(e->d_name + n - 7, ".expect") == 0))
            continue;
        char path[2048], expect_path[2100];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(expect_path, sizeof expect_path, "%s.expect", path);
        size_t len, elen;
        char *input = slurp(path, &len);
        char *expected = slurp(expect_path, &elen);
        if (!expected)
            fail_msg("%s has no .expect file", path);
        sw_diagnostics *d = sw_diagnostics_new();
        assert_non_null(d);
        sw_status st = shipped ? fuzz_facts_one(shipped, (const uint8_t *)input, len, d)
                               : fuzz_rules_one((const uint8_t *)input, len, d);
        char *got = outcome(st, d);
        if (strcmp(got, expected) != 0)
            fail_msg("%s:\nexpected\n%sgot\n%s", path, expected, got);
        free(got);
        sw_diagnostics_free(d);
        free(input);
        free(expected);
        count++;
    }
    closedir(dh);
    return count;
}

static void test_rules_regressions(void **state)
{
    (void)state;
    assert_true(replay_dir("rules", NULL) >= 1);
}

static void test_facts_regressions(void **state)
{
    (void)state;
    const char *path = SW_SOURCE_DIR "/rules";
    sw_ruleset *rs = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_ruleset_load_files(&path, 1, &rs, d), SW_OK);
    sw_diagnostics_free(d);
    assert_true(replay_dir("facts", rs) >= 1);
    sw_ruleset_free(rs);
}

/* The harness itself: a well-formed input loads and evaluates, so a harness that
 * silently did nothing would fail here. */
static void test_harness_loads_valid_input(void **state)
{
    (void)state;
    static const char input[] = "1rule r \"R\" when stage is engagement and phq9 >= 10 "
                                "then recommend support end\n";
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(fuzz_rules_one((const uint8_t *)input, strlen(input), d), SW_OK);
    assert_int_equal(sw_diagnostics_error_count(d), 0);
    sw_diagnostics_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harness_loads_valid_input),
        cmocka_unit_test(test_rules_regressions),
        cmocka_unit_test(test_facts_regressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
