/*
 * digest.c - SHA-256 through OpenSSL's EVP interface (libcrypto).
 */
#include "util/digest.h"

#include <openssl/evp.h>

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
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int ok = d && !d->failed && EVP_DigestFinal_ex(d->ctx, md, &n) == 1 && n == 32;
    if (ok) {
        for (unsigned i = 0; i < 32; i++) {
            hex[2 * i] = digits[md[i] >> 4];
            hex[2 * i + 1] = digits[md[i] & 15];
        }
        hex[64] = '\0';
    }
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
