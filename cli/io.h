/*
 * io.h - reading whole inputs (files or standard input) with a size limit, and
 * checked writes to the standard streams.
 *
 * The command reads each input into memory before handing it to the library, which
 * parses from memory. Inputs larger than the limit are refused without reading them
 * to the end, so a runaway pipe cannot exhaust memory.
 */
#ifndef CLI_IO_H
#define CLI_IO_H

#include <stdio.h>
#include <stddef.h>

/* The most bytes read from one facts input (a file or standard input). */
#define CLI_FACTS_LIMIT ((size_t)64 * 1024 * 1024)
#define CLI_FACTS_LIMIT_TEXT "64 MiB"

/* The name diagnostics use for standard input. */
#define CLI_STDIN_NAME "<stdin>"

typedef enum cli_read_status {
    CLI_READ_OK,
    CLI_READ_IO,        /* could not open or read; error_number says why */
    CLI_READ_TOO_BIG,   /* more than limit bytes */
    CLI_READ_NOMEM
} cli_read_status;

typedef struct cli_input {
    char *data;          /* NUL-terminated; free with cli_input_free */
    size_t len;
    int error_number;    /* errno for CLI_READ_IO, else 0 */
    size_t over_line;    /* CLI_READ_TOO_BIG: 1-based line and column (characters) */
    size_t over_column;  /* of the first byte past the limit */
} cli_input;

/* How a too-big input is told: "NAME:LINE:COL: WHAT is larger than the 64 MiB limit
 * (byte N is past it)", where the position is the first byte past the limit. */
#define CLI_TOO_BIG_FMT "%s:%zu:%zu: %s is larger than the " CLI_FACTS_LIMIT_TEXT " limit (byte %zu is past it)"
#define CLI_TOO_BIG_ARGS(name, in, what) (name), (in).over_line, (in).over_column, (what), (size_t)CLI_FACTS_LIMIT + 1

/* Reads the whole of path ("-" is standard input) into input, at most limit bytes. */
cli_read_status cli_read_input(const char *path, size_t limit, cli_input *input);
void cli_input_free(cli_input *input);

/* Whether path can be opened ("-" always can); with must_read, also whether a byte
 * can be read from it, which a directory cannot. On failure returns 0 and sets
 * *error_number. Used to name a missing file before any work is done. */
int cli_can_open(const char *path, int must_read, int *error_number);

/* The name to show for path: CLI_STDIN_NAME for "-", else path itself. */
const char *cli_input_name(const char *path);

/* Writes n bytes to stream; returns 0 on success, -1 on a write error. */
int cli_write(FILE *stream, const char *data, size_t n);
int cli_puts(FILE *stream, const char *text);

#endif
