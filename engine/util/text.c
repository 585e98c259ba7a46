/*
 * text.c - UTF-8 code points, edit distance and hex (see text.h).
 */
#include "util/text.h"

#include <stdint.h>

size_t sw_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char lead = s[0];
    if (lead < 0x80) {
        *cp = lead;
        return 1;
    }
    /* Well-formed sequences (Unicode Table 3-7): the range allowed for the second
     * byte depends on the lead; later bytes are always 80..BF. */
    size_t need;
    uint32_t value;
    unsigned char lo = 0x80, hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
        value = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        value = lead & 0x0Fu;
        if (lead == 0xE0)
            lo = 0xA0;   /* no overlong forms */
        else if (lead == 0xED)
            hi = 0x9F;   /* no surrogates */
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        value = lead & 0x07u;
        if (lead == 0xF0)
            lo = 0x90;   /* no overlong forms */
        else if (lead == 0xF4)
            hi = 0x8F;   /* nothing above U+10FFFF */
    } else {
        *cp = SW_UTF8_BAD;
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *cp = SW_UTF8_BAD;
            return i;
        }
        value = (value << 6) | (s[i] & 0x3Fu);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = value;
    return need + 1;
}

size_t sw_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !sw_utf8_continues((unsigned char)s[i]);
    return count;
}

size_t sw_utf8_prefix(const char *s, size_t n, size_t chars)
{
    size_t i = 0, seen = 0;
    while (i < n) {
        if (!sw_utf8_continues((unsigned char)s[i])) {
            if (seen == chars)
                break;
            seen++;
        }
        i++;
    }
    return i;
}

enum { WORD_MAX = 64 };

size_t sw_edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t cap)
{
    if (alen > WORD_MAX || blen > WORD_MAX)
        return cap + 1;
    /* three rows: two back for transpositions */
    size_t rows[3][WORD_MAX + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= blen; j++)
        prev[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < v)
                v = before[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[blen] > cap ? cap + 1 : prev[blen];
}

void sw_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}
