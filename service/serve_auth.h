/*
 * serve_auth.h - bearer-token authentication for the service.
 *
 * The token file holds one token per line (blank lines and lines starting with '#'
 * are ignored; spaces around a token are trimmed), so tokens can be rotated by
 * listing the new one beside the old. Only SHA-256 digests of the tokens are kept in
 * memory, and a presented token is checked by comparing its digest with every
 * stored digest using CRYPTO_memcmp and no early exit: the time taken does not
 * depend on how much of a token matched.
 */
#ifndef SERVE_AUTH_H
#define SERVE_AUTH_H

#include <stddef.h>

/* Tokens shorter than this are refused when the file is read. */
#define SERVE_TOKEN_MIN 16

typedef struct serve_tokens {
    unsigned char (*digests)[32];
    size_t count;
    size_t cap;      /* digests allocated */
} serve_tokens;

/* Reads the token file. Returns 0, or -1 with message saying what is wrong. A file
 * readable by other users is accepted with a warning written into warning (empty
 * when there is none). */
int serve_tokens_load(const char *path, serve_tokens *out, char *message, size_t size,
                      char *warning, size_t warning_size);
void serve_tokens_free(serve_tokens *tokens);

/* Whether the value of an Authorization header ("Bearer TOKEN", the scheme in any
 * case) holds one of the tokens. NULL (no header) is refused. */
int serve_tokens_check(const serve_tokens *tokens, const char *authorization);

#endif
