/*
 * syntax.h - running the Flex lexer and Bison parser over one rule file.
 *
 * sw_syntax_parse turns a file's text into declarations appended to the caller's
 * list. Syntax errors are queued as diagnostics; parsing recovers at the next
 * declaration so one run reports every error.
 */
#ifndef SW_SYNTAX_H
#define SW_SYNTAX_H

#include <stddef.h>

#include "util/arena.h"
#include "lang/ast.h"
#include "lang/diag.h"

/* A rule file in the compilation's file table. */
typedef struct sw_file {
    const char *name;
    const char *text;
    size_t len;
} sw_file;

/* A comment as written, kept for the formatter. */
typedef struct sw_comment {
    sw_loc at;                  /* from '#' to the end of the line */
    const char *text;           /* including the '#' */
    struct sw_comment *next;
} sw_comment;

/* State shared by the lexer and the parser for one file (flex's extra data). */
typedef struct sw_syntax {
    sw_arena *arena;
    sw_diagnostics *diags;
    const sw_file *file;
    uint32_t file_index;
    size_t pos;                 /* byte offset of the next token */
    sw_decl *head, **tail;      /* declarations parsed so far */
    int open_rule;              /* a `rule` is open (no `end` seen yet) */
    sw_loc open_rule_at;
    unsigned errors;
    unsigned depth;             /* expression nesting, limited */
    int nomem;
    sw_ident *reserve;          /* handed out by the grammar when memory runs out, so
                                   that no action dereferences NULL (parser.y) */
    sw_comment **comment_tail;  /* where to keep comments, or NULL */
    /* facts blocks: each `facts {` starts a group; its first comment, before its
     * first fact, is the group's heading (the workbench's form shows the groups) */
    int facts_open;             /* 1 after `facts`, 2 after `facts {` until a fact */
    uint32_t facts_block;       /* blocks opened so far in this file */
    const char *facts_heading;  /* the open block's heading, or NULL */
} sw_syntax;

/* Points the scanner at a copy of sx's file; 0 when memory ran out (lexer.l). */
int sw_lex_begin(sw_syntax *sx, void *scanner);

#define SW_MAX_NESTING 64

/* Parses one file; appends declarations to *tail. Returns the number of errors. */
unsigned sw_syntax_parse(sw_arena *arena, sw_diagnostics *diags, const sw_file *file,
                         uint32_t file_index, sw_decl ***tail);
/* As sw_syntax_parse, also appending the file's comments, in order, to *comments. */
unsigned sw_syntax_parse_with_comments(sw_arena *arena, sw_diagnostics *diags,
                                       const sw_file *file, uint32_t file_index,
                                       sw_decl ***tail, sw_comment ***comments);

/* The 1-based line of a byte offset. */
unsigned sw_syntax_line(const sw_file *file, uint32_t off);

/* Queues a diagnostic at a span of the file (used by lexer, parser and checker). */
sw_where sw_syntax_where(const sw_file *file, sw_loc at);

#endif
