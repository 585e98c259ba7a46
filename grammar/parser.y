/*
 * parser.y - the grammar of the Stagewise rule language.
 *
 * A pure Bison parser that only builds the syntax tree (ast.h); names, types and
 * every other meaning are the checker's business. Syntax errors are reported with
 * the tokens that were expected, and the parser recovers at the next declaration
 * (or the `end` of a broken rule) so one run reports every error.
 *
 * All semantic values live in the compilation's arena, which is freed in one call,
 * so no %destructor is needed: discarded values are reclaimed with the arena.
 */
%require "3.7"
%define api.pure full
%define api.prefix {sw_yy}
%define api.location.type {sw_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%param {void *scanner}
%parse-param {sw_syntax *sx}

%code requires {
#include "lang/syntax.h"
}

%code provides {
int sw_yylex(SW_YYSTYPE *lval, SW_YYLTYPE *lloc, void *scanner);
}

%code {
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                      \
    do {                                                                 \
        if (N) {                                                         \
            (Cur).off = YYRHSLOC(Rhs, 1).off;                            \
            (Cur).end = YYRHSLOC(Rhs, N).end;                            \
        } else {                                                         \
            (Cur).off = (Cur).end = YYRHSLOC(Rhs, 0).end;                \
        }                                                                \
    } while (0)

static void *node(sw_syntax *sx, size_t size);
#define NEW(T) ((T *)node(sx, sizeof(T)))
static sw_expr *mk_expr(sw_syntax *sx, sw_expr_kind kind, sw_loc at);
static sw_expr *mk_binary(sw_syntax *sx, sw_expr_kind kind, int op, sw_expr *l, sw_expr *r, sw_loc at);
static sw_decl *mk_decl(sw_syntax *sx, sw_decl_kind kind, sw_loc at);
static void add_decl(sw_syntax *sx, sw_decl *d);
static sw_ident mk_ident(const char *name, sw_loc at);
static sw_ident *mk_ident_node(sw_syntax *sx, const char *name, sw_loc at);
static void apply_clause(sw_syntax *sx, sw_decl *d, sw_decl *clause);
static void sw_yyerror(SW_YYLTYPE *loc, void *scanner, sw_syntax *sx, const char *msg);
#define YYMAXDEPTH 2000

/* The parser's stacks grow through the compilation arena's allocator: in yyparse,
 * sx is its parse-param. Bison's LAC helper grows its small stack where no
 * parse-param is in scope; there the file-scope sx below, NULL, picks the C
 * library. Each block records where it came from (util/mem.h), so YYFREE needs
 * no context. A failure is memory running out, not nesting (sw_yyerror). */
static sw_syntax *const sx = NULL;
static void *stack_alloc(sw_syntax *s, size_t n);
#define YYMALLOC(n) stack_alloc(sx, (n))
#define YYFREE(p) sw_mem_given_free(p)
}

%union {
    const char *str;
    struct { int64_t i; double n; } num;
    sw_expr *expr;
    sw_ident *ident;
    sw_type_expr *type;
    sw_cite *cite;
    sw_action_ast *action;
    sw_decl *decl;
    sw_fhir_clause *fclause;
    sw_fhir_pair *fpair;
}

%token GUIDELINE "'guideline'" VERSION "'version'" SOURCE "'source'" FILE_KW "'file'"
%token STATEMENT "'statement'" EXCUSED "'excused'" STAGE "'stage'" GOAL "'goal'"
%token ORDER "'order'" FACTS "'facts'" DERIVED "'derived'" DEFAULT "'default'"
%token INTERVENTION "'intervention'" KIND "'kind'" PRACTICE "'practice'"
%token CHALLENGE "'challenge'" RISK "'risk'" SEVERITY "'severity'" RULE "'rule'"
%token CITES "'cites'" PRIORITY "'priority'" WHEN "'when'" THEN "'then'" END "'end'"
%token RECOMMEND "'recommend'" ADVISE "'advise'" MOVE "'move'" SET "'set'"
%token BECAUSE "'because'" AND "'and'" OR "'or'" NOT "'not'" IN "'in'" IS "'is'"
%token KNOWN "'known'" MISSING "'missing'" CONTAINS "'contains'" ANY "'any'" ALL "'all'"
%token DAYS "'days'" WEEKS "'weeks'" MONTHS "'months'" SINCE "'since'" ONE "'one'" OF "'of'"
%token BOOL_KW "'bool'" INT_KW "'int'" NUMBER_KW "'number'" DATE_KW "'date'" TEXT_KW "'text'"
%token DOTDOT "'..'" ARROW "'->'" LE "'<='" GE "'>='" EQEQ "'=='" NEQ "'!='"
%token AUTHOR "'author'" REVIEWER "'reviewer'" REVIEWED "'reviewed'" STATUS "'status'" ALLOW "'allow'"
%token FHIR "'fhir'"
%token LEX_ERROR "invalid character"
%token <str> IDENT "name" STRING "text in quotes"
%token <num> INT_LIT "whole number" NUMBER_LIT "decimal number" BOOL_LIT "true or false"
%token <num> DATE_LIT "date"

%type <str> name opt_because
%type <ident> ident name_list stage_order
%type <expr> expr and_expr not_expr cmp_expr add_expr mul_expr unary primary
%type <expr> set_literal set_items set_item num_bound literal
%type <type> type
%type <cite> cite cite_list
%type <action> action action_list
%type <decl> rule_head rule_clauses rule_clause item_tail
%type <ident> fhir_word fhir_head fhir_texts
%type <fclause> fhir_clauses fhir_clause
%type <fpair> fhir_pairs fhir_pair
%type <expr> fhir_target

%%

file
    : %empty
    | file decl
    | file error
    ;

decl
    : GUIDELINE ident STRING VERSION STRING
        { sw_decl *d = mk_decl(sx, SW_D_GUIDELINE, @$); if (d) { d->name = *$2; d->title = $3;
          d->text = $5; d->text_at = @5; add_decl(sx, d); } }
    | SOURCE ident STRING
        { sw_decl *d = mk_decl(sx, SW_D_SOURCE, @$); if (d) { d->name = *$2; d->title = $3; add_decl(sx, d); } }
    | SOURCE ident STRING FILE_KW STRING
        { sw_decl *d = mk_decl(sx, SW_D_SOURCE, @$); if (d) { d->name = *$2; d->title = $3;
          d->text = $5; add_decl(sx, d); } }
    | STATEMENT ident '.' ident STRING STRING
        { sw_decl *d = mk_decl(sx, SW_D_STATEMENT, @$); if (d) { d->source = *$2; d->name = *$4;
          d->section = $5; d->text = $6; add_decl(sx, d); } }
    | STATEMENT ident '.' ident STRING STRING EXCUSED STRING
        { sw_decl *d = mk_decl(sx, SW_D_STATEMENT, @$); if (d) { d->source = *$2; d->name = *$4;
          d->section = $5; d->text = $6; d->excused = $8; d->text_at = @8; add_decl(sx, d); } }
    | STAGE ident STRING
        { sw_decl *d = mk_decl(sx, SW_D_STAGE, @$); if (d) { d->name = *$2; d->title = $3; add_decl(sx, d); } }
    | STAGE ident STRING GOAL STRING
        { sw_decl *d = mk_decl(sx, SW_D_STAGE, @$); if (d) { d->name = *$2; d->title = $3;
          d->text = $5; add_decl(sx, d); } }
    | ORDER stage_order
        { sw_decl *d = mk_decl(sx, SW_D_ORDER, @$); if (d) { d->order = $2; add_decl(sx, d); } }
    | FACTS '{' fact_list '}'
    | DERIVED ident ':' type STRING
        { sw_decl *d = mk_decl(sx, SW_D_DERIVED, @2); if (d) { d->name = *$2; d->type = $4;
          d->title = $5; add_decl(sx, d); } }
    | DERIVED ident ':' type STRING DEFAULT literal
        { sw_decl *d = mk_decl(sx, SW_D_DERIVED, @2); if (d) { d->name = *$2; d->type = $4;
          d->title = $5; d->deflt = $7; add_decl(sx, d); } }
    | DERIVED ident ':' type STRING DEFAULT ident
        { sw_decl *d = mk_decl(sx, SW_D_DERIVED, @2);
          sw_expr *e = mk_expr(sx, SW_E_NAME, @7);
          if (d && e) { e->s = $7->name; d->name = *$2; d->type = $4; d->title = $5; d->deflt = e;
          add_decl(sx, d); } }
    | INTERVENTION ident STRING item_tail
        { if ($4) { $4->item_kind = SW_ITEM_INTERVENTION; $4->name = *$2; $4->title = $3;
          $4->at = @$; add_decl(sx, $4); } }
    | PRACTICE ident STRING item_tail
        { if ($4) { $4->item_kind = SW_ITEM_PRACTICE; $4->name = *$2; $4->title = $3;
          $4->at = @$; add_decl(sx, $4); } }
    | CHALLENGE ident STRING item_tail
        { if ($4) { $4->item_kind = SW_ITEM_CHALLENGE; $4->name = *$2; $4->title = $3;
          $4->at = @$; add_decl(sx, $4); } }
    | RISK ident STRING item_tail
        { if ($4) { $4->item_kind = SW_ITEM_RISK; $4->name = *$2; $4->title = $3;
          $4->at = @$; add_decl(sx, $4); } }
    | rule_head WHEN expr THEN action_list END
        { if ($1) { $1->cond = $3; $1->actions = $5; $1->span = @$; add_decl(sx, $1); } }
    | RULE error END
    | FHIR ident ':' fhir_word STRING fhir_clauses
        { sw_decl *d = mk_decl(sx, SW_D_FHIR, @$); if (d) { d->name = *$2; d->kind_word = *$4;
          d->text = $5; d->text_at = @5; d->fhir = $6; add_decl(sx, d); } }
    ;

/* A FHIR mapping's clauses: a word and one argument each; the checker knows the words. */
fhir_clauses
    : %empty                          { $$ = NULL; }
    | fhir_clause fhir_clauses        { if ($1) $1->next = $2; $$ = $1 ? $1 : $2; }
    ;

fhir_clause
    : fhir_head fhir_word
        { $$ = NEW(sw_fhir_clause); if ($$) { $$->word = *$1; $$->arg = SW_FA_WORD; $$->value = *$2; $$->at = @$; } }
    | fhir_head fhir_texts
        { $$ = NEW(sw_fhir_clause); if ($$) { $$->word = *$1; $$->arg = SW_FA_TEXTS; $$->texts = $2; $$->at = @$; } }
    | fhir_head INT_LIT DAYS
        { $$ = NEW(sw_fhir_clause); if ($$) { $$->word = *$1; $$->arg = SW_FA_DAYS; $$->days = $2.i; $$->at = @$; } }
    | fhir_head '{' fhir_pairs '}'
        { $$ = NEW(sw_fhir_clause); if ($$) { $$->word = *$1; $$->arg = SW_FA_MAP; $$->map = $3; $$->at = @$; } }
    ;

fhir_head
    : IDENT                           { $$ = mk_ident_node(sx, $1, @1); }
    ;

fhir_word
    : IDENT                           { $$ = mk_ident_node(sx, $1, @1); }
    | NUMBER_KW                       { $$ = mk_ident_node(sx, "number", @1); }
    | INT_KW                          { $$ = mk_ident_node(sx, "int", @1); }
    | BOOL_KW                         { $$ = mk_ident_node(sx, "bool", @1); }
    | DATE_KW                         { $$ = mk_ident_node(sx, "date", @1); }
    | TEXT_KW                         { $$ = mk_ident_node(sx, "text", @1); }
    | BOOL_LIT                        { $$ = mk_ident_node(sx, $1.i ? "true" : "false", @1); }
    ;

fhir_texts
    : STRING                          { $$ = mk_ident_node(sx, $1, @1); }
    | STRING ',' fhir_texts           { $$ = mk_ident_node(sx, $1, @1); if (!sx->nomem) $$->next = $3; }
    ;

fhir_pairs
    : fhir_pair                       { $$ = $1; }
    | fhir_pair ',' fhir_pairs        { if ($1) $1->next = $3; $$ = $1 ? $1 : $3; }
    ;

fhir_pair
    : STRING ARROW fhir_target
        { $$ = NEW(sw_fhir_pair); if ($$) { $$->code = $1; $$->at = @1; $$->target = $3; } }
    ;

fhir_target
    : name                            { $$ = mk_expr(sx, SW_E_NAME, @$); if ($$) $$->s = $1; }
    | INT_LIT                         { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = $1.i; }
    | BOOL_LIT                        { $$ = mk_expr(sx, SW_E_BOOL, @$); if ($$) $$->i = $1.i; }
    ;

stage_order
    : ident ARROW ident               { if (!sx->nomem) $1->next = $3; $$ = $1; }
    | ident ARROW stage_order         { if (!sx->nomem) $1->next = $3; $$ = $1; }
    ;

fact_list
    : %empty
    | fact_list fact
    ;

fact
    : ident ':' type STRING
        { sw_decl *d = mk_decl(sx, SW_D_FACT, @1); if (d) { d->name = *$1; d->type = $3;
          d->title = $4; d->group = sx->facts_block; d->group_title = sx->facts_heading;
          add_decl(sx, d); }
          sx->facts_open = 0; }
    ;

type
    : BOOL_KW                         { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_BOOL; $$->at = @$; } }
    | INT_KW                          { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_INT; $$->at = @$; } }
    | INT_KW num_bound DOTDOT num_bound
        { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_INT; $$->has_range = 1;
          $$->min = $2; $$->max = $4; $$->at = @$; } }
    | NUMBER_KW                       { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_NUMBER; $$->at = @$; } }
    | NUMBER_KW num_bound DOTDOT num_bound
        { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_NUMBER; $$->has_range = 1;
          $$->min = $2; $$->max = $4; $$->at = @$; } }
    | ONE OF '{' name_list '}'        { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_ONE_OF; $$->members = $4; $$->at = @$; } }
    | SET OF '{' name_list '}'        { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_SET_OF; $$->members = $4; $$->at = @$; } }
    | DATE_KW                         { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_DATE; $$->at = @$; } }
    | TEXT_KW                         { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_TEXT; $$->at = @$; } }
    | STAGE                           { $$ = NEW(sw_type_expr); if ($$) { $$->form = SW_TF_STAGE; $$->at = @$; } }
    ;

num_bound
    : INT_LIT                         { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = $1.i; }
    | '-' INT_LIT                     { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = -$2.i; }
    | NUMBER_LIT                      { $$ = mk_expr(sx, SW_E_NUMBER, @$); if ($$) $$->n = $1.n; }
    | '-' NUMBER_LIT                  { $$ = mk_expr(sx, SW_E_NUMBER, @$); if ($$) $$->n = -$2.n; }
    ;

literal
    : INT_LIT                         { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = $1.i; }
    | '-' INT_LIT                     { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = -$2.i; }
    | NUMBER_LIT                      { $$ = mk_expr(sx, SW_E_NUMBER, @$); if ($$) $$->n = $1.n; }
    | '-' NUMBER_LIT                  { $$ = mk_expr(sx, SW_E_NUMBER, @$); if ($$) $$->n = -$2.n; }
    | BOOL_LIT                        { $$ = mk_expr(sx, SW_E_BOOL, @$); if ($$) $$->i = $1.i; }
    | DATE_LIT                        { $$ = mk_expr(sx, SW_E_DATE, @$); if ($$) $$->i = $1.i; }
    | STRING                          { $$ = mk_expr(sx, SW_E_TEXT, @$); if ($$) $$->s = $1; }
    ;

name_list
    : ident                           { $$ = $1; }
    | ident ',' name_list             { if (!sx->nomem) $1->next = $3; $$ = $1; }
    ;

item_tail
    : %empty                          { $$ = mk_decl(sx, SW_D_ITEM, @$); }
    | item_tail KIND ident            { $$ = $1; if ($$) $$->kind_word = *$3; }
    | item_tail SEVERITY ident        { $$ = $1; if ($$) $$->level = *$3; }
    | item_tail CITES cite_list
        { $$ = $1;
          if ($$) { sw_cite **t = &$$->cites; while (*t) t = &(*t)->next; *t = $3; } }
    ;

rule_head
    : RULE ident STRING rule_clauses
        { $$ = $4; if ($$) { $$->name = *$2; $$->title = $3; $$->at = @2; } }
    ;

rule_clauses
    : %empty                          { $$ = mk_decl(sx, SW_D_RULE, @$); }
    | rule_clauses rule_clause        { $$ = $1; apply_clause(sx, $1, $2); }
    ;

rule_clause
    : CITES cite_list                 { $$ = NEW(sw_decl); if ($$) $$->cites = $2; }
    | PRIORITY ident                  { $$ = NEW(sw_decl); if ($$) $$->level = *$2; }
    | AUTHOR STRING                   { $$ = NEW(sw_decl); if ($$) { $$->author = $2; $$->meta_at = @$; } }
    | REVIEWER STRING                 { $$ = NEW(sw_decl); if ($$) { $$->reviewer = $2; $$->meta_at = @$; } }
    | REVIEWED DATE_LIT               { $$ = NEW(sw_decl); if ($$) { $$->reviewed = $2.i; $$->has_reviewed = 1; $$->meta_at = @$; } }
    | VERSION STRING                  { $$ = NEW(sw_decl); if ($$) { $$->text = $2; $$->text_at = @2; } }
    | STATUS ident                    { $$ = NEW(sw_decl); if ($$) $$->status = *$2; }
    | ALLOW ident BECAUSE STRING
        { $$ = NEW(sw_decl); sw_allow *a = NEW(sw_allow);
          if ($$ && a) { a->code = *$2; a->reason = $4; a->at = @$; $$->allows = a; } }
    ;

cite_list
    : cite                            { $$ = $1; }
    | cite ',' cite_list              { if ($1) $1->next = $3; $$ = $1; }
    ;

cite
    : ident                           { $$ = NEW(sw_cite); if ($$) { $$->source = *$1; $$->at = @$; } }
    | ident '.' ident                 { $$ = NEW(sw_cite); if ($$) { $$->source = *$1; $$->statement = *$3; $$->at = @$; } }
    | ident STRING                    { $$ = NEW(sw_cite); if ($$) { $$->source = *$1; $$->locator = $2; $$->at = @$; } }
    ;

action_list
    : action                          { $$ = $1; }
    | action action_list              { if ($1) $1->next = $2; $$ = $1; }
    ;

action
    : RECOMMEND ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_RECOMMEND; $$->target = *$2; $$->because = $3; $$->at = @$; } }
    | RECOMMEND ident PRIORITY ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_RECOMMEND; $$->target = *$2; $$->level = *$4; $$->because = $5; $$->at = @$; } }
    | ADVISE ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_ADVISE; $$->target = *$2; $$->because = $3; $$->at = @$; } }
    | CHALLENGE ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_CHALLENGE; $$->target = *$2; $$->because = $3; $$->at = @$; } }
    | RISK ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_RISK; $$->target = *$2; $$->because = $3; $$->at = @$; } }
    | RISK ident SEVERITY ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_RISK; $$->target = *$2; $$->level = *$4; $$->because = $5; $$->at = @$; } }
    | MOVE ident opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_MOVE; $$->target = *$2; $$->because = $3; $$->at = @$; } }
    | SET ident '=' expr opt_because
        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_SET; $$->target = *$2; $$->value = $4; $$->because = $5; $$->at = @$; } }
    ;

opt_because
    : %empty                          { $$ = NULL; }
    | BECAUSE STRING                  { $$ = $2; }
    ;

expr
    : expr OR and_expr                { $$ = mk_binary(sx, SW_E_OR, 0, $1, $3, @$); }
    | and_expr
    ;

and_expr
    : and_expr AND not_expr           { $$ = mk_binary(sx, SW_E_AND, 0, $1, $3, @$); }
    | not_expr
    ;

not_expr
    : NOT not_expr                    { $$ = mk_binary(sx, SW_E_NOT, 0, $2, NULL, @$); }
    | cmp_expr
    ;

cmp_expr
    : add_expr
    | add_expr '<' add_expr           { $$ = mk_binary(sx, SW_E_CMP, SW_OP_LT, $1, $3, @$); }
    | add_expr LE add_expr            { $$ = mk_binary(sx, SW_E_CMP, SW_OP_LE, $1, $3, @$); }
    | add_expr '>' add_expr           { $$ = mk_binary(sx, SW_E_CMP, SW_OP_GT, $1, $3, @$); }
    | add_expr GE add_expr            { $$ = mk_binary(sx, SW_E_CMP, SW_OP_GE, $1, $3, @$); }
    | add_expr IS add_expr            { $$ = mk_binary(sx, SW_E_CMP, SW_OP_EQ, $1, $3, @$); }
    | add_expr IS NOT add_expr        { $$ = mk_binary(sx, SW_E_CMP, SW_OP_NE, $1, $4, @$); }
    | add_expr '=' add_expr           { $$ = mk_binary(sx, SW_E_CMP, SW_OP_EQ, $1, $3, @$); if ($$) $$->eq_typo = 1; }
    | add_expr EQEQ add_expr          { $$ = mk_binary(sx, SW_E_CMP, SW_OP_EQ, $1, $3, @$); if ($$) $$->eq_typo = 2; }
    | add_expr NEQ add_expr           { $$ = mk_binary(sx, SW_E_CMP, SW_OP_NE, $1, $3, @$); if ($$) $$->eq_typo = 3; }
    | add_expr IS KNOWN               { $$ = mk_binary(sx, SW_E_KNOWN, 0, $1, NULL, @$); }
    | add_expr IS MISSING             { $$ = mk_binary(sx, SW_E_KNOWN, 0, $1, NULL, @$); if ($$) $$->negated = 1; }
    | add_expr IN set_literal         { $$ = mk_binary(sx, SW_E_IN, 0, $1, NULL, @$); if ($$) $$->items = $3; }
    | add_expr NOT IN set_literal     { $$ = mk_binary(sx, SW_E_IN, 0, $1, NULL, @$); if ($$) { $$->items = $4; $$->negated = 1; } }
    | add_expr CONTAINS add_expr      { $$ = mk_binary(sx, SW_E_CONTAINS, 0, $1, $3, @$); if ($$) $$->mode = SW_CONTAINS_ONE; }
    | add_expr CONTAINS ANY set_literal { $$ = mk_binary(sx, SW_E_CONTAINS, 0, $1, NULL, @$); if ($$) { $$->items = $4; $$->mode = SW_CONTAINS_ANY; } }
    | add_expr CONTAINS ALL set_literal { $$ = mk_binary(sx, SW_E_CONTAINS, 0, $1, NULL, @$); if ($$) { $$->items = $4; $$->mode = SW_CONTAINS_ALL; } }
    ;

add_expr
    : add_expr '+' mul_expr           { $$ = mk_binary(sx, SW_E_ARITH, SW_OP_ADD, $1, $3, @$); }
    | add_expr '-' mul_expr           { $$ = mk_binary(sx, SW_E_ARITH, SW_OP_SUB, $1, $3, @$); }
    | mul_expr
    ;

mul_expr
    : mul_expr '*' unary              { $$ = mk_binary(sx, SW_E_ARITH, SW_OP_MUL, $1, $3, @$); }
    | mul_expr '/' unary              { $$ = mk_binary(sx, SW_E_ARITH, SW_OP_DIV, $1, $3, @$); }
    | unary
    ;

unary
    : '-' unary                       { $$ = mk_binary(sx, SW_E_NEG, 0, $2, NULL, @$); }
    | DAYS SINCE unary                { $$ = mk_binary(sx, SW_E_SINCE, 0, $3, NULL, @$); if ($$) $$->mode = 1; }
    | WEEKS SINCE unary               { $$ = mk_binary(sx, SW_E_SINCE, 0, $3, NULL, @$); if ($$) $$->mode = 7; }
    | MONTHS SINCE unary              { $$ = mk_binary(sx, SW_E_SINCE, 0, $3, NULL, @$); if ($$) $$->mode = SW_SINCE_MONTHS; }
    | primary
    ;

primary
    : INT_LIT                         { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = $1.i; }
    | NUMBER_LIT                      { $$ = mk_expr(sx, SW_E_NUMBER, @$); if ($$) $$->n = $1.n; }
    | BOOL_LIT                        { $$ = mk_expr(sx, SW_E_BOOL, @$); if ($$) $$->i = $1.i; }
    | DATE_LIT                        { $$ = mk_expr(sx, SW_E_DATE, @$); if ($$) $$->i = $1.i; }
    | STRING                          { $$ = mk_expr(sx, SW_E_TEXT, @$); if ($$) $$->s = $1; }
    | name                            { $$ = mk_expr(sx, SW_E_NAME, @$); if ($$) $$->s = $1; }
    | '(' expr ')'                    { $$ = $2; }
    ;

set_literal
    : '{' set_items '}'               { $$ = $2; }
    ;

set_items
    : set_item                        { $$ = $1; }
    | set_item ',' set_items          { if ($1) $1->next = $3; $$ = $1; }
    ;

set_item
    : INT_LIT                         { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = $1.i; }
    | '-' INT_LIT                     { $$ = mk_expr(sx, SW_E_INT, @$); if ($$) $$->i = -$2.i; }
    | STRING                          { $$ = mk_expr(sx, SW_E_TEXT, @$); if ($$) $$->s = $1; }
    | name                            { $$ = mk_expr(sx, SW_E_NAME, @$); if ($$) $$->s = $1; }
    ;

ident
    : name                            { $$ = mk_ident_node(sx, $1, @1); }
    ;

name
    : IDENT                           { $$ = $1; }
    | STAGE                           { $$ = "stage"; }
    ;

%%

static void *stack_alloc(sw_syntax *s, size_t n)
{
    void *p = sw_mem_give_resize(s ? s->arena->mem : (sw_mem)SW_MEM_DEFAULT, NULL, 0, n);
    if (!p && s)
        s->nomem = 1;
    return p;
}

static void *node(sw_syntax *sx, size_t size)
{
    void *p = sw_arena_alloc(sx->arena, size);
    if (!p)
        sx->nomem = 1;
    return p;
}

static sw_expr *mk_expr(sw_syntax *sx, sw_expr_kind kind, sw_loc at)
{
    sw_expr *e = NEW(sw_expr);
    if (e) {
        e->kind = (uint8_t)kind;
        e->at = at;
    }
    return e;
}

static sw_expr *mk_binary(sw_syntax *sx, sw_expr_kind kind, int op, sw_expr *l, sw_expr *r,
                          sw_loc at)
{
    sw_expr *e = mk_expr(sx, kind, at);
    if (e) {
        e->op = (uint8_t)op;
        e->lhs = l;
        e->rhs = r;
    }
    return e;
}

static sw_decl *mk_decl(sw_syntax *sx, sw_decl_kind kind, sw_loc at)
{
    sw_decl *d = NEW(sw_decl);
    if (d) {
        d->kind = (uint8_t)kind;
        d->at = at;
        d->file = sx->file_index;
    }
    return d;
}

static void add_decl(sw_syntax *sx, sw_decl *d)
{
    *sx->tail = d;
    sx->tail = &d->next;
}

static sw_ident mk_ident(const char *name, sw_loc at)
{
    sw_ident id = {name, at, NULL};
    return id;
}

/* Never NULL: when memory runs out (node() has set sx->nomem, and the file then
 * answers SW_ERR_NOMEM) the parse's reserve identifier, made before parsing, is
 * handed out instead, so the actions that copy an identifier (`*$2`) stay safe.
 * The actions that link identifiers do not link once memory has run out, so the
 * reserve, handed out again and again, never forms a cycle. */
static sw_ident *mk_ident_node(sw_syntax *sx, const char *name, sw_loc at)
{
    sw_ident *id = NEW(sw_ident);
    if (!id)
        id = sx->reserve;
    *id = mk_ident(name, at);
    return id;
}

static void apply_clause(sw_syntax *sx, sw_decl *d, sw_decl *clause)
{
    (void)sx;
    if (!d || !clause)
        return;
    if (clause->cites) {
        sw_cite **tail = &d->cites;
        while (*tail)
            tail = &(*tail)->next;
        *tail = clause->cites;
    }
    if (clause->level.name)
        d->level = clause->level;
    if (clause->author)
        d->author = clause->author;
    if (clause->reviewer)
        d->reviewer = clause->reviewer;
    if (clause->has_reviewed) {
        d->reviewed = clause->reviewed;
        d->has_reviewed = 1;
    }
    if (clause->text) {
        d->text = clause->text;
        d->text_at = clause->text_at;
    }
    if (clause->status.name)
        d->status = clause->status;
    if (clause->allows) {
        clause->allows->next = d->allows;
        d->allows = clause->allows;
    }
}

static void sw_yyerror(SW_YYLTYPE *loc, void *scanner, sw_syntax *sx, const char *msg)
{
    (void)scanner;
    if (sx->nomem)
        return;   /* the driver reports memory running out (E012, SW_ERR_NOMEM) */
    sx->errors++;
    if (strstr(msg, "exhausted"))
        sw_diag_add(sx->diags, SW_SEV_ERROR, "E011", sw_syntax_where(sx->file, *loc), NULL,
                    "split the condition into derived facts",
                    "the condition is nested too deeply");
    else
        sw_diag_add(sx->diags, SW_SEV_ERROR, "E010", sw_syntax_where(sx->file, *loc), NULL,
                    NULL, "%s", msg);
}

/* Hints for the mistakes authors make most. */
static const char *syntax_hint(sw_syntax *sx, yysymbol_kind_t unexpected,
                               const yysymbol_kind_t *expected, int nexpected, char *buf,
                               size_t bufsize)
{
    int wants_end = 0, wants_then = 0, wants_string = 0;
    for (int i = 0; i < nexpected; i++) {
        wants_end |= expected[i] == YYSYMBOL_END;
        wants_then |= expected[i] == YYSYMBOL_THEN;
        wants_string |= expected[i] == YYSYMBOL_STRING;
    }
    int wants_name = 0;
    for (int i = 0; i < nexpected; i++)
        wants_name |= expected[i] == YYSYMBOL_IDENT;
    if (unexpected == YYSYMBOL_STRING && wants_name)
        return "a name (letters, digits and _) is needed before the text";
    if (unexpected == YYSYMBOL_STRING && !wants_string)
        return "text in quotes is only for titles, labels and reasons: write because \"...\"";
    if (wants_end && sx->open_rule) {
        sw_where w = sw_syntax_where(sx->file, sx->open_rule_at);
        unsigned line = 1;
        for (size_t i = 0; i < w.offset && i < w.textlen; i++)
            line += w.text[i] == '\n';
        snprintf(buf, bufsize, "expected 'end' to close the rule opened at line %u", line);
        return buf;
    }
    if (unexpected == YYSYMBOL_YYEOF && sx->open_rule)
        return "a rule must finish with 'end'";
    if (wants_then && unexpected == YYSYMBOL_IDENT)
        return "join conditions with 'and' or 'or'; actions come after 'then'";
    if (wants_string && nexpected == 1)
        return "a title or label in double quotes is needed here";
    if (unexpected == YYSYMBOL_IN) {
        for (int i = 0; i < nexpected; i++)
            if (expected[i] == YYSYMBOL_INT_LIT)
                return "write 'x not in { ... }'";
    }
    int wants_value = 0;
    for (int i = 0; i < nexpected; i++)
        wants_value |= expected[i] == YYSYMBOL_INT_LIT;
    if (wants_value && unexpected != YYSYMBOL_IDENT) {
        snprintf(buf, bufsize, "a value or a fact is missing before %s", yysymbol_name(unexpected));
        return buf;
    }
    if (unexpected >= YYSYMBOL_GUIDELINE && unexpected <= YYSYMBOL_TEXT_KW && wants_end == 0) {
        for (int i = 0; i < nexpected; i++)
            if (expected[i] == YYSYMBOL_IDENT) {
                snprintf(buf, bufsize, "%s is a reserved word and cannot be used as a name",
                         yysymbol_name(unexpected));
                return buf;
            }
    }
    return NULL;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, sw_syntax *sx)
{
    (void)scanner;
    enum { MAX_EXPECTED = YYNTOKENS, MAX_LISTED = 6 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
    yysymbol_kind_t unexpected = yypcontext_token(ctx);
    const sw_loc *loc = yypcontext_location(ctx);
    char hintbuf[160];
    const char *hint = syntax_hint(sx, unexpected, expected, n > 0 ? n : 0, hintbuf, sizeof hintbuf);
    sw_buf msg = SW_BUF_WITH(sx->arena->mem);
    if (unexpected == YYSYMBOL_YYEOF)
        sw_buf_puts(&msg, "the file ends too early");
    else if (unexpected == YYSYMBOL_IDENT || unexpected == YYSYMBOL_INT_LIT ||
             unexpected == YYSYMBOL_NUMBER_LIT) {
        /* quote what was written: "unexpected name 'between'" */
        uint32_t len = loc->end > loc->off ? loc->end - loc->off : 0;
        sw_buf_printf(&msg, "unexpected %s '%.*s'", yysymbol_name(unexpected),
                      (int)(len > 40 ? 40 : len), sx->file->text + loc->off);
    } else
        sw_buf_printf(&msg, "unexpected %s", yysymbol_name(unexpected));
    if (n > 0 && n <= MAX_LISTED) {
        sw_buf_puts(&msg, ", expected ");
        /* 'stage' doubles as a name: list it only where a name is not expected */
        int listed = 0, has_name = 0;
        for (int i = 0; i < n; i++)
            has_name |= expected[i] == YYSYMBOL_IDENT;
        for (int i = 0; i < n; i++)
            if (!(has_name && expected[i] == YYSYMBOL_STAGE))
                expected[listed++] = expected[i];
        for (int i = 0; i < listed; i++)
            sw_buf_printf(&msg, "%s%s", i == 0 ? "" : i == listed - 1 ? " or " : ", ",
                          yysymbol_name(expected[i]));
    }
    if (sw_buf_failed(&msg)) {
        sx->nomem = 1;   /* a shorter message would be a different answer: out of memory */
        sw_buf_free(&msg);
        return 0;
    }
    sx->errors++;
    sw_diag_add(sx->diags, SW_SEV_ERROR, "E010", sw_syntax_where(sx->file, *loc), NULL, hint,
                "%s", msg.data ? msg.data : "syntax error");
    sw_buf_free(&msg);
    return 0;
}
