/*
 * value.h - dates and the rule language's spelling of values.
 */
#ifndef SW_VALUE_H
#define SW_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/vocab.h"

/* Parses exactly "YYYY-MM-DD" (a real calendar date, years 1900..2999) into days
 * since 1970-01-01. Returns 1 on success, 0 otherwise. */
int sw_date_parse(const char *s, size_t len, int32_t *days);
/* Writes "YYYY-MM-DD" and a NUL into out[11]. */
void sw_date_format(int32_t days, char out[11]);


/* Index of name among members, or -1. */
int sw_enum_find(const sw_enum *e, const char *name, size_t len);

/* The candidate closest to word by edit distance, when close enough to suggest
 * ("did you mean"), else NULL. */
const char *sw_suggest(const char *word, const char *const *candidates, size_t n);

#endif
