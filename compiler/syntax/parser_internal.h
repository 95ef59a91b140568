/* parser_internal.h — state and helpers shared by the parser's files
 * (parser.c: items and statements; parse_expr.c: expressions; parse_pattern.c:
 * patterns and types).
 *
 * Error handling: the first error of a construct is reported and control
 * jumps (longjmp) back to the innermost recovery point — a statement or item
 * in a block — which skips to the next statement boundary. All nodes live in
 * the arena, so abandoning half-built nodes leaks nothing. */
#ifndef SNOW_PARSER_INTERNAL_H
#define SNOW_PARSER_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>

#include "../lex/lexer.h"
#include "ast.h"
#include "parser.h"

typedef struct Parser {
  Arena *arena;
  DiagContext *dc;
  SourceFile *file;
  const char *src;
  Token *toks;
  int ntoks;
  int pos;            /* current token index (may point at trivia until peeked) */
  int last;           /* index of the last consumed significant token */
  int delim_depth;    /* open ( [ { — NEWLINE is invisible while > 0 (§2.3) */
  int nest;           /* recursion depth, bounded by PARSER_MAX_DEPTH */
  int chain;          /* binary-operator links of the open operator chains: a chain
                         of n operators is a tree n deep, which later passes
                         recurse along (nest + chain <= PARSER_MAX_TREE_DEPTH) */
  int last_error_tok; /* suppresses cascades at one position */
  int nerrors;
  jmp_buf *recover; /* innermost recovery point */
} Parser;

/* ---- token access (parser.c) */
TokenKind p_peek(Parser *p);           /* kind of the current significant token */
TokenKind p_peek_at(Parser *p, int n); /* n-th significant token after the current one */
Token *p_tok(Parser *p);               /* the current significant token */
int p_index(Parser *p);                /* index of the current significant token */
Token *p_advance(Parser *p);           /* consumes and returns the current token */
bool p_accept(Parser *p, TokenKind k);
Token *p_expect(Parser *p, TokenKind k);      /* or reports `expected {TOKEN}` */
bool p_at_ident(Parser *p, const char *text); /* IDENT with that exact text */
bool p_tok_is_upper(Parser *p, const Token *t);
Name p_name(Parser *p, const Token *t);
Name p_expect_name(Parser *p, const char *what_msg); /* IDENT, or error `what_msg` */
void p_skip_seps(Parser *p);                         /* NEWLINE and `;` */
bool p_at_sep(Parser *p);
int p_open(Parser *p, TokenKind open); /* consumes ( [ {, returns saved depth */
void p_close(Parser *p, TokenKind close, int saved);
Span p_span_from(Parser *p, int first_tok); /* first_tok .. last consumed */

/* ---- errors (parser.c) */
_Noreturn void p_fail(Parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void p_fail_at(Parser *p, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports `expected end to close WHAT` with the related label at `opener`. */
_Noreturn void p_fail_unclosed(Parser *p, const char *what, Span opener, const char *opener_label);
void p_enter(Parser *p); /* recursion guard */
void p_leave(Parser *p);

/* Members (statements, fields, arms, clauses...) until one of the
 * terminators, each under its own recovery point (parser.c). */
typedef void (*MemberFn)(Parser *p, void *ctx);
void parse_members(Parser *p, const TokenKind *terms, int nterms, MemberFn fn, void *ctx);

/* ---- expressions (parse_expr.c) */
Expr *parse_expr(Parser *p);
Expr *new_expr(Parser *p, ExprKind k, int first_tok);
void finish_expr(Parser *p, Expr *e, int first_tok);
/* A block of statements up to (not including) one of the terminators. */
Expr *parse_block_until(Parser *p, const TokenKind *terms, int nterms);
/* `do` Block `end`, with the `expected end` message naming `what`. */
Expr *parse_do_block(Parser *p, const char *what);
Stmt *parse_statement(Parser *p, bool top_level, Item **item_out);
void parse_params(Parser *p, ParamList *out, bool simple);
Param parse_param(Parser *p, bool simple);

/* ---- patterns and types (parse_pattern.c) */
Pattern *parse_pattern(Parser *p);
Pattern *parse_primary_pattern(Parser *p);
TypeExpr *parse_type(Parser *p);
void parse_generic_params(Parser *p, GenericList *out);
Expr *parse_string_expr(Parser *p);

/* Statements of an actor or module body up to `end` (parser.c). */
void parse_body_statements(Parser *p, StmtList *out, ActorDecl *actor, bool allow_defs);

/* ---- items (parse_items.c) */
Item *parse_item(Parser *p, bool pub, int first_tok);
bool p_at_item_start(Parser *p);
FnDecl *parse_fn_def(Parser *p, bool pub, int first_tok);
void add_item_grouped(Parser *p, ItemList *items, Item *it);
void add_stmt_grouped(Parser *p, StmtList *stmts, Stmt *s);

#endif
