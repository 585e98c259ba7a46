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
    yyscan_t scanner;
    if (sw_yylex_init_extra(&sx, &scanner) != 0)
        return 1;
    YY_BUFFER_STATE state = sw_yy_scan_bytes(file->text, (int)file->len, scanner);
    int rc = state && !sx.nomem ? sw_yyparse(scanner, &sx) : 2;
    if (state)
        sw_yy_delete_buffer(state, scanner);
    sw_yylex_destroy(scanner);
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
