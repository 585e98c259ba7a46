/*
 * value_text.h - a compiled value written as the rule language spells it.
 *
 * May use: util/, lang/, compile/program.h.
 */
#ifndef SW_VALUE_TEXT_H
#define SW_VALUE_TEXT_H

#include "compile/program.h"
#include "util/buf.h"

/* Appends a value as the rule language writes it: true, 12, 3.5, rough_sleeping,
 * {opioids, alcohol}, 2026-11-20, "text"; "unknown" when not known. */
void sw_value_format(const sw_program *p, const sw_type *t, sw_value v, sw_buf *out);

#endif
