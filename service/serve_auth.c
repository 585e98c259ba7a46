/*
 * serve_auth.c - reading the token file and checking bearer tokens (see
 * serve_auth.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_auth.h"

#include "util/digest.h"
#include "util/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Tokens are visible ASCII without spaces (RFC 6750's b64token is narrower). */
static int token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7F;
}

static int digest(const char *token, size_t len, unsigned char out[32])
{
    return sw_sha256(token, len, out) ? 0 : -1;
}

static int add_token(serve_tokens *tokens, const char *token, size_t len)
{
    if (!sw_grow(&tokens->digests, &tokens->cap, tokens->count, sizeof *tokens->digests, 4))
        return -1;
    return digest(token, len, tokens->digests[tokens->count++]);
}

/* Reads one line's token; returns 1 for a token, 0 for a line to skip, -1 for a
 * bad line (message set). */
static int parse_line(char *line, size_t lineno, const char *path, char **token,
                      size_t *len, char *message, size_t size)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                     line[n - 1] == '\t'))
        line[--n] = '\0';
    char *start = line;
    while (*start == ' ' || *start == '\t')
        start++;
    if (*start == '\0' || *start == '#')
        return 0;
    *token = start;
    *len = strlen(start);
    for (size_t i = 0; i < *len; i++)
        if (!token_char((unsigned char)start[i])) {
            snprintf(message, size, "%s:%zu: a token may hold only visible ASCII characters",
                     path, lineno);
            return -1;
        }
    if (*len < SERVE_TOKEN_MIN) {
        snprintf(message, size, "%s:%zu: a token must be at least %d characters long", path,
                 lineno, SERVE_TOKEN_MIN);
        return -1;
    }
    return 1;
}

static int read_tokens(FILE *f, const char *path, serve_tokens *out, char *message,
                       size_t size)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = 0;

    while (rc == 0 && getline(&line, &cap, f) != -1) {
        char *token;
        size_t len;
        int kind = parse_line(line, ++lineno, path, &token, &len, message, size);
        if (kind < 0)
            rc = -1;
        else if (kind > 0 && add_token(out, token, len) != 0) {
            snprintf(message, size, "out of memory reading '%s'", path);
            rc = -1;
        }
        if (line != NULL)
            sw_digest_wipe(line, cap);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(message, size, "cannot read '%s': %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    if (rc == 0 && out->count == 0) {
        snprintf(message, size, "'%s' holds no token", path);
        rc = -1;
    }
    return rc;
}

int serve_tokens_load(const char *path, serve_tokens *out, char *message, size_t size,
                      char *warning, size_t warning_size)
{
    struct stat st;

    *out = (serve_tokens){0};
    warning[0] = '\0';
    errno = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(message, size, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        snprintf(warning, warning_size,
                 "'%s' can be read by other users; chmod 600 it", path);
    int rc = read_tokens(f, path, out, message, size);
    fclose(f);
    if (rc != 0)
        serve_tokens_free(out);
    return rc;
}

void serve_tokens_free(serve_tokens *tokens)
{
    free(tokens->digests);
    *tokens = (serve_tokens){0};
}

int serve_tokens_check(const serve_tokens *tokens, const char *authorization)
{
    unsigned char presented[32];
    static const char scheme[] = "Bearer ";
    const size_t scheme_len = sizeof scheme - 1;

    if (authorization == NULL || strncasecmp(authorization, scheme, scheme_len) != 0)
        return 0;
    const char *token = authorization + scheme_len;
    while (*token == ' ')
        token++;
    size_t len = strlen(token);
    while (len > 0 && token[len - 1] == ' ')
        len--;
    if (len == 0 || digest(token, len, presented) != 0)
        return 0;
    int match = 0;
    for (size_t i = 0; i < tokens->count; i++)
        match |= sw_digest_equal(presented, tokens->digests[i], sizeof presented);
    return match;
}
