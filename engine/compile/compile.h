/*
 * compile.h - the compiler: a checked model in, the immutable program out.
 *
 * May use: util/, lang/, check/, compile/program.h.
 */
#ifndef SW_COMPILE_H
#define SW_COMPILE_H

#include "check/model.h"
#include "compile/program.h"

/* Builds the program from a model with no errors. Returns SW_OK or SW_ERR_NOMEM. */
sw_status sw_compile(const sw_model *m, sw_program *p);

#endif
