/* infer.c — Hindley–Milner inference of expressions (language.md §5.7,
 * §5.11, §6): the dispatch over expression kinds, operators, conditionals,
 * `case`, closures, `?`, struct and list literals. Names and calls are in
 * calls.c, statements and function bodies in functions.c. Types stored in
 * the tree are zonked later by finalize.c. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ shared helpers */

Diagnostic *report_error(Checker *c, const char *code, Span span, const char *label,
                         const char *msg) {
  return diag_error(c->dc, code, c->mod->file, span, label, "%s", msg);
}

void report_arity(Checker *c, Span span, int expected, int found) {
  Diagnostic *d = diag_error(c->dc, "E0003", c->mod->file, span,
                             arena_printf(c->a, "expected %d argument(s)", expected),
                             "expected %d argument(s), found %d", expected, found);
  if (found < expected)
    diag_set_help(c->dc, d, "missing %d argument(s)", expected - found);
  else
    diag_set_help(c->dc, d, "%d extra argument(s)", found - expected);
}

/* ------------------------------------------------------------ operators */

static unsigned arith_iface(BinOp op) {
  switch (op) {
  case OP_ADD:
    return IFACE_ADD;
  case OP_SUB:
    return IFACE_SUB;
  case OP_MUL:
    return IFACE_MUL;
  case OP_DIV:
    return IFACE_DIV;
  default:
    return IFACE_MOD;
  }
}

/* One operator node whose left operand's type `lt` is already known. */
static Type *infer_binary_node(Checker *c, Expr *e, Type *lt) {
  Span ls = e->lhs ? e->lhs->span : e->span;
  if (e->binop == OP_AND || e->binop == OP_OR) {
    expect_type(c, type_bool(), lt, ls, NULL);
    expect_type(c, type_bool(), infer_expr(c, e->rhs), e->rhs->span, NULL);
    return type_bool();
  }
  if (e->binop == OP_RANGE) {
    expect_type(c, type_int(), lt, ls, NULL);
    expect_type(c, type_int(), infer_expr(c, e->rhs), e->rhs->span, NULL);
    return type_con(c->a, TC_RANGE, "Range", NULL, 0);
  }
  Type *rt = infer_expr(c, e->rhs);
  if (!expect_type(c, lt, rt, e->rhs->span, NULL)) {
    return (e->binop >= OP_EQ && e->binop <= OP_GE) ? type_bool() : lt;
  }
  switch (e->binop) {
  case OP_ADD:
  case OP_SUB:
  case OP_MUL:
  case OP_DIV:
  case OP_MOD:
    require_or_report(c, lt, arith_iface(e->binop), e->span);
    return lt;
  case OP_EQ:
  case OP_NE:
    require_or_report(c, lt, IFACE_EQ, e->span);
    return type_bool();
  case OP_LT:
  case OP_GT:
  case OP_LE:
  case OP_GE:
    require_or_report(c, lt, IFACE_ORD, e->span);
    return type_bool();
  case OP_CONCAT:
  case OP_PLUSPLUS:
    require_or_report(c, lt, IFACE_CONCAT, e->span);
    return lt;
  default:
    return lt;
  }
}

/* Left-nested operator chains (`1 + 1 + ... + 1`) are walked iteratively
 * so that their length does not count as nesting depth. */
static Type *infer_binary(Checker *c, Expr *e) {
  if (e->binop == OP_PIPE) return infer_pipe(c, e);
  if (!e->rhs) return infer_expr(c, e->lhs);
  VEC(Expr *) spine = {0};
  Expr *x = e;
  while (x && x->kind == EXPR_BINARY && x->binop != OP_PIPE && x->rhs) {
    VEC_PUSH(c->a, spine, x);
    x = x->lhs;
  }
  Type *lt = infer_expr(c, x);
  for (int i = spine.len - 1; i >= 0; i--) {
    lt = infer_binary_node(c, spine.items[i], lt);
    spine.items[i]->type = lt;
  }
  return lt;
}

/* ------------------------------------------------------------ control flow */

Span result_span(Expr *body) {
  if (body && body->kind == EXPR_BLOCK && body->stmts.len > 0) {
    Stmt *last = VEC_LAST(body->stmts);
    if (last->kind == STMT_EXPR && last->expr) return last->expr->span;
    return last->span;
  }
  return body ? body->span : span_make(0, 0);
}

bool type_is_never(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_NEVER;
}

static Type *infer_branch(Checker *c, Expr *b) {
  int mark = c->scope.len;
  Type *t = infer_expr(c, b);
  c->scope.len = mark;
  return t;
}

static Type *infer_if(Checker *c, Expr *e) {
  Type *ct = infer_expr(c, e->target);
  expect_type(c, type_bool(), ct, e->target ? e->target->span : e->span, NULL);
  Type *tt = infer_branch(c, e->then_branch);
  if (!e->else_branch) return type_unit();
  Type *et = infer_branch(c, e->else_branch);
  if (type_is_never(tt)) return et;
  if (type_is_never(et)) return tt;
  UnifyError ue;
  if (unify(c, tt, et, &ue) != UNIFY_OK) {
    Span ts = result_span(e->then_branch), es = result_span(e->else_branch);
    if (ue.status == UNIFY_MISMATCH)
      report_unify_error(c, &ue, tt, et, ts, arena_printf(c->a, "expected %s", tstr(c, tt)), &es,
                         arena_printf(c->a, "found %s", tstr(c, et)));
    else
      report_unify_error(c, &ue, tt, et, es, NULL, NULL, NULL);
  }
  return tt;
}

static Type *infer_case(Checker *c, Expr *e) {
  Type *st = infer_expr(c, e->target);
  Type *result = NULL;
  for (int i = 0; i < e->arms.len; i++) {
    MatchArm *arm = &e->arms.items[i];
    int mark = c->scope.len;
    check_pattern(c, arm->pattern, st);
    if (arm->guard) {
      check_case_guard(c, arm->guard);
      check_guard_type(c, arm->guard);
    }
    Type *bt = infer_expr(c, arm->body);
    c->scope.len = mark;
    if (type_is_never(bt)) continue;
    if (!result) {
      result = bt;
      continue;
    }
    expect_type(c, result, bt, result_span(arm->body), NULL);
  }
  return result ? result : type_never();
}

static Type *infer_closure(Checker *c, Expr *e, Type *hint) {
  if (e->clauses.len == 0) return new_var(c);
  int n = e->clauses.items[0].params.len;
  Type **ps = ARENA_ARRAY(c->a, Type *, n + 1);
  for (int i = 0; i < n; i++)
    ps[i] = new_var(c);
  Type *ret = new_var(c);
  Type *h = type_resolve(hint);
  if (h && h->kind == T_FUN && h->nargs == n) {
    UnifyError ue;
    for (int i = 0; i < n; i++)
      unify(c, ps[i], h->args[i], &ue); /* a hint only */
  }
  LambdaCtx ctx = {.parent = c->lambda, .scope_base = c->scope.len, .closure = e, .ret = ret};
  c->lambda = &ctx;
  for (int k = 0; k < e->clauses.len; k++) {
    ClosureClause *cl = &e->clauses.items[k];
    int mark = c->scope.len;
    if (cl->params.len != n) {
      diag_error(
          c->dc, "E0024", c->mod->file, cl->span, arena_printf(c->a, "expected %d parameters", n),
          "all clauses of `fn` must have the same number of parameters; expected %d, found %d", n,
          cl->params.len);
    }
    for (int i = 0; i < cl->params.len; i++) {
      Param *p = &cl->params.items[i];
      Type *pt = i < n ? ps[i] : new_var(c);
      if (p->annot)
        expect_type(c, resolve_type_expr(c, p->annot), pt, p->span,
                    arena_printf(c->a, "expected %s from annotation",
                                 tstr(c, resolve_type_expr(c, p->annot))));
      check_pattern(c, p->pattern, pt);
    }
    if (cl->guard) check_guard_type(c, cl->guard);
    Type *bt = infer_expr(c, cl->body);
    if (!type_is_never(bt)) expect_type(c, ret, bt, result_span(cl->body), NULL);
    c->scope.len = mark;
  }
  c->lambda = ctx.parent;
  e->captures = ctx.captures.items;
  e->ncaptures = ctx.captures.len;
  return type_fun(c->a, ps, n, ret);
}

static Type *infer_try(Checker *c, Expr *e) {
  Type *t = infer_expr(c, e->target);
  Type *r = type_resolve(t);
  LambdaCtx *ctx = c->lambda;
  Type *fr = ctx ? type_resolve(ctx->ret) : NULL;
  bool fr_open = fr && fr->kind == T_VAR && !fr->is_generic_param && !fr->quantified;
  TypeConKind kind;
  if (r && r->kind == T_CON && (r->con == TC_RESULT || r->con == TC_OPTION)) {
    kind = r->con;
  } else if (r && r->kind == T_VAR && !r->is_generic_param && fr && fr->kind == T_CON &&
             (fr->con == TC_RESULT || fr->con == TC_OPTION)) {
    kind = fr->con;
    Type *shape = kind == TC_RESULT ? type_result(c->a, new_var(c), fr->args[1])
                                    : type_option(c->a, new_var(c));
    expect_type(c, shape, t, e->target->span, NULL);
    r = type_resolve(t);
  } else {
    if (r && r->kind == T_NEVER) return type_never();
    const char *ts = tstr(c, t);
    Diagnostic *d = diag_error(c->dc, "E0037", c->mod->file, e->span,
                               arena_printf(c->a, "type `%s` is not `Result` or `Option`", ts),
                               "`?` requires `Result` or `Option`");
    diag_set_help(c->dc, d,
                  "the `?` operator can only be used on `Result<T, E>` or `Option<T>` values");
    return new_var(c);
  }
  Type *value = r->nargs > 0 ? r->args[0] : new_var(c);
  if (!ctx) return value;
  bool ok_shape =
      fr_open || (fr && fr->kind == T_CON && fr->con == kind) || (fr && fr->kind == T_NEVER);
  if (!ok_shape) {
    Diagnostic *d = diag_error(c->dc, "E0036", c->mod->file, e->span, "cannot use `?` here",
                               "`?` operator requires function to return `Result` or `Option`");
    diag_set_note(
        c->dc, d,
        "the enclosing function returns `%s`, but `?` requires `Result<_, _>` or `Option<_>`",
        tstr(c, ctx->ret));
    return value;
  }
  Type *want =
      kind == TC_RESULT ? type_result(c->a, new_var(c), r->args[1]) : type_option(c->a, new_var(c));
  expect_type(c, ctx->ret, want, e->span, NULL);
  return value;
}

static Type *infer_struct_lit(Checker *c, Expr *e) {
  const char *name = e->name.text ? e->name.text : "";
  StructDecl *s = lookup_struct(c, name);
  if (!s) {
    diag_error(c->dc, "E0004", c->mod->file,
               e->name.span.end > e->name.span.start ? e->name.span : e->span,
               "not found in this scope", "undefined variable: %s", name);
    for (int i = 0; i < e->fields.len; i++)
      infer_expr(c, e->fields.items[i].value);
    return new_var(c);
  }
  e->struct_decl = s;
  Type **args;
  Type *st = instantiate_struct(c, s, &args);
  int nf = s->fields.len;
  bool *seen = ARENA_ARRAY(c->a, bool, nf + 1);
  e->field_order = ARENA_ARRAY(c->a, int, e->fields.len + 1);
  for (int i = 0; i < e->fields.len; i++) {
    FieldInit *fi = &e->fields.items[i];
    int idx = struct_field_index(s, fi->name.text);
    e->field_order[i] = idx;
    if (idx < 0 || seen[idx]) {
      e->field_order[i] = -1;
      diag_error(c->dc, "E0009", c->mod->file, fi->name.span,
                 arena_printf(c->a, "`%s` has no field `%s`", s->name.text, fi->name.text),
                 "unknown field %s in struct %s", fi->name.text, s->name.text);
      infer_expr(c, fi->value);
      continue;
    }
    seen[idx] = true;
    Type *ft = type_subst(c->a, s->field_types[idx], s->generic_vars, args, s->generics.len, false);
    Type *vt = infer_with_hint(c, fi->value, ft);
    expect_type(c, ft, vt, fi->value ? fi->value->span : fi->name.span, NULL);
  }
  for (int k = 0; k < nf; k++)
    if (!seen[k]) {
      const char *fname = s->fields.items[k].name.text;
      Diagnostic *d = diag_error(c->dc, "E0009", c->mod->file, e->span,
                                 arena_printf(c->a, "field `%s` is required", fname),
                                 "missing field %s in struct %s", fname, s->name.text);
      diag_set_help(c->dc, d, "add `%s: <value>`", fname);
    }
  return st;
}

static Type *infer_string(Checker *c, Expr *e) {
  for (int i = 0; i < e->parts.len; i++)
    if (e->parts.items[i].is_expr && e->parts.items[i].expr) infer_expr(c, e->parts.items[i].expr);
  return type_string();
}

static Type *infer_list(Checker *c, Expr *e) {
  Type *elem = new_var(c);
  for (int i = 0; i < e->elems.len; i++) {
    Type *t = infer_with_hint(c, e->elems.items[i], elem);
    expect_type(c, elem, t, e->elems.items[i]->span, NULL);
  }
  return type_list(c->a, elem);
}

/* `%{k => v, ...}`: one key type (with Eq and Hash, §5.1) and one value type. */
static Type *infer_map(Checker *c, Expr *e) {
  Type *kv[2] = {new_var(c), new_var(c)};
  for (int i = 0; i < e->entries.len; i++) {
    MapEntry *en = &e->entries.items[i];
    expect_type(c, kv[0], infer_with_hint(c, en->key, kv[0]), en->key->span, NULL);
    expect_type(c, kv[1], infer_with_hint(c, en->value, kv[1]), en->value->span, NULL);
  }
  if (e->entries.len)
    require_or_report(c, kv[0], IFACE_EQ | IFACE_HASH, e->entries.items[0].key->span);
  return type_con(c->a, TC_MAP, "Map", kv, 2);
}

static Type *infer_kind(Checker *c, Expr *e, Type *hint) {
  switch (e->kind) {
  case EXPR_INT:
    return type_int();
  case EXPR_FLOAT:
    return type_float();
  case EXPR_BOOL:
    return type_bool();
  case EXPR_UNIT:
    return type_unit();
  case EXPR_STRING:
    return infer_string(c, e);
  case EXPR_NAME: {
    Type *mv; /* an interface method as a value (methods.c) */
    if (methods_value(c, e, hint, &mv)) return mv;
    return infer_name(c, e);
  }
  case EXPR_SELF: /* the method's `self` parameter, an ordinary local */
    e->name.text = "self";
    return infer_name(c, e);
  case EXPR_TUPLE: {
    int n = e->elems.len;
    Type **el = ARENA_ARRAY(c->a, Type *, n + 1);
    for (int i = 0; i < n; i++)
      el[i] = infer_expr(c, e->elems.items[i]);
    if (n == 0) return type_unit();
    if (n == 1) return el[0];
    return type_tuple(c->a, el, n);
  }
  case EXPR_LIST:
    return infer_list(c, e);
  case EXPR_MAP:
    return infer_map(c, e);
  case EXPR_UNARY: {
    Type *t = infer_expr(c, e->lhs);
    if (e->unop == OP_NOT) {
      expect_type(c, type_bool(), t, e->lhs ? e->lhs->span : e->span, NULL);
      return type_bool();
    }
    require_or_report(c, t, IFACE_NEG, e->lhs ? e->lhs->span : e->span);
    return t;
  }
  case EXPR_BINARY:
    return infer_binary(c, e);
  case EXPR_CALL:
    return infer_call(c, e, NULL);
  case EXPR_FIELD: {
    Type *mv; /* `Describe.describe` as a value (methods.c) */
    if (methods_value(c, e, hint, &mv)) return mv;
    return infer_field(c, e);
  }
  case EXPR_TRY:
    return infer_try(c, e);
  case EXPR_STRUCT_LIT:
    return infer_struct_lit(c, e);
  case EXPR_INDEX:
    report_unsupported(c, e->span, "indexing with `[]`");
    return new_var(c);
  case EXPR_IF:
    return infer_if(c, e);
  case EXPR_CASE:
    return infer_case(c, e);
  case EXPR_CLOSURE:
    return infer_closure(c, e, hint);
  case EXPR_WHILE: /* loops.c */
    return infer_while(c, e);
  case EXPR_FOR:
    return infer_for(c, e);
  case EXPR_BREAK:
    return infer_break(c, e);
  case EXPR_CONTINUE:
    return infer_continue(c, e);
  case EXPR_BLOCK: {
    int mark = c->scope.len;
    Type *t = infer_block_stmts(c, &e->stmts);
    c->scope.len = mark;
    return t;
  }
  case EXPR_SPAWN: /* actors area: actors.c */
  case EXPR_SEND:
  case EXPR_LINK:
  case EXPR_MONITOR:
  case EXPR_SELF_PID:
  case EXPR_RECEIVE:
    return actors_infer(c, e);
  case EXPR_ERROR:
    return new_var(c);
  }
  return new_var(c);
}

Type *infer_with_hint(Checker *c, Expr *e, Type *hint) {
  if (!e) return type_unit();
  if (!enter_depth(c, e->span)) {
    e->type = new_var(c);
    return e->type;
  }
  Type *t = infer_kind(c, e, hint);
  if (!t) t = new_var(c);
  if (c->type_too_large && !c->type_too_large_reported) {
    c->type_too_large_reported = true;
    diag_error(c->dc, "E9999", c->mod->file, e->span, "the type of this expression is too large",
               "not yet supported: types with more than %d nodes", INSTANTIATE_LIMIT);
  }
  e->type = t;
  leave_depth(c);
  return t;
}

Type *infer_expr(Checker *c, Expr *e) {
  return infer_with_hint(c, e, NULL);
}
