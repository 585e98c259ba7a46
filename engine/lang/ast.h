/*
 * ast.h - the syntax tree the parser builds from rule files.
 *
 * The parser only builds this tree; every semantic check belongs to the checker,
 * which also annotates expressions with their types and resolved names. Nodes live
 * in the compilation's arena. Locations are byte spans in a source file, indexed into
 * the compilation's file table; lines and columns are computed only for diagnostics.
 */
#ifndef SW_AST_H
#define SW_AST_H

#include <stdint.h>

#include "lang/vocab.h"

typedef struct sw_loc {
    uint32_t off, end;      /* byte offsets [off, end) in the file */
} sw_loc;

typedef struct sw_ident {
    const char *name;
    sw_loc at;
    struct sw_ident *next;  /* in lists */
} sw_ident;

typedef enum sw_expr_kind {
    SW_E_INT, SW_E_NUMBER, SW_E_BOOL, SW_E_TEXT, SW_E_DATE, SW_E_NAME,
    SW_E_NOT, SW_E_NEG, SW_E_AND, SW_E_OR,
    SW_E_CMP,          /* op: SW_OP_EQ .. SW_OP_GE */
    SW_E_ARITH,        /* op: SW_OP_ADD .. SW_OP_DIV */
    SW_E_IN,           /* lhs in { items }; negated for `not in` */
    SW_E_CONTAINS,     /* lhs contains rhs | any {items} | all {items} */
    SW_E_KNOWN,        /* lhs is known; negated for `is missing` */
    SW_E_SINCE         /* days/weeks/months since lhs */
} sw_expr_kind;

/* The mode of `months since` (days and weeks use their length in days). */
#define SW_SINCE_MONTHS 30

typedef enum sw_contains_mode { SW_CONTAINS_ONE, SW_CONTAINS_ANY, SW_CONTAINS_ALL } sw_contains_mode;

typedef struct sw_expr {
    uint8_t kind;           /* sw_expr_kind */
    uint8_t op;             /* sw_opcode for CMP and ARITH */
    uint8_t negated;
    uint8_t mode;           /* CONTAINS: sw_contains_mode; SINCE: 7 for weeks, 1 for days,
                               SW_SINCE_MONTHS for months */
    uint8_t eq_typo;        /* written with '=' or '==' (reported by the checker) */
    sw_loc at;
    struct sw_expr *lhs, *rhs;
    struct sw_expr *items;  /* IN / CONTAINS any|all: list linked by next */
    struct sw_expr *next;
    int64_t i;              /* INT, BOOL, DATE literal */
    double n;               /* NUMBER literal */
    const char *s;          /* TEXT literal, NAME */

    /* filled in by the checker */
    sw_type type;           /* result type */
    uint8_t checked_ok;     /* type is meaningful */
    uint8_t is_member;      /* NAME resolved to an enumeration member (i = index) */
    uint32_t slot;          /* NAME resolved to a fact: its slot */
} sw_expr;

typedef enum sw_type_form {
    SW_TF_BOOL, SW_TF_INT, SW_TF_NUMBER, SW_TF_ONE_OF, SW_TF_SET_OF, SW_TF_DATE, SW_TF_TEXT,
    SW_TF_STAGE
} sw_type_form;

/* The forms follow the type kinds of SW_TYPE_KINDS (vocab.h), then the stage. */
_Static_assert((int)SW_TF_ONE_OF == (int)SW_T_ENUM && (int)SW_TF_SET_OF == (int)SW_T_SET &&
                   (int)SW_TF_TEXT == (int)SW_T_TEXT && (int)SW_TF_STAGE == (int)SW_T__COUNT,
               "type forms follow SW_TYPE_KINDS");

typedef struct sw_type_expr {
    uint8_t form;           /* sw_type_form */
    uint8_t has_range;
    sw_expr *min, *max;     /* INT or NUMBER literals */
    sw_ident *members;      /* ONE_OF, SET_OF */
    sw_loc at;
} sw_type_expr;

typedef struct sw_cite {
    sw_ident source;
    sw_ident statement;     /* name NULL when citing the whole source or a locator */
    const char *locator;    /* free text, or NULL */
    sw_loc at;
    struct sw_cite *next;
} sw_cite;

typedef struct sw_action_ast {
    uint8_t kind;           /* sw_action_kind */
    sw_ident target;
    sw_ident level;         /* priority or severity word; name NULL when absent */
    sw_expr *value;         /* set */
    const char *because;
    sw_loc at;
    struct sw_action_ast *next;
} sw_action_ast;

/* `allow CODE because "reason"`: a lint finding silenced for one rule. */
typedef struct sw_allow {
    sw_ident code;
    const char *reason;
    sw_loc at;
    struct sw_allow *next;
} sw_allow;

/* A FHIR mapping: `fhir FACT: Resource "code" clause ...`. The parser keeps each
 * clause as written (a word and its argument); the checker gives them meaning. */
typedef enum sw_fhir_arg { SW_FA_WORD, SW_FA_TEXTS, SW_FA_DAYS, SW_FA_MAP } sw_fhir_arg;

typedef struct sw_fhir_pair {
    const char *code;       /* "system|code" */
    sw_loc at;
    sw_expr *target;        /* NAME (a member), INT or BOOL literal */
    struct sw_fhir_pair *next;
} sw_fhir_pair;

typedef struct sw_fhir_clause {
    sw_ident word;          /* value, component, item, unit, within, map */
    uint8_t arg;            /* sw_fhir_arg */
    sw_ident value;         /* WORD */
    sw_ident *texts;        /* TEXTS: the decoded strings, in order */
    int64_t days;           /* DAYS */
    sw_fhir_pair *map;      /* MAP */
    sw_loc at;
    struct sw_fhir_clause *next;
} sw_fhir_clause;

typedef enum sw_decl_kind {
    SW_D_GUIDELINE, SW_D_SOURCE, SW_D_STATEMENT, SW_D_STAGE, SW_D_ORDER, SW_D_FACT,
    SW_D_DERIVED, SW_D_ITEM, SW_D_RULE, SW_D_FHIR
} sw_decl_kind;

typedef struct sw_decl {
    uint8_t kind;           /* sw_decl_kind */
    uint8_t item_kind;      /* ITEM: sw_item_kind */
    uint32_t file;          /* index into the compilation's file table */
    sw_loc at;              /* the whole declaration's head */
    sw_ident name;          /* identifier declared (statement: its local id) */
    sw_ident source;        /* STATEMENT: the source it belongs to */
    const char *title;      /* title or label */
    const char *text;       /* GUIDELINE version, SOURCE file, STAGE goal, STATEMENT text */
    sw_loc text_at;
    const char *section;    /* STATEMENT */
    const char *excused;    /* STATEMENT */
    sw_ident kind_word;     /* ITEM intervention kind */
    sw_ident level;         /* ITEM risk severity, RULE priority */
    sw_ident *order;        /* ORDER */
    sw_type_expr *type;     /* FACT, DERIVED */
    sw_expr *deflt;         /* DERIVED default */
    sw_cite *cites;         /* ITEM, RULE */
    sw_expr *cond;          /* RULE */
    sw_action_ast *actions; /* RULE */
    sw_loc span;            /* RULE: from 'rule' to 'end' */
    const char *author;     /* RULE metadata (text holds its version) */
    const char *reviewer;
    int64_t reviewed;       /* days since 1970-01-01 */
    uint8_t has_reviewed;
    sw_ident status;        /* draft, testing, production, retired */
    sw_loc meta_at;
    sw_allow *allows;
    uint32_t group;         /* FACT: its facts block in the file, 1-based */
    const char *group_title;    /* FACT: the block's heading comment, or NULL */
    sw_fhir_clause *fhir;   /* FHIR: clauses (kind_word: resource type, text: code) */
    struct sw_decl *next;
} sw_decl;

#endif
