/*
 * cmd_lint.c - `stagewise lint [--format text|json] RULES...`: the findings of
 * static analysis (engine/authoring/lint.h), and the rule-file discovery that `lint` and
 * `fmt` share (cmd_lint.h).
 *
 * Findings go to standard output (they are what was asked for), rule errors to
 * standard error as `check` prints them. Lint is the library's (sw_lint_texts,
 * sw_lint_render_json in stagewise.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd_lint.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/grow.h"
#include "args.h"
#include "cli.h"
#include "io.h"

/* ---- rule files (shared with fmt) ---- */

static int push_path(cli_rule_files *files, const char *path)
{
    if (!sw_grow(&files->paths, &files->cap, files->n, sizeof *files->paths, 16))
        return 0;
    files->paths[files->n] = strdup(path);
    return files->paths[files->n] != NULL ? (files->n++, 1) : 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_rule_file_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 4 && name[0] != '.' && strcmp(name + n - 3, ".sw") == 0;
}

static int add_directory(cli_rule_files *files, const char *path)
{
    DIR *dir = opendir(path);
    if (dir == NULL)
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    size_t first = files->n, plen = strlen(path);
    int slash = plen > 0 && path[plen - 1] == '/', code = CLI_EXIT_OK;
    struct dirent *e;
    while (code == CLI_EXIT_OK && (e = readdir(dir)) != NULL) {
        if (!is_rule_file_name(e->d_name))
            continue;
        size_t size = plen + strlen(e->d_name) + 2;
        char *full = malloc(size);
        struct stat st;
        if (full == NULL)
            code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        else {
            snprintf(full, size, "%s%s%s", path, slash ? "" : "/", e->d_name);
            if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && !push_path(files, full))
                code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        }
        free(full);
    }
    closedir(dir);
    qsort(files->paths + first, files->n - first, sizeof *files->paths, cmp_path);
    if (code == CLI_EXIT_OK && files->n == first)
        code = cli_fail(CLI_EXIT_IO, "'%s' has no rule files (files ending in .sw)", path);
    return code;
}

int cli_rule_files_add(cli_rule_files *files, const char *path, int allow_stdin)
{
    struct stat st;
    if (allow_stdin && strcmp(path, "-") == 0)
        return push_path(files, path) ? CLI_EXIT_OK : cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    if (stat(path, &st) != 0)
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return add_directory(files, path);
    return push_path(files, path) ? CLI_EXIT_OK : cli_fail(CLI_EXIT_INTERNAL, "out of memory");
}

void cli_rule_files_free(cli_rule_files *files)
{
    for (size_t i = 0; i < files->n; i++)
        free(files->paths[i]);
    free(files->paths);
    files->paths = NULL;
    files->n = files->cap = 0;
}

/* ---- lint ---- */

enum { OPT_HELP = 1, OPT_FORMAT };

static const cli_option lint_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_FORMAT, 0, "format", 1},
};

const char cli_lint_help[] =
    "Usage: stagewise lint [--format text|json] RULES...\n"
    "\n"
    "Checks a rule set as 'stagewise check' does and then looks for mistakes the\n"
    "checker allows: conditions that can never be true, rules that can never fire,\n"
    "rules another rule makes redundant, rules that can fire together but move a\n"
    "client to different stages or set a derived fact to different values, derived\n"
    "facts read but never set, comparisons that are always true, declarations\n"
    "nothing uses, rules without citations. Each finding is printed as\n"
    "FILE:LINE:COLUMN: warning[CODE]: MESSAGE with the source line, a caret and a\n"
    "hint; docs/lint.md explains every code with an example and a fix. A rule can\n"
    "silence one code with: allow CODE because \"reason\".\n"
    "\n"
    "Arguments:\n"
    "  RULES            .sw files, or directories whose .sw files are read in name\n"
    "                   order (not recursively); together they form one rule set\n"
    "\n"
    "Options:\n"
    "      --format F   text (default) or json: one JSON object with the findings\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status:\n"
    "  0   no findings\n"
    "  1   findings (printed on standard output)\n"
    "  2   usage error\n"
    "  3   the rule set has errors (printed on standard error; nothing is linted)\n"
    "  5   a rule file could not be read\n"
    "  70  internal error (out of memory)\n";

typedef struct lint_args {
    const char **rules;
    size_t nrules;
    int json;
} lint_args;

static int parse_lint_args(int argc, char **argv, lint_args *la)
{
    cli_args args;
    int id;
    const char *value;
    cli_args_init(&args, argc, argv, 1, lint_options, sizeof lint_options / sizeof lint_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("lint", "%s", args.error);
        if (kind == CLI_ARG_OPTION && id == OPT_HELP) {
            fputs(cli_lint_help, stdout);
            return -1;
        }
        if (kind == CLI_ARG_OPTION && id == OPT_FORMAT) {
            if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)
                return cli_usage_error("lint", "unknown format '%s' (use text or json)", value);
            la->json = strcmp(value, "json") == 0;
            continue;
        }
        if (strcmp(value, "-") == 0)
            return cli_usage_error("lint", "rules cannot be read from standard input");
        la->rules[la->nrules++] = value;
    }
    if (la->nrules == 0)
        return cli_usage_error("lint", "no rule files given");
    return CLI_EXIT_OK;
}

/* Reads every file into texts[]; returns an exit code. */
static int read_rules(const cli_rule_files *files, sw_source_text *texts)
{
    for (size_t i = 0; i < files->n; i++) {
        cli_input in;
        cli_read_status st = cli_read_input(files->paths[i], CLI_RULES_LIMIT, &in);
        if (st == CLI_READ_NOMEM)
            return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        if (st == CLI_READ_TOO_BIG)
            return cli_fail(CLI_EXIT_RULES, "'%s' is larger than 16 MiB; split the rule set into several files",
                            files->paths[i]);
        if (st != CLI_READ_OK)
            return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", files->paths[i],
                            strerror(in.error_number));
        texts[i].name = files->paths[i];
        texts[i].text = in.data;
        texts[i].len = in.len;
    }
    return CLI_EXIT_OK;
}

static int print_json(const sw_diagnostics *diags, const sw_lint_summary *s)
{
    char *text = NULL;
    size_t len = 0;
    sw_status st = sw_lint_render_json(diags, s, &text, &len);
    if (st != SW_OK)
        return cli_fail_status(st, "writing the findings");
    cli_write(stdout, text, len);
    sw_free(text);
    return CLI_EXIT_OK;
}

static int print_text(const sw_diagnostics *diags, const sw_lint_summary *s, const lint_args *la)
{
    char silenced[96] = "";
    if (s->silenced > 0)
        snprintf(silenced, sizeof silenced, " (%zu silenced by allow)", s->silenced);
    if (s->findings == 0) {
        for (size_t i = 0; i < la->nrules; i++)
            printf("%s%s", i > 0 ? " " : "", la->rules[i]);
        printf(" ok: no lint findings in %zu %s%s\n", s->rules, s->rules == 1 ? "rule" : "rules",
               silenced);
        return CLI_EXIT_OK;
    }
    char *text = NULL;
    size_t len = 0;
    sw_status st = sw_diagnostics_render(diags, &text, &len);
    if (st != SW_OK)
        return cli_fail_status(st, "rendering the findings");
    cli_write(stdout, text, len);
    sw_free(text);
    printf("%zu %s%s\n", s->findings, s->findings == 1 ? "finding" : "findings", silenced);
    return CLI_EXIT_OK;
}

/* Lints the files; prints findings or the rule set's errors. */
static int lint_files(const cli_rule_files *files, sw_source_text *texts, const lint_args *la)
{
    int code = read_rules(files, texts);
    if (code != CLI_EXIT_OK)
        return code;
    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_lint_summary summary;
    sw_status st = sw_lint_texts(texts, files->n, diags, &summary);
    if (st == SW_ERR_RULES) {
        code = cli_print_diagnostics(diags);
        char n[48];
        cli_count(n, sizeof n, sw_diagnostics_error_count(diags), "error", "errors");
        fprintf(stderr, "%s\n", n);
        if (code == CLI_EXIT_OK)
            code = CLI_EXIT_RULES;
    } else if (st != SW_OK)
        code = cli_fail_status(st, "linting the rules");
    else {
        code = la->json ? print_json(diags, &summary) : print_text(diags, &summary, la);
        if (code == CLI_EXIT_OK && summary.findings > 0)
            code = 1;
    }
    sw_diagnostics_free(diags);
    return code;
}

int cli_cmd_lint(int argc, char **argv)
{
    lint_args la = {NULL, 0, 0};
    cli_rule_files files = {NULL, 0, 0};
    sw_source_text *texts = NULL;
    la.rules = malloc((size_t)argc * sizeof *la.rules);
    if (la.rules == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    int code = parse_lint_args(argc, argv, &la);
    for (size_t i = 0; code == CLI_EXIT_OK && i < la.nrules; i++)
        code = cli_rule_files_add(&files, la.rules[i], 0);
    if (code == CLI_EXIT_OK) {
        texts = calloc(files.n ? files.n : 1, sizeof *texts);
        code = texts == NULL ? cli_fail(CLI_EXIT_INTERNAL, "out of memory")
                             : lint_files(&files, texts, &la);
    }
    for (size_t i = 0; texts != NULL && i < files.n; i++)
        free((void *)texts[i].text);
    free(texts);
    cli_rule_files_free(&files);
    free(la.rules);
    return code < 0 ? CLI_EXIT_OK : code;
}
