/*
 * digest.h - SHA-256, from libcrypto, as lowercase hex.
 */
#ifndef SW_DIGEST_H
#define SW_DIGEST_H

#include <stddef.h>

typedef struct sw_digest sw_digest;

/* NULL when out of memory. */
sw_digest *sw_digest_new(void);
void sw_digest_update(sw_digest *d, const void *data, size_t len);
/* Writes 64 hex digits and a NUL; returns 0 on failure. Frees d. */
int sw_digest_finish(sw_digest *d, char hex[65]);
/* One-shot. */
int sw_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
