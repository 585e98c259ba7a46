/*
 * args.h - a small, reentrant command-line option parser for the stagewise command.
 *
 * Each command describes its options in a table and pulls arguments one at a time
 * with cli_args_next(). The parser keeps all of its state in the cli_args value the
 * caller owns (no getopt globals), understands "-f VALUE", "-fVALUE", "--name VALUE",
 * "--name=VALUE", a lone "-" (a positional argument, meaning standard input) and "--"
 * (everything after it is positional), and writes a one-line message for usage errors.
 */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <stddef.h>

typedef struct cli_option {
    int id;                 /* returned by cli_args_next for this option */
    char short_name;        /* 'f' for "-f"; 0 for none */
    const char *long_name;  /* "facts" for "--facts"; NULL for none */
    int takes_value;        /* 1: the option needs a value */
} cli_option;

typedef enum cli_arg_kind {
    CLI_ARG_END,            /* no more arguments */
    CLI_ARG_OPTION,         /* an option: *id set, *value set when it takes one */
    CLI_ARG_POSITIONAL,     /* a positional argument: *value set */
    CLI_ARG_ERROR           /* a usage error: message in args->error */
} cli_arg_kind;

typedef struct cli_args {
    int argc;
    char *const *argv;
    int next;                   /* index of the next argv element to read */
    int options_done;           /* set after "--" */
    const cli_option *options;
    size_t noptions;
    char error[256];            /* the usage error, without a trailing newline */
} cli_args;

/* Starts parsing argv[first..argc-1] against the given option table. */
void cli_args_init(cli_args *args, int argc, char *const *argv, int first,
                   const cli_option *options, size_t noptions);

/* Reads the next argument. On CLI_ARG_OPTION, *id is the option's id and *value its
 * value (NULL for an option without one); on CLI_ARG_POSITIONAL, *value is the
 * argument; on CLI_ARG_ERROR, args->error says what is wrong (unknown option, missing
 * value, value given to an option that takes none). */
cli_arg_kind cli_args_next(cli_args *args, int *id, const char **value);

#endif
