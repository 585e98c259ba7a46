/*
 * test_errors_doc.c - the error index (docs/errors.md) covers every diagnostic
 * code: each "E123" or "F123" string in the sources that report rule-file and
 * facts problems must appear in a heading or table row of the index, and every
 * code the index lists must still be one those sources use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DOC_PATH SW_SOURCE_DIR "/docs/errors.md"

/* Every file that reports E or F diagnostics. */
static const char *const source_paths[] = {
    SW_SOURCE_DIR "/engine/check/check.c",
    SW_SOURCE_DIR "/engine/check/front.c",
    SW_SOURCE_DIR "/engine/check/check_fhir.c",
    SW_SOURCE_DIR "/engine/api/ruleset.c",
    SW_SOURCE_DIR "/engine/lang/syntax.c",
    SW_SOURCE_DIR "/grammar/parser.y",
    SW_SOURCE_DIR "/grammar/lexer.l",
    SW_SOURCE_DIR "/engine/facts/facts.c",
    SW_SOURCE_DIR "/engine/facts/facts_check.c",
    SW_SOURCE_DIR "/engine/facts/facts_read.c",
    SW_SOURCE_DIR "/engine/facts/facts_stream.c",
    SW_SOURCE_DIR "/engine/facts/fhir.c",
};

enum { MAX_CODES = 1000, CODE_LEN = 4 };

typedef struct code_set {
    char code[MAX_CODES][CODE_LEN + 1];
    size_t n;
} code_set;

/* Reads a whole file as a NUL-terminated string; NULL if it cannot. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 65536;
    char *text = malloc(cap + 1);
    while (text) {
        size_t n = fread(text + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        char *bigger = realloc(text, cap * 2 + 1);
        if (!bigger) {
            free(text);
            text = NULL;
            break;
        }
        text = bigger;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!text || failed) {
        free(text);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_word_char(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

/* An E or F code (a letter and three digits) starts at p. */
static int is_code_at(const char *p)
{
    return (p[0] == 'E' || p[0] == 'F') && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]);
}

static int set_has(const code_set *s, const char *code)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->code[i], code, CODE_LEN) == 0)
            return 1;
    return 0;
}

static void set_add(code_set *s, const char *code)
{
    if (set_has(s, code))
        return;
    assert_true(s->n < MAX_CODES);
    memcpy(s->code[s->n], code, CODE_LEN);
    s->code[s->n][CODE_LEN] = '\0';
    s->n++;
}

/* Collects every string literal of exactly the form "E123" or "F123". */
static void scan_source(const char *text, code_set *out)
{
    for (const char *p = strchr(text, '"'); p; p = strchr(p + 1, '"'))
        if (is_code_at(p + 1) && p[1 + CODE_LEN] == '"')
            set_add(out, p + 1);
}

/* Calls fn for each line of the doc that is a heading or a table row, outside
 * fenced code blocks (where a '#' line is a comment of an example). */
static void each_listing_line(const char *doc, void (*fn)(const char *, size_t, void *),
                              void *ctx)
{
    int fenced = 0;
    for (const char *line = doc; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *p = line;
        while (p < line + len && *p == ' ')
            p++;
        if (len - (size_t)(p - line) >= 3 && strncmp(p, "```", 3) == 0)
            fenced = !fenced;
        else if (!fenced && p < line + len && (*p == '#' || *p == '|'))
            fn(line, len, ctx);
        line += len + (end ? 1 : 0);
    }
}

/* Calls fn for each code in text[0..len) standing as a word of its own. */
static void each_code_in(const char *text, size_t len, void (*fn)(const char *, void *), void *ctx)
{
    for (size_t i = 0; i + CODE_LEN <= len; i++)
        if (is_code_at(text + i) && (i == 0 || !is_word_char(text[i - 1])) &&
            (i + CODE_LEN == len || !is_word_char(text[i + CODE_LEN])))
            fn(text + i, ctx);
}

typedef struct find_ctx {
    const char *code;
    int found;
} find_ctx;

static void match_code(const char *code, void *ctx)
{
    find_ctx *f = ctx;
    if (strncmp(code, f->code, CODE_LEN) == 0)
        f->found = 1;
}

static void find_in_line(const char *line, size_t len, void *ctx)
{
    each_code_in(line, len, match_code, ctx);
}

/* Whether a heading or table row of the doc names the code. */
static int doc_lists(const char *doc, const char *code)
{
    find_ctx f = {code, 0};
    each_listing_line(doc, find_in_line, &f);
    return f.found;
}

static void add_code(const char *code, void *ctx) { set_add(ctx, code); }

static void collect_line(const char *line, size_t len, void *ctx)
{
    each_code_in(line, len, add_code, ctx);
}

/* The codes named in the doc's headings and table rows. */
static void doc_codes(const char *doc, code_set *out)
{
    each_listing_line(doc, collect_line, out);
}

/* The codes used by the sources; fails if a source cannot be read. */
static void source_codes(code_set *out)
{
    for (size_t i = 0; i < sizeof source_paths / sizeof source_paths[0]; i++) {
        char *text = read_text(source_paths[i]);
        if (!text)
            print_error("cannot read %s\n", source_paths[i]);
        assert_non_null(text);
        scan_source(text, out);
        free(text);
    }
}

static char *read_doc(void)
{
    char *doc = read_text(DOC_PATH);
    if (!doc)
        print_error("cannot read %s\n", DOC_PATH);
    assert_non_null(doc);
    return doc;
}

static void test_every_source_code_documented(void **state)
{
    (void)state;
    code_set *codes = calloc(1, sizeof *codes);
    assert_non_null(codes);
    source_codes(codes);
    /* the scan finds the real codes of every family, so an empty scan cannot pass */
    static const char *const known[] = {"E001", "E010", "E101", "E201", "E301", "F001", "F013"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_true(set_has(codes, known[i]));
    char *doc = read_doc();
    size_t missing = 0;
    for (size_t i = 0; i < codes->n; i++)
        if (!doc_lists(doc, codes->code[i])) {
            print_error("%s is reported by the engine but docs/errors.md has no heading "
                        "or table row for it\n", codes->code[i]);
            missing++;
        }
    assert_int_equal(missing, 0);
    free(doc);
    free(codes);
}

static void test_every_documented_code_used(void **state)
{
    (void)state;
    code_set *used = calloc(1, sizeof *used), *listed = calloc(1, sizeof *listed);
    assert_non_null(used);
    assert_non_null(listed);
    source_codes(used);
    char *doc = read_doc();
    doc_codes(doc, listed);
    size_t stale = 0;
    for (size_t i = 0; i < listed->n; i++)
        if (!set_has(used, listed->code[i])) {
            print_error("docs/errors.md lists %s, which no source reports\n", listed->code[i]);
            stale++;
        }
    assert_int_equal(stale, 0);
    free(doc);
    free(listed);
    free(used);
}

/* The checks can fail: a code the doc does not list is found missing. */
static void test_missing_code_detected(void **state)
{
    (void)state;
    char *doc = read_doc();
    assert_true(doc_lists(doc, "E101"));
    assert_false(doc_lists(doc, "E999"));
    assert_false(doc_lists(doc, "F999"));
    free(doc);

    static const char sample[] =
        "# Errors\n"
        "### E101: unknown fact\n"
        "| [E202](#x) | out of range |\n"
        "E303 is only mentioned in prose.\n"
        "```\n"
        "# E404 in an example's comment\n"
        "| E505 in an example\n"
        "```\n"
        "## E1067 and XE106 are other words\n"
        "| F001 |\n";
    assert_true(doc_lists(sample, "E101"));
    assert_true(doc_lists(sample, "E202"));
    assert_true(doc_lists(sample, "F001"));
    assert_false(doc_lists(sample, "E303"));
    assert_false(doc_lists(sample, "E404"));
    assert_false(doc_lists(sample, "E505"));
    assert_false(doc_lists(sample, "E106"));
}

static void test_source_scan(void **state)
{
    (void)state;
    code_set *s = calloc(1, sizeof *s);
    assert_non_null(s);
    scan_source("report(m, \"E123\", x); \"F0012\" \"E12\" \"L003\" \"e124\" E125 \"F007\"\n", s);
    assert_int_equal(s->n, 2);
    assert_string_equal(s->code[0], "E123");
    assert_string_equal(s->code[1], "F007");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_source_code_documented),
        cmocka_unit_test(test_every_documented_code_used),
        cmocka_unit_test(test_missing_code_detected),
        cmocka_unit_test(test_source_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
