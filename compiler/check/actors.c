/* actors.c — typing of actors and of the process constructs
 * (concurrency.md §3-§6, §10.3-§10.5, §21):
 *
 * - An `actor a(x1 :: T1, ..., xn :: Tn) do B end` item becomes a
 *   synthesised FnDecl `a` of type (T1..Tn) -> R whose body is B
 *   (ActorDecl.body_fn). It is checked, ordered (call graph) and generalised
 *   with the module's functions; its scheme also quantifies the actor's
 *   message type M (actors_scheme_source), so one instantiation of the
 *   scheme fixes the parameters, R and M together.
 * - A direct self-call (the bare name as callee, directly in B) is a REF_FN
 *   call of body_fn; every other use of the name is the starter, a REF_ACTOR
 *   of type (T1..Tn) -> Pid<M> (ActorDecl.starter_type, same variables).
 * - Checker.proc_msg is M while an actor body or terminate clause is
 *   checked, and main's Mmain while `main` is (closures and nested
 *   functions inside included: they are checked inline). self() and the
 *   message arms of receive are typed against it; elsewhere they are
 *   E0015/E0017.
 * - spawn, spawn_link, send, link, monitor per §4.1, §4.2, §5.1, §10.3,
 *   §10.5 (E0016, E0014, E0003, E0001); E0040 when M is Signal. */
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ helpers */

static Type *pid_of(Checker *c, Type *m) {
  return type_con(c->a, TC_PID, "Pid", &m, 1);
}

static Type *untyped_pid(Checker *c) {
  return type_con(c->a, TC_PID, "Pid", NULL, 0);
}

static Type *signal_type(Checker *c) {
  SumDecl *s = check_prelude_sum("Signal");
  Type *t = type_con(c->a, TC_SUM, "Signal", NULL, 0);
  t->sum_decl = s;
  return t;
}

static bool is_signal_type(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_CON && t->con == TC_SUM && t->sum_decl == check_prelude_sum("Signal");
}

static Item *actor_item(Checker *c, const char *name) {
  Item *it = name ? symtab_get(&c->mi->others, name) : NULL;
  return it && it->kind == ITEM_ACTOR && it->actor->body_fn ? it : NULL;
}

/* (T1..Tn) -> Pid<M> from the body's signature (built on first use). */
static Type *starter_type(Checker *c, ActorDecl *ad) {
  if (ad->starter_type) return ad->starter_type;
  Type *ft = type_resolve(ad->body_fn->type);
  int n = ft && ft->kind == T_FUN ? ft->nargs : 0;
  ad->starter_type = type_fun(c->a, n ? ft->args : NULL, n, pid_of(c, ad->msg_type));
  return ad->starter_type;
}

/* ------------------------------------------------------------ declaration */

/* snow_rt.h: SNOW_ACTOR_MAX_PARAMS (the runtime's state object) */
enum { ACTOR_MAX_PARAMS = 32 };

FnDecl *actors_declare(Checker *c, Item *it) {
  ActorDecl *ad = it->actor;
  if (ad->params.len > ACTOR_MAX_PARAMS)
    report_unsupported(c, ad->name.span,
                       arena_printf(c->a, "actors with more than %d parameters", ACTOR_MAX_PARAMS));
  FnDecl *fn = ARENA_NEW(c->a, FnDecl);
  fn->name = ad->name;
  fn->span = ad->span;
  fn->module = c->mod;
  fn->id = c->next_decl_id++;
  fn->actor = it;
  Expr *body = ARENA_NEW(c->a, Expr);
  body->kind = EXPR_BLOCK;
  body->span = ad->span;
  body->stmts = ad->body;
  FnClause cl = {0};
  cl.is_pub = ad->is_pub;
  cl.has_params = true;
  cl.params = ad->params;
  cl.body = body;
  cl.span = ad->span;
  cl.header_span = ad->name.span;
  VEC_PUSH(c->a, fn->clauses, cl);
  ad->body_fn = fn;
  int saved = c->level;
  c->level = 1; /* generalised at level 0 with the body (check_group) */
  ad->msg_type = new_var(c);
  c->level = saved;
  return fn;
}

Type *actors_scheme_source(Checker *c, FnDecl *fn) {
  if (!fn->actor || !fn->actor->actor->msg_type) return fn->type;
  Type *pair[2] = {fn->type, pid_of(c, fn->actor->actor->msg_type)};
  return type_tuple(c->a, pair, 2);
}

static bool is_entry_main(Checker *c, FnDecl *fn) {
  return !fn->is_nested && !fn->is_method && !fn->actor && fn->name.text &&
         !strcmp(fn->name.text, "main") && c->mod == c->prog->entry;
}

void actors_begin_fn(Checker *c, FnDecl *fn) {
  c->proc_msg = NULL;
  c->actor_body = NULL;
  if (fn->actor) {
    c->proc_msg = fn->actor->actor->msg_type;
    c->actor_body = fn;
  } else if (is_entry_main(c, fn)) {
    c->proc_msg = new_var(c); /* Mmain (§3.4) */
    fn->main_msg_type = c->proc_msg;
  }
}

static void check_terminate(Checker *c, ActorDecl *ad) {
  FnDecl *fn = ad->body_fn;
  FnClause *cl = &fn->clauses.items[0];
  int mark = c->scope.len;
  LambdaCtx ctx = {.parent = c->lambda, .scope_base = c->scope.len, .ret = new_var(c)};
  c->lambda = &ctx;
  ad->param_bindings = ARENA_ARRAY(c->a, Binding *, cl->params.len + 1);
  for (int i = 0; i < cl->params.len; i++) {
    Pattern *p = cl->params.items[i].pattern;
    ad->param_bindings[i] = p ? p->binding : NULL;
    if (ad->param_bindings[i]) scope_push_local(c, ad->param_bindings[i]);
  }
  if (ad->terminate_reason.text) {
    ad->reason = new_binding(c, ad->terminate_reason.text, ad->terminate_reason.span,
                             prelude_exit_reason_type());
    scope_push_local(c, ad->reason);
  }
  c->actor_body = NULL; /* the name is the starter here (§3.2) */
  infer_expr(c, ad->terminate_body);
  c->lambda = ctx.parent;
  c->scope.len = mark;
}

void actors_end_fn(Checker *c, FnDecl *fn) {
  if (fn->actor) {
    ActorDecl *ad = fn->actor->actor;
    check_terminate(c, ad);
    if (is_signal_type(ad->msg_type))
      report_error(c, "E0040", ad->name.span, "the message type is inferred as Signal here",
                   arena_printf(c->a, "message type of actor `%s` cannot be Signal",
                                ad->name.text));
  }
  c->proc_msg = NULL;
  c->actor_body = NULL;
}

/* ------------------------------------------------------------ names and calls */

/* A use of the starter: the scheme's instantiation (same variables as the
 * body), or inside the body's own group the monomorphic type. */
static Type *starter_use(Checker *c, Item *it, Ref *ref) {
  ActorDecl *ad = it->actor;
  FnDecl *fn = ad->body_fn;
  Type *st = starter_type(c, ad);
  ref->kind = REF_ACTOR;
  ref->item = it;
  ref->fn = fn;
  if (fn->scheme) {
    Scheme s = *fn->scheme;
    s.type = st;
    return instantiate(c, &s, &ref->inst, &ref->ninst);
  }
  GroupRef g = {ref, fn};
  VEC_PUSH(c->a, c->group_refs, g);
  return st;
}

bool actors_name(Checker *c, Expr *e, Type **out) {
  Item *it = actor_item(c, e->name.text);
  if (!it) return false;
  *out = starter_use(c, it, &e->ref);
  return true;
}

bool actors_qualified(Checker *c, Expr *f, ModuleInfo *mi, const char *name, Type **out) {
  Item *it = name ? symtab_get(&mi->others, name) : NULL;
  if (!it || it->kind != ITEM_ACTOR || !it->actor->body_fn || !it->actor->is_pub) return false;
  *out = starter_use(c, it, &f->ref);
  return true;
}

static bool shadowed(Checker *c, const char *name) {
  return scope_lookup(c, name) || symtab_get(&c->mi->fns, name) ||
         symtab_get(&c->mi->ext_fns, name);
}

static Type *infer_spawn_args(Checker *c, Expr *e, ExprList *elems);

bool actors_call(Checker *c, Expr *call, Type **out) {
  Expr *callee = call->target;
  if (!callee || callee->kind != EXPR_NAME || !callee->name.text) return false;
  const char *name = callee->name.text;
  if (shadowed(c, name)) return false;
  FnDecl *body = c->actor_body;
  if (body && c->lambda && c->lambda->fn == body && !strcmp(name, body->name.text) &&
      actor_item(c, name)) {
    /* direct self-call: the body again, in the same process (§3.3) */
    Type *ft = fn_use_type(c, body, &callee->ref);
    callee->type = ft;
    int n = call->elems.len;
    Arg *args = ARENA_ARRAY(c->a, Arg, n + 1);
    for (int i = 0; i < n; i++)
      args[i] = (Arg){call->elems.items[i], NULL};
    *out = apply(c, ft, args, n, call->span, callee->span);
    return true;
  }
  if (!strcmp(name, "spawn_link") && !symtab_get(&c->mi->others, name)) {
    call->is_spawn_link = true;
    callee->type = type_unit();
    *out = infer_spawn_args(c, call, &call->elems);
    return true;
  }
  return false;
}

/* ------------------------------------------------------------ spawn */

static Diagnostic *e0016(Checker *c, Span at, const char *found) {
  return diag_error(c->dc, "E0016", c->mod->file, at,
                    arena_printf(c->a, "expected a function, found %s", found),
                    "cannot spawn non-function: found %s", found);
}

/* spawn(F, E1..En) / spawn_link(...) (§4.1): F's type applied to the
 * arguments, whose result must be a Pid. */
static Type *infer_spawn_args(Checker *c, Expr *e, ExprList *elems) {
  int n = elems->len;
  Type *m = new_var(c);
  if (n == 0) {
    e0016(c, e->span, "()");
    return pid_of(c, m);
  }
  Expr *f = elems->items[0];
  Type *ft = infer_expr(c, f);
  Type *r = type_resolve(ft);
  if (r && r->kind != T_FUN && r->kind != T_VAR && r->kind != T_NEVER) {
    e0016(c, f->span, tstr(c, ft));
    for (int i = 1; i < n; i++)
      infer_expr(c, elems->items[i]);
    return pid_of(c, m);
  }
  Arg *args = ARENA_ARRAY(c->a, Arg, n);
  for (int i = 1; i < n; i++)
    args[i - 1] = (Arg){elems->items[i], NULL};
  Type *ret = apply(c, ft, args, n - 1, e->span, f->span);
  Type *want = pid_of(c, m);
  Type *rr = type_resolve(ret);
  if (rr && rr->kind == T_CON && rr->con == TC_PID && rr->nargs == 0) return ret;
  UnifyError ue;
  if (unify(c, want, ret, &ue) == UNIFY_OK) return want;
  const char *rs = tstr(c, ret);
  diag_error(c->dc, "E0001", c->mod->file, f->span,
             arena_printf(c->a, "this function returns %s, not a Pid", rs),
             "expected Pid, found %s", rs);
  return want;
}

/* ------------------------------------------------------------ send, link, monitor */

static void infer_rest(Checker *c, ExprList *elems, int from) {
  for (int i = from; i < elems->len; i++)
    infer_expr(c, elems->items[i]);
}

static Type *infer_send(Checker *c, Expr *e) {
  if (e->elems.len != 2) {
    report_arity(c, e->span, 2, e->elems.len);
    infer_rest(c, &e->elems, 0);
    return type_unit();
  }
  Expr *pe = e->elems.items[0], *me = e->elems.items[1];
  Type *pt = infer_expr(c, pe);
  Type *mt = infer_expr(c, me);
  Type *r = type_resolve(pt);
  if (r && r->kind == T_CON && r->con == TC_PID) {
    if (r->nargs == 0) return type_unit(); /* untyped: checked at run time (§5.3) */
    UnifyError ue;
    if (unify(c, r->args[0], mt, &ue) == UNIFY_OK) return type_unit();
    if (ue.status != UNIFY_MISMATCH) {
      report_unify_error(c, &ue, r->args[0], mt, me->span, NULL, NULL, NULL);
      return type_unit();
    }
    const char *ms = tstr(c, r->args[0]), *ts = tstr(c, mt);
    Diagnostic *d = diag_error(c->dc, "E0014", c->mod->file, me->span,
                               arena_printf(c->a, "expected %s, found %s", ms, ts),
                               "message type mismatch: expected %s, found %s", ms, ts);
    diag_set_help(c->dc, d, "this Pid accepts messages of type %s", ms);
    return type_unit();
  }
  if (r && r->kind == T_VAR && !r->is_generic_param && !r->quantified) {
    expect_type(c, pid_of(c, mt), pt, pe->span, NULL);
    return type_unit();
  }
  if (r && r->kind == T_NEVER) return type_unit();
  if (r && r->kind == T_TUPLE) {
    report_unsupported(c, e->span, "named send `send((name, node), msg)`");
    return type_unit();
  }
  const char *ts = tstr(c, pt);
  diag_error(c->dc, "E0001", c->mod->file, pe->span, arena_printf(c->a, "expected Pid, found %s", ts),
             "expected Pid, found %s", ts);
  return type_unit();
}

/* link(P) / monitor(P): exactly one argument, a Pid. */
static void infer_pid_arg(Checker *c, Expr *e) {
  if (e->elems.len != 1) {
    report_arity(c, e->span, 1, e->elems.len);
    infer_rest(c, &e->elems, 0);
    return;
  }
  Expr *pe = e->elems.items[0];
  Type *pt = infer_expr(c, pe);
  expect_type(c, untyped_pid(c), pt, pe->span, NULL);
}

/* ------------------------------------------------------------ receive */

/* A constructor pattern of the prelude Signal type (§6.2), by name before
 * the pattern is typed. */
static bool is_signal_arm(Checker *c, Pattern *p) {
  while (p && (p->kind == PAT_AS || p->kind == PAT_OR)) {
    if (p->kind == PAT_AS)
      p = p->inner;
    else
      p = p->elems.len ? p->elems.items[0] : NULL;
  }
  if (!p || p->kind != PAT_CTOR || !p->name.text) return false;
  SumDecl *sig = check_prelude_sum("Signal");
  if (p->qualifier.text) return lookup_sum(c, p->qualifier.text) == sig;
  Variant *v = lookup_variant(c, p->name.text);
  return v && v->owner == sig;
}

static Type *infer_receive(Checker *c, Expr *e) {
  if (!c->proc_msg) {
    Diagnostic *d =
        report_error(c, "E0017", e->span, "receive is only available inside an actor block",
                     "receive used outside actor block");
    diag_set_help(c->dc, d, "move this receive expression into an actor block");
    /* still type the parts, for their own diagnostics */
  }
  Type *m = c->proc_msg ? c->proc_msg : new_var(c);
  e->msg_type = m;
  if (e->after_timeout)
    expect_type(c, type_int(), infer_expr(c, e->after_timeout), e->after_timeout->span, NULL);
  Type *result = NULL;
  int nbodies = e->arms.len + (e->after_body ? 1 : 0);
  for (int i = 0; i < nbodies; i++) {
    bool is_after = i == e->arms.len;
    MatchArm *arm = is_after ? NULL : &e->arms.items[i];
    int mark = c->scope.len;
    if (arm) {
      check_pattern(c, arm->pattern, is_signal_arm(c, arm->pattern) ? signal_type(c) : m);
      if (arm->guard) {
        check_case_guard(c, arm->guard);
        check_guard_type(c, arm->guard);
      }
    }
    Expr *body = arm ? arm->body : e->after_body;
    Type *bt = infer_expr(c, body);
    c->scope.len = mark;
    if (type_is_never(bt)) continue;
    if (!result) {
      result = bt;
      continue;
    }
    expect_type(c, result, bt, result_span(body), NULL);
  }
  if (result) return result;
  return nbodies ? type_never() : type_unit();
}

bool actors_creates_process(Checker *c, Expr *e) {
  if (!e) return false;
  if (e->kind == EXPR_SPAWN || e->kind == EXPR_RECEIVE) return true;
  if (e->kind != EXPR_CALL || !e->target || e->target->kind != EXPR_NAME) return false;
  const char *name = e->target->name.text;
  if (!name || shadowed(c, name)) return false;
  return actor_item(c, name) || !strcmp(name, "spawn_link");
}

/* ------------------------------------------------------------ dispatch */

Type *actors_infer(Checker *c, Expr *e) {
  switch (e->kind) {
  case EXPR_SPAWN:
    return infer_spawn_args(c, e, &e->elems);
  case EXPR_SEND:
    return infer_send(c, e);
  case EXPR_LINK:
    infer_pid_arg(c, e);
    return type_unit();
  case EXPR_MONITOR:
    infer_pid_arg(c, e);
    return type_int();
  case EXPR_SELF_PID:
    if (!c->proc_msg) {
      report_error(c, "E0015", e->span, "self() is only available inside an actor block",
                   "self() used outside actor block");
      return untyped_pid(c);
    }
    e->msg_type = c->proc_msg;
    return pid_of(c, c->proc_msg);
  case EXPR_RECEIVE:
    return infer_receive(c, e);
  default:
    return new_var(c);
  }
}
