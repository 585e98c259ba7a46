/*
 * test_store.c - the decision store's parts that need no database (store_pg.c):
 * which URLs name a store, passwords kept out of messages, and a connection that
 * fails with A030 and no password in its diagnostic. The store against a real
 * PostgreSQL is tests/store/store_test.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stagewise.h"

static void test_is_url(void **state)
{
    (void)state;
    assert_true(sw_store_is_url("postgresql://db/x"));
    assert_true(sw_store_is_url("postgres://db/x"));
    assert_false(sw_store_is_url("decisions.log"));
    assert_false(sw_store_is_url("postgresql:/db"));
    assert_false(sw_store_is_url(NULL));
}

static void redacts(const char *url, const char *want)
{
    char out[256];
    sw_store_redact_url(url, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_redact(void **state)
{
    (void)state;
    redacts("postgresql://sw:secret@db:5432/x", "postgresql://sw:***@db:5432/x");
    redacts("postgresql://sw@db/x", "postgresql://sw@db/x");
    redacts("postgresql://db/x?user=sw&password=secret&sslmode=require",
            "postgresql://db/x?user=sw&password=***&sslmode=require");
    redacts("postgresql://a:b@/x?host=/tmp&password=c", "postgresql://a:***@/x?host=/tmp&password=***");
    redacts("postgresql://db/x?oldpassword=keep", "postgresql://db/x?oldpassword=keep");
    redacts("postgresql://u:p@w@db/x", "postgresql://u:***@db/x");
    char small[8];
    sw_store_redact_url("postgresql://sw:secret@db/x", small, sizeof small);
    assert_string_equal(small, "postgre");
}

static void test_unreachable(void **state)
{
    (void)state;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_store *store = (sw_store *)1;
    sw_status st = sw_store_open("postgresql://sw:secret@/x?host=/nonexistent-dir&port=1&connect_timeout=2",
                                 &store, diags);
    assert_int_equal(st, SW_ERR_IO);
    assert_null(store);
    assert_int_equal(sw_diagnostics_count(diags), 1);
    const sw_diagnostic *d = sw_diagnostics_at(diags, 0);
    assert_string_equal(d->code, "A030");
    assert_null(strstr(d->message, "secret"));
    assert_non_null(d->file);
    assert_null(strstr(d->file, "secret"));
    assert_non_null(strstr(d->message, "cannot connect to the decision store"));
    sw_diagnostics_free(diags);
    sw_store_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_url),
        cmocka_unit_test(test_redact),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
