/*
 * digest.h - hashes and identifiers, from libcrypto: SHA-256 (as hex or bytes),
 * HMAC-SHA256, constant-time comparison, and UUIDs (random, version 4; and
 * name-based, version 5).
 *
 * May use: util/ and libcrypto. The one place the library and its service call
 * libcrypto.
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

/* The 32 bytes of SHA-256 of data; 1 on success, 0 on failure. */
int sw_sha256(const void *data, size_t len, unsigned char out[32]);
/* HMAC-SHA256 of data under key; 1 on success, 0 on failure. */
int sw_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                   unsigned char out[32]);
/* 1 when a[0..n) equals b[0..n), in time that does not depend on where they differ. */
int sw_digest_equal(const void *a, const void *b, size_t n);
/* Overwrites p[0..n) with zeros in a way the compiler may not remove (secrets). */
void sw_digest_wipe(void *p, size_t n);

/* A random (version 4) UUID, lower case, into out; 1 on success. */
int sw_uuid_random(char out[37]);
/* The name-based (version 5, SHA-1) UUID of name[0..len), which starts with the
 * namespace's 16 bytes (RFC 4122 section 4.3); 1 on success. */
int sw_uuid_named(const void *name, size_t len, char out[37]);

#endif
