/*
 * common.c - error reporting and rule loading shared by the stagewise commands.
 *
 * The library never prints; this file is where its diagnostics reach the user.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io.h"

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;

    fputs(command != NULL ? "stagewise " : "stagewise", stderr);
    if (command != NULL)
        fputs(command, stderr);
    fputs(": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (command != NULL)
        fprintf(stderr, "\ntry 'stagewise %s --help'\n", command);
    else
        fputs("\ntry 'stagewise --help'\n", stderr);
    return CLI_EXIT_USAGE;
}

int cli_fail(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("stagewise: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_fail_status(sw_status status, const char *doing)
{
    if (status == SW_ERR_NOMEM)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory while %s", doing);
    return cli_fail(CLI_EXIT_INTERNAL, "internal error while %s: %s", doing,
                    sw_status_text(status));
}

int cli_print_diagnostics(const sw_diagnostics *diags)
{
    char *text = NULL;
    size_t len = 0;

    if (sw_diagnostics_count(diags) == 0)
        return CLI_EXIT_OK;
    sw_status status = sw_diagnostics_render(diags, &text, &len);
    if (status != SW_OK)
        return cli_fail_status(status, "rendering diagnostics");
    cli_write(stderr, text, len);
    if (len > 0 && text[len - 1] != '\n')
        fputc('\n', stderr);
    sw_free(text);
    return CLI_EXIT_OK;
}

void cli_count(char *buf, size_t size, size_t n, const char *singular, const char *plural)
{
    snprintf(buf, size, "%zu %s", n, n == 1 ? singular : plural);
}

/* Prints "N errors, M warnings" (leaving out a zero part) to standard error. */
static void print_counts(const sw_diagnostics *diags)
{
    size_t errors = sw_diagnostics_error_count(diags), warnings = 0;
    char e[48], w[48];

    for (size_t i = 0; i < sw_diagnostics_count(diags); i++) {
        const sw_diagnostic *d = sw_diagnostics_at(diags, i);
        if (d != NULL && d->severity == SW_SEV_WARNING)
            warnings++;
    }
    cli_count(e, sizeof e, errors, "error", "errors");
    cli_count(w, sizeof w, warnings, "warning", "warnings");
    if (errors > 0 && warnings > 0)
        fprintf(stderr, "%s, %s\n", e, w);
    else if (errors > 0)
        fprintf(stderr, "%s\n", e);
    else if (warnings > 0)
        fprintf(stderr, "%s\n", w);
}

int cli_load_rules(const char *const *paths, size_t npaths, sw_ruleset **out)
{
    *out = NULL;

    /* Name an unreadable path before the library is asked to do anything. */
    int missing = 0;
    for (size_t i = 0; i < npaths; i++) {
        int error_number = 0;
        if (!cli_can_open(paths[i], 0, &error_number)) {
            cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", paths[i], strerror(error_number));
            missing = 1;
        }
    }
    if (missing)
        return CLI_EXIT_IO;

    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");

    sw_status status = sw_ruleset_load_files(paths, npaths, out, diags);
    int code = cli_print_diagnostics(diags);
    if (code == CLI_EXIT_OK) {
        switch (status) {
        case SW_OK:
            break;
        case SW_ERR_RULES:
        case SW_ERR_LIMIT:
            code = CLI_EXIT_RULES;
            if (sw_diagnostics_count(diags) == 0)
                cli_fail(code, "the rules could not be loaded: %s", sw_status_text(status));
            break;
        case SW_ERR_IO:
            code = CLI_EXIT_IO;
            if (sw_diagnostics_count(diags) == 0)
                cli_fail(code, "the rules could not be read: %s", sw_status_text(status));
            break;
        default:
            code = cli_fail_status(status, "loading the rules");
            break;
        }
    }
    print_counts(diags);
    sw_diagnostics_free(diags);
    if (code != CLI_EXIT_OK) {
        sw_ruleset_free(*out);
        *out = NULL;
    }
    return code;
}
