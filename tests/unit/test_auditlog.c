/*
 * test_auditlog.c - the decision log (engine/audit/auditlog.c): records chained by seq and
 * prev; verify finds an edited record, a re-sealed (forged) one, a removed one, a
 * reordered pair, a duplicate, a garbage line, a cut at the start and at the end
 * (with --expect-head) and a torn last line, each at the right line; appending
 * refuses a torn log and leaves it as it was; and many processes and threads
 * appending at once give one intact chain.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit/auditlog.h"
#include "util/digest.h"
#include "audit/record.h"
#include "rules_fixture.h"

#define RULES "rule r \"R\" when phq9 >= 10 then risk suicide end\n"

typedef struct fixture {
    sw_ruleset *rules;
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx || fixture_load(FIXTURE_HEADER RULES, &fx->rules, NULL) != SW_OK)
        return -1;
    strcpy(fx->dir, "/tmp/sw-auditlog-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->path, sizeof fx->path, "%s/log", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx)
        return 0;
    char other[160];
    unlink(fx->path);
    snprintf(other, sizeof other, "%s/bad", fx->dir);
    unlink(other);
    rmdir(fx->dir);
    sw_ruleset_free(fx->rules);
    free(fx);
    return 0;
}

/* Appends one record for a client with the given PHQ-9. */
static sw_status append(const sw_ruleset *rules, const char *path, int phq9, sw_log_entry *entry,
                        sw_diagnostics *diags)
{
    sw_facts *f = NULL;
    sw_result *res = NULL;
    sw_status st = sw_facts_new(rules, &f);
    if (st == SW_OK)
        st = sw_facts_set_int(f, "phq9", phq9, NULL);
    if (st == SW_OK)
        st = sw_evaluate(rules, f, &res);
    sw_record_options o = {NULL, "2026-11-20T10:30:00Z", NULL, 0, 0};
    if (st == SW_OK)
        st = sw_decision_log_append(path, rules, f, res, &o, entry, diags);
    sw_result_free(res);
    sw_facts_free(f);
    return st;
}

/* ---- files as lists of lines ---- */

typedef struct lines {
    char *data;       /* the whole file */
    size_t len;
    char *at[16];     /* starts of the lines */
    size_t size[16];  /* their lengths, with the newline */
    size_t n;
} lines;

static void read_lines(const char *path, lines *l)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    memset(l, 0, sizeof *l);
    l->data = malloc(1 << 20);
    l->len = fread(l->data, 1, 1 << 20, f);
    fclose(f);
    for (size_t i = 0; i < l->len && l->n < 16;) {
        char *nl = memchr(l->data + i, '\n', l->len - i);
        size_t end = nl ? (size_t)(nl - l->data) + 1 : l->len;
        l->at[l->n] = l->data + i;
        l->size[l->n++] = end - i;
        i = end;
    }
}

/* Writes the lines listed in order (indexes into l; -1 ends) to path. */
static void write_lines(const char *path, const lines *l, const int *order)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (; *order >= 0; order++)
        fwrite(l->at[*order], 1, l->size[*order], f);
    fclose(f);
}

static sw_log_verdict verify_file(const char *path, const char *head)
{
    sw_log_verdict v;
    assert_int_equal(sw_decision_log_verify(path, head, &v), SW_OK);
    return v;
}

static void make_log(fixture *fx, int n, lines *l)
{
    unlink(fx->path);
    for (int i = 0; i < n; i++)
        assert_int_equal(append(fx->rules, fx->path, 5 + 3 * i, NULL, NULL), SW_OK);
    read_lines(fx->path, l);
    assert_int_equal(l->n, (size_t)n);
}

/* ---- tests ---- */

static void test_chain(void **state)
{
    fixture *fx = *state;
    unlink(fx->path);
    sw_log_entry e[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(append(fx->rules, fx->path, 12, &e[i], NULL), SW_OK);
    lines l;
    read_lines(fx->path, &l);
    assert_int_equal(l.n, 3);
    char hex[65], prev[65];
    uint64_t seq;
    for (size_t i = 0; i < 3; i++) {
        assert_true(sw_log_parse_chain(l.at[i], l.size[i] - 1, &seq, prev));
        assert_int_equal(seq, i + 1);
        assert_int_equal(e[i].seq, i + 1);
        assert_string_equal(prev, i == 0 ? SW_LOG_GENESIS : e[i - 1].hash);
        assert_true(sw_sha256_hex(l.at[i], l.size[i] - 1, hex));
        assert_string_equal(hex, e[i].hash);
    }
    sw_log_verdict v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_INTACT);
    assert_int_equal(v.records, 3);
    assert_int_equal(v.line, 0);
    assert_int_equal(v.intact_bytes, l.len);
    assert_string_equal(v.head, e[2].hash);
    assert_string_equal(v.message, "3 records, all intact");
    /* an earlier head is still there: not truncated */
    assert_int_equal(verify_file(fx->path, e[1].hash).state, SW_LOG_INTACT);
    free(l.data);
}

static void test_edited_record(void **state)
{
    fixture *fx = *state;
    lines l;
    make_log(fx, 4, &l);
    char *p = strstr(l.at[1], "\"phq9\":8");
    assert_true(p && p < l.at[2]);
    p[7] = '9';
    int order[] = {0, 1, 2, 3, -1};
    write_lines(fx->path, &l, order);
    sw_log_verdict v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_ALTERED);
    assert_int_equal(v.line, 2);
    assert_int_equal(v.records, 1);
    assert_int_equal(v.intact_bytes, l.size[0]);
    assert_string_equal(v.message, "line 2 (record 2) was altered: its content does not match its hash");
    free(l.data);
}

static void test_forged_record(void **state)
{
    fixture *fx = *state;
    lines l;
    make_log(fx, 3, &l);
    /* edit record 2 and seal it again: its own hash is right, line 3's prev is not */
    char *p = strstr(l.at[1], "\"phq9\":8");
    p[7] = '9';
    char hex[65];
    assert_true(sw_record_seal(l.at[1], l.size[1] - 1, hex));
    memcpy(l.at[1] + l.size[1] - 1 - 66, hex, 64);
    int order[] = {0, 1, 2, -1};
    write_lines(fx->path, &l, order);
    sw_log_verdict v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_ALTERED);
    assert_int_equal(v.line, 2);
    assert_int_equal(v.records, 2);
    assert_string_equal(v.message, "line 2 (record 2) was altered or replaced: the prev of line 3 "
                                   "does not match it");
    free(l.data);
}

static void test_removed_reordered(void **state)
{
    fixture *fx = *state;
    lines l;
    make_log(fx, 5, &l);
    static const struct {
        int order[6];
        sw_log_state state;
        uint64_t line, records;
        const char *message;
    } cases[] = {
        {{0, 2, 3, 4, -1}, SW_LOG_REMOVED, 2, 1, "record 2 is missing: it was removed before line 2"},
        {{0, 1, 4, -1}, SW_LOG_REMOVED, 3, 2, "records 3 to 4 are missing: they were removed before line 3"},
        {{1, 2, 3, 4, -1}, SW_LOG_REMOVED, 1, 0, "record 1 is missing: it was removed before line 1"},
        {{0, 2, 1, 3, 4, -1}, SW_LOG_REORDERED, 2, 1,
         "line 2 holds record 3, but record 2 comes later in the file: records were reordered"},
        {{0, 1, 2, 3, 4, 2}, SW_LOG_REORDERED, 6, 5,
         "line 6 holds record 3 out of sequence (record 6 was expected there)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int order[7];
        memcpy(order, cases[i].order, sizeof cases[i].order);
        order[6] = -1;
        write_lines(fx->path, &l, order);
        sw_log_verdict v = verify_file(fx->path, NULL);
        assert_int_equal(v.state, cases[i].state);
        assert_int_equal(v.line, cases[i].line);
        assert_int_equal(v.records, cases[i].records);
        assert_string_equal(v.message, cases[i].message);
    }
    free(l.data);
}

static void test_truncated_end(void **state)
{
    fixture *fx = *state;
    lines l;
    make_log(fx, 3, &l);
    sw_log_verdict full = verify_file(fx->path, NULL);
    int order[] = {0, 1, -1};
    write_lines(fx->path, &l, order);
    /* without the head it looks whole: that is what --expect-head is for */
    assert_int_equal(verify_file(fx->path, NULL).state, SW_LOG_INTACT);
    sw_log_verdict v = verify_file(fx->path, full.head);
    assert_int_equal(v.state, SW_LOG_TRUNCATED);
    assert_int_equal(v.records, 2);
    assert_int_equal(v.line, 3);
    free(l.data);
}

static void test_torn_and_garbage(void **state)
{
    fixture *fx = *state;
    lines l;
    make_log(fx, 3, &l);
    /* cut in the middle of record 3 */
    FILE *f = fopen(fx->path, "wb");
    fwrite(l.data, 1, l.size[0] + l.size[1] + l.size[2] / 2, f);
    fclose(f);
    sw_log_verdict v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_TORN);
    assert_int_equal(v.line, 3);
    assert_int_equal(v.records, 2);
    assert_int_equal(v.intact_bytes, l.size[0] + l.size[1]);
    /* appending to a torn log is refused, and the log is left as it was */
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(append(fx->rules, fx->path, 12, NULL, d), SW_ERR_IO);
    assert_string_equal(sw_diagnostics_at(d, 0)->code, "A020");
    sw_diagnostics_free(d);
    lines after;
    read_lines(fx->path, &after);
    assert_int_equal(after.len, l.size[0] + l.size[1] + l.size[2] / 2);
    free(after.data);
    /* cut off the torn line as verify says: appending works again */
    assert_int_equal(truncate(fx->path, (off_t)v.intact_bytes), 0);
    assert_int_equal(append(fx->rules, fx->path, 12, NULL, NULL), SW_OK);
    v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_INTACT);
    assert_int_equal(v.records, 3);
    /* a line that is not a record */
    f = fopen(fx->path, "ab");
    fputs("{\"hello\":1}\n", f);
    fclose(f);
    v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_ALTERED);
    assert_int_equal(v.line, 4);
    assert_string_equal(v.message, "line 4 is not a decision record");
    assert_int_equal(append(fx->rules, fx->path, 12, NULL, NULL), SW_ERR_IO);
    free(l.data);
}

static void test_empty_and_missing(void **state)
{
    fixture *fx = *state;
    FILE *f = fopen(fx->path, "wb");
    fclose(f);
    sw_log_verdict v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_INTACT);
    assert_int_equal(v.records, 0);
    assert_string_equal(v.head, "");
    assert_int_equal(sw_decision_log_verify("/nonexistent/log", NULL, &v), SW_ERR_IO);
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(append(fx->rules, "/nonexistent/dir/log", 12, NULL, d), SW_ERR_IO);
    assert_int_equal(sw_diagnostics_count(d), 1);
    sw_diagnostics_free(d);
    assert_string_equal(sw_log_state_name(SW_LOG_TORN), "torn");
}

/* ---- concurrent writers ---- */

#define WRITERS 4
#define EACH 10

typedef struct writer {
    const fixture *fx;
    int failures;
} writer;

static void *write_some(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < EACH; i++)
        w->failures += append(w->fx->rules, w->fx->path, i, NULL, NULL) != SW_OK;
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    fixture *fx = *state;
    unlink(fx->path);
    pid_t pids[WRITERS];
    for (int p = 0; p < WRITERS; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            writer w = {fx, 0};
            write_some(&w);
            _exit(w.failures != 0);
        }
    }
    pthread_t threads[WRITERS];
    writer ws[WRITERS];
    for (int t = 0; t < WRITERS; t++) {
        ws[t] = (writer){fx, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, write_some, &ws[t]), 0);
    }
    for (int t = 0; t < WRITERS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(ws[t].failures, 0);
    }
    for (int p = 0; p < WRITERS; p++) {
        int status = -1;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    sw_log_verdict v = verify_file(fx->path, NULL);
    assert_int_equal(v.state, SW_LOG_INTACT);
    assert_int_equal(v.records, 2 * WRITERS * EACH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_edited_record),
        cmocka_unit_test(test_forged_record),
        cmocka_unit_test(test_removed_reordered),
        cmocka_unit_test(test_truncated_end),
        cmocka_unit_test(test_torn_and_garbage),
        cmocka_unit_test(test_empty_and_missing),
        cmocka_unit_test(test_concurrent_writers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
