/*
 * args.c - the reentrant option parser described in args.h.
 *
 * Unknown long options get a "did you mean" suggestion when a known option is within
 * two edits, the same courtesy the rule checker gives for misspelt names.
 */
#include "args.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

void cli_args_init(cli_args *args, int argc, char *const *argv, int first,
                   const cli_option *options, size_t noptions)
{
    args->argc = argc;
    args->argv = argv;
    args->next = first;
    args->options_done = 0;
    args->options = options;
    args->noptions = noptions;
    args->error[0] = '\0';
}

/* The known long option closest to name[0..len), or NULL when none is close. */
static const char *suggest_long(const cli_args *args, const char *name, size_t len)
{
    const char *best = NULL;
    size_t best_distance = 3;

    for (size_t i = 0; i < args->noptions; i++) {
        const char *candidate = args->options[i].long_name;
        if (candidate == NULL)
            continue;
        size_t d = sw_edit_distance(candidate, strlen(candidate), name, len, 2);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

static cli_arg_kind long_option(cli_args *args, const char *arg, int *id, const char **value)
{
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);

    for (size_t i = 0; i < args->noptions; i++) {
        const cli_option *opt = &args->options[i];
        if (opt->long_name == NULL || strlen(opt->long_name) != len ||
            strncmp(opt->long_name, name, len) != 0)
            continue;
        *id = opt->id;
        if (!opt->takes_value) {
            if (eq != NULL) {
                snprintf(args->error, sizeof args->error,
                         "option '--%s' does not take a value", opt->long_name);
                return CLI_ARG_ERROR;
            }
            *value = NULL;
            return CLI_ARG_OPTION;
        }
        if (eq != NULL) {
            *value = eq + 1;
            return CLI_ARG_OPTION;
        }
        if (args->next >= args->argc) {
            snprintf(args->error, sizeof args->error, "option '--%s' needs a value",
                     opt->long_name);
            return CLI_ARG_ERROR;
        }
        *value = args->argv[args->next++];
        return CLI_ARG_OPTION;
    }

    const char *suggestion = suggest_long(args, name, len);
    if (suggestion != NULL)
        snprintf(args->error, sizeof args->error,
                 "unknown option '--%.*s' (did you mean '--%s'?)", (int)len, name,
                 suggestion);
    else
        snprintf(args->error, sizeof args->error, "unknown option '--%.*s'", (int)len,
                 name);
    return CLI_ARG_ERROR;
}

static cli_arg_kind short_option(cli_args *args, const char *arg, int *id, const char **value)
{
    for (size_t i = 0; i < args->noptions; i++) {
        const cli_option *opt = &args->options[i];
        if (opt->short_name == 0 || opt->short_name != arg[1])
            continue;
        *id = opt->id;
        if (!opt->takes_value) {
            if (arg[2] != '\0')
                break; /* "-hx": not an option we know */
            *value = NULL;
            return CLI_ARG_OPTION;
        }
        if (arg[2] != '\0') {
            *value = arg + 2;
            return CLI_ARG_OPTION;
        }
        if (args->next >= args->argc) {
            snprintf(args->error, sizeof args->error, "option '-%c' needs a value",
                     opt->short_name);
            return CLI_ARG_ERROR;
        }
        *value = args->argv[args->next++];
        return CLI_ARG_OPTION;
    }
    snprintf(args->error, sizeof args->error, "unknown option '%s'", arg);
    return CLI_ARG_ERROR;
}

cli_arg_kind cli_args_next(cli_args *args, int *id, const char **value)
{
    *id = 0;
    *value = NULL;
    if (args->next >= args->argc)
        return CLI_ARG_END;

    const char *arg = args->argv[args->next++];
    if (args->options_done || arg[0] != '-' || arg[1] == '\0') {
        *value = arg;
        return CLI_ARG_POSITIONAL;
    }
    if (arg[1] == '-' && arg[2] == '\0') {
        args->options_done = 1;
        return cli_args_next(args, id, value);
    }
    if (arg[1] == '-')
        return long_option(args, arg, id, value);
    return short_option(args, arg, id, value);
}
