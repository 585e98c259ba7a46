/*
 * syntax.c - drives the Flex scanner and Bison parser over one rule file.
 *
 * Stage lang/ - the language itself: its vocabulary (vocab.h), the syntax tree
 * (ast.h), diagnostics with file:line:col (diag.c), dates and spellings (value.c),
 * and this driver of the generated scanner and parser (grammar/).
 * May use: util/ and the generated parser. (tests/layout checks it.)
 */
#include "lang/syntax.h"

#include "parser.h"
#define YYSTYPE SW_YYSTYPE
#define YYLTYPE SW_YYLTYPE
#include "lexer.h"

sw_where sw_syntax_where(const sw_file *file, sw_loc at)
{
    sw_where w = {file->name, file->text, file->len, at.off,
                  at.end > at.off ? at.end - at.off : 1};
    return w;
}

unsigned sw_syntax_line(const sw_file *file, uint32_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off && i < file->len; i++)
        line += file->text[i] == '\n';
    return line;
}

/* Scans and parses sx's file: 0 when parsed, else yyparse's code or 2 when memory
 * ran out. Nothing here jumps: flex's buffer is made by sw_lex_begin (lexer.l),
 * each allocation checked, and the scanner allocates nothing after it. */
static int run_parser(sw_syntax *sx)
{
    yyscan_t scanner = NULL;
    if (sw_yylex_init_extra(sx, &scanner) != 0) {
        sx->nomem = 1;
        return 2;
    }
    int rc = 2;
    if (!sw_lex_begin(sx, scanner))
        sx->nomem = 1;
    else if (!sx->nomem)
        rc = sw_yyparse(scanner, sx);
    sw_yylex_destroy(scanner);   /* the buffer, its copy of the file, the stack */
    return rc;
}

unsigned sw_syntax_parse(sw_arena *arena, sw_diagnostics *diags, const sw_file *file,
                         uint32_t file_index, sw_decl ***tail)
{
    return sw_syntax_parse_with_comments(arena, diags, file, file_index, tail, NULL);
}

unsigned sw_syntax_parse_with_comments(sw_arena *arena, sw_diagnostics *diags,
                                       const sw_file *file, uint32_t file_index,
                                       sw_decl ***tail, sw_comment ***comments)
{
    sw_syntax sx = {0};
    sx.arena = arena;
    sx.diags = diags;
    sx.file = file;
    sx.file_index = file_index;
    sx.tail = *tail;
    sx.comment_tail = comments ? *comments : NULL;
    sx.reserve = sw_arena_alloc(arena, sizeof *sx.reserve);
    if (!sx.reserve)
        sx.nomem = 1;   /* run_parser then parses nothing */
    int rc = run_parser(&sx);
    if (sx.nomem)
        arena->failed = 1;   /* flex or a parser action ran out: the compilation did */
    if (rc != 0 && sx.errors == 0) {
        sw_loc at = {0, 0};
        sw_diag_add(diags, SW_SEV_ERROR, "E012", sw_syntax_where(file, at), NULL, NULL,
                    "out of memory while reading this file");
        sx.errors++;
    }
    *tail = sx.tail;
    if (comments)
        *comments = sx.comment_tail;
    return sx.errors;
}
