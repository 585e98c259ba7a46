/*
 * test_json.c - the JSON writer (engine/util/json.c): layout in pretty and compact
 * mode, flat containers, numbers, string escaping, UTF-8 decoding and replacement,
 * misuse and running out of memory. Every test asserts the exact bytes written;
 * the escaper's fast paths (runs found 8 bytes at a time, short strings in one
 * append) are checked byte by byte against a plain reference escaper, for every
 * byte at every position of a word, and read back with a real parser (libyaml,
 * JSON being YAML).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

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

/* ---- the fast paths against a reference ---- */

/* The escape of one code point as docs/result-format.md states it, written out
 * independently of the writer: appends to out and returns the new end. */
static char *ref_escape_cp(char *out, uint32_t cp, const unsigned char *bytes, size_t len)
{
    switch (cp) {
    case '"': return out + sprintf(out, "\\\"");
    case '\\': return out + sprintf(out, "\\\\");
    case '\b': return out + sprintf(out, "\\b");
    case '\f': return out + sprintf(out, "\\f");
    case '\n': return out + sprintf(out, "\\n");
    case '\r': return out + sprintf(out, "\\r");
    case '\t': return out + sprintf(out, "\\t");
    default: break;
    }
    if (cp == SW_UTF8_BAD)
        return out + sprintf(out, "\\ufffd");
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
        return out + sprintf(out, "\\u%04x", (unsigned)cp);
    memcpy(out, bytes, len);
    return out + len;
}

/* The JSON text of s[0..n) by the reference: one code point at a time. The
 * caller's buffer holds 6 * n + 3 bytes. */
static void ref_escape(const unsigned char *s, size_t n, char *out)
{
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = sw_utf8_decode(s + i, n - i, &cp);
        o = ref_escape_cp(o, cp, s + i, len);
        i += len;
    }
    *o++ = '"';
    *o = '\0';
}

static void assert_matches_reference(const unsigned char *s, size_t n)
{
    char *expected = malloc(6 * n + 3);
    assert_non_null(expected);
    ref_escape(s, n, expected);
    sw_buf out = SW_BUF_INIT;
    sw_json_put_string(&out, (const char *)s, n);
    assert_false(sw_buf_failed(&out));
    assert_int_equal(out.len, strlen(expected));
    assert_memory_equal(out.data, expected, out.len);
    sw_buf_free(&out);
    free(expected);
}

/* Each byte 0-255 alone, and at each position of the words and blocks the scanner
 * reads 8 and 16 at a time, the last ones overlapping those before (with plain
 * text before and after it), and as a run at the end. */
static void every_byte_at_every_position(void **state)
{
    (void)state;
    unsigned char s[64];
    for (int b = 0; b < 256; b++) {
        for (size_t before = 0; before <= 33; before++) {
            for (size_t after = 0; after <= 17; after += 4) {
                size_t n = 0;
                for (size_t i = 0; i < before; i++)
                    s[n++] = (unsigned char)('a' + i % 26);
                s[n++] = (unsigned char)b;
                for (size_t i = 0; i < after; i++)
                    s[n++] = (unsigned char)('Z' - i);
                assert_matches_reference(s, n);
                assert_int_equal(sw_json_plain_prefix((const char *)s, n),
                                 (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') ? n : before);
            }
        }
    }
}

/* Well-formed, ill-formed and escaped UTF-8 across word boundaries. */
static void utf8_across_word_boundaries(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "\xc3\xa9", "\xe2\x9c\x93", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xc2\x85",
        "\xe2\x80\xa8", "\xe2\x80\xa9", "\xef\xbf\xbd", "\xc0\xaf", "\xed\xa0\x80",
        "\xf0\x9f\x98", "\xe2\x82", "\x80", "\xff", "\xf5", "\x7f", "\"", "\\", "\n", "\x01",
    };
    unsigned char s[64];
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++)
        for (size_t q = 0; q < sizeof pieces / sizeof *pieces; q++)
            for (size_t before = 0; before <= 9; before++) {
                size_t n = 0;
                memset(s, 'x', before);
                n = before;
                memcpy(s + n, pieces[p], strlen(pieces[p]));
                n += strlen(pieces[p]);
                memcpy(s + n, pieces[q], strlen(pieces[q]));
                n += strlen(pieces[q]);
                memcpy(s + n, "tail", 4);
                n += 4;
                assert_matches_reference(s, n);
            }
}

/* Strings around the short path's limit, and long ones with and without escapes. */
static void long_strings(void **state)
{
    (void)state;
    enum { N = 100000 };
    unsigned char *s = malloc(N);
    assert_non_null(s);
    for (size_t n = 240; n <= 270; n++) {
        memset(s, 'q', n);
        assert_matches_reference(s, n);
    }
    memset(s, 'q', N);
    assert_matches_reference(s, N);
    /* a pseudo-random mix of every byte value, text-like (mostly plain) */
    uint64_t x = 20261207;
    for (size_t i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        unsigned r = (unsigned)(x >> 33);
        s[i] = (unsigned char)(r % 16 == 0 ? (r >> 8) & 0xff : 'a' + (r >> 8) % 26);
    }
    assert_matches_reference(s, N);
    free(s);
}

/* The writer's output read back by libyaml: every string comes back as the text
 * it stands for, ill-formed bytes as U+FFFD. */
static void strings_parse_back(void **state)
{
    (void)state;
    unsigned char all[256 + 32];
    for (int b = 0; b < 256; b++)
        all[b] = (unsigned char)b;
    static const char tail[] = "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\xc2\x85 end";
    memcpy(all + 256, tail, sizeof tail - 1);
    size_t n = 256 + sizeof tail - 1;
    sw_buf out = SW_BUF_INIT;
    sw_json w;
    sw_json_init(&w, &out, 1);
    sw_json_begin_array(&w);
    sw_json_string_n(&w, (const char *)all, n);
    sw_json_string(&w, "plain");
    sw_json_end_array(&w);
    assert_int_equal(sw_json_finish(&w), SW_OK);
    /* the expected text: valid sequences as they are, each ill-formed byte
     * (every byte 0x80-0xFF stands alone here) as U+FFFD */
    unsigned char expected[4 * (256 + 32)];
    size_t e = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = sw_utf8_decode(all + i, n - i, &cp);
        if (cp == SW_UTF8_BAD) {
            memcpy(expected + e, "\xef\xbf\xbd", 3);
            e += 3;
        } else {
            memcpy(expected + e, all + i, len);
            e += len;
        }
        i += len;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    assert_int_equal(yaml_parser_initialize(&parser), 1);
    yaml_parser_set_input_string(&parser, (const unsigned char *)out.data, out.len);
    assert_int_equal(yaml_parser_load(&parser, &doc), 1);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    assert_non_null(root);
    assert_int_equal(root->type, YAML_SEQUENCE_NODE);
    assert_int_equal(root->data.sequence.items.top - root->data.sequence.items.start, 2);
    yaml_node_t *first = yaml_document_get_node(&doc, root->data.sequence.items.start[0]);
    assert_int_equal(first->type, YAML_SCALAR_NODE);
    assert_int_equal(first->data.scalar.length, e);
    assert_memory_equal(first->data.scalar.value, expected, e);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    sw_buf_free(&out);
}

static void flat_containers_stay_on_one_line(void **state)
{
    fixture *f = *state;
    sw_json_begin_object(&f->w);
    sw_json_key(&f->w, "rows");
    sw_json_begin_array(&f->w);
    sw_json_begin_flat_object(&f->w);
    sw_json_key(&f->w, "rule");
    sw_json_uint(&f->w, 3);
    sw_json_key(&f->w, "cites");
    sw_json_begin_flat_array(&f->w);
    sw_json_uint(&f->w, 1);
    sw_json_begin_array(&f->w);   /* inside a flat one: flat too */
    sw_json_null(&f->w);
    sw_json_end_array(&f->w);
    sw_json_end_array(&f->w);
    sw_json_key(&f->w, "none");
    sw_json_begin_flat_array(&f->w);
    sw_json_end_array(&f->w);
    sw_json_end_object(&f->w);
    sw_json_begin_flat_array(&f->w);
    sw_json_end_array(&f->w);
    sw_json_end_array(&f->w);
    sw_json_key(&f->w, "after");
    sw_json_bool(&f->w, 1);
    sw_json_end_object(&f->w);
    assert_written(f, "{\n"
                      "  \"rows\": [\n"
                      "    {\"rule\": 3, \"cites\": [1, [null]], \"none\": []},\n"
                      "    []\n"
                      "  ],\n"
                      "  \"after\": true\n"
                      "}");
}

static void flat_containers_compact(void **state)
{
    fixture *f = *state;
    sw_json_begin_flat_object(&f->w);
    sw_json_key(&f->w, "a");
    sw_json_begin_flat_array(&f->w);
    sw_json_uint(&f->w, 1);
    sw_json_uint(&f->w, 2);
    sw_json_end_array(&f->w);
    sw_json_key(&f->w, "b");
    sw_json_string(&f->w, "x");
    sw_json_end_object(&f->w);
    assert_written(f, "{\"a\":[1,2],\"b\":\"x\"}");
}

static void long_keys_and_deep_indents(void **state)
{
    fixture *f = *state;
    char key[200];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    for (int i = 0; i < SW_JSON_MAX_DEPTH - 1; i++) {
        sw_json_begin_object(&f->w);
        sw_json_key(&f->w, i == 0 ? key : "k");
    }
    sw_json_begin_array(&f->w);
    sw_json_end_array(&f->w);
    for (int i = 0; i < SW_JSON_MAX_DEPTH - 1; i++)
        sw_json_end_object(&f->w);
    assert_int_equal(sw_json_finish(&f->w), SW_OK);
    /* the deepest line: 62 levels of indent, then the last key */
    char line[2 * SW_JSON_MAX_DEPTH + 16];
    snprintf(line, sizeof line, "\n%*s\"k\": []\n", 2 * (SW_JSON_MAX_DEPTH - 1), "");
    assert_non_null(strstr(f->out.data, line));
    char first[sizeof key + 16];
    snprintf(first, sizeof first, "{\n  \"%s\": {\n", key);
    assert_int_equal(strncmp(f->out.data, first, strlen(first)), 0);
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
        cmocka_unit_test(every_byte_at_every_position),
        cmocka_unit_test(utf8_across_word_boundaries),
        cmocka_unit_test(long_strings),
        cmocka_unit_test(strings_parse_back),
        WITH(flat_containers_stay_on_one_line, setup_pretty),
        WITH(flat_containers_compact, setup_compact),
        WITH(long_keys_and_deep_indents, setup_pretty),
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
