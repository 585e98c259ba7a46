/*
 * syntax.h - running the Flex lexer and Bison parser over one rule file.
 *
 * sw_syntax_parse turns a file's text into declarations appended to the caller's
 * list. Syntax errors are queued as diagnostics; parsing recovers at the next
 * declaration so one run reports every error.
 */
#ifndef SW_SYNTAX_H
#define SW_SYNTAX_H

#include <setjmp.h>
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
    sw_comment **comment_tail;  /* where to keep comments, or NULL */
    /* facts blocks: each `facts {` starts a group; its first comment, before its
     * first fact, is the group's heading (the workbench's form shows the groups) */
    int facts_open;             /* 1 after `facts`, 2 after `facts {` until a fact */
    uint32_t facts_block;       /* blocks opened so far in this file */
    const char *facts_heading;  /* the open block's heading, or NULL */
    /* flex's own memory, every block linked here (lexer.l), so that when flex
     * runs out of memory the driver can free it all: flex treats that as fatal
     * and goes on writing through the NULL it got, so its fatal-error hook jumps
     * back to the driver (syntax.c) instead of returning. */
    struct sw_lex_block *lex_blocks;
    jmp_buf *on_nomem;
} sw_syntax;

/* Frees every block flex still holds for sx (after a jump from a failure). */
void sw_lex_release(sw_syntax *sx);

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
