/*
 * text.h - small text helpers every stage shares: UTF-8 code points, edit
 * distance for "did you mean", and hex.
 *
 * May use: the C library only. Each exists once here so that carets, column
 * numbers, truncations and suggestions agree everywhere.
 */
#ifndef SW_TEXT_H
#define SW_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Not a code point: what sw_utf8_decode stores for ill-formed UTF-8. */
#define SW_UTF8_BAD 0x110000u

/* Decodes one UTF-8 sequence from s[0..n), n >= 1. Returns the bytes it took (at
 * least 1) and stores the code point in *cp; for an ill-formed sequence stores
 * SW_UTF8_BAD and returns the length of its maximal ill-formed subpart, the unit
 * to replace with one U+FFFD. */
size_t sw_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Whether byte c continues a UTF-8 sequence (10xxxxxx) rather than starting one. */
static inline int sw_utf8_continues(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Code points in the first n bytes of s (a display column count). */
size_t sw_utf8_count(const char *s, size_t n);

/* Bytes of s[0..n) that hold at most chars code points, never splitting one. */
size_t sw_utf8_prefix(const char *s, size_t n, size_t chars);

/* The optimal-string-alignment (Damerau-Levenshtein) distance between a[0..alen)
 * and b[0..blen): insertions, deletions, substitutions and transpositions of two
 * neighbours each cost 1. Returns cap + 1 when the distance is over cap or either
 * word is longer than 64 bytes (too long to be a typing slip). */
size_t sw_edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t cap);

/* Writes n bytes as 2n lowercase hex digits and a NUL into out (2n + 1 bytes). */
void sw_hex(const unsigned char *bytes, size_t n, char *out);

#endif
