/* parse_expr.c — expressions (language.md §4.8, §4.9): precedence climbing
 * for binary operators, postfix chains, primaries, conditionals, `case`,
 * loops, closures (all their forms) and the concurrency expressions. */
#include <string.h>

#include "parser_internal.h"

Expr *new_expr(Parser *p, ExprKind k, int first_tok) {
  Expr *e = ARENA_NEW(p->arena, Expr);
  e->kind = k;
  e->first_tok = (uint32_t)first_tok;
  e->last_tok = (uint32_t)first_tok;
  e->span = span_make(p->toks[first_tok].start, p->toks[first_tok].start);
  return e;
}

void finish_expr(Parser *p, Expr *e, int first_tok) {
  e->span = p_span_from(p, first_tok);
  e->last_tok = (uint32_t)(p->last >= first_tok ? p->last : first_tok);
}

static Span tspan(const Token *t) {
  return span_make(t->start, t->start + t->len);
}

/* ---------------------------------------------------------------- binary */

static int binop_prec(TokenKind k, BinOp *op) {
  switch (k) {
  case TK_PIPE_GT:
    *op = OP_PIPE;
    return 1;
  case TK_KW_OR:
  case TK_OROR:
    *op = OP_OR;
    return 2;
  case TK_KW_AND:
  case TK_ANDAND:
    *op = OP_AND;
    return 3;
  case TK_EQEQ:
    *op = OP_EQ;
    return 4;
  case TK_NE:
    *op = OP_NE;
    return 4;
  case TK_LT:
    *op = OP_LT;
    return 5;
  case TK_GT:
    *op = OP_GT;
    return 5;
  case TK_LE:
    *op = OP_LE;
    return 5;
  case TK_GE:
    *op = OP_GE;
    return 5;
  case TK_DOTDOT:
    *op = OP_RANGE;
    return 6;
  case TK_CONCAT:
    *op = OP_CONCAT;
    return 7;
  case TK_PLUSPLUS:
    *op = OP_PLUSPLUS;
    return 7;
  case TK_PLUS:
    *op = OP_ADD;
    return 8;
  case TK_MINUS:
    *op = OP_SUB;
    return 8;
  case TK_STAR:
    *op = OP_MUL;
    return 9;
  case TK_SLASH:
    *op = OP_DIV;
    return 9;
  case TK_PERCENT:
    *op = OP_MOD;
    return 9;
  default:
    return 0;
  }
}

static Expr *parse_unary(Parser *p);

static Expr *parse_binary(Parser *p, int min_prec) {
  p_enter(p);
  int first = p_index(p);
  int links = 0;
  Expr *lhs = parse_unary(p);
  for (;;) {
    BinOp op;
    TokenKind k = p_peek(p);
    int prec = binop_prec(k, &op);
    /* `%{` starts a map literal, never a modulo */
    if (!prec || prec < min_prec ||
        (k == TK_PERCENT && p_peek_at(p, 1) == TK_LBRACE &&
         p->toks[p_index(p)].start + 1 == p->toks[p_index(p) + 1].start))
      break;
    if (p->nest + p->chain >= PARSER_MAX_TREE_DEPTH)
      p_fail(p, "expression too deeply nested (more than %d levels of operators)",
             PARSER_MAX_TREE_DEPTH);
    p->chain++;
    links++;
    p_advance(p);
    Expr *rhs = parse_binary(p, prec + 1);
    Expr *b = new_expr(p, EXPR_BINARY, first);
    b->binop = op;
    b->lhs = lhs;
    b->rhs = rhs;
    finish_expr(p, b, first);
    lhs = b;
  }
  p->chain -= links;
  p_leave(p);
  return lhs;
}

Expr *parse_expr(Parser *p) {
  return parse_binary(p, 1);
}

/* ---------------------------------------------------------------- postfix */

static Expr *parse_primary(Parser *p);

static void parse_args(Parser *p, ExprList *out) {
  int saved = p_open(p, TK_LPAREN);
  while (p_peek(p) != TK_RPAREN) {
    Expr *a = parse_expr(p);
    VEC_PUSH(p->arena, *out, a);
    if (!p_accept(p, TK_COMMA)) break;
  }
  p_close(p, TK_RPAREN, saved);
}

static bool is_keyword(TokenKind k) {
  return k >= TK_KW_ACTOR && k <= TK_KW_WITH;
}

static void parse_struct_body(Parser *p, Expr *lit) {
  int saved = p_open(p, TK_LBRACE);
  while (p_peek(p) != TK_RBRACE) {
    FieldInit fi;
    fi.name = p_expect_name(p, "expected field name");
    p_expect(p, TK_COLON);
    fi.value = parse_expr(p);
    VEC_PUSH(p->arena, lit->fields, fi);
    p_accept(p, TK_COMMA); /* commas between fields are optional */
  }
  p_close(p, TK_RBRACE, saved);
}

static Expr *parse_postfix(Parser *p) {
  int first = p_index(p);
  Expr *e = parse_primary(p);
  for (;;) {
    TokenKind k = p_peek(p);
    if (k == TK_LPAREN) {
      Expr *c = new_expr(p, EXPR_CALL, first);
      c->target = e;
      parse_args(p, &c->elems);
      finish_expr(p, c, first);
      e = c;
    } else if (k == TK_DOT) {
      p_advance(p);
      TokenKind nk = p_peek(p);
      if (nk != TK_IDENT && !is_keyword(nk)) p_fail(p, "expected field or method name after `.`");
      Expr *f = new_expr(p, EXPR_FIELD, first);
      f->target = e;
      f->name = p_name(p, p_advance(p));
      finish_expr(p, f, first);
      e = f;
    } else if (k == TK_QUESTION) {
      p_advance(p);
      Expr *t = new_expr(p, EXPR_TRY, first);
      t->target = e;
      finish_expr(p, t, first);
      e = t;
    } else if (k == TK_LBRACE && e->kind == EXPR_NAME &&
               p_tok_is_upper(p, &p->toks[e->first_tok])) {
      Expr *lit = new_expr(p, EXPR_STRUCT_LIT, first);
      lit->name = e->name;
      parse_struct_body(p, lit);
      finish_expr(p, lit, first);
      e = lit;
    } else if (k == TK_LBRACKET) {
      int saved = p_open(p, TK_LBRACKET);
      Expr *ix = new_expr(p, EXPR_INDEX, first);
      ix->target = e;
      ix->index = parse_expr(p);
      p_close(p, TK_RBRACKET, saved);
      finish_expr(p, ix, first);
      e = ix;
    } else {
      break;
    }
  }
  return e;
}

static Expr *parse_unary(Parser *p) {
  TokenKind k = p_peek(p);
  if (k == TK_MINUS || k == TK_BANG || k == TK_KW_NOT) {
    p_enter(p);
    int first = p_index(p);
    p_advance(p);
    Expr *u = new_expr(p, EXPR_UNARY, first);
    u->unop = k == TK_MINUS ? OP_NEG : OP_NOT;
    u->lhs = parse_unary(p);
    finish_expr(p, u, first);
    p_leave(p);
    return u;
  }
  return parse_postfix(p);
}

/* ---------------------------------------------------------------- primaries */

static Expr *parse_if(Parser *p) {
  int first = p_index(p);
  p_advance(p); /* if */
  Expr *e = new_expr(p, EXPR_IF, first);
  e->target = parse_expr(p);
  Token *d = p_expect(p, TK_KW_DO);
  static const TokenKind then_terms[] = {TK_KW_END, TK_KW_ELSE};
  e->then_branch = parse_block_until(p, then_terms, 2);
  if (p_peek(p) == TK_KW_ELSE) {
    p_advance(p);
    if (p_peek(p) == TK_KW_IF) {
      p_enter(p);
      e->else_branch = parse_if(p);
      p_leave(p);
    } else {
      static const TokenKind else_terms[] = {TK_KW_END};
      e->else_branch = parse_block_until(p, else_terms, 1);
      if (p_peek(p) != TK_KW_END)
        p_fail_unclosed(p, "`do` block", tspan(d), "`do` block started here");
      p_advance(p);
    }
  } else if (p_peek(p) == TK_KW_END) {
    p_advance(p);
  } else {
    p_fail_unclosed(p, "`do` block", tspan(d), "`do` block started here");
  }
  finish_expr(p, e, first);
  return e;
}

static void parse_arm(Parser *p, void *ctx) {
  Expr *owner = ctx;
  int first = p_index(p);
  MatchArm arm;
  memset(&arm, 0, sizeof arm);
  arm.pattern = parse_pattern(p);
  if (p_accept(p, TK_KW_WHEN)) arm.guard = parse_expr(p);
  p_expect(p, TK_ARROW);
  arm.body = parse_expr(p);
  arm.span = p_span_from(p, first);
  VEC_PUSH(p->arena, owner->arms, arm);
}

static Expr *parse_case(Parser *p) {
  int first = p_index(p);
  p_advance(p); /* case / match */
  Expr *e = new_expr(p, EXPR_CASE, first);
  e->target = parse_expr(p);
  Token *d = p_expect(p, TK_KW_DO);
  static const TokenKind terms[] = {TK_KW_END};
  p_enter(p);
  parse_members(p, terms, 1, parse_arm, e);
  p_leave(p);
  if (p_peek(p) != TK_KW_END)
    p_fail_unclosed(p, "`case` block", tspan(d), "`do` block started here");
  p_advance(p);
  finish_expr(p, e, first);
  return e;
}

static Expr *parse_receive(Parser *p) {
  int first = p_index(p);
  p_advance(p); /* receive */
  Expr *e = new_expr(p, EXPR_RECEIVE, first);
  Token *d = p_expect(p, TK_KW_DO);
  static const TokenKind terms[] = {TK_KW_END, TK_KW_AFTER};
  p_enter(p);
  parse_members(p, terms, 2, parse_arm, e);
  p_leave(p);
  if (p_accept(p, TK_KW_AFTER)) {
    e->after_timeout = parse_expr(p);
    p_expect(p, TK_ARROW);
    e->after_body = parse_expr(p);
    p_skip_seps(p);
  }
  if (p_peek(p) != TK_KW_END)
    p_fail_unclosed(p, "`receive` block", tspan(d), "`do` block started here");
  p_advance(p);
  finish_expr(p, e, first);
  return e;
}

static Expr *parse_while(Parser *p) {
  int first = p_index(p);
  p_advance(p);
  Expr *e = new_expr(p, EXPR_WHILE, first);
  e->target = parse_expr(p);
  e->then_branch = parse_do_block(p, "`do` block");
  finish_expr(p, e, first);
  return e;
}

static Expr *parse_for(Parser *p) {
  int first = p_index(p);
  p_advance(p);
  Expr *e = new_expr(p, EXPR_FOR, first);
  if (p_peek(p) == TK_LBRACE) {
    int saved = p_open(p, TK_LBRACE);
    e->loop_kv = true;
    e->loop_var = p_expect_name(p, "expected identifier");
    p_expect(p, TK_COMMA);
    e->loop_value = p_expect_name(p, "expected identifier");
    p_close(p, TK_RBRACE, saved);
  } else {
    e->loop_var = p_expect_name(p, "expected identifier");
  }
  p_expect(p, TK_KW_IN);
  e->target = parse_expr(p);
  if (p_accept(p, TK_KW_WHEN)) e->filter = parse_expr(p);
  e->then_branch = parse_do_block(p, "`do` block");
  finish_expr(p, e, first);
  return e;
}

/* ---------------------------------------------------------------- closures */

static Pattern *name_pattern(Parser *p, const Token *t) {
  Pattern *pat = ARENA_NEW(p->arena, Pattern);
  pat->name = p_name(p, t);
  pat->span = pat->name.span;
  if (strcmp(pat->name.text, "_") == 0)
    pat->kind = PAT_WILDCARD;
  else if (p_tok_is_upper(p, t))
    pat->kind = PAT_CTOR; /* nullary constructor, or a binding: the checker decides (§6.7) */
  else
    pat->kind = PAT_BIND;
  return pat;
}

static bool can_start_param_pattern(TokenKind k) {
  return k == TK_INT || k == TK_FLOAT || k == TK_MINUS || k == TK_STR_START || k == TK_KW_TRUE ||
         k == TK_KW_FALSE || k == TK_KW_NIL || k == TK_LPAREN;
}

Param parse_param(Parser *p, bool simple) {
  int first = p_index(p);
  Param prm;
  memset(&prm, 0, sizeof prm);
  TokenKind k = p_peek(p);
  if (k == TK_KW_SELF) {
    Token *t = p_advance(p);
    prm.is_self = true;
    prm.pattern = ARENA_NEW(p->arena, Pattern);
    prm.pattern->kind = PAT_BIND;
    prm.pattern->name = p_name(p, t);
    prm.pattern->span = prm.pattern->name.span;
    if (p_accept(p, TK_COLONCOLON)) prm.annot = parse_type(p);
  } else if (k == TK_IDENT) {
    Token *t = p_tok(p);
    TokenKind next = p_peek_at(p, 1);
    if (!simple && p_tok_is_upper(p, t) && (next == TK_LPAREN || next == TK_DOT)) {
      prm.pattern = parse_primary_pattern(p);
    } else {
      p_advance(p);
      prm.pattern = name_pattern(p, t);
      if (p_accept(p, TK_COLONCOLON)) prm.annot = parse_type(p);
    }
  } else if (!simple && can_start_param_pattern(k)) {
    prm.pattern = parse_primary_pattern(p);
  } else {
    p_fail(p, simple ? "expected parameter name" : "expected parameter name or pattern");
  }
  prm.span = p_span_from(p, first);
  return prm;
}

void parse_params(Parser *p, ParamList *out, bool simple) {
  int saved = p_open(p, TK_LPAREN);
  while (p_peek(p) != TK_RPAREN) {
    Param prm = parse_param(p, simple);
    VEC_PUSH(p->arena, *out, prm);
    if (!p_accept(p, TK_COMMA)) break;
  }
  p_close(p, TK_RPAREN, saved);
}

/* ClauseParams [when Expr] ( -> Expr | do Block end ); returns whether the
 * clause used the `do` form. */
static bool parse_closure_clause(Parser *p, ClosureClause *c) {
  int first = p_index(p);
  memset(c, 0, sizeof *c);
  if (p_peek(p) == TK_LPAREN) {
    parse_params(p, &c->params, false);
  } else {
    do {
      Param prm = parse_param(p, false);
      VEC_PUSH(p->arena, c->params, prm);
    } while (p_accept(p, TK_COMMA));
  }
  if (p_accept(p, TK_KW_WHEN)) c->guard = parse_expr(p);
  bool do_form = false;
  if (p_peek(p) == TK_ARROW) {
    p_advance(p);
    c->body = parse_expr(p);
  } else if (p_peek(p) == TK_KW_DO) {
    c->body = parse_do_block(p, "`do` block");
    do_form = true;
  } else {
    p_fail(p, "expected `->`");
  }
  c->span = p_span_from(p, first);
  return do_form;
}

static void skip_newlines(Parser *p) {
  while (p_peek(p) == TK_NEWLINE)
    p_advance(p);
}

static Expr *parse_closure(Parser *p) {
  int first = p_index(p);
  p_advance(p); /* fn */
  Expr *e = new_expr(p, EXPR_CLOSURE, first);
  skip_newlines(p); /* `fn` alone on its line, clauses below */
  ClosureClause c;
  memset(&c, 0, sizeof c);
  TokenKind k = p_peek(p);
  if (k == TK_ARROW) { /* fn -> block end */
    int cf = p_index(p);
    p_advance(p);
    static const TokenKind terms[] = {TK_KW_END};
    c.body = parse_block_until(p, terms, 1);
    if (p_peek(p) != TK_KW_END) p_fail(p, "unclosed closure -- expected `end`");
    p_advance(p);
    c.span = p_span_from(p, cf);
    VEC_PUSH(p->arena, e->clauses, c);
  } else if (k == TK_KW_DO) {
    int cf = p_index(p);
    c.body = parse_do_block(p, "`do` block");
    c.span = p_span_from(p, cf);
    VEC_PUSH(p->arena, e->clauses, c);
  } else {
    bool do_form = parse_closure_clause(p, &c);
    VEC_PUSH(p->arena, e->clauses, c);
    if (!do_form) {
      for (;;) {
        skip_newlines(p);
        if (p_accept(p, TK_KW_END)) break;
        if (p_peek(p) != TK_BAR) p_fail(p, "unclosed closure -- expected `end`");
        p_advance(p);
        skip_newlines(p); /* `|` may end a line */
        ClosureClause more;
        parse_closure_clause(p, &more);
        VEC_PUSH(p->arena, e->clauses, more);
      }
    }
  }
  finish_expr(p, e, first);
  return e;
}

/* ---------------------------------------------------------------- primary */

static Expr *parse_paren(Parser *p) {
  int first = p_index(p);
  int saved = p_open(p, TK_LPAREN);
  if (p_peek(p) == TK_RPAREN) {
    p_close(p, TK_RPAREN, saved);
    Expr *u = new_expr(p, EXPR_UNIT, first);
    finish_expr(p, u, first);
    return u;
  }
  Expr *inner = parse_expr(p);
  if (p_peek(p) == TK_COMMA && p_peek_at(p, 1) != TK_RPAREN) {
    Expr *t = new_expr(p, EXPR_TUPLE, first);
    VEC_PUSH(p->arena, t->elems, inner);
    while (p_accept(p, TK_COMMA)) {
      if (p_peek(p) == TK_RPAREN) break;
      Expr *x = parse_expr(p);
      VEC_PUSH(p->arena, t->elems, x);
    }
    p_close(p, TK_RPAREN, saved);
    finish_expr(p, t, first);
    return t;
  }
  p_accept(p, TK_COMMA); /* (e,) is just e */
  p_close(p, TK_RPAREN, saved);
  return inner;
}

static Expr *parse_list(Parser *p) {
  int first = p_index(p);
  Expr *l = new_expr(p, EXPR_LIST, first);
  int saved = p_open(p, TK_LBRACKET);
  while (p_peek(p) != TK_RBRACKET) {
    Expr *x = parse_expr(p);
    VEC_PUSH(p->arena, l->elems, x);
    if (!p_accept(p, TK_COMMA)) break;
  }
  p_close(p, TK_RBRACKET, saved);
  finish_expr(p, l, first);
  return l;
}

static Expr *parse_map(Parser *p) {
  int first = p_index(p);
  p_advance(p); /* % */
  Expr *m = new_expr(p, EXPR_MAP, first);
  int saved = p_open(p, TK_LBRACE);
  while (p_peek(p) != TK_RBRACE) {
    MapEntry me;
    me.key = parse_expr(p);
    p_expect(p, TK_FAT_ARROW);
    me.value = parse_expr(p);
    VEC_PUSH(p->arena, m->entries, me);
    p_accept(p, TK_COMMA);
  }
  p_close(p, TK_RBRACE, saved);
  finish_expr(p, m, first);
  return m;
}

static Expr *simple(Parser *p, ExprKind k) {
  int first = p_index(p);
  p_advance(p);
  Expr *e = new_expr(p, k, first);
  finish_expr(p, e, first);
  return e;
}

static Expr *parse_primary(Parser *p) {
  int first = p_index(p);
  Token *t = p_tok(p);
  switch (t->kind) {
  case TK_INT: {
    Expr *e = simple(p, EXPR_INT);
    int64_t v;
    lex_int_value(p->src + t->start, t->len, &v);
    e->int_value = v;
    return e;
  }
  case TK_FLOAT: {
    Expr *e = simple(p, EXPR_FLOAT);
    e->float_value = lex_float_value(p->src + t->start, t->len);
    return e;
  }
  case TK_STR_START:
    return parse_string_expr(p);
  case TK_KW_TRUE:
  case TK_KW_FALSE: {
    Expr *e = simple(p, EXPR_BOOL);
    e->bool_value = t->kind == TK_KW_TRUE;
    return e;
  }
  case TK_KW_NIL:
    return simple(p, EXPR_UNIT);
  case TK_IDENT: {
    Expr *e = simple(p, EXPR_NAME);
    e->name = p_name(p, t);
    return e;
  }
  case TK_KW_SELF:
    if (p_peek_at(p, 1) == TK_LPAREN && p_peek_at(p, 2) == TK_RPAREN) {
      p_advance(p);
      int saved = p_open(p, TK_LPAREN);
      p_close(p, TK_RPAREN, saved);
      Expr *e = new_expr(p, EXPR_SELF_PID, first);
      finish_expr(p, e, first);
      return e;
    }
    return simple(p, EXPR_SELF);
  case TK_LPAREN:
    return parse_paren(p);
  case TK_LBRACKET:
    return parse_list(p);
  case TK_PERCENT:
    if (p_peek_at(p, 1) == TK_LBRACE) return parse_map(p);
    break;
  case TK_KW_IF:
    return parse_if(p);
  case TK_KW_CASE:
  case TK_KW_MATCH:
    return parse_case(p);
  case TK_KW_FN:
    return parse_closure(p);
  case TK_KW_WHILE:
    return parse_while(p);
  case TK_KW_FOR:
    return parse_for(p);
  case TK_KW_BREAK:
    return simple(p, EXPR_BREAK);
  case TK_KW_CONTINUE:
    return simple(p, EXPR_CONTINUE);
  case TK_KW_RECEIVE:
    return parse_receive(p);
  case TK_KW_SPAWN:
  case TK_KW_SEND:
  case TK_KW_LINK:
  case TK_KW_MONITOR: {
    ExprKind k = t->kind == TK_KW_SPAWN  ? EXPR_SPAWN
                 : t->kind == TK_KW_SEND ? EXPR_SEND
                 : t->kind == TK_KW_LINK ? EXPR_LINK
                                         : EXPR_MONITOR;
    static const char *const after_kw[] = {"expected `(` after `spawn`", "expected `(` after `send`",
                                           "expected `(` after `link`",
                                           "expected `(` after `monitor`"};
    p_advance(p);
    Expr *e = new_expr(p, k, first);
    if (p_peek(p) != TK_LPAREN) p_fail(p, "%s", after_kw[k - EXPR_SPAWN]); /* concurrency.md §21 */
    parse_args(p, &e->elems);
    finish_expr(p, e, first);
    return e;
  }
  default:
    break;
  }
  p_fail(p, "expected expression");
}
