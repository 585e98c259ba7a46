/*
 * fmt.c - the formatter: one canonical layout for a rule file, comments kept.
 *
 * Built on the syntax tree and the comments the lexer keeps (syntax.h), never on
 * the text's layout. Each declaration is printed from its tree as lines, each line
 * remembering the span of source it came from. Comments are then put back by
 * position: a comment that follows a line's source on the same source line stays
 * at the end of that line (a trailing comment); every other comment goes on a line
 * of its own before the first line whose source ends after it (a leading comment),
 * at that line's indent. Because where a comment goes depends only on the tree and
 * on which tokens the comment lies between, formatting formatted text changes
 * nothing.
 *
 * The tree does not keep the position of every token (the title of a rule, the
 * 'when' and 'then' keywords, the braces of a facts block), so a few are found by
 * stepping over tokens from a position the tree does keep (scan_* below).
 *
 * Conditions: the top-level and/or chain has one operand per line, operator first;
 * a parenthesised group that does not fit in SW_FMT_WIDTH columns, or that has a
 * comment between its operands, is broken the same way, aligned inside its
 * parenthesis. The layout is documented in docs/lint.md.
 *
 * Safety: the output is parsed again and its tree compared with the input's; any
 * difference is reported (I001) and nothing is returned, so a formatter bug can
 * never damage a rule file.
 */
#include "authoring/fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value.h"
#include "util/text.h"
#include "util/grow.h"
#include "util/lookup.h"
#include "check/front.h"

/* ---- lines ---- */

typedef struct fmt_line {
    const char *text;
    uint32_t off, end;       /* the source the line came from, when ranged */
    uint16_t indent;         /* of the line */
    uint16_t cindent;        /* of leading comments put before it */
    uint8_t ranged;
    uint8_t keep_blank;      /* a blank line before it in the source is kept */
    uint8_t force_blank;     /* a blank line always comes before it (and its comments) */
} fmt_line;

typedef struct fmt_state {
    sw_arena *arena;
    const sw_file *file;
    const sw_comment **comments;   /* in source order */
    uint32_t ncomments;
    fmt_line *lines;
    size_t nlines, cap;
    int failed;
    int force_next;          /* the next top-level line follows a rule or a facts block */
} fmt_state;

static fmt_line *add_line(fmt_state *fx, unsigned indent, const sw_buf *text, uint32_t off,
                          uint32_t end, int ranged)
{
    if (!sw_grow(&fx->lines, &fx->cap, fx->nlines, sizeof *fx->lines, 256)) {
        fx->failed = 1;
        return NULL;
    }
    const char *s = text->failed ? NULL : sw_arena_strdup(fx->arena, text->data ? text->data : "");
    if (!s) {
        fx->failed = 1;
        return NULL;
    }
    fmt_line *l = &fx->lines[fx->nlines++];
    memset(l, 0, sizeof *l);
    l->text = s;
    l->indent = (uint16_t)indent;
    l->cindent = (uint16_t)indent;
    l->off = off;
    l->end = end;
    l->ranged = (uint8_t)ranged;
    return l;
}

/* A top-level line: blank lines before it are kept, and it comes after a blank line
 * when it follows a rule or a facts block. */
static fmt_line *add_top(fmt_state *fx, const sw_buf *text, uint32_t off, uint32_t end)
{
    fmt_line *l = add_line(fx, 0, text, off, end, 1);
    if (l) {
        l->keep_blank = 1;
        l->force_blank = (uint8_t)fx->force_next;
    }
    fx->force_next = 0;
    return l;
}

/* ---- stepping over tokens the tree does not locate ---- */

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The offset of the next token at or after off (skipping blanks and comments). */
static uint32_t skip_trivia(const sw_file *f, uint32_t off)
{
    while (off < f->len) {
        char c = f->text[off];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            off++;
        else if (c == '#')
            while (off < f->len && f->text[off] != '\n')
                off++;
        else
            break;
    }
    return off;
}

/* The end of the token that starts at off. */
static uint32_t token_end(const sw_file *f, uint32_t off)
{
    if (off >= f->len)
        return off;
    const char *t = f->text;
    if (t[off] == '"') {
        off++;
        while (off < f->len && t[off] != '"' && t[off] != '\n') {
            if (t[off] == '\\' && off + 1 < f->len && t[off + 1] != '\n')
                off++;
            off++;
        }
        return off < f->len && t[off] == '"' ? off + 1 : off;
    }
    if (is_word_char(t[off])) {
        while (off < f->len && is_word_char(t[off]))
            off++;
        return off;
    }
    static const char *const pairs[] = {"..", "->", "<=", ">=", "==", "!="};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (off + 1 < f->len && t[off] == pairs[i][0] && t[off + 1] == pairs[i][1])
            return off + 2;
    return off + 1;
}

static int token_is(const sw_file *f, uint32_t off, uint32_t end, const char *word)
{
    size_t n = strlen(word);
    return end - off == n && memcmp(f->text + off, word, n) == 0;
}

/* The end of the token after off (e.g. a title after a name). */
static uint32_t next_token_end(const sw_file *f, uint32_t off)
{
    return token_end(f, skip_trivia(f, off));
}

/* The first token spelt word in [from, to), or to when there is none. */
static uint32_t find_token(const sw_file *f, uint32_t from, uint32_t to, const char *word)
{
    for (uint32_t s = skip_trivia(f, from); s < to; s = skip_trivia(f, token_end(f, s)))
        if (token_is(f, s, token_end(f, s), word))
            return s;
    return to;
}

/* The last token spelt word in [from, to), or to when there is none. */
static uint32_t find_last_token(const sw_file *f, uint32_t from, uint32_t to, const char *word)
{
    uint32_t found = to;
    for (uint32_t s = skip_trivia(f, from); s < to; s = skip_trivia(f, token_end(f, s)))
        if (token_is(f, s, token_end(f, s), word))
            found = s;
    return found;
}

/* ---- printing values and expressions on one line ---- */

static void put_string(sw_buf *b, const char *s)
{
    sw_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') {
            sw_buf_putc(b, '\\');
            sw_buf_putc(b, *s);
        } else if (*s == '\n')
            sw_buf_puts(b, "\\n");
        else
            sw_buf_putc(b, *s);
    }
    sw_buf_putc(b, '"');
}

/* A decimal number as written (the tree's double would not print back the same). */
static void put_number(sw_buf *b, const sw_file *f, const sw_expr *e)
{
    for (uint32_t i = e->at.off; i < e->at.end && i < f->len; i++) {
        char c = f->text[i];
        if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
            sw_buf_putc(b, c);
    }
}

static void put_literal(sw_buf *b, const sw_file *f, const sw_expr *e)
{
    char date[11];
    switch ((sw_expr_kind)e->kind) {
    case SW_E_INT: sw_buf_printf(b, "%lld", (long long)e->i); break;
    case SW_E_NUMBER: put_number(b, f, e); break;
    case SW_E_BOOL: sw_buf_puts(b, e->i ? "true" : "false"); break;
    case SW_E_TEXT: put_string(b, e->s); break;
    case SW_E_DATE:
        sw_date_format((int32_t)e->i, date);
        sw_buf_puts(b, date);
        break;
    default: sw_buf_puts(b, e->s ? e->s : ""); break;
    }
}

static void put_items(sw_buf *b, const sw_file *f, const sw_expr *items)
{
    sw_buf_puts(b, "{ ");
    for (const sw_expr *it = items; it; it = it->next) {
        put_literal(b, f, it);
        sw_buf_puts(b, it->next ? ", " : " }");
    }
}

/* Binding strength, loosest first, as in the grammar. */
static int prec(const sw_expr *e)
{
    switch ((sw_expr_kind)e->kind) {
    case SW_E_OR: return 1;
    case SW_E_AND: return 2;
    case SW_E_NOT: return 3;
    case SW_E_CMP: case SW_E_IN: case SW_E_CONTAINS: case SW_E_KNOWN: return 4;
    case SW_E_ARITH: return e->op == SW_OP_ADD || e->op == SW_OP_SUB ? 5 : 6;
    case SW_E_NEG: case SW_E_SINCE: return 7;
    default: return 8;
    }
}

static int is_chain(const sw_expr *e) { return e->kind == SW_E_AND || e->kind == SW_E_OR; }

/* Whether child, the left or right operand of parent, is written in parentheses:
 * where precedence needs them, and in two places readers misread without them, an
 * 'and' inside an 'or' and a comparison after 'not'. */
static int needs_parens(const sw_expr *parent, const sw_expr *child, int right)
{
    int p = prec(child);
    switch ((sw_expr_kind)parent->kind) {
    case SW_E_OR:
        return child->kind == SW_E_AND || (right && child->kind == SW_E_OR);
    case SW_E_AND:
        return child->kind == SW_E_OR || (right && child->kind == SW_E_AND);
    case SW_E_NOT: return p < 3 || p == 4;   /* `not (x is y)` reads as meant */
    case SW_E_ARITH:
        return p < prec(parent) + right;
    case SW_E_NEG: case SW_E_SINCE: return p < 7;
    default: return p < 5;   /* comparisons: operands are sums */
    }
}

static const char *cmp_word(const sw_expr *e)
{
    switch (e->op) {
    case SW_OP_EQ: return e->eq_typo == 1 ? "=" : e->eq_typo == 2 ? "==" : "is";
    case SW_OP_NE: return e->eq_typo == 3 ? "!=" : "is not";
    case SW_OP_LT: return "<";
    case SW_OP_LE: return "<=";
    case SW_OP_GT: return ">";
    case SW_OP_GE: return ">=";
    case SW_OP_ADD: return "+";
    case SW_OP_SUB: return "-";
    case SW_OP_MUL: return "*";
    default: return "/";
    }
}

static void put_sub(sw_buf *b, const sw_file *f, const sw_expr *parent, const sw_expr *child,
                    int right)
{
    int paren = needs_parens(parent, child, right);
    if (paren)
        sw_buf_putc(b, '(');
    sw_fmt_expr(b, f, child);
    if (paren)
        sw_buf_putc(b, ')');
}

void sw_fmt_expr(sw_buf *b, const sw_file *f, const sw_expr *e)
{
    switch ((sw_expr_kind)e->kind) {
    case SW_E_NOT:
        sw_buf_puts(b, "not ");
        put_sub(b, f, e, e->lhs, 0);
        break;
    case SW_E_NEG:
        sw_buf_puts(b, e->lhs->kind == SW_E_NEG ? "- " : "-");
        put_sub(b, f, e, e->lhs, 0);
        break;
    case SW_E_SINCE:
        sw_buf_puts(b, e->mode == 7 ? "weeks since " : e->mode == SW_SINCE_MONTHS ? "months since " : "days since ");
        put_sub(b, f, e, e->lhs, 0);
        break;
    case SW_E_AND:
    case SW_E_OR:
    case SW_E_CMP:
    case SW_E_ARITH:
        put_sub(b, f, e, e->lhs, 0);
        sw_buf_printf(b, " %s ", e->kind == SW_E_AND ? "and" : e->kind == SW_E_OR ? "or" : cmp_word(e));
        put_sub(b, f, e, e->rhs, 1);
        break;
    case SW_E_IN:
        put_sub(b, f, e, e->lhs, 0);
        sw_buf_puts(b, e->negated ? " not in " : " in ");
        put_items(b, f, e->items);
        break;
    case SW_E_CONTAINS:
        put_sub(b, f, e, e->lhs, 0);
        sw_buf_puts(b, " contains ");
        if (e->mode == SW_CONTAINS_ONE)
            put_sub(b, f, e, e->rhs, 1);
        else {
            sw_buf_puts(b, e->mode == SW_CONTAINS_ANY ? "any " : "all ");
            put_items(b, f, e->items);
        }
        break;
    case SW_E_KNOWN:
        put_sub(b, f, e, e->lhs, 0);
        sw_buf_puts(b, e->negated ? " is missing" : " is known");
        break;
    default:
        put_literal(b, f, e);
        break;
    }
}

/* ---- conditions over several lines ---- */

/* Display columns of UTF-8 text (code points). */
static size_t columns(const char *s)
{
    return s ? sw_utf8_count(s, strlen(s)) : 0;
}

/* Whether a comment starts in [from, to). */
static int comment_offset_compare(const void *table, size_t i, const void *key)
{
    uint32_t off = ((const sw_comment *const *)table)[i]->at.off, from = *(const uint32_t *)key;
    return (off > from) - (off < from);
}

static int comment_in(const fmt_state *fx, uint32_t from, uint32_t to)
{
    size_t lo = sw_lower_bound(fx->comments, fx->ncomments, comment_offset_compare, &from);
    return lo < fx->ncomments && fx->comments[lo]->at.off < to;
}

/* The operands of an and/or chain, left to right (the left spine flattened). */
static size_t chain_operands(const sw_expr *e, const sw_expr **ops, size_t max)
{
    size_t n = 0;
    const sw_expr *spine = e;
    while (spine->kind == e->kind && n + 1 < max) {
        ops[n++] = spine->rhs;
        spine = spine->lhs;
    }
    ops[n++] = spine;
    for (size_t i = 0; i < n / 2; i++) {
        const sw_expr *t = ops[i];
        ops[i] = ops[n - 1 - i];
        ops[n - 1 - i] = t;
    }
    return n;
}

#define FMT_MAX_OPERANDS 256

static void emit_expr(fmt_state *fx, const sw_expr *e, int paren, unsigned indent,
                      const char *prefix, const char *suffix, int top);

/* A chain broken one operand per line; in parentheses, aligned inside them. */
static void emit_chain(fmt_state *fx, const sw_expr *e, int paren, unsigned indent,
                       const char *prefix, const char *suffix)
{
    const sw_expr *ops[FMT_MAX_OPERANDS];
    size_t n = chain_operands(e, ops, FMT_MAX_OPERANDS);
    sw_buf open = SW_BUF_INIT, close = SW_BUF_INIT;
    sw_buf_printf(&open, "%s%s", prefix, paren ? "(" : "");
    sw_buf_printf(&close, "%s%s", paren ? ")" : "", suffix);
    unsigned cont = paren ? indent + (unsigned)columns(open.data) : indent;
    const char *word = e->kind == SW_E_AND ? "and " : "or ";
    for (size_t k = 0; k < n && !open.failed && !close.failed; k++) {
        int np = needs_parens(e, ops[k], k > 0);
        const char *end = k + 1 == n ? close.data : "";
        if (k == 0)
            emit_expr(fx, ops[k], np, indent, open.data, end, 0);
        else
            emit_expr(fx, ops[k], np, cont, word, end, 0);
    }
    if (open.failed || close.failed)
        fx->failed = 1;
    sw_buf_free(&open);
    sw_buf_free(&close);
}

/* Writes prefix, e (in parentheses when paren) and suffix from column indent. */
static void emit_expr(fmt_state *fx, const sw_expr *e, int paren, unsigned indent,
                      const char *prefix, const char *suffix, int top)
{
    sw_buf flat = SW_BUF_INIT;
    sw_buf_puts(&flat, prefix);
    if (paren)
        sw_buf_putc(&flat, '(');
    sw_fmt_expr(&flat, fx->file, e);
    if (paren)
        sw_buf_putc(&flat, ')');
    sw_buf_puts(&flat, suffix);
    if (flat.failed) {
        /* not "it does not fit": a layout chosen for lack of memory would differ */
        fx->failed = 1;
        sw_buf_free(&flat);
        return;
    }
    int fits = indent + columns(flat.data) <= SW_FMT_WIDTH;
    int breaks = 0;
    if (is_chain(e)) {
        const sw_expr *first = e;
        while (first->kind == e->kind)
            first = first->lhs;
        breaks = top || !fits || comment_in(fx, first->at.end, e->at.end);
    } else if (e->kind == SW_E_NOT && is_chain(e->lhs) && !fits)
        breaks = 1;
    if (!breaks) {
        add_line(fx, indent, &flat, e->at.off, e->at.end, 1);
        sw_buf_free(&flat);
        return;
    }
    sw_buf_free(&flat);
    if (is_chain(e)) {
        emit_chain(fx, e, paren, indent, prefix, suffix);
        return;
    }
    sw_buf p = SW_BUF_INIT, s = SW_BUF_INIT;   /* not ( ... ) */
    sw_buf_printf(&p, "%s%snot ", prefix, paren ? "(" : "");
    sw_buf_printf(&s, "%s%s", paren ? ")" : "", suffix);
    if (p.failed || s.failed)
        fx->failed = 1;
    else
        emit_expr(fx, e->lhs, 1, indent, p.data, s.data, 0);
    sw_buf_free(&p);
    sw_buf_free(&s);
}

/* ---- declarations ---- */

static void put_cites(sw_buf *b, const sw_cite *c)
{
    for (; c; c = c->next) {
        sw_buf_puts(b, c->source.name);
        if (c->statement.name)
            sw_buf_printf(b, ".%s", c->statement.name);
        else if (c->locator) {
            sw_buf_putc(b, ' ');
            put_string(b, c->locator);
        }
        if (c->next)
            sw_buf_puts(b, ", ");
    }
}

static void put_type(sw_buf *b, const sw_file *f, const sw_type_expr *t)
{
    sw_buf_puts(b, t->form == SW_TF_STAGE ? sw_type_stage_vocab.word
                   : t->form < SW_T__COUNT ? sw_type_vocab[t->form].word : "?");
    if (t->has_range) {
        sw_buf_putc(b, ' ');
        put_literal(b, f, t->min);
        sw_buf_puts(b, "..");
        put_literal(b, f, t->max);
    }
    if (t->form == SW_TF_ONE_OF || t->form == SW_TF_SET_OF) {
        sw_buf_puts(b, " { ");
        for (const sw_ident *m = t->members; m; m = m->next)
            sw_buf_printf(b, "%s%s", m->name, m->next ? ", " : " }");
    }
}

/* Where a fact or derived fact's label ends. */
static uint32_t label_end(const sw_file *f, const sw_decl *d)
{
    return next_token_end(f, d->type->at.end);
}

static void emit_simple(fmt_state *fx, const sw_decl *d)
{
    sw_buf b = SW_BUF_INIT;
    switch ((sw_decl_kind)d->kind) {
    case SW_D_GUIDELINE:
        sw_buf_printf(&b, "guideline %s ", d->name.name);
        put_string(&b, d->title);
        sw_buf_puts(&b, " version ");
        put_string(&b, d->text);
        break;
    case SW_D_SOURCE:
        sw_buf_printf(&b, "source %s ", d->name.name);
        put_string(&b, d->title);
        if (d->text) {
            sw_buf_puts(&b, " file ");
            put_string(&b, d->text);
        }
        break;
    case SW_D_STAGE:
        sw_buf_printf(&b, "stage %s ", d->name.name);
        put_string(&b, d->title);
        if (d->text) {
            sw_buf_puts(&b, " goal ");
            put_string(&b, d->text);
        }
        break;
    case SW_D_ORDER:
        sw_buf_puts(&b, "order ");
        for (const sw_ident *id = d->order; id; id = id->next)
            sw_buf_printf(&b, "%s%s", id->name, id->next ? " -> " : "");
        break;
    default: {
        sw_buf_printf(&b, "%s %s ", d->item_kind < SW_ITEM__COUNT ? sw_item_vocab[d->item_kind].noun : "?",
                      d->name.name);
        put_string(&b, d->title);
        if (d->kind_word.name)
            sw_buf_printf(&b, " kind %s", d->kind_word.name);
        if (d->level.name)
            sw_buf_printf(&b, " severity %s", d->level.name);
        if (d->cites) {
            sw_buf_puts(&b, " cites ");
            put_cites(&b, d->cites);
        }
        break;
    }
    }
    add_top(fx, &b, d->at.off, d->at.end);
    sw_buf_free(&b);
}

static void emit_statement(fmt_state *fx, const sw_decl *d)
{
    const sw_file *f = fx->file;
    uint32_t end = next_token_end(f, next_token_end(f, d->name.at.end));
    sw_buf b = SW_BUF_INIT;
    sw_buf_printf(&b, "statement %s.%s ", d->source.name, d->name.name);
    put_string(&b, d->section);
    sw_buf_putc(&b, ' ');
    put_string(&b, d->text);
    add_top(fx, &b, d->at.off, end);
    if (d->excused) {
        b.len = 0;
        sw_buf_puts(&b, "excused ");
        put_string(&b, d->excused);
        add_line(fx, 2, &b, end, d->at.end, 1);
    }
    sw_buf_free(&b);
}

static void emit_derived(fmt_state *fx, const sw_decl *d, uint32_t start)
{
    const sw_file *f = fx->file;
    sw_buf b = SW_BUF_INIT;
    sw_buf_printf(&b, "derived %s: ", d->name.name);
    put_type(&b, f, d->type);
    sw_buf_putc(&b, ' ');
    put_string(&b, d->title);
    uint32_t end = label_end(f, d);
    if (d->deflt) {
        sw_buf_puts(&b, " default ");
        put_literal(&b, f, d->deflt);
        end = d->deflt->at.end;
    }
    add_top(fx, &b, start, end);
    sw_buf_free(&b);
}

/* One facts block: the facts from *d while no '}' comes between them. Returns the
 * last fact of the block; *pos is where the block ends. */
static const sw_decl *emit_facts_block(fmt_state *fx, const sw_decl *d, uint32_t *pos)
{
    const sw_file *f = fx->file;
    sw_buf b = SW_BUF_INIT;
    uint32_t kw = find_last_token(f, *pos, d->name.at.off, "facts");
    uint32_t brace = find_token(f, kw, d->name.at.off, "{");
    fx->force_next = 1;
    sw_buf_puts(&b, "facts {");
    add_top(fx, &b, kw, brace < d->name.at.off ? brace + 1 : kw);
    fx->force_next = 0;
    const sw_decl *last = d;
    for (int first = 1; d && d->kind == SW_D_FACT; d = d->next, first = 0) {
        uint32_t end = label_end(f, d);
        if (!first && find_token(f, *pos, d->name.at.off, "}") < d->name.at.off)
            break;   /* a '}' between two facts: a new block */
        b.len = 0;
        sw_buf_printf(&b, "%s: ", d->name.name);
        put_type(&b, f, d->type);
        sw_buf_putc(&b, ' ');
        put_string(&b, d->title);
        fmt_line *l = add_line(fx, 2, &b, d->name.at.off, end, 1);
        if (l)
            l->keep_blank = (uint8_t)!first;
        *pos = end;
        last = d;
    }
    uint32_t close = find_token(f, *pos, (uint32_t)f->len, "}");
    b.len = 0;
    sw_buf_putc(&b, '}');
    fmt_line *l = add_line(fx, 0, &b, close, close < f->len ? close + 1 : close, 1);
    if (l)
        l->cindent = 2;
    if (close < f->len)
        *pos = close + 1;
    fx->force_next = 1;
    sw_buf_free(&b);
    return last;
}

/* ---- FHIR mappings ---- */

/* `fhir FACT: Resource "code"`, then each clause on its own line; a map has one
 * code per line, so each can carry its citation comment. */
static void emit_fhir(fmt_state *fx, const sw_decl *d, uint32_t start)
{
    const sw_file *f = fx->file;
    sw_buf b = SW_BUF_INIT;
    sw_buf_printf(&b, "fhir %s: %s ", d->name.name, d->kind_word.name);
    put_string(&b, d->text);
    add_top(fx, &b, start, d->text_at.end);
    for (const sw_fhir_clause *c = d->fhir; c; c = c->next) {
        b.len = 0;
        sw_buf_printf(&b, "%s ", c->word.name);
        uint32_t head_end = c->at.end;
        switch ((sw_fhir_arg)c->arg) {
        case SW_FA_WORD: sw_buf_puts(&b, c->value.name); break;
        case SW_FA_TEXTS:
            for (const sw_ident *t = c->texts; t; t = t->next) {
                put_string(&b, t->name);
                if (t->next)
                    sw_buf_puts(&b, ", ");
            }
            break;
        case SW_FA_DAYS: sw_buf_printf(&b, "%lld days", (long long)c->days); break;
        case SW_FA_MAP:
            sw_buf_putc(&b, '{');
            head_end = c->map ? c->map->at.off : c->at.end;
            head_end = find_token(f, c->word.at.end, head_end, "{") + 1;
            break;
        }
        add_line(fx, 2, &b, c->at.off, head_end, 1);
        if (c->arg != SW_FA_MAP)
            continue;
        for (const sw_fhir_pair *p = c->map; p; p = p->next) {
            b.len = 0;
            put_string(&b, p->code);
            sw_buf_puts(&b, " -> ");
            put_literal(&b, f, p->target);
            uint32_t end = p->target->at.end;
            if (p->next) {
                sw_buf_putc(&b, ',');
                end = find_token(f, end, p->next->at.off, ",") + 1;
            }
            add_line(fx, 4, &b, p->at.off, end, 1);
        }
        b.len = 0;
        sw_buf_putc(&b, '}');
        fmt_line *l = add_line(fx, 2, &b, c->at.end - 1, c->at.end, 1);
        if (l)
            l->cindent = 4;
    }
    sw_buf_free(&b);
}

/* ---- rules ---- */

enum { CL_CITES, CL_PRIORITY, CL_AUTHOR, CL_REVIEWER, CL_REVIEWED, CL_VERSION, CL_STATUS,
       CL_ALLOW, CL_COUNT };

static const char *const clause_words[CL_COUNT] = {"cites", "priority", "author", "reviewer",
                                                   "reviewed", "version", "status", "allow"};

/* Where each kind of clause was written between the title and 'when' (the union
 * of its occurrences), and where 'when' is. */
typedef struct rule_marks {
    uint32_t off[CL_COUNT], end[CL_COUNT];
    uint32_t when;
} rule_marks;

static void scan_rule_head(const sw_file *f, uint32_t from, uint32_t to, rule_marks *mk)
{
    int cur = -1;
    for (int k = 0; k < CL_COUNT; k++)
        mk->off[k] = mk->end[k] = UINT32_MAX;
    mk->when = to;
    for (uint32_t s = skip_trivia(f, from); s < to; s = skip_trivia(f, token_end(f, s))) {
        uint32_t e = token_end(f, s);
        if (token_is(f, s, e, "when")) {
            mk->when = s;
            return;
        }
        for (int k = 0; k < CL_COUNT; k++)
            if (token_is(f, s, e, clause_words[k])) {
                cur = k;
                if (mk->off[k] == UINT32_MAX)
                    mk->off[k] = s;
            }
        if (cur >= 0)
            mk->end[cur] = e;
    }
}

static void clause_line(fmt_state *fx, const rule_marks *mk, int k, sw_buf *b)
{
    int ranged = mk->off[k] != UINT32_MAX;
    add_line(fx, 2, b, ranged ? mk->off[k] : 0, ranged ? mk->end[k] : 0, ranged);
    b->len = 0;
}

static void emit_clauses(fmt_state *fx, const sw_decl *d, const rule_marks *mk)
{
    sw_buf b = SW_BUF_INIT;
    if (d->cites) {
        sw_buf_puts(&b, "cites ");
        put_cites(&b, d->cites);
        clause_line(fx, mk, CL_CITES, &b);
    }
    if (d->level.name) {
        sw_buf_printf(&b, "priority %s", d->level.name);
        clause_line(fx, mk, CL_PRIORITY, &b);
    }
    const char *texts[] = {d->author, d->reviewer};
    for (int k = 0; k < 2; k++)
        if (texts[k]) {
            sw_buf_printf(&b, "%s ", clause_words[CL_AUTHOR + k]);
            put_string(&b, texts[k]);
            clause_line(fx, mk, CL_AUTHOR + k, &b);
        }
    if (d->has_reviewed) {
        char date[11];
        sw_date_format((int32_t)d->reviewed, date);
        sw_buf_printf(&b, "reviewed %s", date);
        clause_line(fx, mk, CL_REVIEWED, &b);
    }
    if (d->text) {
        sw_buf_puts(&b, "version ");
        put_string(&b, d->text);
        clause_line(fx, mk, CL_VERSION, &b);
    }
    if (d->status.name) {
        sw_buf_printf(&b, "status %s", d->status.name);
        clause_line(fx, mk, CL_STATUS, &b);
    }
    sw_buf_free(&b);
}

/* `allow` clauses in the order written (the tree keeps them newest first). */
static void emit_allows(fmt_state *fx, const sw_allow *a)
{
    if (!a)
        return;
    emit_allows(fx, a->next);
    sw_buf b = SW_BUF_INIT;
    sw_buf_printf(&b, "allow %s because ", a->code.name);
    put_string(&b, a->reason);
    add_line(fx, 2, &b, a->at.off, a->at.end, 1);
    sw_buf_free(&b);
}

static void emit_action(fmt_state *fx, const sw_action_ast *a)
{
    sw_buf b = SW_BUF_INIT;
    uint32_t end = a->target.at.end;
    sw_buf_printf(&b, "%s %s", a->kind < SW_ACT__COUNT ? sw_action_words[a->kind] : "?", a->target.name);
    if (a->level.name) {
        int k = sw_action_item(a->kind);
        const char *word = k >= 0 ? sw_item_vocab[k].level_word : NULL;
        sw_buf_printf(&b, " %s %s", word ? word : "priority", a->level.name);
        end = a->level.at.end;
    }
    if (a->value) {
        sw_buf_puts(&b, " = ");
        sw_fmt_expr(&b, fx->file, a->value);
        end = a->value->at.end;
    }
    add_line(fx, 2, &b, a->at.off, end, 1);
    if (a->because) {
        b.len = 0;
        sw_buf_puts(&b, "because ");
        put_string(&b, a->because);
        add_line(fx, 4, &b, end, a->at.end, 1);
    }
    sw_buf_free(&b);
}

static void emit_keyword(fmt_state *fx, const char *word, uint32_t off, int ranged)
{
    sw_buf b = SW_BUF_INIT;
    sw_buf_puts(&b, word);
    fmt_line *l = add_line(fx, 0, &b, off, off + (uint32_t)strlen(word), ranged);
    if (l)
        l->cindent = 2;
    sw_buf_free(&b);
}

static void emit_rule(fmt_state *fx, const sw_decl *d)
{
    const sw_file *f = fx->file;
    uint32_t title_end = next_token_end(f, d->name.at.end);
    sw_buf b = SW_BUF_INIT;
    sw_buf_printf(&b, "rule %s ", d->name.name);
    put_string(&b, d->title);
    fx->force_next = 1;
    add_top(fx, &b, d->span.off, title_end);
    sw_buf_free(&b);
    rule_marks mk;
    scan_rule_head(f, title_end, d->cond->at.off, &mk);
    emit_clauses(fx, d, &mk);
    emit_allows(fx, d->allows);
    emit_keyword(fx, "when", mk.when, mk.when < d->cond->at.off);
    emit_expr(fx, d->cond, 0, 2, "", "", 1);
    uint32_t then = find_token(f, d->cond->at.end, d->actions->at.off, "then");
    emit_keyword(fx, "then", then, then < d->actions->at.off);
    for (const sw_action_ast *a = d->actions; a; a = a->next)
        emit_action(fx, a);
    emit_keyword(fx, "end", d->span.end - 3, 1);
    fx->force_next = 1;
}

/* Every declaration, in the order written. */
static void emit_decls(fmt_state *fx, const sw_decl *decls)
{
    uint32_t pos = 0;   /* where the last declaration ended */
    for (const sw_decl *d = decls; d; d = d->next) {
        switch ((sw_decl_kind)d->kind) {
        case SW_D_FACT:
            d = emit_facts_block(fx, d, &pos);
            continue;
        case SW_D_DERIVED: {
            uint32_t start = find_last_token(fx->file, pos, d->name.at.off, "derived");
            emit_derived(fx, d, start < d->name.at.off ? start : d->name.at.off);
            pos = fx->nlines ? fx->lines[fx->nlines - 1].end : pos;
            continue;
        }
        case SW_D_STATEMENT:
            emit_statement(fx, d);
            break;
        case SW_D_FHIR:
            emit_fhir(fx, d, d->at.off);
            fx->force_next = 1;
            break;
        case SW_D_RULE:
            emit_rule(fx, d);
            pos = d->span.end;
            continue;
        default:
            emit_simple(fx, d);
            break;
        }
        pos = d->at.end;
    }
}

/* ---- putting the comments back ---- */

typedef struct render_state {
    const sw_file *file;
    sw_buf *out;
    uint32_t last;        /* source end of what was written last */
    int wrote;            /* a line was written */
    int blank;            /* the last line written was blank */
    int open;             /* the last line written can take a trailing comment */
    uint32_t open_end;
} render_state;

static int newlines(const sw_file *f, uint32_t from, uint32_t to)
{
    int n = 0;
    for (uint32_t i = from; i < to && i < f->len; i++)
        n += f->text[i] == '\n';
    return n;
}

static void put_blank(render_state *rs)
{
    if (rs->wrote && !rs->blank) {
        sw_buf_putc(rs->out, '\n');
        rs->blank = 1;
    }
}

static void put_text_line(render_state *rs, unsigned indent, const char *text, size_t len)
{
    sw_buf_repeat(rs->out, ' ', indent);
    sw_buf_append(rs->out, text, len);
    sw_buf_putc(rs->out, '\n');
    rs->wrote = 1;
    rs->blank = 0;
}

/* The comment's text without trailing blanks. */
static size_t comment_len(const sw_comment *c)
{
    size_t n = strlen(c->text);
    while (n > 1 && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t' || c->text[n - 1] == '\r'))
        n--;
    return n;
}

/* Writes comment c as trailing (when it can) or leading a line with these settings. */
static void put_comment(render_state *rs, const sw_comment *c, unsigned cindent, int keep_blank,
                        int *force)
{
    size_t n = comment_len(c);
    if (rs->open && c->at.off >= rs->open_end && newlines(rs->file, rs->open_end, c->at.off) == 0) {
        rs->out->len--;   /* reopen the line: drop its newline */
        sw_buf_putc(rs->out, ' ');
        sw_buf_append(rs->out, c->text, n);
        sw_buf_putc(rs->out, '\n');
        rs->open = 0;
        rs->last = c->at.end;
        return;
    }
    if (*force || (keep_blank && c->at.off > rs->last && newlines(rs->file, rs->last, c->at.off) > 1))
        put_blank(rs);
    *force = 0;
    put_text_line(rs, cindent, c->text, n);
    rs->open = 0;
    rs->last = c->at.end;
}

static void render(const fmt_state *fx, sw_buf *out)
{
    render_state rs = {fx->file, out, 0, 0, 0, 0, 0};
    uint32_t ci = 0;
    int force = 0;
    for (size_t i = 0; i < fx->nlines; i++) {
        const fmt_line *l = &fx->lines[i];
        force = l->force_blank;
        while (l->ranged && ci < fx->ncomments && fx->comments[ci]->at.off < l->end)
            put_comment(&rs, fx->comments[ci++], l->cindent, l->keep_blank, &force);
        if (force || (l->ranged && l->keep_blank && l->off > rs.last &&
                      newlines(fx->file, rs.last, l->off) > 1))
            put_blank(&rs);
        put_text_line(&rs, l->indent, l->text, strlen(l->text));
        rs.open = l->ranged;
        rs.open_end = l->end;
        if (l->ranged)
            rs.last = l->end;
    }
    force = fx->force_next;
    while (ci < fx->ncomments)
        put_comment(&rs, fx->comments[ci++], 0, 1, &force);
}

/* ---- comparing syntax trees ---- */

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_expr(const sw_expr *a, const sw_expr *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->kind != b->kind || a->op != b->op || a->negated != b->negated ||
            a->mode != b->mode || a->eq_typo != b->eq_typo || a->i != b->i ||
            memcmp(&a->n, &b->n, sizeof a->n) != 0 || !same_str(a->s, b->s) ||
            !same_expr(a->lhs, b->lhs) || !same_expr(a->rhs, b->rhs) ||
            !same_expr(a->items, b->items))
            return 0;
    }
    return a == b;
}

static int same_idents(const sw_ident *a, const sw_ident *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!same_str(a->name, b->name))
            return 0;
    return a == b;
}

static int same_type(const sw_type_expr *a, const sw_type_expr *b)
{
    if (!a || !b)
        return a == b;
    return a->form == b->form && a->has_range == b->has_range && same_expr(a->min, b->min) &&
           same_expr(a->max, b->max) && same_idents(a->members, b->members);
}

static int same_cites(const sw_cite *a, const sw_cite *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!same_str(a->source.name, b->source.name) ||
            !same_str(a->statement.name, b->statement.name) || !same_str(a->locator, b->locator))
            return 0;
    return a == b;
}

static int same_actions(const sw_action_ast *a, const sw_action_ast *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (a->kind != b->kind || !same_str(a->target.name, b->target.name) ||
            !same_str(a->level.name, b->level.name) || !same_expr(a->value, b->value) ||
            !same_str(a->because, b->because))
            return 0;
    return a == b;
}

static int same_allows(const sw_allow *a, const sw_allow *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!same_str(a->code.name, b->code.name) || !same_str(a->reason, b->reason))
            return 0;
    return a == b;
}

static int same_fhir(const sw_fhir_clause *a, const sw_fhir_clause *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (!same_str(a->word.name, b->word.name) || a->arg != b->arg ||
            !same_str(a->value.name, b->value.name) || !same_idents(a->texts, b->texts) ||
            a->days != b->days)
            return 0;
        const sw_fhir_pair *x = a->map, *y = b->map;
        for (; x && y; x = x->next, y = y->next)
            if (!same_str(x->code, y->code) || !same_expr(x->target, y->target))
                return 0;
        if (x != y)
            return 0;
    }
    return a == b;
}

static int same_decl(const sw_decl *a, const sw_decl *b)
{
    return a->kind == b->kind && a->item_kind == b->item_kind &&
           same_str(a->name.name, b->name.name) && same_str(a->source.name, b->source.name) &&
           same_str(a->title, b->title) && same_str(a->text, b->text) &&
           same_str(a->section, b->section) && same_str(a->excused, b->excused) &&
           same_str(a->kind_word.name, b->kind_word.name) &&
           same_str(a->level.name, b->level.name) && same_idents(a->order, b->order) &&
           same_type(a->type, b->type) && same_expr(a->deflt, b->deflt) &&
           same_cites(a->cites, b->cites) && same_expr(a->cond, b->cond) &&
           same_actions(a->actions, b->actions) && same_str(a->author, b->author) &&
           same_str(a->reviewer, b->reviewer) && a->has_reviewed == b->has_reviewed &&
           a->reviewed == b->reviewed && same_str(a->status.name, b->status.name) &&
           same_allows(a->allows, b->allows) && same_fhir(a->fhir, b->fhir);
}

int sw_fmt_same_syntax(const sw_decl *a, const sw_decl *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!same_decl(a, b))
            return 0;
    return a == b;
}

/* ---- the whole file ---- */

typedef struct parsed {
    sw_file file;
    sw_decl *decls;
    sw_comment *comments;
    uint32_t ncomments;
    unsigned errors;
} parsed;

static void parse(sw_arena *arena, sw_diagnostics *diags, parsed *p)
{
    sw_decl **tail = &p->decls;
    sw_comment **ctail = &p->comments;
    p->errors = sw_syntax_parse_with_comments(arena, diags, &p->file, 0, &tail, &ctail);
    for (const sw_comment *c = p->comments; c; c = c->next)
        p->ncomments++;
}

static int same_comments(const parsed *a, const parsed *b)
{
    const sw_comment *x = a->comments, *y = b->comments;
    for (; x && y; x = x->next, y = y->next)
        if (comment_len(x) != comment_len(y) || memcmp(x->text, y->text, comment_len(x)) != 0)
            return 0;
    return x == y;
}

static sw_status layout(sw_arena *arena, const parsed *in, sw_buf *out)
{
    fmt_state fx;
    memset(&fx, 0, sizeof fx);
    fx.arena = arena;
    fx.file = &in->file;
    fx.ncomments = in->ncomments;
    fx.comments = sw_arena_array(arena, in->ncomments ? in->ncomments : 1, sizeof *fx.comments);
    if (!fx.comments)
        return SW_ERR_NOMEM;
    uint32_t i = 0;
    for (const sw_comment *c = in->comments; c; c = c->next)
        fx.comments[i++] = c;
    emit_decls(&fx, in->decls);
    if (!fx.failed)
        render(&fx, out);
    free(fx.lines);
    return fx.failed || sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}

static sw_status refuse(sw_diagnostics *diags, const parsed *in, const char *why)
{
    sw_loc at = {0, 0};
    sw_diag_add(diags, SW_SEV_ERROR, "I001", sw_syntax_where(&in->file, at), NULL,
                "the file was left as it is; please report this with the file",
                "the formatter cannot format this file without changing it: %s", why);
    return SW_ERR_RULES;
}

sw_status sw_fmt_text(const char *name, const char *text, size_t len, char **out,
                      size_t *outlen, sw_diagnostics *diags)
{
    if (!out || (!text && len))
        return SW_ERR_ARG;
    *out = NULL;
    if (len > SW_MAX_RULE_FILE) {
        sw_front_file_too_large(diags, name ? name : "<rules>");
        return SW_ERR_LIMIT;
    }
    sw_arena arena = SW_ARENA_INIT;
    parsed in, again;
    memset(&in, 0, sizeof in);
    memset(&again, 0, sizeof again);
    in.file.name = name ? name : "<rules>";
    in.file.text = text ? text : "";
    in.file.len = len;
    if (memchr(in.file.text, '\0', len))
        return refuse(diags, &in, "it contains a NUL byte");
    parse(&arena, diags, &in);
    sw_buf b = SW_BUF_INIT;
    sw_status st = arena.failed || sw_diag_nomem(diags) ? SW_ERR_NOMEM
                   : in.errors                          ? SW_ERR_RULES
                                                        : layout(&arena, &in, &b);
    if (st == SW_OK && (b.failed || arena.failed))
        st = SW_ERR_NOMEM;
    if (st == SW_OK) {
        /* the safety net: the output must have the same tree and comments */
        again.file.name = in.file.name;
        again.file.text = b.data ? b.data : "";
        again.file.len = b.len;
        sw_diagnostics *scratch = sw_diagnostics_new();
        if (!scratch)
            st = SW_ERR_NOMEM;
        else {
            parse(&arena, scratch, &again);
            if (arena.failed || sw_diag_nomem(scratch))
                st = SW_ERR_NOMEM;
            else if (again.errors || !sw_fmt_same_syntax(in.decls, again.decls) ||
                !same_comments(&in, &again))
                st = refuse(diags, &in, "the result would read differently");
            sw_diagnostics_free(scratch);
        }
    }
    sw_arena_free(&arena);
    if (st != SW_OK) {
        sw_buf_free(&b);
        return st;
    }
    *out = sw_buf_give(&b, outlen);   /* an empty text too: never NULL with SW_OK */
    return *out ? SW_OK : SW_ERR_NOMEM;
}
