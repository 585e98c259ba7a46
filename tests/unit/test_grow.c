/*
 * test_grow.c - the one growable-array step (util/grow.h): doubling from the first
 * size, room left alone while there is some, overflow refused with the array as it
 * was, and the uint32_t form stopping before its capacity would leave the type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/grow.h"

static void test_doubles_from_first(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0, n = 0;
    for (int i = 0; i < 100; i++) {
        assert_true(sw_grow(&v, &cap, n, sizeof *v, 4));
        v[n++] = i;
    }
    assert_int_equal(cap, 128);   /* 4, 8, ..., 128 */
    for (int i = 0; i < 100; i++)
        assert_int_equal(v[i], i);
    /* with room to spare nothing moves */
    int *before = v;
    assert_true(sw_grow(&v, &cap, 50, sizeof *v, 4));
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 128);
    free(v);
}

static void test_overflow_is_refused(void **state)
{
    (void)state;
    char *v = malloc(8);
    assert_non_null(v);
    size_t cap = SIZE_MAX / 2 + 1, n = cap;
    char *before = v;
    assert_false(sw_grow(&v, &cap, n, 1, 8));            /* doubling overflows */
    assert_ptr_equal(v, before);
    assert_int_equal(cap, SIZE_MAX / 2 + 1);
    cap = 8;
    assert_false(sw_grow(&v, &cap, 8, SIZE_MAX / 8, 8)); /* the byte size overflows */
    assert_int_equal(cap, 8);
    assert_ptr_equal(v, before);
    free(v);
}

static void test_uint32_capacity(void **state)
{
    (void)state;
    uint64_t *v = NULL;
    uint32_t cap = 0;
    assert_true(sw_grow32(&v, &cap, 0, sizeof *v, 16));
    assert_int_equal(cap, 16);
    assert_true(sw_grow32(&v, &cap, 16, sizeof *v, 16));
    assert_int_equal(cap, 32);
    uint32_t big = UINT32_MAX / 2 + 1;
    uint64_t *before = v;
    assert_false(sw_grow32(&v, &big, big, sizeof *v, 16));
    assert_ptr_equal(v, before);
    assert_int_equal(big, UINT32_MAX / 2 + 1);
    free(v);
}

/* sw_grow_to: room for need elements at once, doubling from first, capped at max. */
static void test_grow_to_need_and_max(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t cap = 0;
    assert_int_equal(sw_grow_to(&buf, &cap, 1, 1, 16, 100), 1);
    assert_int_equal(cap, 16);
    assert_int_equal(sw_grow_to(&buf, &cap, 16, 1, 16, 100), 1);
    assert_int_equal(cap, 16);   /* already room: unchanged */
    assert_int_equal(sw_grow_to(&buf, &cap, 40, 1, 16, 100), 1);
    assert_int_equal(cap, 64);   /* 16 -> 32 -> 64 */
    assert_int_equal(sw_grow_to(&buf, &cap, 65, 1, 16, 100), 1);
    assert_int_equal(cap, 100);  /* doubling would pass max */
    char *kept = buf;
    assert_int_equal(sw_grow_to(&buf, &cap, 101, 1, 16, 100), 0);
    assert_ptr_equal(buf, kept); /* refused: unchanged */
    assert_int_equal(cap, 100);
    assert_int_equal(sw_grow_to(&buf, &cap, 200, SIZE_MAX / 2, 16, SIZE_MAX), 0);
    assert_int_equal(cap, 100);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubles_from_first),
        cmocka_unit_test(test_overflow_is_refused),
        cmocka_unit_test(test_uint32_capacity),
        cmocka_unit_test(test_grow_to_need_and_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
