/*
 * test_text.c - the shared text and digest helpers (util/text.h, util/digest.h):
 * UTF-8 counting and cutting, edit distance, hex, SHA-256, HMAC-SHA256 (RFC 4231),
 * constant-time comparison and UUIDs (RFC 4122 versions 4 and 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/digest.h"
#include "util/text.h"

static void test_utf8_count_and_prefix(void **state)
{
    (void)state;
    const char *s = "caf\xC3\xA9 \xE2\x82\xAC!";   /* "café €!" */
    size_t n = strlen(s);
    assert_int_equal(n, 10);
    assert_int_equal(sw_utf8_count(s, n), 7);
    assert_int_equal(sw_utf8_count(s, 4), 4);      /* the lead byte of é counts */
    assert_int_equal(sw_utf8_prefix(s, n, 4), 5);  /* "café": é is two bytes */
    assert_int_equal(sw_utf8_prefix(s, n, 6), 9);  /* up to and including € */
    assert_int_equal(sw_utf8_prefix(s, n, 100), n);
    assert_int_equal(sw_utf8_prefix(s, n, 0), 0);
    assert_true(sw_utf8_continues(0xA9));
    assert_false(sw_utf8_continues('a'));
    assert_false(sw_utf8_continues(0xC3));
}

static void test_utf8_decode(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(sw_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3, &cp), 3);
    assert_int_equal(cp, 0x20AC);
    /* an overlong form and a lone surrogate are ill-formed */
    assert_int_equal(sw_utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp), 1);
    assert_int_equal(cp, SW_UTF8_BAD);
    assert_int_equal(sw_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp), 1);
    assert_int_equal(cp, SW_UTF8_BAD);
    /* a truncated sequence is one unit to replace */
    assert_int_equal(sw_utf8_decode((const unsigned char *)"\xE2\x82", 2, &cp), 2);
    assert_int_equal(cp, SW_UTF8_BAD);
}

static size_t dist(const char *a, const char *b, size_t cap)
{
    return sw_edit_distance(a, strlen(a), b, strlen(b), cap);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(dist("phq9", "phq9", 3), 0);
    assert_int_equal(dist("phq9", "phq", 3), 1);          /* deletion */
    assert_int_equal(dist("gad7", "gad77", 3), 1);        /* insertion */
    assert_int_equal(dist("audit", "audiy", 3), 1);       /* substitution */
    assert_int_equal(dist("housing", "hosuing", 3), 1);   /* transposition counts 1 */
    assert_int_equal(dist("", "abc", 3), 3);
    assert_int_equal(dist("kitten", "sitting", 3), 3);
    assert_int_equal(dist("kitten", "sitting", 2), 3);    /* over the cap: cap + 1 */
    char longword[80];
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    assert_int_equal(dist(longword, longword, 2), 3);     /* too long to be a slip */
}

static void test_hex_and_sha256(void **state)
{
    (void)state;
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    char hex[9];
    sw_hex(bytes, sizeof bytes, hex);
    assert_string_equal(hex, "000fa5ff");
    char h[65];
    assert_true(sw_sha256_hex("abc", 3, h));
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unsigned char raw[32];
    assert_true(sw_sha256("abc", 3, raw));
    sw_hex(raw, 32, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_hmac_and_equal(void **state)
{
    (void)state;
    /* RFC 4231, test case 2 */
    unsigned char mac[32];
    const char *data = "what do ya want for nothing?";
    assert_true(sw_hmac_sha256("Jefe", 4, data, strlen(data), mac));
    char h[65];
    sw_hex(mac, 32, h);
    assert_string_equal(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    unsigned char other[32];
    memcpy(other, mac, sizeof other);
    assert_true(sw_digest_equal(mac, other, sizeof mac));
    other[31] ^= 1;
    assert_false(sw_digest_equal(mac, other, sizeof mac));
    sw_digest_wipe(other, sizeof other);
    for (size_t i = 0; i < sizeof other; i++)
        assert_int_equal(other[i], 0);
}

static void test_uuids(void **state)
{
    (void)state;
    /* RFC 4122 version 5 in the DNS namespace, as Python's uuid5 computes it */
    static const unsigned char dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                          0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    unsigned char name[16 + 10];
    memcpy(name, dns, 16);
    memcpy(name + 16, "python.org", 10);
    char id[37];
    assert_true(sw_uuid_named(name, sizeof name, id));
    assert_string_equal(id, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    char a[37], b[37];
    assert_true(sw_uuid_random(a));
    assert_true(sw_uuid_random(b));
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');                          /* version 4 */
    assert_non_null(strchr("89ab", a[19]));                /* RFC 4122 variant */
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_count_and_prefix),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_hex_and_sha256),
        cmocka_unit_test(test_hmac_and_equal),
        cmocka_unit_test(test_uuids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
