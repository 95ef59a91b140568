/* parse_items.c — definitions (language.md §4.2–§4.6): functions (clauses,
 * generics, where, guards), structs, sum types, aliases, interfaces, impls,
 * actors, services, supervisors, modules and imports. */
#include <string.h>

#include "parser_internal.h"

static Span tok_span(const Token *t) {
  return span_make(t->start, t->start + t->len);
}

static void parse_where(Parser *p, BoundList *out) {
  do {
    Bound b;
    memset(&b, 0, sizeof b);
    b.type_param = p_expect_name(p, "expected type parameter name");
    p_expect(p, TK_COLON);
    do {
      Name n = p_expect_name(p, "expected interface name");
      VEC_PUSH(p->arena, b.interface_path, n);
    } while (p_accept(p, TK_DOT));
    VEC_PUSH(p->arena, *out, b);
  } while (p_accept(p, TK_COMMA));
}

FnDecl *parse_fn_def(Parser *p, bool pub, int first_tok) {
  Token *kw = p_advance(p); /* fn / def */
  FnDecl *fn = ARENA_NEW(p->arena, FnDecl);
  FnClause c;
  memset(&c, 0, sizeof c);
  c.is_pub = pub;
  c.is_def = kw->kind == TK_KW_DEF;
  fn->name = p_expect_name(p, "expected function name");
  if (p_peek(p) == TK_LT) parse_generic_params(p, &c.generics);
  if (p_peek(p) == TK_LPAREN) {
    c.has_params = true;
    parse_params(p, &c.params, false);
  }
  if (p_accept(p, TK_ARROW)) c.ret = parse_type(p);
  if (p_accept(p, TK_KW_WHERE)) parse_where(p, &c.where);
  if (p_accept(p, TK_KW_WHEN)) c.guard = parse_expr(p);
  c.header_span = p_span_from(p, first_tok);
  if (p_peek(p) == TK_EQ) {
    p_advance(p);
    c.expr_body = true;
    c.body = parse_expr(p);
  } else if (p_peek(p) == TK_KW_DO) {
    c.body = parse_do_block(p, "function body");
  } else {
    p_fail(p, "expected `=` or `do` for function body");
  }
  c.span = p_span_from(p, first_tok);
  fn->span = c.span;
  VEC_PUSH(p->arena, fn->clauses, c);
  return fn;
}

/* `end` of a definition body, with its specific message. */
static void expect_end(Parser *p, const char *what, Span opener) {
  if (p_peek(p) != TK_KW_END) p_fail_unclosed(p, what, opener, "`do` block started here");
  p_advance(p);
}

static Span expect_do(Parser *p) {
  return tok_span(p_expect(p, TK_KW_DO));
}

static const TokenKind end_terms[] = {TK_KW_END};

static void add_fn_grouped(Parser *p, void *vec_of_fns, FnDecl *fn) {
  VEC(FnDecl *) *v = vec_of_fns;
  if (v->len > 0) {
    FnDecl *prev = VEC_LAST(*v);
    if (strcmp(prev->name.text, fn->name.text) == 0) {
      for (int i = 0; i < fn->clauses.len; i++)
        VEC_PUSH(p->arena, prev->clauses, fn->clauses.items[i]);
      prev->span = span_join(prev->span, fn->span);
      return;
    }
  }
  VEC_PUSH(p->arena, *v, fn);
}

/* ---- struct */

static void struct_field(Parser *p, void *ctx) {
  StructDecl *s = ctx;
  int first = p_index(p);
  FieldDecl f;
  memset(&f, 0, sizeof f);
  f.name = p_expect_name(p, "expected field name");
  p_expect(p, TK_COLONCOLON);
  f.type = parse_type(p);
  f.span = p_span_from(p, first);
  VEC_PUSH(p->arena, s->fields, f);
}

static void parse_deriving(Parser *p, bool *has, NameVec *out) {
  if (!p_at_ident(p, "deriving")) return;
  p_advance(p);
  *has = true;
  int saved = p_open(p, TK_LPAREN);
  while (p_peek(p) != TK_RPAREN) {
    Name n = p_expect_name(p, "expected interface name");
    VEC_PUSH(p->arena, *out, n);
    if (!p_accept(p, TK_COMMA)) break;
  }
  p_close(p, TK_RPAREN, saved);
}

static StructDecl *parse_struct(Parser *p, bool pub, int first) {
  p_advance(p);
  StructDecl *s = ARENA_NEW(p->arena, StructDecl);
  s->is_pub = pub;
  s->name = p_expect_name(p, "expected struct name");
  if (p_peek(p) == TK_LT) parse_generic_params(p, &s->generics);
  Span d = expect_do(p);
  parse_members(p, end_terms, 1, struct_field, s);
  expect_end(p, "struct body", d);
  parse_deriving(p, &s->has_deriving, &s->deriving);
  s->span = p_span_from(p, first);
  return s;
}

/* ---- sum types and aliases */

static void sum_variant(Parser *p, void *ctx) {
  SumDecl *s = ctx;
  int first = p_index(p);
  Variant *v = ARENA_NEW(p->arena, Variant);
  v->name = p_expect_name(p, "expected variant name");
  if (p_peek(p) == TK_LPAREN) {
    int saved = p_open(p, TK_LPAREN);
    while (p_peek(p) != TK_RPAREN) {
      VariantField f;
      memset(&f, 0, sizeof f);
      if (p_peek(p) == TK_IDENT && p_peek_at(p, 1) == TK_COLONCOLON) {
        f.name = p_name(p, p_advance(p));
        p_advance(p);
      }
      f.type = parse_type(p);
      VEC_PUSH(p->arena, v->fields, f);
      if (!p_accept(p, TK_COMMA)) break;
    }
    p_close(p, TK_RPAREN, saved);
  }
  v->span = p_span_from(p, first);
  VEC_PUSH(p->arena, s->variants, v);
}

static Item *parse_type_def(Parser *p, bool pub, int first, Item *it) {
  p_advance(p);
  Name name = p_expect_name(p, "expected type name");
  GenericList generics = {0};
  if (p_peek(p) == TK_LT) parse_generic_params(p, &generics);
  if (p_peek(p) == TK_KW_DO) {
    SumDecl *s = ARENA_NEW(p->arena, SumDecl);
    s->is_pub = pub;
    s->name = name;
    s->generics = generics;
    Span d = expect_do(p);
    parse_members(p, end_terms, 1, sum_variant, s);
    expect_end(p, "type body", d);
    parse_deriving(p, &s->has_deriving, &s->deriving);
    s->span = p_span_from(p, first);
    it->kind = ITEM_SUM;
    it->sum = s;
  } else {
    AliasDecl *a = ARENA_NEW(p->arena, AliasDecl);
    a->is_pub = pub;
    a->name = name;
    a->generics = generics;
    p_expect(p, TK_EQ);
    a->target = parse_type(p);
    a->span = p_span_from(p, first);
    it->kind = ITEM_ALIAS;
    it->alias = a;
  }
  return it;
}

/* ---- interfaces and impls */

static void interface_method(Parser *p, void *ctx) {
  InterfaceDecl *iface = ctx;
  int first = p_index(p);
  TokenKind k = p_peek(p);
  if (k != TK_KW_FN && k != TK_KW_DEF) p_fail(p, "expected `fn` in interface body");
  p_advance(p);
  MethodSig m;
  memset(&m, 0, sizeof m);
  m.is_def = k == TK_KW_DEF;
  m.name = p_expect_name(p, "expected method name");
  if (p_peek(p) == TK_LPAREN) {
    m.has_params = true;
    parse_params(p, &m.params, true);
  }
  if (p_accept(p, TK_ARROW)) m.ret = parse_type(p);
  if (p_peek(p) == TK_KW_DO) m.default_body = parse_do_block(p, "function body");
  m.span = p_span_from(p, first);
  VEC_PUSH(p->arena, iface->methods, m);
}

static InterfaceDecl *parse_interface(Parser *p, bool pub, int first) {
  p_advance(p);
  InterfaceDecl *iface = ARENA_NEW(p->arena, InterfaceDecl);
  iface->is_pub = pub;
  iface->name = p_expect_name(p, "expected interface name");
  if (p_peek(p) == TK_LT) parse_generic_params(p, &iface->generics);
  Span d = expect_do(p);
  parse_members(p, end_terms, 1, interface_method, iface);
  expect_end(p, "interface body", d);
  iface->span = p_span_from(p, first);
  return iface;
}

static void impl_method(Parser *p, void *ctx) {
  ImplDecl *impl = ctx;
  int first = p_index(p);
  bool pub = p_accept(p, TK_KW_PUB);
  TokenKind k = p_peek(p);
  if (k != TK_KW_FN && k != TK_KW_DEF) p_fail(p, "expected `fn` in impl body");
  FnDecl *fn = parse_fn_def(p, pub, first);
  fn->is_method = true;
  add_fn_grouped(p, &impl->methods, fn);
}

static void parse_dotted(Parser *p, NameVec *out, const char *msg) {
  do {
    Name n = p_expect_name(p, msg);
    VEC_PUSH(p->arena, *out, n);
  } while (p_accept(p, TK_DOT));
}

static ImplDecl *parse_impl(Parser *p, int first) {
  p_advance(p);
  ImplDecl *impl = ARENA_NEW(p->arena, ImplDecl);
  parse_dotted(p, &impl->interface_path, "expected interface name");
  if (p_peek(p) == TK_LT) {
    p_advance(p);
    while (p_peek(p) != TK_GT) {
      TypeExpr *t = parse_type(p);
      VEC_PUSH(p->arena, impl->interface_args, t);
      if (!p_accept(p, TK_COMMA)) break;
    }
    p_expect(p, TK_GT);
  }
  p_expect(p, TK_KW_FOR);
  parse_dotted(p, &impl->type_path, "expected type name");
  if (p_accept(p, TK_KW_WHERE)) parse_where(p, &impl->where);
  Span d = expect_do(p);
  parse_members(p, end_terms, 1, impl_method, impl);
  expect_end(p, "impl body", d);
  impl->span = p_span_from(p, first);
  return impl;
}

/* ---- actors */

static ActorDecl *parse_actor(Parser *p, bool pub, int first) {
  p_advance(p);
  ActorDecl *a = ARENA_NEW(p->arena, ActorDecl);
  a->is_pub = pub;
  a->name = p_expect_name(p, "expected actor name");
  if (p_peek(p) == TK_LPAREN) {
    a->has_params = true;
    parse_params(p, &a->params, true);
  }
  Span d = expect_do(p);
  parse_body_statements(p, &a->body, a, false);
  expect_end(p, "`do` block", d);
  a->span = p_span_from(p, first);
  return a;
}

/* ---- services */

static void parse_state_binder(Parser *p, Name *out) {
  if (p_accept(p, TK_BAR)) {
    *out = p_expect_name(p, "expected identifier");
    p_expect(p, TK_BAR);
  }
}

static void service_member(Parser *p, void *ctx) {
  ServiceDecl *svc = ctx;
  int first = p_index(p);
  TokenKind k = p_peek(p);
  if (k == TK_KW_PUB || k == TK_KW_FN || k == TK_KW_DEF) {
    bool pub = p_accept(p, TK_KW_PUB);
    if (p_peek(p) != TK_KW_FN && p_peek(p) != TK_KW_DEF) p_fail(p, "expected `fn` after `pub`");
    FnDecl *fn = parse_fn_def(p, pub, first);
    add_fn_grouped(p, &svc->fns, fn);
    return;
  }
  if (k != TK_KW_CALL && k != TK_KW_CAST)
    p_fail(p, "expected `fn`, `call` or `cast` in service body");
  p_advance(p);
  ServiceHandler h;
  memset(&h, 0, sizeof h);
  h.kind = k == TK_KW_CALL ? HANDLER_CALL : HANDLER_CAST;
  h.name = p_expect_name(p, "expected handler name");
  if (p_peek(p) == TK_LPAREN) {
    h.has_params = true;
    parse_params(p, &h.params, true);
  }
  if (h.kind == HANDLER_CALL && p_accept(p, TK_COLONCOLON)) h.reply_type = parse_type(p);
  Span d = expect_do(p);
  parse_state_binder(p, &h.state_name);
  h.body = parse_block_until(p, end_terms, 1);
  expect_end(p, "`do` block", d);
  h.span = p_span_from(p, first);
  VEC_PUSH(p->arena, svc->handlers, h);
}

static ServiceDecl *parse_service(Parser *p, bool pub, int first) {
  p_advance(p);
  ServiceDecl *svc = ARENA_NEW(p->arena, ServiceDecl);
  svc->is_pub = pub;
  svc->name = p_expect_name(p, "expected service name");
  Span d = expect_do(p);
  parse_members(p, end_terms, 1, service_member, svc);
  expect_end(p, "service body", d);
  svc->span = p_span_from(p, first);
  return svc;
}

/* ---- supervisors */

static int64_t expect_int(Parser *p, Span *span) {
  if (p_peek(p) != TK_INT) p_fail(p, "expected integer literal");
  Token *t = p_advance(p);
  int64_t v;
  lex_int_value(p->src + t->start, t->len, &v);
  if (span) *span = tok_span(t);
  return v;
}

static void child_key(Parser *p, void *ctx) {
  ChildSpec *c = ctx;
  int first = p_index(p);
  Token *t = p_tok(p);
  if (t->kind != TK_IDENT ||
      !(p_at_ident(p, "start") || p_at_ident(p, "restart") || p_at_ident(p, "shutdown")))
    p_fail(p, "unexpected `%.*s` in child spec body", (int)t->len, p->src + t->start);
  ChildKey key;
  memset(&key, 0, sizeof key);
  key.key = p_name(p, p_advance(p));
  p_expect(p, TK_COLON);
  if (strcmp(key.key.text, "start") == 0) {
    key.start = parse_expr(p);
  } else if (strcmp(key.key.text, "restart") == 0) {
    key.value_name = p_expect_name(p, "expected restart type");
  } else if (p_peek(p) == TK_INT) {
    key.has_int = true;
    key.int_value = expect_int(p, &key.value_name.span); /* text stays NULL */
  } else {
    key.value_name = p_expect_name(p, "expected integer or `brutal_kill`");
  }
  key.span = p_span_from(p, first);
  VEC_PUSH(p->arena, c->keys, key);
}

static void supervisor_clause(Parser *p, void *ctx) {
  SupervisorDecl *s = ctx;
  int first = p_index(p);
  Token *t = p_tok(p);
  /* a repeated setting is reported by the checker (E0019, check/supervisors.c) */
  if (!s->dup_setting.text &&
      ((p_at_ident(p, "strategy") && s->has_strategy) ||
       (p_at_ident(p, "max_restarts") && s->has_max_restarts) ||
       (p_at_ident(p, "max_seconds") && s->has_max_seconds)))
    s->dup_setting = p_name(p, t);
  if (p_at_ident(p, "strategy")) {
    p_advance(p);
    p_expect(p, TK_COLON);
    s->has_strategy = true;
    s->strategy = p_expect_name(p, "expected strategy name");
  } else if (p_at_ident(p, "max_restarts")) {
    p_advance(p);
    p_expect(p, TK_COLON);
    s->has_max_restarts = true;
    s->max_restarts = expect_int(p, &s->max_restarts_span);
  } else if (p_at_ident(p, "max_seconds")) {
    p_advance(p);
    p_expect(p, TK_COLON);
    s->has_max_seconds = true;
    s->max_seconds = expect_int(p, &s->max_seconds_span);
  } else if (p_at_ident(p, "child")) {
    p_advance(p);
    ChildSpec c;
    memset(&c, 0, sizeof c);
    c.name = p_expect_name(p, "expected child name");
    Span d = expect_do(p);
    parse_members(p, end_terms, 1, child_key, &c);
    expect_end(p, "child spec body", d);
    c.span = p_span_from(p, first);
    VEC_PUSH(p->arena, s->children, c);
  } else {
    const char *text = t->kind == TK_IDENT || (t->kind >= TK_KW_ACTOR && t->kind <= TK_KW_WITH)
                           ? arena_strndup(p->arena, p->src + t->start, t->len)
                           : token_kind_name(t->kind);
    p_fail(p, "unexpected `%s` in supervisor body", text);
  }
}

static SupervisorDecl *parse_supervisor(Parser *p, bool pub, int first) {
  p_advance(p);
  SupervisorDecl *s = ARENA_NEW(p->arena, SupervisorDecl);
  s->is_pub = pub;
  s->name = p_expect_name(p, "expected supervisor name");
  Span d = expect_do(p);
  parse_members(p, end_terms, 1, supervisor_clause, s);
  expect_end(p, "supervisor body", d);
  s->span = p_span_from(p, first);
  return s;
}

/* ---- modules and imports */

static ModuleDecl *parse_module_def(Parser *p, bool pub, int first) {
  p_advance(p);
  ModuleDecl *m = ARENA_NEW(p->arena, ModuleDecl);
  m->is_pub = pub;
  m->name = p_expect_name(p, "expected module name");
  Span d = expect_do(p);
  parse_body_statements(p, &m->body, NULL, true);
  expect_end(p, "`do` block", d);
  m->span = p_span_from(p, first);
  return m;
}

static ImportDecl *parse_import(Parser *p, int first) {
  ImportDecl *im = ARENA_NEW(p->arena, ImportDecl);
  if (p_at_ident(p, "from")) {
    p_advance(p);
    im->is_from = true;
    parse_dotted(p, &im->path, "expected module name");
    p_expect(p, TK_KW_IMPORT);
    if (p_peek(p) == TK_STAR) p_fail(p, "glob imports are not allowed; import names explicitly");
    if (p_peek(p) == TK_LBRACE) {
      int saved = p_open(p, TK_LBRACE);
      while (p_peek(p) != TK_RBRACE) {
        if (p_peek(p) == TK_STAR)
          p_fail(p, "glob imports are not allowed; import names explicitly");
        Name n = p_expect_name(p, "expected name to import");
        VEC_PUSH(p->arena, im->names, n);
        if (!p_accept(p, TK_COMMA)) break;
      }
      p_close(p, TK_RBRACE, saved);
    } else {
      for (;;) {
        Name n = p_expect_name(p, "expected name to import");
        VEC_PUSH(p->arena, im->names, n);
        if (!p_accept(p, TK_COMMA)) break;
        if (p_peek(p) != TK_IDENT) break; /* trailing comma */
      }
    }
  } else {
    p_advance(p); /* import */
    parse_dotted(p, &im->path, "expected module name");
  }
  im->span = p_span_from(p, first);
  return im;
}

Item *parse_item(Parser *p, bool pub, int first) {
  Item *it = ARENA_NEW(p->arena, Item);
  it->first_tok = (uint32_t)first;
  TokenKind k = p_peek(p);
  switch (k) {
  case TK_KW_FN:
  case TK_KW_DEF:
    if (p_peek_at(p, 1) != TK_IDENT) {
      p_advance(p);
      p_fail(p, "expected function name");
    }
    it->kind = ITEM_FN;
    it->fn = parse_fn_def(p, pub, first);
    break;
  case TK_KW_STRUCT:
    it->kind = ITEM_STRUCT;
    it->struct_decl = parse_struct(p, pub, first);
    break;
  case TK_KW_TYPE:
    parse_type_def(p, pub, first, it);
    break;
  case TK_KW_INTERFACE:
    it->kind = ITEM_INTERFACE;
    it->interface = parse_interface(p, pub, first);
    break;
  case TK_KW_ACTOR:
    it->kind = ITEM_ACTOR;
    it->actor = parse_actor(p, pub, first);
    break;
  case TK_KW_SERVICE:
    it->kind = ITEM_SERVICE;
    it->service = parse_service(p, pub, first);
    break;
  case TK_KW_SUPERVISOR:
    it->kind = ITEM_SUPERVISOR;
    it->supervisor = parse_supervisor(p, pub, first);
    break;
  case TK_KW_MODULE:
    it->kind = ITEM_MODULE;
    it->module = parse_module_def(p, pub, first);
    break;
  default:
    if (!pub && (k == TK_KW_IMPL || k == TK_KW_IMPORT || p_at_ident(p, "from"))) {
      if (k == TK_KW_IMPL) {
        it->kind = ITEM_IMPL;
        it->impl = parse_impl(p, first);
      } else {
        it->kind = ITEM_IMPORT;
        it->import = parse_import(p, first);
      }
      break;
    }
    p_fail(p, "expected `fn`, `module`, `struct`, `interface`, `type`, `actor`, `service`, or "
              "`supervisor` after `pub`");
  }
  it->span = p_span_from(p, first);
  it->last_tok = (uint32_t)p->last;
  return it;
}
