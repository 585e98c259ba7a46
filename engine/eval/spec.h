/*
 * spec.h - builds the rules specialised per key value (sw_index.spec, program.h).
 *
 * May use: compile/program.h.
 */
#ifndef SW_SPEC_H
#define SW_SPEC_H

#include "compile/program.h"

/* Fills the spec and sreaders arrays of p->index and its rows of bits, from the
 * live lists and key_truth; sw_index_build calls it last. Returns SW_OK or
 * SW_ERR_NOMEM. */
sw_status sw_spec_build(sw_program *p);

#endif
