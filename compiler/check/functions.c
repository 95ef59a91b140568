/* functions.c — statements and blocks (let with generalisation, return,
 * block-level named functions), and the bodies of named functions with
 * their clauses and signatures (§5.7, §6.4, §6.10). */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ statements */

static void check_return(Checker *c, Stmt *s) {
  Type *t = s->expr ? infer_expr(c, s->expr) : type_unit();
  LambdaCtx *ctx = c->lambda;
  if (!ctx) return;
  UnifyError ue;
  if (unify(c, ctx->ret, t, &ue) != UNIFY_OK) {
    Span at = s->expr ? s->expr->span : s->span;
    if (ue.status == UNIFY_MISMATCH && ctx->ret_annot) {
      Span decl = ctx->ret_annot->span;
      report_unify_error(c, &ue, ctx->ret, t, at, arena_printf(c->a, "returns %s", tstr(c, t)),
                         &decl,
                         arena_printf(c->a, "return type declared as %s", tstr(c, ctx->ret)));
    } else {
      report_unify_error(c, &ue, ctx->ret, t, at, arena_printf(c->a, "returns %s", tstr(c, t)),
                         NULL, NULL);
    }
  }
}

static void check_let(Checker *c, Stmt *s) {
  Pattern *p = s->pattern;
  Type *annot = s->annot ? resolve_type_expr(c, s->annot) : NULL;
  bool simple = p && p->kind == PAT_BIND &&
                !(name_is_upper(p->name.text) && lookup_variant(c, p->name.text) &&
                  variant_arity(lookup_variant(c, p->name.text)) == 0) &&
                !actors_creates_process(c, s->expr); /* one process, not one per use */
  if (simple) c->level++;
  Type *t = infer_with_hint(c, s->expr, annot);
  if (annot && s->expr)
    expect_type(c, annot, t, s->expr->span,
                arena_printf(c->a, "expected %s from annotation", tstr(c, annot)));
  if (simple) {
    c->level--;
    Binding *b = new_binding(c, p->name.text, p->span, annot ? annot : t);
    Scheme *sc = generalize(c, b->type, c->level);
    if (sc->nvars > 0) {
      b->scheme = sc;
      b->is_let_value = true;
      b->let_value = s->expr;
    }
    p->type = b->type;
    p->binding = b;
    scope_push_local(c, b);
    return;
  }
  check_pattern(c, p, annot ? annot : t);
}

static void check_nested_fn(Checker *c, FnDecl *fn);

Type *infer_block_stmts(Checker *c, StmtList *stmts) {
  Type *result = type_unit();
  VEC(FnDecl *) defined = {0};
  for (int i = 0; i < stmts->len; i++) {
    Stmt *s = stmts->items[i];
    bool last = i == stmts->len - 1;
    switch (s->kind) {
    case STMT_EXPR: {
      Type *t = infer_expr(c, s->expr);
      if (last) result = t;
      break;
    }
    case STMT_LET:
      check_let(c, s);
      if (last) result = type_unit();
      break;
    case STMT_RETURN:
      check_return(c, s);
      if (last) result = type_never();
      break;
    case STMT_ITEM:
      if (s->item && s->item->kind == ITEM_FN) {
        FnDecl *fn = s->item->fn;
        FnDecl *prev = NULL;
        for (int k = 0; k < defined.len; k++)
          if (!strcmp(defined.items[k]->name.text, fn->name.text)) prev = defined.items[k];
        if (prev) {
          int n = fn->clauses.len ? fn->clauses.items[0].params.len : 0;
          Diagnostic *d = diag_error(c->dc, "E0023", c->mod->file,
                                     fn->clauses.len ? fn->clauses.items[0].header_span : fn->span,
                                     "non-consecutive redefinition here",
                                     "function `%s/%d` already defined; multi-clause functions "
                                     "must have consecutive clauses",
                                     fn->name.text, n);
          diag_add_label(c->dc, d,
                         prev->clauses.len ? prev->clauses.items[0].header_span : prev->span,
                         "first definition here");
        } else {
          VEC_PUSH(c->a, defined, fn);
          check_nested_fn(c, fn);
        }
      } else if (s->item) {
        report_unsupported(c, s->span, "definitions other than `fn` inside a block");
      }
      if (last) result = type_unit();
      break;
    }
  }
  return result;
}

void check_top_stmt(Checker *c, Stmt *s) {
  if (s->kind == STMT_LET)
    check_let(c, s);
  else if (s->kind == STMT_EXPR)
    infer_expr(c, s->expr);
  else if (s->kind == STMT_RETURN)
    check_return(c, s);
}

/* ------------------------------------------------------------ functions */

Type *fn_signature(Checker *c, FnDecl *fn) {
  if (fn->clauses.len == 0) return type_fun(c->a, NULL, 0, new_var(c));
  FnClause *cl = &fn->clauses.items[0];
  TypeParamEnv *env = NULL;
  if (cl->generics.len > 0) {
    env = ARENA_NEW(c->a, TypeParamEnv);
    env->n = cl->generics.len;
    env->names = ARENA_ARRAY(c->a, const char *, env->n);
    env->types = ARENA_ARRAY(c->a, Type *, env->n);
    for (int i = 0; i < env->n; i++) {
      env->names[i] = cl->generics.items[i].name.text;
      env->types[i] = new_rigid(c, env->names[i]);
    }
    env->parent = c->tparams;
    c->tparams = env;
  }
  int n = cl->params.len;
  Type **ps = ARENA_ARRAY(c->a, Type *, n + 1);
  for (int i = 0; i < n; i++)
    ps[i] =
        cl->params.items[i].annot ? resolve_type_expr(c, cl->params.items[i].annot) : new_var(c);
  Type *ret = cl->ret ? resolve_type_expr(c, cl->ret) : new_var(c);
  if (env) {
    traits_record_bounds(c, fn, env); /* `where T: I` */
    c->tparams = env->parent;
    FnEnv fe = {fn, env}; /* looked up when the body is checked */
    VEC_PUSH(c->a, c->fn_envs, fe);
  }
  return type_fun(c->a, ps, n, ret);
}

static TypeParamEnv *fn_env(Checker *c, FnDecl *fn) {
  for (int i = c->fn_envs.len - 1; i >= 0; i--)
    if (c->fn_envs.items[i].fn == fn) return c->fn_envs.items[i].env;
  return NULL;
}

void check_fn_decl(Checker *c, FnDecl *fn, Type *fn_type) {
  Type *ft = type_resolve(fn_type);
  if (!ft || ft->kind != T_FUN || fn->clauses.len == 0) return;
  int n = ft->nargs;
  TypeParamEnv *saved_tp = c->tparams;
  TypeParamEnv *env = fn_env(c, fn);
  TypeParamEnv local;
  if (env) {
    local = *env;
    local.parent = c->tparams;
    c->tparams = &local;
  }
  FnClause *first = &fn->clauses.items[0];
  Type *first_body = NULL;
  for (int k = 0; k < fn->clauses.len; k++) {
    FnClause *cl = &fn->clauses.items[k];
    int mark = c->scope.len;
    LambdaCtx ctx = {.parent = c->lambda,
                     .scope_base = c->scope.len,
                     .fn = fn,
                     .ret = ft->ret,
                     .ret_annot = first->ret};
    c->lambda = &ctx;
    for (int i = 0; i < cl->params.len; i++) {
      Param *p = &cl->params.items[i];
      Type *pt = (cl->params.len == n) ? ft->args[i] : new_var(c);
      if (p->annot && k > 0) {
        Type *at = resolve_type_expr(c, p->annot);
        expect_type(c, at, pt, p->span,
                    arena_printf(c->a, "expected %s from annotation", tstr(c, at)));
      }
      check_pattern(c, p->pattern, pt);
    }
    if (cl->guard) check_guard_type(c, cl->guard);
    Type *bt = infer_expr(c, cl->body);
    UnifyError ue;
    if (!type_is_never(bt) && unify(c, ft->ret, bt, &ue) != UNIFY_OK) {
      Span at = result_span(cl->body);
      if (ue.status == UNIFY_MISMATCH && first->ret) {
        Span decl = first->ret->span;
        report_unify_error(c, &ue, ft->ret, bt, at, arena_printf(c->a, "returns %s", tstr(c, bt)),
                           &decl,
                           arena_printf(c->a, "return type declared as %s", tstr(c, ft->ret)));
      } else if (ue.status == UNIFY_MISMATCH && first_body) {
        report_unify_error(c, &ue, ft->ret, bt, at, NULL, NULL, NULL);
      } else {
        report_unify_error(c, &ue, ft->ret, bt, at, arena_printf(c->a, "returns %s", tstr(c, bt)),
                           NULL, NULL);
      }
    }
    if (!first_body) first_body = bt;
    c->lambda = ctx.parent;
    c->scope.len = mark;
  }
  c->tparams = saved_tp;
}

static void check_nested_fn(Checker *c, FnDecl *fn) {
  fn->is_nested = true;
  fn->module = c->mod;
  fn->id = c->next_decl_id++;
  check_clause_rules(c, fn);
  c->level++;
  fn->type = fn_signature(c, fn);
  scope_push_fn(c, fn);
  FnDecl **saved_group = c->group;
  int saved_n = c->ngroup;
  FnDecl *self[1] = {fn};
  c->group = self;
  c->ngroup = 1;
  check_fn_decl(c, fn, fn->type);
  c->group = saved_group;
  c->ngroup = saved_n;
  c->level--;
  fn->scheme = generalize(c, fn->type, c->level);
  for (int i = 0; i < c->group_refs.len; i++) {
    GroupRef *g = &c->group_refs.items[i];
    if (g->fn == fn && g->ref->ninst == 0) {
      g->ref->inst = fn->scheme->vars;
      g->ref->ninst = fn->scheme->nvars;
    }
  }
}
