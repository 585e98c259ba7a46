/*
 * fhir.h - the FHIR reader's inside, for its tests: how a FHIR date, dateTime or
 * instant is placed in time. The entry points (sw_facts_from_fhir and the
 * prefetch templates) are public, in stagewise.h; fhir.c holds them.
 */
#ifndef SW_FHIR_H
#define SW_FHIR_H

#include <stdint.h>

/* Reads YYYY-MM-DD[Thh:mm:ss[.fff](Z|+hh:mm|-hh:mm)]: the calendar date as
 * written to *day (days since 1970-01-01), the moment in UTC to *when
 * (milliseconds; a date alone is its midnight UTC). Returns 1, or -1 for a partial
 * date (YYYY, YYYY-MM) that gives no day, or 0 for anything else. */
int sw_fhir_read_when(const char *s, int32_t *day, int64_t *when);

#endif
