/*
 * io.c - whole-input reading with a size limit, and checked writes (see io.h).
 */
#include "io.h"

#include "util/grow.h"
#include "util/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *cli_input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? CLI_STDIN_NAME : path;
}

int cli_can_open(const char *path, int must_read, int *error_number)
{
    if (strcmp(path, "-") == 0)
        return 1;
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *error_number = errno != 0 ? errno : EIO;
        return 0;
    }
    /* Reading one byte also catches what opens but cannot be read (a directory). */
    errno = 0;
    if (must_read && getc(f) == EOF && ferror(f)) {
        *error_number = errno != 0 ? errno : EIO;
        fclose(f);
        return 0;
    }
    fclose(f);
    return 1;
}

/* Where the first byte past the limit stands: its line and its column in
 * characters (UTF-8 continuation bytes do not count), for the error that says so. */
static void note_over(cli_input *input, const char *data, size_t limit)
{
    size_t line = 1, start = 0;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + limit - p))) != NULL; p++) {
        line++;
        start = (size_t)(p - data) + 1;
    }
    size_t column = 1 + sw_utf8_count(data + start, limit - start);
    input->over_line = line;
    input->over_column = column;
}

/* Reads stream to its end into input, refusing more than limit bytes. */
static cli_read_status read_stream(FILE *stream, size_t limit, cli_input *input)
{
    size_t cap = 0, len = 0;
    char *data = NULL;

    for (;;) {
        if (len == cap) {
            if (cap > limit) {
                note_over(input, data, limit);
                free(data);
                return CLI_READ_TOO_BIG;
            }
            /* Grow geometrically, but never past limit + 1 (enough to see that the
             * input is too big) plus the terminating NUL. */
            size_t alloc = cap ? cap + 1 : 0;   /* cap bytes and the NUL */
            if (!sw_grow_to(&data, &alloc, len + 2, 1, 65536 + 1,
                            limit > SIZE_MAX - 2 ? SIZE_MAX : limit + 2)) {
                free(data);
                return CLI_READ_NOMEM;
            }
            cap = alloc - 1;
        }
        errno = 0;
        size_t got = fread(data + len, 1, cap - len, stream);
        len += got;
        if (len > limit) {
            note_over(input, data, limit);
            free(data);
            return CLI_READ_TOO_BIG;
        }
        if (got == 0 || len < cap) {
            if (ferror(stream)) {
                input->error_number = errno != 0 ? errno : EIO;
                free(data);
                return CLI_READ_IO;
            }
            if (feof(stream))
                break;
        }
    }
    data[len] = '\0';
    input->data = data;
    input->len = len;
    return CLI_READ_OK;
}

cli_read_status cli_read_input(const char *path, size_t limit, cli_input *input)
{
    input->data = NULL;
    input->len = 0;
    input->error_number = 0;
    input->over_line = input->over_column = 0;

    if (strcmp(path, "-") == 0)
        return read_stream(stdin, limit, input);

    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        input->error_number = errno != 0 ? errno : EIO;
        return CLI_READ_IO;
    }
    cli_read_status status = read_stream(f, limit, input);
    fclose(f);
    return status;
}

void cli_input_free(cli_input *input)
{
    free(input->data);
    input->data = NULL;
    input->len = 0;
}

int cli_write(FILE *stream, const char *data, size_t n)
{
    if (n == 0)
        return ferror(stream) ? -1 : 0;
    return fwrite(data, 1, n, stream) == n ? 0 : -1;
}

int cli_puts(FILE *stream, const char *text)
{
    return cli_write(stream, text, strlen(text));
}
