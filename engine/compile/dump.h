/*
 * dump.h - a canonical text dump of a compiled rule set's content.
 *
 * The dump says everything the compiled program means (schema, catalogue,
 * sources, every rule's condition and actions as expression trees, the schedule)
 * and nothing about where or how it was written: no file names, lines, offsets or
 * rule text. Two rule sets with the same dump give the same answers for every
 * client. The formatter's tests use it to prove that formatting changes no meaning.
 */
#ifndef SW_DUMP_H
#define SW_DUMP_H

#include "util/buf.h"
#include "compile/program.h"

/* Appends the dump of p to out (check sw_buf_failed for running out of memory). */
void sw_dump_program(const sw_program *p, sw_buf *out);

#endif
