/*
 * test_lookup.c - the one binary search (util/lookup.h): the lower bound at both
 * ends and in a run of equal keys, lookup of present and absent keys, every size
 * from empty up checked against a linear scan, and names compared with a key that
 * is not terminated in strcmp order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/lookup.h"

static int int_compare(const void *table, size_t i, const void *key)
{
    int a = ((const int *)table)[i], b = *(const int *)key;
    return (a > b) - (a < b);
}

static void test_lower_bound_against_a_scan(void **state)
{
    (void)state;
    int v[40];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < n; i++)
            v[i] = (int)(i / 3) * 2;   /* runs of three equal even keys */
        for (int key = -1; key <= 30; key++) {
            size_t expect = 0;
            while (expect < n && v[expect] < key)
                expect++;
            assert_int_equal(sw_lower_bound(v, n, int_compare, &key), expect);
            size_t found = sw_lookup(v, n, int_compare, &key);
            if (expect < n && v[expect] == key)
                assert_int_equal(found, expect);   /* the first of a run */
            else
                assert_int_equal(found, SIZE_MAX);
        }
    }
}

static void test_empty_table(void **state)
{
    (void)state;
    int key = 5;
    assert_int_equal(sw_lower_bound(NULL, 0, int_compare, &key), 0);
    assert_int_equal(sw_lookup(NULL, 0, int_compare, &key), SIZE_MAX);
}

static int name_compare(const void *table, size_t i, const void *key)
{
    const sw_name_key *k = key;
    return sw_name_compare(((const char *const *)table)[i], k->s, k->len);
}

static void test_names_by_key_and_length(void **state)
{
    (void)state;
    const char *names[] = {"audit", "audit_c", "phq9", "phq9_item9", "stage"};
    const char *text = "phq9_item9 and more";
    sw_name_key k = {text, 4};                 /* "phq9", not terminated */
    assert_int_equal(sw_lookup(names, 5, name_compare, &k), 2);
    k.len = 10;                                /* "phq9_item9" */
    assert_int_equal(sw_lookup(names, 5, name_compare, &k), 3);
    k.len = 3;                                 /* "phq": a prefix, not a name */
    assert_int_equal(sw_lookup(names, 5, name_compare, &k), SIZE_MAX);
    k.s = "audit_";
    k.len = 6;
    assert_int_equal(sw_lookup(names, 5, name_compare, &k), SIZE_MAX);
    assert_int_equal(sw_lower_bound(names, 5, name_compare, &k), 1);
    /* strcmp order: a shorter name sorts before a longer one that extends it */
    assert_true(sw_name_compare("audit", "audit_c", 7) < 0);
    assert_true(sw_name_compare("audit_c", "audit", 5) > 0);
    assert_int_equal(sw_name_compare("", "", 0), 0);
    /* bytes compare unsigned, as strcmp does */
    assert_true(sw_name_compare("\xc3\xa9", "z", 1) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_bound_against_a_scan),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test(test_names_by_key_and_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
