/*
 * digest.c - hashes and UUIDs through OpenSSL's EVP, HMAC and RAND interfaces
 * (libcrypto); see digest.h.
 */
#include "util/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>

#include "util/text.h"

struct sw_digest {
    EVP_MD_CTX *ctx;
    int failed;
};

sw_digest *sw_digest_new(void)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return NULL;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    sw_digest *d = OPENSSL_zalloc(sizeof *d);
    if (!d) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    d->ctx = ctx;
    return d;
}

void sw_digest_update(sw_digest *d, const void *data, size_t len)
{
    if (d && !d->failed && len && EVP_DigestUpdate(d->ctx, data, len) != 1)
        d->failed = 1;
}

int sw_digest_finish(sw_digest *d, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int ok = d && !d->failed && EVP_DigestFinal_ex(d->ctx, md, &n) == 1 && n == 32;
    if (ok)
        sw_hex(md, 32, hex);
    if (d) {
        EVP_MD_CTX_free(d->ctx);
        OPENSSL_free(d);
    }
    return ok;
}

int sw_sha256_hex(const void *data, size_t len, char hex[65])
{
    sw_digest *d = sw_digest_new();
    sw_digest_update(d, data, len);
    return sw_digest_finish(d, hex);
}

int sw_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

int sw_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                   unsigned char out[32])
{
    unsigned int n = 0;
    if (keylen > (size_t)0x7fffffff)
        return 0;
    return HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &n) != NULL && n == 32;
}

int sw_digest_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

void sw_digest_wipe(void *p, size_t n)
{
    OPENSSL_cleanse(p, n);
}

/* Sets the version and the RFC 4122 variant, and writes the 8-4-4-4-12 form. */
static void uuid_text(unsigned char b[16], unsigned version, char out[37])
{
    char hex[33];
    b[6] = (unsigned char)((b[6] & 0x0F) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    sw_hex(b, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

int sw_uuid_random(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return 0;
    uuid_text(b, 4, out);
    return 1;
}

int sw_uuid_named(const void *name, size_t len, char out[37])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(name, len, md, &n, EVP_sha1(), NULL) != 1 || n < 16)
        return 0;
    uuid_text(md, 5, out);
    return 1;
}
