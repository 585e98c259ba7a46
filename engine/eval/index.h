/*
 * index.h - builds the stage index of a compiled program (see sw_index).
 *
 * May use: compile/program.h.
 */
#ifndef SW_INDEX_H
#define SW_INDEX_H

#include "compile/program.h"

/* Fills p->index from p's fast forms. Call once after sw_compile succeeds and
 * before the program is shared. Returns SW_OK or SW_ERR_NOMEM. */
sw_status sw_index_build(sw_program *p);

#endif
