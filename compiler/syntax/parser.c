/* parser.c — see parser.h and parser_internal.h. This file holds the token
 * cursor, error reporting and recovery, blocks and statements (language.md
 * §2.3, §4.7) and the entry point. Definitions are in parse_items.c,
 * expressions in parse_expr.c, patterns/types/strings in parse_pattern.c. */
#include "parser_internal.h"

#include <stdarg.h>
#include <string.h>

#include "../diag/utf8.h"

/* ================================================================ cursor */

TokenKind p_peek(Parser *p) {
  while (p->pos < p->ntoks) {
    TokenKind k = p->toks[p->pos].kind;
    if (token_is_trivia(k) || (k == TK_NEWLINE && p->delim_depth > 0)) {
      p->pos++;
      continue;
    }
    return k;
  }
  p->pos = p->ntoks - 1;
  return TK_EOF;
}

TokenKind p_peek_at(Parser *p, int n) {
  p_peek(p);
  int i = p->pos;
  while (n > 0 && i < p->ntoks - 1) {
    i++;
    TokenKind k = p->toks[i].kind;
    if (token_is_trivia(k) || (k == TK_NEWLINE && p->delim_depth > 0)) continue;
    n--;
  }
  return p->toks[i].kind;
}

Token *p_tok(Parser *p) {
  p_peek(p);
  return &p->toks[p->pos];
}

int p_index(Parser *p) {
  p_peek(p);
  return p->pos;
}

Token *p_advance(Parser *p) {
  p_peek(p);
  Token *t = &p->toks[p->pos];
  if (t->kind != TK_EOF) {
    p->last = p->pos;
    p->pos++;
  }
  return t;
}

bool p_accept(Parser *p, TokenKind k) {
  if (p_peek(p) != k) return false;
  p_advance(p);
  return true;
}

Token *p_expect(Parser *p, TokenKind k) {
  if (p_peek(p) != k) p_fail(p, "expected %s", token_kind_name(k));
  return p_advance(p);
}

bool p_at_ident(Parser *p, const char *text) {
  if (p_peek(p) != TK_IDENT) return false;
  Token *t = p_tok(p);
  size_t n = strlen(text);
  return t->len == n && memcmp(p->src + t->start, text, n) == 0;
}

bool p_tok_is_upper(Parser *p, const Token *t) {
  unsigned char c = (unsigned char)p->src[t->start];
  if (c >= 'A' && c <= 'Z') return true;
  if (c < 0x80) return false;
  /* non-ASCII: treat Latin-1/Greek/Cyrillic upper-case ranges coarsely */
  uint32_t cp;
  if (!utf8_decode((const unsigned char *)p->src + t->start, t->len, &cp)) return false;
  return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3A9) ||
         (cp >= 0x410 && cp <= 0x42F);
}

Name p_name(Parser *p, const Token *t) {
  Name n;
  n.text = arena_strndup(p->arena, p->src + t->start, t->len);
  n.span = span_make(t->start, t->start + t->len);
  return n;
}

Name p_expect_name(Parser *p, const char *what_msg) {
  if (p_peek(p) != TK_IDENT) p_fail(p, "%s", what_msg);
  return p_name(p, p_advance(p));
}

bool p_at_sep(Parser *p) {
  TokenKind k = p_peek(p);
  return k == TK_NEWLINE || k == TK_SEMI;
}

void p_skip_seps(Parser *p) {
  while (p_at_sep(p))
    p_advance(p);
}

int p_open(Parser *p, TokenKind open) {
  p_expect(p, open);
  int saved = p->delim_depth;
  p->delim_depth++;
  return saved;
}

void p_close(Parser *p, TokenKind close, int saved) {
  p_expect(p, close);
  p->delim_depth = saved;
}

Span p_span_from(Parser *p, int first_tok) {
  uint32_t s = p->toks[first_tok].start;
  int last = p->last >= first_tok ? p->last : first_tok;
  uint32_t e = p->toks[last].start + p->toks[last].len;
  if (e < s) e = s;
  return span_make(s, e);
}

/* ================================================================ errors */

static _Noreturn void bail(Parser *p) {
  longjmp(*p->recover, 1);
}

/* Reports unless an error was already reported at this very token (the
 * cascade of `expected end` errors at end of file, for instance). */
static Diagnostic *report(Parser *p, int tok, Span at, const char *msg) {
  if (tok == p->last_error_tok) return NULL;
  p->last_error_tok = tok;
  p->nerrors++;
  const Token *t = tok >= 0 ? &p->toks[tok] : NULL; /* p_fail_at passes no token */
  if (t && t->kind == TK_ERROR && at.start == t->start) {
    unsigned char c = (unsigned char)p->src[t->start];
    if (c == 0)
      msg = "unexpected NUL byte in source";
    else if (c >= 0x80 &&
             !utf8_decode((const unsigned char *)p->src + t->start, p->file->len - t->start, NULL))
      msg = "invalid UTF-8 in source";
    else
      msg = "expected expression"; /* a stray character (language.md §8.5) */
  }
  return diag_parse_error(p->dc, p->file, at, "%s", msg);
}

static Span tok_span(const Token *t) {
  return span_make(t->start, t->start + t->len);
}

_Noreturn void p_fail(Parser *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  int i = p_index(p);
  report(p, i, tok_span(&p->toks[i]), buf);
  bail(p);
}

_Noreturn void p_fail_at(Parser *p, Span at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  report(p, -2 - (int)at.start, at, buf);
  bail(p);
}

_Noreturn void p_fail_unclosed(Parser *p, const char *what, Span opener, const char *opener_label) {
  char buf[256];
  snprintf(buf, sizeof buf, "expected `end` to close %s", what);
  int i = p_index(p);
  Diagnostic *d = report(p, i, tok_span(&p->toks[i]), buf);
  if (d && opener_label) diag_add_label(p->dc, d, opener, opener_label);
  bail(p);
}

void p_enter(Parser *p) {
  if (++p->nest > PARSER_MAX_DEPTH) {
    p->nest--;
    p_fail(p, "nesting too deep (more than %d levels)", PARSER_MAX_DEPTH);
  }
}

void p_leave(Parser *p) {
  p->nest--;
}

/* ================================================================ recovery */

/* Skips from the error position to the next statement boundary of the
 * current block. The tokens of the failed statement are rescanned from its
 * start so that delimiters and do/end pairs already opened are known. */
enum { OPEN_DO, OPEN_FN_NAMED, OPEN_FN_CLOSURE };

static bool is_term(TokenKind k, const TokenKind *terms, int nterms) {
  for (int i = 0; i < nterms; i++)
    if (terms[i] == k) return true;
  return false;
}

/* Indentation (leading spaces/tabs) of the line holding byte `offset`
 * (the line start is found by binary search: lines may be very long). */
static int line_indent(Parser *p, uint32_t offset) {
  const SourceFile *f = p->file;
  int lo = 0, hi = f->nlines - 1;
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (f->line_starts[mid] <= offset)
      lo = mid;
    else
      hi = mid - 1;
  }
  uint32_t ls = f->line_starts[lo];
  uint32_t e = ls;
  while (e < offset && (p->src[e] == ' ' || p->src[e] == '\t'))
    e++;
  return (int)(e - ls);
}

static bool starts_statement(Parser *p, const Token *t) {
  switch (t->kind) {
  case TK_KW_FN:
  case TK_KW_DEF:
  case TK_KW_LET:
  case TK_KW_PUB:
  case TK_KW_STRUCT:
  case TK_KW_TYPE:
  case TK_KW_INTERFACE:
  case TK_KW_IMPL:
  case TK_KW_ACTOR:
  case TK_KW_SERVICE:
  case TK_KW_SUPERVISOR:
  case TK_KW_MODULE:
  case TK_KW_IMPORT:
  case TK_KW_RETURN:
  case TK_EOF:
    return true;
  case TK_IDENT:
    return t->len == 4 && memcmp(p->src + t->start, "from", 4) == 0;
  default:
    return false;
  }
}

/* With delimiters or do/end left open by the failed statement, a line that
 * is indented less than the statement (or as much, and starts a definition
 * or statement keyword) is taken to be past it. */
static bool newline_ends_broken_statement(Parser *p, int nl, int stmt_indent) {
  int j = nl + 1;
  while (j < p->ntoks && (token_is_trivia(p->toks[j].kind) || p->toks[j].kind == TK_NEWLINE))
    j++;
  if (j >= p->ntoks) return true;
  const Token *t = &p->toks[j];
  int ind = line_indent(p, t->start);
  return ind < stmt_indent || (ind == stmt_indent && starts_statement(p, t));
}

/* Whether the line after the NEWLINE at `nl` starts with a token that can
 * only continue a construct (`do` on its own line, an operator, a closer):
 * such a line still belongs to the broken statement. */
static bool next_line_continues(Parser *p, int nl) {
  int j = nl + 1;
  while (j < p->ntoks && (token_is_trivia(p->toks[j].kind) || p->toks[j].kind == TK_NEWLINE))
    j++;
  if (j >= p->ntoks) return false;
  switch (p->toks[j].kind) {
  case TK_KW_DO:
  case TK_ARROW:
  case TK_FAT_ARROW:
  case TK_RPAREN:
  case TK_RBRACKET:
  case TK_RBRACE:
  case TK_COMMA:
  case TK_DOT:
  case TK_PIPE_GT:
  case TK_COLONCOLON:
  case TK_EQ:
  case TK_BAR:
  case TK_DOTDOT:
  case TK_PLUS:
  case TK_STAR:
  case TK_SLASH:
  case TK_PERCENT:
  case TK_EQEQ:
  case TK_NE:
  case TK_LT:
  case TK_GT:
  case TK_LE:
  case TK_GE:
  case TK_ANDAND:
  case TK_OROR:
  case TK_KW_AND:
  case TK_KW_OR:
  case TK_CONCAT:
  case TK_PLUSPLUS:
  case TK_QUESTION:
  case TK_COLON:
  case TK_KW_WHEN:
  case TK_KW_IN:
    return true;
  default:
    return false;
  }
}

/* A keyword such as `end` where a name was required (`let end = 1`,
 * `fn else()`): it does not close the enclosing block. */
static bool keyword_misused_as_name(Parser *p, int i) {
  int j = i - 1;
  while (j >= 0 && token_is_trivia(p->toks[j].kind))
    j--;
  TokenKind prev = j >= 0 ? p->toks[j].kind : TK_NEWLINE;
  switch (prev) {
  case TK_KW_LET:
  case TK_KW_FN:
  case TK_KW_DEF:
  case TK_KW_FOR:
  case TK_DOT:
  case TK_KW_STRUCT:
  case TK_KW_TYPE:
  case TK_KW_ACTOR:
  case TK_KW_SERVICE:
  case TK_KW_SUPERVISOR:
  case TK_KW_INTERFACE:
  case TK_KW_IMPORT:
  case TK_KW_MODULE:
    return true;
  default:
    break;
  }
  int n = i + 1;
  while (n < p->ntoks && token_is_trivia(p->toks[n].kind))
    n++;
  return n < p->ntoks && (p->toks[n].kind == TK_EQ || p->toks[n].kind == TK_COLONCOLON);
}

__attribute__((noinline)) static void recover(Parser *p, int stmt_start, const TokenKind *terms,
                                              int nterms) {
  int err_pos = p->pos;
  int stmt_indent = line_indent(p, p->toks[stmt_start].start);
  int bal = 0;
  /* a small explicit stack of openers needing `end` */
  enum { MAXS = 256 };
  unsigned char stack[MAXS];
  int sp = 0, overflow = 0;
  TokenKind prev = TK_NEWLINE;
  for (int i = stmt_start; i < p->ntoks; i++) {
    TokenKind k = p->toks[i].kind;
    if (token_is_trivia(k)) continue;
    if (i >= err_pos) {
      if (k == TK_EOF) {
        p->pos = i;
        break;
      }
      if (i == err_pos && (bal || sp || overflow)) {
        /* the offending token starts a line that is clearly past the statement */
        int j = i - 1;
        while (j > stmt_start && token_is_trivia(p->toks[j].kind))
          j--;
        if (j >= stmt_start && p->toks[j].kind == TK_NEWLINE &&
            newline_ends_broken_statement(p, j, stmt_indent)) {
          p->pos = i;
          break;
        }
      }
      if (bal == 0 && sp == 0 && overflow == 0) {
        if ((k == TK_NEWLINE && !next_line_continues(p, i)) || k == TK_SEMI ||
            (is_term(k, terms, nterms) && !(i == err_pos && keyword_misused_as_name(p, i)))) {
          p->pos = i;
          break;
        }
      } else if (k == TK_NEWLINE && newline_ends_broken_statement(p, i, stmt_indent)) {
        p->pos = i;
        break;
      }
    }
    switch (k) {
    case TK_LPAREN:
    case TK_LBRACKET:
    case TK_LBRACE:
    case TK_INTERP_START:
      bal++;
      break;
    case TK_RPAREN:
    case TK_RBRACKET:
    case TK_RBRACE:
    case TK_INTERP_END:
      if (bal > 0) bal--;
      break;
    case TK_KW_FN:
    case TK_KW_DEF: {
      bool stmt_pos = prev == TK_NEWLINE || prev == TK_SEMI || prev == TK_KW_DO ||
                      prev == TK_KW_PUB || i == stmt_start;
      int j = i + 1;
      while (j < p->ntoks && token_is_trivia(p->toks[j].kind))
        j++;
      bool named = stmt_pos && j < p->ntoks && p->toks[j].kind == TK_IDENT;
      if (sp < MAXS)
        stack[sp++] = named ? OPEN_FN_NAMED : OPEN_FN_CLOSURE;
      else
        overflow++;
      break;
    }
    case TK_KW_DO:
      if (sp > 0 && (stack[sp - 1] == OPEN_FN_NAMED || stack[sp - 1] == OPEN_FN_CLOSURE))
        stack[sp - 1] = OPEN_DO; /* the function's own body */
      else if (sp < MAXS)
        stack[sp++] = OPEN_DO;
      else
        overflow++;
      break;
    case TK_EQ:
      if (sp > 0 && stack[sp - 1] == OPEN_FN_NAMED) sp--; /* `fn f(x) = expr` */
      break;
    case TK_KW_END:
      if (overflow)
        overflow--;
      else if (sp > 0)
        sp--;
      break;
    default:
      break;
    }
    if (k != TK_NEWLINE || bal == 0) prev = k;
    p->pos = i + 1;
  }
  if (p->pos <= stmt_start && p->toks[stmt_start].kind != TK_EOF) p->pos = stmt_start + 1;
  p->last = p->pos - 1;
}

/* ================================================================ member loops */

void parse_members(Parser *p, const TokenKind *terms, int nterms, MemberFn fn, void *ctx) {
  for (;;) {
    p_skip_seps(p);
    TokenKind k = p_peek(p);
    if (k == TK_EOF || is_term(k, terms, nterms)) break;
    jmp_buf jb;
    jmp_buf *saved = p->recover;
    int saved_depth = p->delim_depth, saved_nest = p->nest, saved_chain = p->chain;
    int start = p_index(p);
    if (setjmp(jb) == 0) {
      p->recover = &jb;
      fn(p, ctx);
    } else {
      p->delim_depth = saved_depth;
      p->nest = saved_nest;
      p->chain = saved_chain;
      recover(p, start, terms, nterms);
    }
    p->recover = saved;
  }
}

/* ================================================================ blocks */

typedef struct BlockCtx {
  StmtList *stmts;
  ItemList *items;  /* top level: items instead of statements */
  ActorDecl *actor; /* actor body: terminate clauses allowed */
  bool allow_defs;  /* module body: every definition allowed */
} BlockCtx;

static bool is_top_level_only_def(TokenKind k) {
  return k == TK_KW_STRUCT || k == TK_KW_TYPE || k == TK_KW_INTERFACE || k == TK_KW_IMPL ||
         k == TK_KW_ACTOR || k == TK_KW_SERVICE || k == TK_KW_SUPERVISOR;
}

static void parse_terminate(Parser *p, ActorDecl *a) {
  Token *kw = p_advance(p);
  if (a->has_terminate)
    p_fail_at(p, tok_span(kw), "only one `terminate` clause is allowed per actor block");
  Token *d = p_expect(p, TK_KW_DO);
  if (p_accept(p, TK_BAR)) {
    a->terminate_reason = p_expect_name(p, "expected identifier");
    p_expect(p, TK_BAR);
  }
  static const TokenKind terms[] = {TK_KW_END};
  Expr *body = parse_block_until(p, terms, 1);
  if (p_peek(p) != TK_KW_END)
    p_fail_unclosed(p, "`do` block", tok_span(d), "`do` block started here");
  p_advance(p);
  a->has_terminate = true;
  a->terminate_body = body;
}

static void block_member(Parser *p, void *vctx) {
  BlockCtx *ctx = vctx;
  if (ctx->actor && p_peek(p) == TK_KW_TERMINATE) {
    parse_terminate(p, ctx->actor);
    return;
  }
  bool top = ctx->items != NULL;
  if (!top && !ctx->allow_defs) {
    TokenKind k = p_peek(p);
    if (k == TK_KW_PUB) k = p_peek_at(p, 1);
    if (is_top_level_only_def(k) && !(k == TK_KW_TYPE && p_peek_at(p, 1) != TK_IDENT))
      p_fail(p, "%s definitions are only allowed at the top level of a file", token_kind_name(k));
  }
  Item *item = NULL;
  Stmt *s = parse_statement(p, top, &item);
  if (top)
    add_item_grouped(p, ctx->items, item);
  else
    add_stmt_grouped(p, ctx->stmts, s);
}

void parse_body_statements(Parser *p, StmtList *out, ActorDecl *actor, bool allow_defs) {
  static const TokenKind terms[] = {TK_KW_END};
  p_enter(p);
  BlockCtx ctx = {out, NULL, actor, allow_defs};
  parse_members(p, terms, 1, block_member, &ctx);
  p_leave(p);
}

Expr *parse_block_until(Parser *p, const TokenKind *terms, int nterms) {
  p_enter(p);
  p_skip_seps(p); /* the block's span starts at its first statement */
  int first = p_index(p);
  Expr *b = new_expr(p, EXPR_BLOCK, first);
  BlockCtx ctx = {&b->stmts, NULL, NULL, false};
  parse_members(p, terms, nterms, block_member, &ctx);
  finish_expr(p, b, first);
  if (b->stmts.len == 0) { /* an empty block: a zero-width span where it would be */
    uint32_t at = p_tok(p)->start;
    b->span = span_make(at, at);
  }
  p_leave(p);
  return b;
}

Expr *parse_do_block(Parser *p, const char *what) {
  Token *d = p_expect(p, TK_KW_DO);
  static const TokenKind terms[] = {TK_KW_END};
  Expr *b = parse_block_until(p, terms, 1);
  if (p_peek(p) != TK_KW_END) p_fail_unclosed(p, what, tok_span(d), "`do` block started here");
  p_advance(p);
  return b;
}

/* ================================================================ grouping */

void add_item_grouped(Parser *p, ItemList *items, Item *it) {
  if (!it) return;
  if (it->kind == ITEM_FN && items->len > 0) {
    Item *prev = VEC_LAST(*items);
    if (prev->kind == ITEM_FN && strcmp(prev->fn->name.text, it->fn->name.text) == 0) {
      for (int i = 0; i < it->fn->clauses.len; i++)
        VEC_PUSH(p->arena, prev->fn->clauses, it->fn->clauses.items[i]);
      prev->fn->span = span_join(prev->fn->span, it->fn->span);
      prev->span = span_join(prev->span, it->span);
      prev->last_tok = it->last_tok;
      return;
    }
  }
  VEC_PUSH(p->arena, *items, it);
}

void add_stmt_grouped(Parser *p, StmtList *stmts, Stmt *s) {
  if (!s) return;
  if (s->kind == STMT_ITEM && s->item->kind == ITEM_FN && stmts->len > 0) {
    Stmt *prev = VEC_LAST(*stmts);
    if (prev->kind == STMT_ITEM && prev->item->kind == ITEM_FN &&
        strcmp(prev->item->fn->name.text, s->item->fn->name.text) == 0) {
      FnDecl *a = prev->item->fn, *b = s->item->fn;
      for (int i = 0; i < b->clauses.len; i++)
        VEC_PUSH(p->arena, a->clauses, b->clauses.items[i]);
      a->span = span_join(a->span, b->span);
      prev->item->span = span_join(prev->item->span, s->item->span);
      prev->item->last_tok = s->item->last_tok;
      prev->span = span_join(prev->span, s->span);
      return;
    }
  }
  VEC_PUSH(p->arena, *stmts, s);
}

/* ================================================================ statements */

/* `from` at the start of a statement begins a from-import (§2.7). */
static bool at_from_import(Parser *p) {
  return p_at_ident(p, "from");
}

bool p_at_item_start(Parser *p) {
  switch (p_peek(p)) {
  case TK_KW_PUB:
  case TK_KW_STRUCT:
  case TK_KW_TYPE:
  case TK_KW_INTERFACE:
  case TK_KW_IMPL:
  case TK_KW_ACTOR:
  case TK_KW_SERVICE:
  case TK_KW_SUPERVISOR:
  case TK_KW_MODULE:
  case TK_KW_IMPORT:
    return true;
  case TK_KW_FN:
  case TK_KW_DEF:
    return p_peek_at(p, 1) == TK_IDENT;
  default:
    return at_from_import(p);
  }
}

static Stmt *new_stmt(Parser *p, StmtKind k) {
  Stmt *s = ARENA_NEW(p->arena, Stmt);
  s->kind = k;
  return s;
}

static Stmt *parse_let(Parser *p) {
  int first = p_index(p);
  p_advance(p);
  Stmt *s = new_stmt(p, STMT_LET);
  TokenKind k = p_peek(p);
  if (k == TK_IDENT) {
    Token *t = p_advance(p);
    Pattern *pat = ARENA_NEW(p->arena, Pattern);
    pat->name = p_name(p, t);
    pat->span = pat->name.span;
    pat->kind = strcmp(pat->name.text, "_") == 0 ? PAT_WILDCARD : PAT_BIND;
    s->pattern = pat;
  } else if (k == TK_LPAREN) {
    s->pattern = parse_primary_pattern(p);
  } else {
    p_fail(p, "expected identifier or pattern after `let`");
  }
  if (p_accept(p, TK_COLONCOLON)) s->annot = parse_type(p);
  p_expect(p, TK_EQ);
  s->expr = parse_expr(p);
  s->span = p_span_from(p, first);
  return s;
}

static bool return_has_no_value(TokenKind k) {
  return k == TK_NEWLINE || k == TK_SEMI || k == TK_KW_END || k == TK_KW_ELSE || k == TK_EOF ||
         k == TK_RPAREN || k == TK_INTERP_END;
}

static bool keyword_after_fn(Parser *p) {
  TokenKind n = p_peek_at(p, 1);
  return n >= TK_KW_ACTOR && n <= TK_KW_WITH && n != TK_KW_DO && n != TK_KW_TRUE &&
         n != TK_KW_FALSE && n != TK_KW_NIL && n != TK_KW_SELF;
}

Stmt *parse_statement(Parser *p, bool top_level, Item **item_out) {
  int first = p_index(p);
  *item_out = NULL;
  Stmt *s;
  TokenKind k = p_peek(p);
  if (p_at_item_start(p)) {
    bool pub = false;
    if (k == TK_KW_PUB) {
      p_advance(p);
      pub = true;
    }
    Item *it = parse_item(p, pub, first);
    if (top_level) {
      *item_out = it;
      return NULL;
    }
    s = new_stmt(p, STMT_ITEM);
    s->item = it;
  } else if ((k == TK_KW_FN || k == TK_KW_DEF) && keyword_after_fn(p)) {
    p_advance(p);
    p_fail(p, "expected function name"); /* `fn else() ...`: a keyword is no name */
  } else if (k == TK_KW_LET) {
    s = parse_let(p);
  } else if (k == TK_KW_RETURN) {
    p_advance(p);
    s = new_stmt(p, STMT_RETURN);
    if (!return_has_no_value(p_peek(p))) s->expr = parse_expr(p);
  } else {
    s = new_stmt(p, STMT_EXPR);
    s->expr = parse_expr(p);
  }
  s->span = p_span_from(p, first);
  if (top_level) {
    Item *it = ARENA_NEW(p->arena, Item);
    it->kind = s->kind == STMT_LET ? ITEM_LET : ITEM_EXPR;
    it->stmt = s;
    it->span = s->span;
    it->first_tok = (uint32_t)first;
    it->last_tok = (uint32_t)p->last;
    *item_out = it;
  }
  return s;
}

/* ================================================================ entry */

static void parse_file(Parser *p, Module *m) {
  jmp_buf top;
  p->recover = &top;
  if (setjmp(top) != 0) {
    /* only reachable if an error escapes every member loop (nesting limit
     * hit outside any block): give up on the rest of the file */
    return;
  }
  BlockCtx ctx = {NULL, &m->items, NULL, false};
  parse_members(p, NULL, 0, block_member, &ctx);
}

/* Whether the lexer left a string or block comment open: it then extends to
 * the end of the file and was reported, so errors at end of file are
 * consequences of it and are not reported again. */
static bool unterminated_at_eof(const Token *toks, int n, const char *src) {
  for (int i = 0; i < n; i++) {
    if (toks[i].kind == TK_STR_END && toks[i].len == 0) return true;
  }
  if (n >= 2) {
    const Token *c = &toks[n - 2];
    if (c->kind == TK_COMMENT && c->len >= 2 && src[c->start] == '#' && src[c->start + 1] == '=') {
      int depth = 0;
      for (uint32_t i = c->start; i + 1 < c->start + c->len; i++) {
        if (src[i] == '#' && src[i + 1] == '=')
          depth++, i++;
        else if (src[i] == '=' && src[i + 1] == '#')
          depth--, i++;
      }
      if (depth > 0) return true;
    }
  }
  return false;
}

Module *parse_module(Arena *a, DiagContext *dc, SourceFile *f) {
  Module *m = ARENA_NEW(a, Module);
  m->file = f;
  m->name = f->module_name;
  int before = dc->error_count;
  m->ntokens = lex_file(a, dc, f, &m->tokens);
  Parser p;
  memset(&p, 0, sizeof p);
  p.arena = a;
  p.dc = dc;
  p.file = f;
  p.src = f->text;
  p.toks = m->tokens;
  p.ntoks = m->ntokens;
  p.last = 0;
  p.last_error_tok = unterminated_at_eof(p.toks, p.ntoks, p.src) ? p.ntoks - 1 : -1;
  parse_file(&p, m);
  m->has_parse_errors = dc->error_count > before;
  return m;
}
