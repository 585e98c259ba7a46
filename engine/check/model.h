/*
 * model.h - the checked model: declarations resolved, sorted and typed.
 *
 * The checker (check.c) builds this from the parsed declarations, annotating every
 * expression with its type and what each name refers to. The compiler (compile.c)
 * reads it to build the immutable program. Everything here lives in the
 * compilation's arena and is gone once the program is built.
 */
#ifndef SW_MODEL_H
#define SW_MODEL_H

#include "lang/ast.h"
#include "lang/syntax.h"

typedef struct sw_model {
    sw_arena *arena;
    sw_diagnostics *diags;
    const sw_file *files;
    uint32_t nfiles;
    sw_decl *decls;
    unsigned errors;

    sw_decl *guideline;
    sw_decl **sources;     uint32_t nsources;      /* by id */
    sw_decl **statements;  uint32_t nstatements;   /* by source id, then id */
    sw_decl **stages;      uint32_t nstages;       /* in the declared order */
    sw_decl **facts;       uint32_t nfacts;        /* by slot: base facts by name, then derived by name */
    uint32_t nbase;
    sw_type *types;                                /* by slot */
    sw_decl **items[SW_ITEM__COUNT];    uint32_t nitems[SW_ITEM__COUNT];     /* by sw_item_kind, each by id */
    sw_decl **rules;       uint32_t nrules;        /* by id */
    sw_fhir_source *fhir;  uint32_t nfhir;         /* FHIR mappings, by slot (check_fhir.c) */

    sw_enum *enums;        uint32_t nenums;
    uint32_t stage_enum;                           /* SW_NONE when no stages */
    int stages_broken;                             /* declared, but with errors already reported */
    unsigned expr_depth;                           /* check.c: how deep check_expr is */
    const sw_decl *deep_told;                      /* the last declaration told it was too deep */
} sw_model;

/* Resolves names, checks types, ranges and declarations, and finds cycles among
 * derived facts. Returns the number of errors (also in m->errors). */
unsigned sw_check(sw_model *m);

/* Checks the fhir declarations into m->fhir (check_fhir.c); run after the facts. */
void sw_check_fhir(sw_model *m);

/* Queues an error at `at` in d's file and counts it in m->errors; the checker's
 * one way to report (check.c, check_fhir.c). */
void sw_model_report(sw_model *m, const sw_decl *d, sw_loc at, const char *code, const char *hint,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Index of a declaration by name in an id-sorted array, or SW_NONE. */
uint32_t sw_model_find(sw_decl *const *decls, uint32_t n, const char *name);

/* The source (with its statements) a citation names; used by the compiler. */
uint32_t sw_model_find_statement(const sw_model *m, const char *source, const char *id);

/* Rule statuses, in sw_rule_status order, and the index of a word among them (-1). */
extern const char *const sw_rule_status_names[4];
int sw_rule_status_index(const char *word);


#endif
