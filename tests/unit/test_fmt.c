/*
 * test_fmt.c - the formatter: the canonical layout, comments kept, idempotence,
 * refusal of broken files, and the proof that formatting changes no meaning:
 * every .sw file in the repository is formatted in memory, and every rule set
 * among them compiles to the same dump (engine/compile/dump.c) before and after. Also
 * that the editor grammars (editors/) know every word the formatter writes.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "compile/dump.h"
#include "authoring/fmt.h"
#include "compile/program.h"

/* ---- helpers ---- */

static char *format(const char *text, size_t len, sw_status *status, char **rendered)
{
    sw_diagnostics *d = sw_diagnostics_new();
    char *out = NULL;
    assert_non_null(d);
    *status = sw_fmt_text("test.sw", text, len, &out, NULL, d);
    if (rendered)
        assert_int_equal(sw_diagnostics_render(d, rendered, NULL), SW_OK);
    sw_diagnostics_free(d);
    return out;
}

static char *format_ok(const char *text)
{
    sw_status st;
    char *out = format(text, strlen(text), &st, NULL);
    assert_int_equal(st, SW_OK);
    assert_non_null(out);
    return out;
}

/* Formats text, expects exactly `expected`, and that formatting it again changes nothing. */
static void expect_layout(const char *text, const char *expected)
{
    char *out = format_ok(text);
    assert_string_equal(out, expected);
    char *again = format_ok(out);
    assert_string_equal(again, out);
    sw_free(again);
    sw_free(out);
}

/* ---- the layout ---- */

static void test_rule_layout(void **state)
{
    (void)state;
    expect_layout(
        "rule r \"R\" version \"1.2.0\" cites A.b, C \"loc\" priority high reviewed 2026-01-02\n"
        "author \"me\" status draft allow L004 because \"one\" allow L007 because \"two\"\n"
        "when x = 3 or y == 2 or z != 1 then risk q severity critical because \"why\" move s end\n",
        "rule r \"R\"\n"
        "  cites A.b, C \"loc\"\n"
        "  priority high\n"
        "  author \"me\"\n"
        "  reviewed 2026-01-02\n"
        "  version \"1.2.0\"\n"
        "  status draft\n"
        "  allow L004 because \"one\"\n"
        "  allow L007 because \"two\"\n"
        "when\n"
        "  x = 3\n"
        "  or y == 2\n"
        "  or z != 1\n"
        "then\n"
        "  risk q severity critical\n"
        "    because \"why\"\n"
        "  move s\n"
        "end\n");
}

static void test_declarations_layout(void **state)
{
    (void)state;
    expect_layout(
        "guideline   g \"G\"   version \"1.0.0\"\n"
        "source DD \"Doc\" file \"d.txt\"\n"
        "statement DD.s1 \"Sec\" \"Text \\\"quoted\\\".\" excused \"No condition\"\n"
        "stage a \"A\" goal \"Goal\"  stage b \"B\"\n"
        "order a->b\n"
        "facts { n: int -5..5 \"N\" s: set of {x,y} \"S\" } facts{}\n"
        "facts { t: one of {p , q} \"T\" }\n"
        "derived f: number 1.50..2.0e3 \"F\" default -1.5\n"
        "derived g: one of { a, b } \"G\" default b\n"
        "intervention i \"I\" cites DD.s1 kind social\n"
        "risk k \"K\" severity critical cites DD\n",
        "guideline g \"G\" version \"1.0.0\"\n"
        "source DD \"Doc\" file \"d.txt\"\n"
        "statement DD.s1 \"Sec\" \"Text \\\"quoted\\\".\"\n"
        "  excused \"No condition\"\n"
        "stage a \"A\" goal \"Goal\"\n"
        "stage b \"B\"\n"
        "order a -> b\n"
        "\n"
        "facts {\n"
        "  n: int -5..5 \"N\"\n"
        "  s: set of { x, y } \"S\"\n"
        "}\n"
        "\n"
        "facts {\n"
        "  t: one of { p, q } \"T\"\n"
        "}\n"
        "\n"
        "derived f: number 1.50..2.0e3 \"F\" default -1.5\n"
        "derived g: one of { a, b } \"G\" default b\n"
        "intervention i \"I\" kind social cites DD.s1\n"
        "risk k \"K\" severity critical cites DD\n");
}

/* The fewest parentheses precedence needs, plus 'and' inside 'or' and a
 * comparison after 'not'; and/or groups broken to fit 80 columns. */
/* A fhir mapping: the head, then one clause a line, a map one code a line. */
static void test_fhir_layout(void **state)
{
    (void)state;
    expect_layout(
        "guideline g \"G\" version \"1.0.0\"\n"
        "facts { i9: int 0..3 \"Item 9\" }\n"
        "fhir i9: QuestionnaireResponse \"http://q/phq9\" item \"/44260-8\" value code\n"
        "  map { \"http://loinc.org|LA6568-5\" -> 0, # not at all\n"
        "  \"http://loinc.org|LA6569-3\" -> 1 } within 30 days\n"
        "fhir x: Observation \"a|b\" value number unit \"{score}\", \"1\"\n",
        "guideline g \"G\" version \"1.0.0\"\n"
        "\n"
        "facts {\n"
        "  i9: int 0..3 \"Item 9\"\n"
        "}\n"
        "\n"
        "fhir i9: QuestionnaireResponse \"http://q/phq9\"\n"
        "  item \"/44260-8\"\n"
        "  value code\n"
        "  map {\n"
        "    \"http://loinc.org|LA6568-5\" -> 0, # not at all\n"
        "    \"http://loinc.org|LA6569-3\" -> 1\n"
        "  }\n"
        "  within 30 days\n"
        "\n"
        "fhir x: Observation \"a|b\"\n"
        "  value number\n"
        "  unit \"{score}\", \"1\"\n");
}

static void test_expressions(void **state)
{
    (void)state;
    expect_layout(
        "rule r \"R\" when not (a and b) or c and d or (e or f) then advise p end\n",
        "rule r \"R\"\nwhen\n  not (a and b)\n  or (c and d)\n  or (e or f)\nthen\n  advise p\nend\n");
    expect_layout(
        "rule r \"R\" when a or (b or c) then advise p end\n",
        "rule r \"R\"\nwhen\n  a\n  or (b or c)\nthen\n  advise p\nend\n");
    expect_layout(
        "rule r \"R\" when ((a - (b - c)) > (2 * (3 + x))) and (-x < -(y)) then advise p end\n",
        "rule r \"R\"\nwhen\n  a - (b - c) > 2 * (3 + x)\n  and -x < -y\nthen\n  advise p\nend\n");
    expect_layout(
        "rule r \"R\" when not not (x is 3) and (x is missing) and (weeks since d) >= 2\n"
        "then set f = a or (b and c) because \"q \\\\ \\n\" end\n",
        "rule r \"R\"\nwhen\n  not not (x is 3)\n  and x is missing\n  and weeks since d >= 2\nthen\n"
        "  set f = a or (b and c)\n    because \"q \\\\ \\n\"\nend\n");
    expect_layout(
        "rule r \"R\" when (months since d) > 1.5 and months since d <= 12 then advise p end\n",
        "rule r \"R\"\nwhen\n  months since d > 1.5\n  and months since d <= 12\nthen\n  advise p\nend\n");
    expect_layout(
        "rule r \"R\" when s contains x and s contains any {x, y} and s contains all {x}\n"
        "and n not in {-1, 2} and t in {\"a\", \"b\"} then advise p end\n",
        "rule r \"R\"\nwhen\n  s contains x\n  and s contains any { x, y }\n  and s contains all { x }\n"
        "  and n not in { -1, 2 }\n  and t in { \"a\", \"b\" }\nthen\n  advise p\nend\n");
    expect_layout(
        "rule long_one \"R\" when aaaaaaaaaaaa and (bbbbbbbbbbbbbbbbbbbb is cccccccccccccccccc or "
        "ddddddddddddddddddd is eeeeeeeeeeeeeee or not (ffffffffff is ggggg or hhhhhhhhhhhhhhhhhhhh "
        "is iiiiiiiiiii and jjjjjjjjj)) then advise p end\n",
        "rule long_one \"R\"\n"
        "when\n"
        "  aaaaaaaaaaaa\n"
        "  and (bbbbbbbbbbbbbbbbbbbb is cccccccccccccccccc\n"
        "       or ddddddddddddddddddd is eeeeeeeeeeeeeee\n"
        "       or not (ffffffffff is ggggg\n"
        "               or (hhhhhhhhhhhhhhhhhhhh is iiiiiiiiiii and jjjjjjjjj)))\n"
        "then\n"
        "  advise p\n"
        "end\n");
}

static void test_comments_kept(void **state)
{
    (void)state;
    expect_layout(
        "# header\n"
        "\n"
        "\n"
        "guideline g \"G\" version \"1.0.0\"   # on the guideline\n"
        "statement DD.s1 \"Sec\" \"Text.\" # statement\n"
        "    excused \"why\" # excused\n"
        "facts { # brace\n"
        "  # leading\n"
        "  x: int 0..10 \"X\" # x\n"
        "\n"
        "\n"
        "  y: bool \"Y\"\n"
        "  # before the brace\n"
        "} # after the brace\n"
        "rule r \"R\" # title\n"
        "  # before cites\n"
        "  cites DD.s1 # cites\n"
        "when # when\n"
        "  x > 3 # first\n"
        "  # between\n"
        "  and (y or z) # last\n"
        "then # then\n"
        "  recommend i # action\n"
        "    because \"b\" # because\n"
        "end # end\n"
        "# after\n"
        "rule r2 \"R2\" when (a # inside a group\n"
        " or b) and c then advise p end\n"
        "# at the end   \n",
        "# header\n"
        "\n"
        "guideline g \"G\" version \"1.0.0\" # on the guideline\n"
        "statement DD.s1 \"Sec\" \"Text.\" # statement\n"
        "  excused \"why\" # excused\n"
        "\n"
        "facts { # brace\n"
        "  # leading\n"
        "  x: int 0..10 \"X\" # x\n"
        "\n"
        "  y: bool \"Y\"\n"
        "  # before the brace\n"
        "} # after the brace\n"
        "\n"
        "rule r \"R\" # title\n"
        "  # before cites\n"
        "  cites DD.s1 # cites\n"
        "when # when\n"
        "  x > 3 # first\n"
        "  # between\n"
        "  and (y or z) # last\n"
        "then # then\n"
        "  recommend i # action\n"
        "    because \"b\" # because\n"
        "end # end\n"
        "\n"
        "# after\n"
        "rule r2 \"R2\"\n"
        "when\n"
        "  (a # inside a group\n"
        "   or b)\n"
        "  and c\n"
        "then\n"
        "  advise p\n"
        "end\n"
        "\n"
        "# at the end\n");
}

static void test_empty_and_comment_only(void **state)
{
    (void)state;
    expect_layout("", "");
    expect_layout("\n\n   \n", "");
    expect_layout("  # only a comment\r\n\n\n# and another\n", "# only a comment\n\n# and another\n");
}

/* ---- refusals ---- */

static void test_syntax_errors_refused(void **state)
{
    (void)state;
    sw_status st;
    char *rendered = NULL;
    const char *text = "rule r \"R\" when a then advise p\n";
    char *out = format(text, strlen(text), &st, &rendered);
    assert_int_equal(st, SW_ERR_RULES);
    assert_null(out);
    assert_non_null(strstr(rendered, "test.sw:1:32: error[E010]: the file ends too early"));
    sw_free(rendered);
}

static void test_nul_byte_refused(void **state)
{
    (void)state;
    sw_status st;
    char *rendered = NULL;
    static const char text[] = "guideline g \"G\0\" version \"1.0.0\"\n";
    char *out = format(text, sizeof text - 1, &st, &rendered);
    assert_int_equal(st, SW_ERR_RULES);
    assert_null(out);
    assert_non_null(strstr(rendered, "error[I001]"));
    sw_free(rendered);
}

/* The tree comparison behind the safety net sees a change of meaning. */
static void test_same_syntax(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "rule r \"R\" when x > 3 and y then advise p end\n",
        "rule r \"R\"\nwhen\n  x > 3\n  and y # same\nthen\n  advise p\nend\n",
        "rule r \"R\" when x > 4 and y then advise p end\n",
        "rule r \"R\" when x > 3 and (y) then advise p because \"b\" end\n",
        "rule r \"R\" when (x > 3 and y) or z then advise p end\n",
    };
    sw_arena arena = SW_ARENA_INIT;
    sw_diagnostics *d = sw_diagnostics_new();
    sw_decl *decls[5] = {0};
    for (int i = 0; i < 5; i++) {
        sw_file f = {"t.sw", texts[i], strlen(texts[i])};
        sw_decl **tail = &decls[i];
        assert_int_equal(sw_syntax_parse(&arena, d, &f, 0, &tail), 0);
    }
    assert_true(sw_fmt_same_syntax(decls[0], decls[1]));
    assert_false(sw_fmt_same_syntax(decls[0], decls[2]));
    assert_false(sw_fmt_same_syntax(decls[0], decls[3]));
    assert_false(sw_fmt_same_syntax(decls[0], decls[4]));
    sw_diagnostics_free(d);
    sw_arena_free(&arena);
}

/* ---- meaning: dumps of compiled rule sets ---- */

static char *dump_texts(const sw_source_text *texts, size_t n)
{
    sw_ruleset *rs = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    sw_status st = sw_ruleset_load_texts(texts, n, &rs, d);
    sw_diagnostics_free(d);
    if (st != SW_OK)
        return NULL;
    sw_buf b = SW_BUF_INIT;
    sw_dump_program(&rs->prog, &b);
    sw_ruleset_free(rs);
    assert_false(sw_buf_failed(&b));
    return sw_buf_give(&b, NULL);
}

static char *dump_text(const char *text)
{
    sw_source_text t = {"t.sw", text, strlen(text)};
    return dump_texts(&t, 1);
}

/* The dump changes with the meaning, and only with it. */
static void test_dump(void **state)
{
    (void)state;
#define HEAD "guideline g \"G\" version \"1.0.0\" source DD \"Doc\"\n" \
             "stage a \"A\" stage b \"B\" order a -> b\n"               \
             "facts { stage: stage \"S\" x: int 0..9 \"X\" y: bool \"Y\" }\n" \
             "intervention i \"I\"\n"
    char *base = dump_text(HEAD "rule r \"R\" cites DD when x > 3 and y then recommend i move b end\n");
    char *layout = dump_text(HEAD "# c\nrule r \"R\"\n  cites DD\nwhen\n  (x > 3)\n  and y\nthen\n"
                                  "  recommend i\n  move b\nend\n");
    char *literal = dump_text(HEAD "rule r \"R\" cites DD when x > 4 and y then recommend i move b end\n");
    char *grouping = dump_text(HEAD "rule r \"R\" cites DD when x > 3 and (y and y) then recommend i move b end\n");
    char *because = dump_text(HEAD "rule r \"R\" cites DD when x > 3 and y then recommend i because \"b\" move b end\n");
    assert_non_null(base);
    assert_non_null(strstr(base, "when (AND:bool (GT:bool (LOAD:int x) (CONST:int 3)) (LOAD:bool y))"));
    assert_string_equal(base, layout);
    assert_string_not_equal(base, literal);
    assert_string_not_equal(base, grouping);
    assert_string_not_equal(base, because);
    sw_free(base);
    sw_free(layout);
    sw_free(literal);
    sw_free(grouping);
    sw_free(because);
#undef HEAD
}

/* ---- every rule file in the repository ---- */

typedef struct rule_dir {
    char *path;
    char **names;
    size_t n;
} rule_dir;

typedef struct tally {
    int sets_compared;
    int files_formatted;
    int rules_dir_compared;
} tally;

static int skip_dir(const char *name)
{
    return name[0] == '.' || strncmp(name, "build", 5) == 0 || strcmp(name, "node_modules") == 0;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    return buf;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Formats texts[i] into out[i] (NULL when it does not parse); checks idempotence. */
static void format_all(tally *t, const char *dir, const sw_source_text *texts, size_t n,
                       sw_source_text *out)
{
    for (size_t i = 0; i < n; i++) {
        sw_status st;
        char *rendered = NULL;
        char *text = format(texts[i].text, texts[i].len, &st, &rendered);
        if (st != SW_OK) {
            /* only a file with syntax errors may be refused, never by the safety net */
            if (strstr(rendered, "[I001]") != NULL)
                fail_msg("%s/%s: %s", dir, texts[i].name, rendered);
            assert_int_equal(st, SW_ERR_RULES);
            sw_free(rendered);
            out[i].text = NULL;
            continue;
        }
        sw_free(rendered);
        char *again = format_ok(text);
        if (strcmp(again, text) != 0)
            fail_msg("%s/%s: formatting twice changes the text", dir, texts[i].name);
        sw_free(again);
        out[i].name = texts[i].name;
        out[i].text = text;
        out[i].len = strlen(text);
        t->files_formatted++;
    }
}

/* When texts load as a rule set, the formatted texts load to the same dump. */
static void compare_set(tally *t, const char *dir, const sw_source_text *in,
                        const sw_source_text *out, size_t n)
{
    char *before = dump_texts(in, n);
    if (before == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        assert_non_null(out[i].text);
    char *after = dump_texts(out, n);
    if (after == NULL || strcmp(before, after) != 0)
        fail_msg("%s: formatting changed the meaning of the rule set", dir);
    t->sets_compared++;
    sw_free(before);
    sw_free(after);
}

static void check_dir(tally *t, const rule_dir *rd)
{
    sw_source_text *in = calloc(rd->n, sizeof *in), *out = calloc(rd->n, sizeof *out);
    assert_true(in != NULL && out != NULL);
    for (size_t i = 0; i < rd->n; i++) {
        size_t plen = strlen(rd->path) + strlen(rd->names[i]) + 2;
        char *p = malloc(plen);
        assert_non_null(p);
        snprintf(p, plen, "%s/%s", rd->path, rd->names[i]);
        in[i].name = rd->names[i];
        in[i].text = read_all(p, &in[i].len);
        free(p);
    }
    format_all(t, rd->path, in, rd->n, out);
    int before = t->sets_compared;
    compare_set(t, rd->path, in, out, rd->n);   /* the directory as one rule set */
    if (t->sets_compared > before && strcmp(rd->path, SW_SOURCE_DIR "/rules") == 0)
        t->rules_dir_compared = 1;
    for (size_t i = 0; rd->n > 1 && i < rd->n; i++)   /* and each file on its own */
        if (out[i].text)
            compare_set(t, rd->names[i], &in[i], &out[i], 1);
    for (size_t i = 0; i < rd->n; i++) {
        free((void *)in[i].text);
        sw_free((void *)out[i].text);
    }
    free(in);
    free(out);
}

static void walk(tally *t, const char *path)
{
    DIR *dir = opendir(path);
    assert_non_null(dir);
    rule_dir rd = {(char *)path, NULL, 0};
    size_t cap = 0;
    char **subdirs = NULL;
    size_t nsub = 0, capsub = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        size_t plen = strlen(path) + n + 2;
        char *full = malloc(plen);
        assert_non_null(full);
        snprintf(full, plen, "%s/%s", path, e->d_name);
        struct stat st;
        if (e->d_name[0] != '.' && lstat(full, &st) == 0 && S_ISDIR(st.st_mode) && !skip_dir(e->d_name)) {
            if (nsub == capsub) {
                capsub = capsub ? capsub * 2 : 16;
                subdirs = realloc(subdirs, capsub * sizeof *subdirs);
                assert_non_null(subdirs);
            }
            subdirs[nsub++] = full;
            continue;
        }
        free(full);
        if (n >= 4 && e->d_name[0] != '.' && strcmp(e->d_name + n - 3, ".sw") == 0) {
            if (rd.n == cap) {
                cap = cap ? cap * 2 : 16;
                rd.names = realloc(rd.names, cap * sizeof *rd.names);
                assert_non_null(rd.names);
            }
            rd.names[rd.n] = strdup(e->d_name);
            assert_non_null(rd.names[rd.n++]);
        }
    }
    closedir(dir);
    if (rd.n > 0) {
        qsort(rd.names, rd.n, sizeof *rd.names, cmp_str);
        check_dir(t, &rd);
    }
    for (size_t i = 0; i < rd.n; i++)
        free(rd.names[i]);
    free(rd.names);
    for (size_t i = 0; i < nsub; i++) {
        walk(t, subdirs[i]);
        free(subdirs[i]);
    }
    free(subdirs);
}

static void test_every_rule_file_keeps_its_meaning(void **state)
{
    (void)state;
    tally t = {0, 0, 0};
    walk(&t, SW_SOURCE_DIR);
    print_message("formatted %d rule files; %d rule sets compile to the same dump\n",
                  t.files_formatted, t.sets_compared);
    /* the shipped rule base and a handful of other rule sets were really compared */
    assert_true(t.rules_dir_compared);
    assert_true(t.sets_compared >= 5);
    assert_true(t.files_formatted >= 25);
}

/* ---- the editor grammars ---- */

/* Whether word occurs in text with no letter, digit or '_' on either side. */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after)
            return 1;
    }
    return 0;
}

static char *read_text(const char *path)
{
    size_t len;
    char *text = read_all(path, &len);
    text = realloc(text, len + 1);
    assert_non_null(text);
    text[len] = '\0';
    return text;
}

/* A JSON document reads as YAML (JSON is YAML); libyaml finds what is malformed. */
static void assert_well_formed(const char *path)
{
    char *text = read_text(path);
    yaml_parser_t parser;
    yaml_event_t event;
    assert_true(yaml_parser_initialize(&parser));
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    int done = 0;
    while (!done) {
        if (!yaml_parser_parse(&parser, &event))
            fail_msg("%s: %s at line %zu", path, parser.problem, parser.problem_mark.line + 1);
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    free(text);
}

static void test_editor_grammars(void **state)
{
    (void)state;
    char *language = read_text(SW_SOURCE_DIR "/docs/language.md");
    char *vim = read_text(SW_SOURCE_DIR "/editors/vim/syntax/stagewise.vim");
    char *tm = read_text(SW_SOURCE_DIR "/editors/stagewise.tmLanguage.json");
    /* look only where the grammars list keywords, not in their comments */
    char *vim_kw = calloc(strlen(vim) + 1, 1);
    assert_non_null(vim_kw);
    for (char *line = vim; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, "syntax keyword ", 15) == 0)
            strncat(vim_kw, line, (size_t)(strchr(line, '\n') ? strchr(line, '\n') - line + 1 : (long)strlen(line)));
    char *tm_kw = strstr(tm, "\"keywords\":");
    assert_non_null(tm_kw);
    char *tm_end = strstr(tm_kw, "\"operators\":");
    assert_non_null(tm_end);
    *tm_end = '\0';
    /* the reserved words are the backquoted list under "## Reserved words" */
    char *list = strstr(language, "## Reserved words");
    assert_non_null(list);
    list = strchr(list, '`');
    assert_non_null(list);
    char *end = strchr(list + 1, '`');
    assert_non_null(end);
    *end = '\0';
    int words = 0;
    for (char *w = strtok(list + 1, " \n"); w; w = strtok(NULL, " \n"), words++) {
        if (!has_word(vim_kw, w))
            fail_msg("editors/vim/syntax/stagewise.vim does not highlight '%s'", w);
        if (!has_word(tm_kw, w))
            fail_msg("editors/stagewise.tmLanguage.json does not highlight '%s'", w);
    }
    assert_true(words >= 50);
    assert_well_formed(SW_SOURCE_DIR "/editors/stagewise.tmLanguage.json");
    assert_well_formed(SW_SOURCE_DIR "/editors/package.json");
    assert_well_formed(SW_SOURCE_DIR "/editors/language-configuration.json");
    free(language);
    free(vim_kw);
    free(vim);
    free(tm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_layout),
        cmocka_unit_test(test_declarations_layout),
        cmocka_unit_test(test_fhir_layout),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_comments_kept),
        cmocka_unit_test(test_empty_and_comment_only),
        cmocka_unit_test(test_syntax_errors_refused),
        cmocka_unit_test(test_nul_byte_refused),
        cmocka_unit_test(test_same_syntax),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_every_rule_file_keeps_its_meaning),
        cmocka_unit_test(test_editor_grammars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
