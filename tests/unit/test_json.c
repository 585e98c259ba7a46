/*
 * test_json.c - the JSON writer (engine/util/json.c): layout in pretty and compact
 * mode, numbers, string escaping, UTF-8 decoding and replacement, misuse and
 * running out of memory. Every test asserts the exact bytes written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>
#include <math.h>

#include "util/json.h"

/* ---- helpers ---- */

typedef struct fixture {
    sw_buf out;
    sw_json w;
} fixture;

static int setup_compact(void **state)
{
    fixture *f = test_calloc(1, sizeof *f);
    if (!f)
        return -1;
    sw_json_init(&f->w, &f->out, 0);
    *state = f;
    return 0;
}

static int setup_pretty(void **state)
{
    int rc = setup_compact(state);
    if (rc == 0)
        sw_json_init(&((fixture *)*state)->w, &((fixture *)*state)->out, 1);
    return rc;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sw_buf_free(&f->out);
    test_free(f);
    return 0;
}

static void assert_written(fixture *f, const char *expected)
{
    assert_int_equal(sw_json_finish(&f->w), SW_OK);
    assert_non_null(f->out.data);
    assert_string_equal(f->out.data, expected);
    assert_int_equal(f->out.len, strlen(expected));
}

/* The JSON text of one string value written with sw_json_string_n. */
static void assert_string_json(const char *input, size_t len, const char *expected)
{
    sw_buf out = SW_BUF_INIT;
    sw_json w;
    sw_json_init(&w, &out, 0);
    sw_json_string_n(&w, input, len);
    assert_int_equal(sw_json_finish(&w), SW_OK);
    assert_string_equal(out.data, expected);
    sw_buf_free(&out);
}

#define ASSERT_STRING_JSON(input, expected) \
    assert_string_json(input, sizeof(input) - 1, expected)

static void build_sample(sw_json *w)
{
    sw_json_begin_object(w);
    sw_json_key(w, "a");
    sw_json_begin_array(w);
    sw_json_int(w, 1);
    sw_json_begin_object(w);
    sw_json_key(w, "b");
    sw_json_null(w);
    sw_json_key(w, "c");
    sw_json_bool(w, 1);
    sw_json_end_object(w);
    sw_json_begin_array(w);
    sw_json_end_array(w);
    sw_json_end_array(w);
    sw_json_key(w, "d");
    sw_json_begin_object(w);
    sw_json_end_object(w);
    sw_json_key(w, "e");
    sw_json_string(w, "x");
    sw_json_end_object(w);
}

/* ---- layout ---- */

static void compact_layout(void **state)
{
    fixture *f = *state;
    build_sample(&f->w);
    assert_written(f, "{\"a\":[1,{\"b\":null,\"c\":true},[]],\"d\":{},\"e\":\"x\"}");
}

static void pretty_layout(void **state)
{
    fixture *f = *state;
    build_sample(&f->w);
    assert_written(f, "{\n"
                      "  \"a\": [\n"
                      "    1,\n"
                      "    {\n"
                      "      \"b\": null,\n"
                      "      \"c\": true\n"
                      "    },\n"
                      "    []\n"
                      "  ],\n"
                      "  \"d\": {},\n"
                      "  \"e\": \"x\"\n"
                      "}");
}

static void pretty_empty_object(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_end_object(&f->w);
    assert_written(f, "{}");
}

static void top_level_scalar(void **state)
{
    fixture *f = *state;
    sw_json_bool(&f->w, 0);
    assert_written(f, "false");
}

static void appends_to_existing_text(void **state)
{
    fixture *f = *state;
    sw_buf_puts(&f->out, "x=");
    sw_json_begin_array(&f->w);
    sw_json_null(&f->w);
    sw_json_end_array(&f->w);
    assert_written(f, "x=[\n  null\n]");
}

/* ---- numbers ---- */

static void integers(void **state)
{
    fixture *f = *state;
    sw_json_begin_array(&f->w);
    sw_json_int(&f->w, INT64_MIN);
    sw_json_int(&f->w, INT64_MAX);
    sw_json_int(&f->w, 0);
    sw_json_int(&f->w, -7);
    sw_json_uint(&f->w, UINT64_MAX);
    sw_json_end_array(&f->w);
    assert_written(f, "[-9223372036854775808,9223372036854775807,0,-7,18446744073709551615]");
}

static void doubles_shortest_round_trip(void **state)
{
    fixture *f = *state;
    sw_json_begin_array(&f->w);
    sw_json_number(&f->w, 0.1);
    sw_json_number(&f->w, 3.0);
    sw_json_number(&f->w, -1.5);
    sw_json_number(&f->w, 1e300);
    sw_json_number(&f->w, -0.0);
    sw_json_number(&f->w, 5e-324);
    sw_json_number(&f->w, 0.1 + 0.2);
    sw_json_number(&f->w, 123456789.125);
    sw_json_end_array(&f->w);
    assert_written(f, "[0.1,3,-1.5,1e+300,-0,5e-324,0.30000000000000004,"
                      "123456789.125]");
}

static void non_finite_numbers_are_null(void **state)
{
    fixture *f = *state;
    sw_json_begin_array(&f->w);
    sw_json_number(&f->w, NAN);
    sw_json_number(&f->w, INFINITY);
    sw_json_number(&f->w, -INFINITY);
    sw_json_end_array(&f->w);
    assert_written(f, "[null,null,null]");
}

/* ---- strings ---- */

static void null_string_is_null(void **state)
{
    fixture *f = *state;
    sw_json_string(&f->w, NULL);
    assert_written(f, "null");
}

static void stringf_formats(void **state)
{
    fixture *f = *state;
    sw_json_stringf(&f->w, "%s:%u", "rules/a \"b\".sw", 12u);
    assert_written(f, "\"rules/a \\\"b\\\".sw:12\"");
}

static void stringf_failure_writes_null(void **state)
{
    fixture *f = *state;
    /* No locale can encode this wide character, so printf fails at once and the
     * scratch text reports failure as if memory had run out. */
    static const wchar_t unencodable[] = {0x7FFFFFFF, 0};
    sw_json_begin_array(&f->w);
    sw_json_stringf(&f->w, "%ls", unencodable);
    sw_json_end_array(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_NOMEM);
    assert_string_equal(f->out.data, "[null]");
}

static void quotes_and_backslashes(void **state)
{
    (void)state;
    ASSERT_STRING_JSON("say \"hi\" \\ C:\\dir\\", "\"say \\\"hi\\\" \\\\ C:\\\\dir\\\\\"");
    ASSERT_STRING_JSON("/ is not escaped", "\"/ is not escaped\"");
    ASSERT_STRING_JSON("", "\"\"");
}

static void every_control_character(void **state)
{
    (void)state;
    char input[32];
    for (int c = 0; c < 32; c++)
        input[c] = (char)c;
    assert_string_json(input, sizeof input,
                       "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
                       "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                       "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
                       "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
}

static void delete_c1_and_line_separators(void **state)
{
    (void)state;
    ASSERT_STRING_JSON("a\x7f" "b", "\"a\\u007fb\"");
    ASSERT_STRING_JSON("\xc2\x80\xc2\x85\xc2\x9f", "\"\\u0080\\u0085\\u009f\"");
    ASSERT_STRING_JSON("x\xe2\x80\xa8y\xe2\x80\xa9z", "\"x\\u2028y\\u2029z\"");
    /* the neighbours of the escaped ranges are copied */
    ASSERT_STRING_JSON("~\xc2\xa0\xe2\x80\xa7\xe2\x80\xaa",
                       "\"~\xc2\xa0\xe2\x80\xa7\xe2\x80\xaa\"");
}

static void non_ascii_kept_as_is(void **state)
{
    (void)state;
    ASSERT_STRING_JSON("h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80 \xef\xbf\xbd \xf4\x8f\xbf\xbf",
                       "\"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80 \xef\xbf\xbd "
                       "\xf4\x8f\xbf\xbf\"");
}

static void invalid_utf8_replaced(void **state)
{
    (void)state;
    ASSERT_STRING_JSON("\xff", "\"\\ufffd\"");
    ASSERT_STRING_JSON("a\x80" "b", "\"a\\ufffdb\"");               /* lone continuation */
    ASSERT_STRING_JSON("\xc0\xaf", "\"\\ufffd\\ufffd\"");           /* overlong '/' */
    ASSERT_STRING_JSON("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""); /* overlong, 3 bytes */
    ASSERT_STRING_JSON("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate D800 */
    ASSERT_STRING_JSON("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    ASSERT_STRING_JSON("\xf5\x80", "\"\\ufffd\\ufffd\"");
    ASSERT_STRING_JSON("\xe2\x82", "\"\\ufffd\"");                  /* cut short at the end */
    ASSERT_STRING_JSON("\xe2\x82x", "\"\\ufffdx\"");                /* cut short by ASCII */
    ASSERT_STRING_JSON("\xf0\x9f\x98", "\"\\ufffd\"");
    ASSERT_STRING_JSON("\xf0\x9f\x98\"", "\"\\ufffd\\\"\"");        /* the quote survives */
    ASSERT_STRING_JSON("\xc3\xa9\xff\xc3\xa9", "\"\xc3\xa9\\ufffd\xc3\xa9\"");
}

static void keys_are_escaped(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_key(&f->w, "a\"\n\xff");
    sw_json_int(&f->w, 1);
    sw_json_end_object(&f->w);
    assert_written(f, "{\"a\\\"\\n\\ufffd\":1}");
}

/* ---- UTF-8 decoding ---- */

static void assert_decodes(const char *bytes, size_t n, size_t len, uint32_t cp)
{
    uint32_t got = 0;
    assert_int_equal(sw_utf8_decode((const unsigned char *)bytes, n, &got), len);
    assert_int_equal(got, cp);
}

#define ASSERT_DECODES(bytes, len, cp) assert_decodes(bytes, sizeof(bytes) - 1, len, cp)

static void utf8_boundaries(void **state)
{
    (void)state;
    ASSERT_DECODES("\x7f", 1, 0x7F);
    ASSERT_DECODES("\xc2\x80", 2, 0x80);
    ASSERT_DECODES("\xdf\xbf", 2, 0x7FF);
    ASSERT_DECODES("\xe0\xa0\x80", 3, 0x800);
    ASSERT_DECODES("\xed\x9f\xbf", 3, 0xD7FF);
    ASSERT_DECODES("\xee\x80\x80", 3, 0xE000);
    ASSERT_DECODES("\xef\xbf\xbf", 3, 0xFFFF);
    ASSERT_DECODES("\xf0\x90\x80\x80", 4, 0x10000);
    ASSERT_DECODES("\xf4\x8f\xbf\xbf", 4, 0x10FFFF);
    ASSERT_DECODES("ab", 1, 'a');
}

static void utf8_maximal_subparts(void **state)
{
    (void)state;
    ASSERT_DECODES("\xc1\xbf", 1, SW_UTF8_BAD);
    ASSERT_DECODES("\xe0\x9f\x80", 1, SW_UTF8_BAD);
    ASSERT_DECODES("\xe1\x80", 2, SW_UTF8_BAD);
    ASSERT_DECODES("\xe1\x80\x41", 2, SW_UTF8_BAD);
    ASSERT_DECODES("\xf0\x8f\x80\x80", 1, SW_UTF8_BAD);
    ASSERT_DECODES("\xf1\x80\x80", 3, SW_UTF8_BAD);
    ASSERT_DECODES("\xf1\x80\x80\xc0", 3, SW_UTF8_BAD);
    ASSERT_DECODES("\xf4\x90", 1, SW_UTF8_BAD);
    ASSERT_DECODES("\xf8\x88\x80\x80\x80", 1, SW_UTF8_BAD);
    /* n limits the read even when more bytes follow */
    assert_decodes("\xc3\xa9", 1, 1, SW_UTF8_BAD);
}

/* ---- misuse and failure ---- */

static void value_without_key_in_object(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_int(&f->w, 1);
    sw_json_end_object(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void key_inside_array(void **state)
{
    fixture *f = *state;
    sw_json_begin_array(&f->w);
    sw_json_key(&f->w, "a");
    sw_json_int(&f->w, 1);
    sw_json_end_array(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void key_without_value(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_key(&f->w, "a");
    sw_json_end_object(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void two_keys_in_a_row(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_key(&f->w, "a");
    sw_json_key(&f->w, "b");
    sw_json_int(&f->w, 1);
    sw_json_end_object(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void mismatched_end(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_end_array(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void unclosed_container(void **state)
{
    fixture *f = *state;
    sw_json_begin_array(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void nothing_written(void **state)
{
    fixture *f = *state;
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void second_top_level_value(void **state)
{
    fixture *f = *state;
    sw_json_null(&f->w);
    sw_json_null(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
    assert_string_equal(f->out.data, "null");
}

static void nest(sw_json *w, unsigned levels)
{
    for (unsigned i = 0; i < levels; i++)
        sw_json_begin_array(w);
    for (unsigned i = 0; i < levels; i++)
        sw_json_end_array(w);
}

static void deepest_nesting_allowed(void **state)
{
    fixture *f = *state;
    nest(&f->w, SW_JSON_MAX_DEPTH);
    assert_int_equal(sw_json_finish(&f->w), SW_OK);
    assert_int_equal(f->out.len, 2 * SW_JSON_MAX_DEPTH);
}

static void too_deep(void **state)
{
    fixture *f = *state;
    nest(&f->w, SW_JSON_MAX_DEPTH + 1);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_ARG);
}

static void out_of_memory_is_reported(void **state)
{
    fixture *f = *state;
    f->out.failed = 1;   /* as the buffer marks itself when realloc fails */
    build_sample(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_ERR_NOMEM);
    assert_null(f->out.data);
}

#define WITH(test, setup) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        WITH(compact_layout, setup_compact),
        WITH(pretty_layout, setup_pretty),
        WITH(pretty_empty_object, setup_pretty),
        WITH(top_level_scalar, setup_pretty),
        WITH(appends_to_existing_text, setup_pretty),
        WITH(integers, setup_compact),
        WITH(doubles_shortest_round_trip, setup_compact),
        WITH(non_finite_numbers_are_null, setup_compact),
        WITH(null_string_is_null, setup_compact),
        WITH(stringf_formats, setup_compact),
        WITH(stringf_failure_writes_null, setup_compact),
        cmocka_unit_test(quotes_and_backslashes),
        cmocka_unit_test(every_control_character),
        cmocka_unit_test(delete_c1_and_line_separators),
        cmocka_unit_test(non_ascii_kept_as_is),
        cmocka_unit_test(invalid_utf8_replaced),
        WITH(keys_are_escaped, setup_compact),
        cmocka_unit_test(utf8_boundaries),
        cmocka_unit_test(utf8_maximal_subparts),
        WITH(value_without_key_in_object, setup_compact),
        WITH(key_inside_array, setup_compact),
        WITH(key_without_value, setup_compact),
        WITH(two_keys_in_a_row, setup_compact),
        WITH(mismatched_end, setup_compact),
        WITH(unclosed_container, setup_compact),
        WITH(nothing_written, setup_compact),
        WITH(second_top_level_value, setup_compact),
        WITH(deepest_nesting_allowed, setup_compact),
        WITH(too_deep, setup_compact),
        WITH(out_of_memory_is_reported, setup_compact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
