/*
 * value.h - dates and the rule language's spelling of values.
 */
#ifndef SW_VALUE_H
#define SW_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/vocab.h"

/* The dates Stagewise accepts, in rules and in facts: every real calendar day from
 * 1900-01-01 (earlier years are taken for typing slips) to 9999-12-31, the last day
 * four digits can write and a common "no end" date. Days since 1970-01-01 then lie
 * within -25567..2932896, so a difference of two dates (days since) and every
 * comparison stay far inside 32 bits. */
#define SW_DATE_RANGE_TEXT "from 1900-01-01 to 9999-12-31"

typedef enum sw_date_status {
    SW_DATE_OK,
    SW_DATE_NOT_YYYY_MM_DD, /* not four digits, '-', two digits, '-', two digits */
    SW_DATE_NO_SUCH_DAY,    /* month 13, 30 February, day 00 */
    SW_DATE_TOO_EARLY       /* a real day, before 1900-01-01 */
} sw_date_status;

/* Reads exactly "YYYY-MM-DD" into days since 1970-01-01 (set only on SW_DATE_OK). */
sw_date_status sw_date_read(const char *s, size_t len, int32_t *days);
/* sw_date_read(...) == SW_DATE_OK. */
int sw_date_parse(const char *s, size_t len, int32_t *days);
/* Calendar months from date `from` to date `to` (days since 1970-01-01): the whole
 * months completed (the same day of the month, or the month's last day when the
 * month is shorter), plus the days into the next month as a fraction of that
 * month's length. 2026-01-15 to 2026-02-15 is 1, to 2026-03-01 is 1.5 (14 of 28
 * days); negative when `to` is earlier. */
double sw_date_months_between(int64_t from, int64_t to);
/* Writes "YYYY-MM-DD" and a NUL into out[11]. */
void sw_date_format(int32_t days, char out[11]);


/* Index of name among members, or -1. */
int sw_enum_find(const sw_enum *e, const char *name, size_t len);

/* The candidate closest to word by edit distance, when close enough to suggest
 * ("did you mean"), else NULL. */
const char *sw_suggest(const char *word, const char *const *candidates, size_t n);

#endif
