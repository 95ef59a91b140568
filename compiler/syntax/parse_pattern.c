/* parse_pattern.c — patterns (language.md §4.10), type expressions (§4.11),
 * generic parameter lists and string literals (§2.11, §2.12). */
#include <string.h>

#include "parser_internal.h"

static Pattern *new_pat(Parser *p, PatternKind k) {
  Pattern *pat = ARENA_NEW(p->arena, Pattern);
  pat->kind = k;
  return pat;
}

/* ---------------------------------------------------------------- strings */

static void append_text(Parser *p, Expr *s, const char *text, uint32_t len) {
  if (s->parts.len && !VEC_LAST(s->parts).is_expr) {
    StringPart *last = &VEC_LAST(s->parts);
    char *joined = arena_alloc(p->arena, (size_t)last->len + len + 1);
    memcpy(joined, last->text, last->len);
    memcpy(joined + last->len, text, len);
    last->text = joined;
    last->len += len;
    return;
  }
  StringPart part;
  memset(&part, 0, sizeof part);
  part.text = text;
  part.len = len;
  VEC_PUSH(p->arena, s->parts, part);
}

/* A string literal as an expression; with `pattern`, interpolation is an error. */
static Expr *parse_string(Parser *p, bool pattern) {
  int first = p_index(p);
  p_expect(p, TK_STR_START);
  Expr *s = new_expr(p, EXPR_STRING, first);
  for (;;) {
    Token *t = p_tok(p);
    if (t->kind == TK_STR_TEXT) {
      p_advance(p);
      uint32_t n;
      char *text = lex_decode_string(p->arena, p->src + t->start, t->len, &n);
      append_text(p, s, text, n);
    } else if (t->kind == TK_INTERP_START) {
      if (pattern) {
        p_fail_at(p, span_make(t->start, t->start + t->len),
                  "string interpolation not allowed in patterns");
      }
      int saved = p_open(p, TK_INTERP_START);
      if (p_peek(p) == TK_INTERP_END) p_fail(p, "expected expression");
      StringPart part;
      memset(&part, 0, sizeof part);
      part.is_expr = true;
      part.expr = parse_expr(p);
      if (p_peek(p) != TK_INTERP_END) p_fail(p, "expected `}` to close interpolation");
      p_close(p, TK_INTERP_END, saved);
      VEC_PUSH(p->arena, s->parts, part);
    } else if (t->kind == TK_STR_END) {
      p_advance(p);
      break;
    } else if (t->kind == TK_ERROR) {
      unsigned char c = (unsigned char)p->src[t->start];
      p_fail_at(p, span_make(t->start, t->start + 1),
                c == 0 ? "unexpected NUL byte in string literal"
                       : "invalid UTF-8 in string literal");
    } else {
      p_fail(p, "unterminated string"); /* not reachable with a well-formed token stream */
    }
  }
  finish_expr(p, s, first);
  return s;
}

Expr *parse_string_expr(Parser *p) {
  return parse_string(p, false);
}

/* ---------------------------------------------------------------- patterns */

static Pattern *parse_pattern_list_tail(Parser *p, Pattern *pat, int saved) {
  /* after `(`, parses Pattern {, Pattern} [,] `)` into pat->elems */
  while (p_peek(p) != TK_RPAREN) {
    Pattern *x = parse_pattern(p);
    VEC_PUSH(p->arena, pat->elems, x);
    if (!p_accept(p, TK_COMMA)) break;
  }
  p_close(p, TK_RPAREN, saved);
  return pat;
}

Pattern *parse_primary_pattern(Parser *p) {
  int first = p_index(p);
  Token *t = p_tok(p);
  Pattern *pat = NULL;
  switch (t->kind) {
  case TK_IDENT: {
    bool upper = p_tok_is_upper(p, t);
    TokenKind next = p_peek_at(p, 1);
    p_advance(p);
    Name n = p_name(p, t);
    if (strcmp(n.text, "_") == 0) {
      pat = new_pat(p, PAT_WILDCARD);
    } else if (upper && next == TK_DOT) {
      pat = new_pat(p, PAT_CTOR);
      pat->qualifier = n;
      p_advance(p);
      pat->name = p_expect_name(p, "expected constructor name");
      if (p_peek(p) == TK_LPAREN) {
        pat->has_args = true;
        parse_pattern_list_tail(p, pat, p_open(p, TK_LPAREN));
      }
    } else if (upper) {
      /* `C(...)` is a constructor; a bare `C` is a nullary constructor, or a
       * binding when no such variant is in scope (decided by the checker) */
      pat = new_pat(p, PAT_CTOR);
      pat->name = n;
      if (next == TK_LPAREN) {
        pat->has_args = true;
        parse_pattern_list_tail(p, pat, p_open(p, TK_LPAREN));
      }
    } else {
      pat = new_pat(p, PAT_BIND);
      pat->name = n;
    }
    break;
  }
  case TK_INT:
  case TK_FLOAT:
  case TK_MINUS: {
    bool neg = false;
    if (t->kind == TK_MINUS) {
      TokenKind next = p_peek_at(p, 1);
      if (next != TK_INT && next != TK_FLOAT) p_fail(p, "expected pattern");
      p_advance(p);
      neg = true;
      t = p_tok(p);
    }
    p_advance(p);
    if (t->kind == TK_INT) {
      pat = new_pat(p, PAT_INT);
      int64_t v;
      lex_int_value(p->src + t->start, t->len, &v);
      pat->int_value = neg ? -v : v;
    } else {
      pat = new_pat(p, PAT_FLOAT);
      double v = lex_float_value(p->src + t->start, t->len);
      pat->float_value = neg ? -v : v;
    }
    break;
  }
  case TK_STR_START: {
    Expr *s = parse_string(p, true);
    pat = new_pat(p, PAT_STRING);
    pat->str = s->parts.len ? s->parts.items[0].text : "";
    pat->str_len = s->parts.len ? s->parts.items[0].len : 0;
    break;
  }
  case TK_KW_TRUE:
  case TK_KW_FALSE:
    p_advance(p);
    pat = new_pat(p, PAT_BOOL);
    pat->bool_value = t->kind == TK_KW_TRUE;
    break;
  case TK_KW_NIL:
    p_advance(p);
    pat = new_pat(p, PAT_UNIT);
    break;
  case TK_LPAREN: {
    int saved = p_open(p, TK_LPAREN);
    if (p_peek(p) == TK_RPAREN) {
      p_close(p, TK_RPAREN, saved);
      pat = new_pat(p, PAT_UNIT);
      break;
    }
    Pattern *inner = parse_pattern(p);
    if (p_peek(p) == TK_COMMA && p_peek_at(p, 1) != TK_RPAREN) {
      pat = new_pat(p, PAT_TUPLE);
      VEC_PUSH(p->arena, pat->elems, inner);
      p_advance(p);
      parse_pattern_list_tail(p, pat, saved);
    } else {
      p_accept(p, TK_COMMA);
      p_close(p, TK_RPAREN, saved);
      return inner; /* grouping */
    }
    break;
  }
  default:
    p_fail(p, "expected pattern");
  }
  pat->span = p_span_from(p, first);
  return pat;
}

static Pattern *parse_or_pattern(Parser *p) {
  int first = p_index(p);
  Pattern *pat = parse_primary_pattern(p);
  if (p_peek(p) != TK_BAR) return pat;
  Pattern *alt = new_pat(p, PAT_OR);
  VEC_PUSH(p->arena, alt->elems, pat);
  while (p_accept(p, TK_BAR)) {
    Pattern *x = parse_primary_pattern(p);
    VEC_PUSH(p->arena, alt->elems, x);
  }
  alt->span = p_span_from(p, first);
  return alt;
}

static Pattern *parse_cons_pattern(Parser *p) {
  p_enter(p);
  int first = p_index(p);
  Pattern *head = parse_or_pattern(p);
  if (p_accept(p, TK_COLONCOLON)) {
    Pattern *c = new_pat(p, PAT_CONS);
    c->head = head;
    c->tail = parse_cons_pattern(p); /* right-associative */
    c->span = p_span_from(p, first);
    head = c;
  }
  p_leave(p);
  return head;
}

Pattern *parse_pattern(Parser *p) {
  p_enter(p);
  int first = p_index(p);
  Pattern *pat = parse_cons_pattern(p);
  while (p_at_ident(p, "as")) {
    p_advance(p);
    Pattern *as = new_pat(p, PAT_AS);
    as->inner = pat;
    as->name = p_expect_name(p, "expected identifier after `as`");
    as->span = p_span_from(p, first);
    pat = as;
  }
  p_leave(p);
  return pat;
}

/* ---------------------------------------------------------------- types */

static TypeExpr *new_type(Parser *p, TypeExprKind k) {
  TypeExpr *t = ARENA_NEW(p->arena, TypeExpr);
  t->kind = k;
  return t;
}

static void parse_type_list(Parser *p, TypeExprList *out, TokenKind close) {
  while (p_peek(p) != close) {
    TypeExpr *t = parse_type(p);
    VEC_PUSH(p->arena, *out, t);
    if (!p_accept(p, TK_COMMA)) break;
  }
}

TypeExpr *parse_type(Parser *p) {
  p_enter(p);
  int first = p_index(p);
  TypeExpr *t = NULL;
  TokenKind k = p_peek(p);
  if (k == TK_LPAREN) {
    int saved = p_open(p, TK_LPAREN);
    if (p_peek(p) == TK_RPAREN) {
      t = new_type(p, TE_UNIT);
    } else {
      TypeExpr *inner = parse_type(p);
      if (p_peek(p) == TK_COMMA && p_peek_at(p, 1) != TK_RPAREN) {
        t = new_type(p, TE_TUPLE);
        VEC_PUSH(p->arena, t->args, inner);
        p_advance(p);
        parse_type_list(p, &t->args, TK_RPAREN);
      } else {
        p_accept(p, TK_COMMA);
        t = inner; /* grouping */
      }
    }
    p_close(p, TK_RPAREN, saved);
  } else if (p_at_ident(p, "Fun") && p_peek_at(p, 1) == TK_LPAREN) {
    p_advance(p);
    t = new_type(p, TE_FUN);
    int saved = p_open(p, TK_LPAREN);
    parse_type_list(p, &t->args, TK_RPAREN);
    p_close(p, TK_RPAREN, saved);
    p_expect(p, TK_ARROW);
    t->ret = parse_type(p);
  } else if (k == TK_IDENT) {
    t = new_type(p, TE_NAMED);
    do {
      Name n = p_expect_name(p, "expected type name");
      VEC_PUSH(p->arena, t->path, n);
    } while (p_accept(p, TK_DOT));
    if (p_accept(p, TK_LT)) {
      parse_type_list(p, &t->args, TK_GT);
      p_expect(p, TK_GT);
    }
  } else {
    p_fail(p, "expected type");
  }
  t->span = p_span_from(p, first);
  if (p_accept(p, TK_QUESTION)) {
    TypeExpr *o = new_type(p, TE_OPTION);
    o->elem = t;
    o->span = p_span_from(p, first);
    t = o;
  }
  if (p_accept(p, TK_BANG)) {
    TypeExpr *r = new_type(p, TE_RESULT);
    r->elem = t;
    r->err = parse_type(p);
    r->span = p_span_from(p, first);
    t = r;
  }
  p_leave(p);
  return t;
}

void parse_generic_params(Parser *p, GenericList *out) {
  p_expect(p, TK_LT);
  while (p_peek(p) != TK_GT) {
    GenericParam g;
    g.name = p_expect_name(p, "expected type parameter name");
    VEC_PUSH(p->arena, *out, g);
    if (!p_accept(p, TK_COMMA)) break;
  }
  p_expect(p, TK_GT);
}
