/*
 * front.h - the one front end: rule texts in, a checked model out, under one set of
 * limits.
 *
 * Every tool that reads rules goes through here: loading a rule set (api/ruleset.c,
 * which then compiles the model), lint (authoring/lint.c, which then analyses it)
 * and, for the size limit, fmt. So the limits on the number and size of rule files,
 * the order of parse and check, and what a failed allocation means are written
 * once.
 */
#ifndef SW_FRONT_H
#define SW_FRONT_H

#include <stddef.h>

#include "check/model.h"
#include "stagewise.h"

#define SW_MAX_RULE_FILE SW_LIMIT_RULE_FILE_BYTES
#define SW_MAX_RULE_FILES SW_LIMIT_RULE_FILES

/* E005: the named file is larger than SW_MAX_RULE_FILE. */
void sw_front_file_too_large(sw_diagnostics *diags, const char *name);
/* E008: n rule files are more than SW_MAX_RULE_FILES. */
void sw_front_too_many_files(sw_diagnostics *diags, size_t n);

/* Copies the texts into arena, parses every one (reporting every syntax error)
 * and checks what parsed, filling *m (which lives in arena). Returns SW_OK when
 * there was no error, SW_ERR_RULES when a rule error was reported, SW_ERR_LIMIT
 * past a limit, SW_ERR_NOMEM when an allocation failed anywhere (the model is then
 * not to be used, whatever it holds). */
sw_status sw_front_load(sw_arena *arena, const sw_source_text *texts, size_t ntexts,
                        sw_diagnostics *diags, sw_model *m);

#endif
