/*
 * front.c - the one front end (front.h): limits, parse, check.
 */
#include "check/front.h"

#include <string.h>

#include "lang/diag.h"
#include "lang/syntax.h"

void sw_front_file_too_large(sw_diagnostics *diags, const char *name)
{
    sw_where w = {name, NULL, 0, 0, 0};
    sw_diag_add(diags, SW_SEV_ERROR, "E005", w, NULL, "split the rule set into several files",
                "the file is larger than %u MiB", SW_MAX_RULE_FILE >> 20);
}

void sw_front_too_many_files(sw_diagnostics *diags, size_t n)
{
    sw_where w = {NULL, NULL, 0, 0, 0};
    sw_diag_add(diags, SW_SEV_ERROR, "E008", w, NULL, "merge rule files: a rule file may hold up to 16 MiB",
                "%zu rule files is more than the limit of %u", n, SW_MAX_RULE_FILES);
}

sw_status sw_front_load(sw_arena *arena, const sw_source_text *texts, size_t ntexts,
                        sw_diagnostics *diags, sw_model *m)
{
    memset(m, 0, sizeof *m);
    if (ntexts > SW_MAX_RULE_FILES) {
        sw_front_too_many_files(diags, ntexts);
        return SW_ERR_LIMIT;
    }
    sw_file *files = sw_arena_array(arena, ntexts ? ntexts : 1, sizeof *files);
    if (!files)
        return SW_ERR_NOMEM;
    for (size_t i = 0; i < ntexts; i++) {
        const char *name = texts[i].name ? texts[i].name : "<rules>";
        if (texts[i].len > SW_MAX_RULE_FILE) {
            sw_front_file_too_large(diags, name);
            return SW_ERR_LIMIT;
        }
        files[i].name = sw_arena_strdup(arena, name);
        files[i].text = sw_arena_memdup(arena, texts[i].text ? texts[i].text : "", texts[i].len);
        files[i].len = texts[i].len;
        if (!files[i].name || !files[i].text)
            return SW_ERR_NOMEM;
    }
    m->arena = arena;
    m->diags = diags;
    m->files = files;
    m->nfiles = (uint32_t)ntexts;
    sw_decl **tail = &m->decls;
    unsigned errors = 0;
    for (uint32_t i = 0; i < m->nfiles; i++) {
        errors += sw_syntax_parse(arena, diags, &files[i], i, &tail);
        /* memory ran out in this file: the load answers SW_ERR_NOMEM below, so the
         * files after it are not read (reading them could change nothing) */
        if (arena->failed || sw_diag_nomem(diags))
            break;
    }
    /* a tree built short of memory may hold holes: it is not checked */
    if (arena->failed || sw_diag_nomem(diags))
        return SW_ERR_NOMEM;
    /* check what parsed even after syntax errors, so one run reports everything */
    errors += sw_check(m);
    /* a failed allocation anywhere above is not a rule error, whatever it led to */
    if (arena->failed || sw_diag_nomem(diags))
        return SW_ERR_NOMEM;
    return errors ? SW_ERR_RULES : SW_OK;
}
