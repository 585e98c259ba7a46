/*
 * facts.h - one client's facts, in the slots the compiled schema defines.
 *
 * The facts reader (facts_read.c) fills these from YAML or JSON; the setters
 * in the public API fill them from code. values[] has one entry per base fact slot;
 * derived slots are computed by the evaluator, not stored here.
 */
#ifndef SW_FACTS_H
#define SW_FACTS_H

#include "util/arena.h"
#include "util/buf.h"
#include "compile/program.h"

/* Where a value read from FHIR came from (sw_facts_from_fhir), so that a merge
 * can name it when another source disagrees (sw_facts_merge). */
typedef struct sw_fact_origin {
    const char *resource;    /* "Observation/phq9-a"; NULL: the slot has no origin */
    const char *path;        /* the JSON path of the value read */
    const char *file;        /* the input's name */
    unsigned line, column;
    const char *source_line; /* or NULL */
} sw_fact_origin;

struct sw_facts {
    const sw_program *prog;
    sw_arena arena;          /* text values, client id */
    sw_value *values;        /* prog->nbase entries */
    const char *client;      /* or NULL */
    int32_t assessed_on;     /* days since 1970-01-01 */
    uint8_t has_assessed_on;
    const char *source_name; /* file the facts came from, for diagnostics */
    unsigned line;           /* where the document starts, 1-based */
    sw_fact_origin *origin;  /* per base slot (in arena), or NULL: FHIR origins */
};

/* Canonical text of the facts (assessment date and every base fact by slot), the
 * input of the facts digest: "assessed_on=2026-11-20\nhousing=stable\n...". */
void sw_facts_canonical(const sw_facts *f, sw_buf *out);

#endif
