/*
 * cmd_fmt.c - `stagewise fmt [--check] FILES...`: rewrite rule files in the one
 * canonical layout (engine/authoring/fmt.h), or with --check list the files that are not in
 * it and change nothing.
 *
 * A file is replaced by writing the new text to a temporary file next to it and
 * renaming it over the old one, so an interrupted run never leaves half a file.
 * A file with syntax errors is reported and left as it is; the others are still
 * formatted.
 */
#define _XOPEN_SOURCE 700
#include "cmd_lint.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "io.h"

enum { OPT_HELP = 1, OPT_CHECK };

static const cli_option fmt_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_CHECK, 0, "check", 0},
};

const char cli_fmt_help[] =
    "Usage: stagewise fmt [--check] FILES...\n"
    "\n"
    "Rewrites rule files in the one canonical layout (docs/lint.md describes it),\n"
    "keeping every comment. Formatting changes no meaning: the result is parsed\n"
    "again and compared with the original before anything is written. Formatting a\n"
    "formatted file changes nothing. The name of each file that was changed is\n"
    "printed.\n"
    "\n"
    "Arguments:\n"
    "  FILES        .sw files, or directories whose .sw files are formatted (not\n"
    "               recursively); - formats standard input to standard output\n"
    "\n"
    "Options:\n"
    "      --check  change nothing: print the name of each file that is not\n"
    "               formatted, and exit with 1 if there is one\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status:\n"
    "  0   done (with --check: every file is formatted)\n"
    "  1   with --check: some file is not formatted\n"
    "  2   usage error\n"
    "  3   a file has syntax errors (it is left as it is; the others are formatted)\n"
    "  5   a file could not be read or written\n"
    "  70  internal error (out of memory)\n";

/* The more serious of two exit codes. */
static int worse(int a, int b)
{
    static const int order[] = {CLI_EXIT_OK, 1, CLI_EXIT_RULES, CLI_EXIT_IO, CLI_EXIT_INTERNAL};
    int ra = 0, rb = 0;
    for (int i = 0; i < 5; i++) {
        ra = order[i] == a ? i : ra;
        rb = order[i] == b ? i : rb;
    }
    return ra >= rb ? a : b;
}

/* Replaces path's contents through a temporary file in the same directory. */
static int replace_file(const char *path, const char *data, size_t len)
{
    char resolved[PATH_MAX];
    if (realpath(path, resolved) == NULL)   /* write through a symbolic link */
        return cli_fail(CLI_EXIT_IO, "cannot write '%s': %s", path, strerror(errno));
    struct stat st;
    size_t size = strlen(resolved) + 16;
    char *tmp = malloc(size);
    if (tmp == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    snprintf(tmp, size, "%s.fmt-XXXXXX", resolved);
    int fd = mkstemp(tmp);
    int ok = fd >= 0 && stat(resolved, &st) == 0 && fchmod(fd, st.st_mode & 07777) == 0;
    FILE *f = ok ? fdopen(fd, "wb") : NULL;
    ok = f != NULL && cli_write(f, data, len) == 0;
    int saved = errno;
    if (f != NULL)
        ok = fclose(f) == 0 && ok;
    else if (fd >= 0)
        close(fd);
    if (ok && rename(tmp, resolved) != 0)
        ok = 0, saved = errno;
    if (!ok && fd >= 0)
        unlink(tmp);
    free(tmp);
    if (!ok)
        return cli_fail(CLI_EXIT_IO, "cannot write '%s': %s", path, strerror(saved ? saved : EIO));
    return CLI_EXIT_OK;
}

static int report_errors(const char *name, const sw_diagnostics *diags)
{
    int code = cli_print_diagnostics(diags);
    char n[48];
    cli_count(n, sizeof n, sw_diagnostics_error_count(diags), "error", "errors");
    fprintf(stderr, "%s: %s; not formatted\n", name, n);
    return code == CLI_EXIT_OK ? CLI_EXIT_RULES : code;
}

/* Formats one file (or standard input); *changed is set when it was not formatted. */
static int format_one(const char *path, int check, int *changed)
{
    const char *name = cli_input_name(path);
    int is_stdin = strcmp(path, "-") == 0;
    cli_input in;
    cli_read_status rs = cli_read_input(path, CLI_RULES_LIMIT, &in);
    if (rs == CLI_READ_NOMEM)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    if (rs == CLI_READ_TOO_BIG)
        return cli_fail(CLI_EXIT_RULES, "'%s' is larger than 16 MiB", name);
    if (rs != CLI_READ_OK)
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", name, strerror(in.error_number));
    sw_diagnostics *diags = sw_diagnostics_new();
    char *out = NULL;
    size_t len = 0;
    sw_status st = diags ? sw_fmt_text(name, in.data, in.len, &out, &len, diags) : SW_ERR_NOMEM;
    int code = CLI_EXIT_OK;
    if (st == SW_ERR_RULES)
        code = report_errors(name, diags);
    else if (st != SW_OK)
        code = cli_fail_status(st, "formatting");
    else {
        *changed = len != in.len || memcmp(out, in.data, len) != 0;
        if (is_stdin && !check)
            code = cli_write(stdout, out, len) == 0 ? CLI_EXIT_OK
                                                    : cli_fail(CLI_EXIT_IO, "cannot write to standard output");
        else if (*changed && !check)
            code = replace_file(path, out, len);
        if (*changed && code == CLI_EXIT_OK && (check || !is_stdin))
            printf("%s\n", name);
    }
    sw_free(out);
    sw_diagnostics_free(diags);
    cli_input_free(&in);
    return code;
}

int cli_cmd_fmt(int argc, char **argv)
{
    cli_args args;
    int id, check = 0, code = CLI_EXIT_OK, stdin_seen = 0;
    const char *value;
    cli_rule_files files = {NULL, 0, 0};
    cli_args_init(&args, argc, argv, 1, fmt_options, sizeof fmt_options / sizeof fmt_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR) {
            cli_rule_files_free(&files);
            return cli_usage_error("fmt", "%s", args.error);
        }
        if (kind == CLI_ARG_OPTION && id == OPT_HELP) {
            cli_rule_files_free(&files);
            fputs(cli_fmt_help, stdout);
            return CLI_EXIT_OK;
        }
        if (kind == CLI_ARG_OPTION) {
            check = 1;
            continue;
        }
        if (strcmp(value, "-") == 0 && stdin_seen++) {
            cli_rule_files_free(&files);
            return cli_usage_error("fmt", "standard input (-) can be given only once");
        }
        code = worse(code, cli_rule_files_add(&files, value, 1));
    }
    if (files.n == 0 && code == CLI_EXIT_OK) {
        cli_rule_files_free(&files);
        return cli_usage_error("fmt", "no rule files given");
    }
    int any_changed = 0;
    for (size_t i = 0; i < files.n; i++) {
        int changed = 0;
        code = worse(code, format_one(files.paths[i], check, &changed));
        any_changed |= changed;
    }
    cli_rule_files_free(&files);
    if (check && any_changed)
        code = worse(code, 1);
    return code;
}
