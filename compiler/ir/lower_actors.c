/* lower_actors.c — actors and the process constructs to IR, against the
 * "processes area" of runtime/include/snow_rt.h (concurrency.md §3-§12).
 *
 * - An actor instance (one per instantiation of its body's scheme) is the
 *   ordinary IR function of its body (ActorDecl.body_fn) with one extra
 *   last parameter, the runtime's state object; direct self-calls pass it
 *   along, so self tail calls become loops (lower_tailcall.c). When the
 *   actor has a terminate clause the body first stores its parameters into
 *   the state (IR_STORE_FIELD), at every (re)entry.
 * - `entry(state)` loads the parameters from the state and calls the body;
 *   `terminate(state, reason)` loads them and runs the clause.
 * - spawn(a, args) / a(args) / the starter as a value call
 *   snow_actor_spawn; spawn(f, args) for another f is the call f(args);
 *   spawn_link wraps the starter call in snow_autolink_begin/end.
 * - receive drives snow_receive_begin/next/value/accept: a loop that tries
 *   the arms on each entry (decision trees of lower_match.c where a failed
 *   match continues the scan) and ends with the selected arm number; the
 *   bodies follow the loop in one IR_SWITCH, so they stay tail positions.
 * - Message type names (the run-time check of §5.3) are type_to_string of
 *   the concrete type with Pid arguments erased (`(Pid, Int)`); an
 *   unconstrained message type (a type variable, or () after
 *   monomorphisation) is "any" (NULL). */
#include <string.h>

#include "../check/check.h"
#include "../common/builtins.h"
#include "lower.h"

static Arena *A(FnCtx *c) {
  return c->L->a;
}

static IrNode *addr(FnCtx *c, IrFunc *f) {
  IrNode *n = ir_node(A(c), IR_FUNC_ADDR, 0);
  n->fn = f;
  return n;
}

static IrNode *seq2(FnCtx *c, IrNode *x, IrNode *y) {
  IrNode *s = ir_seq(A(c));
  ir_add_kid(A(c), s, x);
  ir_add_kid(A(c), s, y);
  return s;
}

/* `t` with every Pid<M> written as the untyped Pid: PIDs are one word
 * whatever M is, and `Pid` and `Pid<M>` unify, so a sender's and a
 * receiver's view of the same message type may differ only there. */
static Type *erase_pid_args(Arena *a, Type *t, int depth) {
  t = type_resolve(t);
  if (!t || depth > 100 || (t->nargs == 0 && t->kind != T_FUN)) return t;
  if (t->kind == T_CON && t->con == TC_PID) return type_con(a, TC_PID, "Pid", NULL, 0);
  Type *n = arena_alloc(a, sizeof *n);
  *n = *t;
  n->args = ARENA_ARRAY(a, Type *, t->nargs ? t->nargs : 1);
  for (int i = 0; i < t->nargs; i++)
    n->args[i] = erase_pid_args(a, t->args[i], depth + 1);
  if (t->ret) n->ret = erase_pid_args(a, t->ret, depth + 1);
  return n;
}

/* The run-time name of a message type (§5.3), or NULL ("any"). */
static IrNode *msg_type_name(FnCtx *c, Type *t) {
  t = type_resolve(t);
  if (!t || t->kind == T_VAR || t->kind == T_UNIT || t->kind == T_NEVER) return ir_int(A(c), 0);
  const char *s = type_to_string(A(c), erase_pid_args(A(c), t, 0));
  return ir_string(A(c), s, (uint32_t)strlen(s));
}

/* ---------------------------------------------------------------- instances */

int lower_actor_extra_params(FnDecl *fn) {
  return fn && fn->actor ? 1 : 0;
}

IrNode *lower_actor_prologue(FnCtx *c, FnDecl *fn, IrNode *body) {
  ActorDecl *ad = fn->actor->actor;
  if (!ad->has_terminate) return body;
  Arena *a = A(c);
  int n = c->f->nparams - 1; /* the state is the last parameter */
  IrNode *s = ir_seq(a);
  for (int i = 0; i < n; i++) {
    IrNode *st = ir_node(a, IR_STORE_FIELD, 0);
    st->ival = i;
    ir_add_kid(a, st, ir_var(a, n));
    ir_add_kid(a, st, ir_var(a, i));
    ir_add_kid(a, s, st);
  }
  ir_add_kid(a, s, body);
  return s;
}

/* §5.3: `main` declares its message type Mmain when receive or self()
 * constrain it (otherwise it accepts any message). */
IrNode *lower_main_prologue(FnCtx *c, FnDecl *fn, IrNode *body) {
  IrNode *name = msg_type_name(c, mono_type(c->L, &c->env, fn->main_msg_type));
  if (name->op != IR_STRING) return body;
  Arena *a = A(c);
  IrNode *s = ir_seq(a);
  ir_add_kid(a, s, ir_call_rt(a, RT_SET_MESSAGE_TYPE, 1, name));
  ir_add_kid(a, s, body);
  return s;
}

IrNode *lower_actor_self_call(FnCtx *c, Instance *in, IrNode **args, int n, int line) {
  Arena *a = A(c);
  IrNode *call = ir_node(a, IR_CALL, line);
  call->fn = in->ir;
  for (int i = 0; i < n; i++)
    ir_add_kid(a, call, args[i]);
  /* a direct self-call is written directly in the body: its state is ours */
  ir_add_kid(a, call, ir_var(a, c->f->nparams - 1));
  return call;
}

static Instance *actor_instance(FnCtx *c, Ref *r) {
  FnDecl *fn = r->item->actor->body_fn;
  int nvars = fn->scheme ? fn->scheme->nvars : 0;
  Type **inst = ARENA_ARRAY(A(c), Type *, nvars ? nvars : 1);
  for (int i = 0; i < nvars; i++) {
    Type *t = i < r->ninst && r->inst ? r->inst[i] : fn->scheme->vars[i];
    inst[i] = ctx_type(c, t);
  }
  return lower_instance(c->L, fn, inst, nvars);
}

/* void entry(SnowObj *state): the body with the parameters from the state. */
static IrFunc *actor_entry(Lower *L, Instance *in) {
  const char *key = arena_printf(L->a, "%s$entry", in->key);
  IrFunc *f = lower_cache_get(L, key);
  if (f) return f;
  f = ir_func_new(L->a, L->m, key, 1, false);
  f->sig = arena_printf(L->a, "actor entry %s", in->key);
  f->file = in->ir->file;
  lower_cache_put(L, key, f);
  int n = in->ir->nparams - 1;
  IrNode *call = ir_node(L->a, IR_CALL, 0);
  call->fn = in->ir;
  for (int i = 0; i < n; i++)
    ir_add_kid(L->a, call, ir_field(L->a, ir_var(L->a, 0), i));
  ir_add_kid(L->a, call, ir_var(L->a, 0));
  f->body = call;
  return f;
}

/* void terminate(SnowObj *state, SnowWord reason): the clause, with the
 * latest parameters and `|r|` bound. */
static IrFunc *actor_terminate(Lower *L, ActorDecl *ad, Instance *in) {
  const char *key = arena_printf(L->a, "%s$terminate", in->key);
  IrFunc *f = lower_cache_get(L, key);
  if (f) return f;
  f = ir_func_new(L->a, L->m, key, 2, false);
  f->sig = arena_printf(L->a, "actor terminate %s", in->key);
  lower_cache_put(L, key, f);
  FnCtx c = fnctx_new(L, f, in->env, fn_file(ad->body_fn));
  f->line = lower_line(&c, ad->span);
  Arena *a = L->a;
  IrNode *s = ir_seq(a);
  int n = in->ir->nparams - 1;
  for (int i = 0; i < n; i++) {
    Binding *b = ad->param_bindings ? ad->param_bindings[i] : NULL;
    if (!b) continue;
    ir_add_kid(a, s, ir_set(a, fnctx_bind(&c, b), ir_field(a, ir_var(a, 0), i)));
  }
  if (ad->reason) ir_add_kid(a, s, ir_set(a, fnctx_bind(&c, ad->reason), ir_var(a, 1)));
  ir_add_kid(a, s, lower_expr(&c, ad->terminate_body));
  f->body = s;
  return f;
}

/* snow_actor_spawn for the actor of `r` with lowered arguments. */
static IrNode *spawn_actor(FnCtx *c, Ref *r, IrNode **args, Type **types, int n, int line) {
  Arena *a = A(c);
  ActorDecl *ad = r->item->actor;
  Instance *in = actor_instance(c, r);
  IrFunc *entry = actor_entry(c->L, in);
  IrNode *term = ad->has_terminate ? addr(c, actor_terminate(c->L, ad, in)) : ir_int(a, 0);
  IrNode *name = msg_type_name(c, mono_type(c->L, &in->env, ad->msg_type));
  IrNode *rec;
  if (n > 0) {
    rec = ir_node(a, IR_RECORD, line);
    for (int i = 0; i < n; i++)
      ir_add_kid(a, rec, args[i]);
    rec->ptrmap = ptrmap_of(types, n);
  } else {
    rec = ir_int(a, 0);
  }
  IrNode *call = ir_call_rt(a, RT_ACTOR_SPAWN, 5, addr(c, entry), term, name, rec, ir_int(a, n));
  call->line = line;
  return call;
}

IrNode *lower_actor_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n, int line) {
  return spawn_actor(c, &callee->ref, args, types, n, line);
}

/* The starter as a function value: a closure whose code spawns. */
IrNode *lower_actor_value(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  Type *ft = ctx_type(c, e->type);
  int n = ft->kind == T_FUN ? ft->nargs : 0;
  Instance *in = actor_instance(c, &e->ref);
  const char *key = arena_printf(a, "%s$starter", in->key);
  IrFunc *w = lower_cache_get(c->L, key);
  if (!w) {
    w = ir_func_new(a, c->L->m, key, n, true);
    w->sig = arena_printf(a, "actor starter %s", in->key);
    w->file = c->f->file;
    lower_cache_put(c->L, key, w);
    FnCtx wc = fnctx_new(c->L, w, c->env, c->file);
    IrNode **args = ARENA_ARRAY(a, IrNode *, n ? n : 1);
    for (int i = 0; i < n; i++)
      args[i] = ir_var(a, i);
    w->body = spawn_actor(&wc, &e->ref, args, ft->kind == T_FUN ? ft->args : NULL, n, 0);
  }
  IrNode *clo = ir_node(a, IR_CLOSURE, lower_line(c, e->span));
  clo->fn = w;
  return clo;
}

/* ---------------------------------------------------------------- spawn */

static bool is_actor_ref(Expr *f) {
  return f && (f->kind == EXPR_NAME || f->kind == EXPR_FIELD) && f->ref.kind == REF_ACTOR &&
         f->ref.item && f->ref.item->kind == ITEM_ACTOR;
}

/* spawn(F, E1..En): F's starter with the arguments (§4.1). */
static IrNode *lower_spawn_elems(FnCtx *c, ExprList *elems, Type *result, int line) {
  Arena *a = A(c);
  if (elems->len == 0) return ir_unit(a); /* E0016 was reported */
  Expr *f = elems->items[0];
  int n = elems->len - 1;
  IrNode **args = ARENA_ARRAY(a, IrNode *, n ? n : 1);
  Type **types = ARENA_ARRAY(a, Type *, n ? n : 1);
  for (int i = 0; i < n; i++) {
    types[i] = ctx_type(c, elems->items[i + 1]->type);
    args[i] = lower_expr(c, elems->items[i + 1]);
  }
  if (is_actor_ref(f)) return spawn_actor(c, &f->ref, args, types, n, line);
  return lower_apply(c, f, args, types, n, result, line, false);
}

/* spawn_link(F, E1..En): the starter call in auto-link mode (§4.2). */
IrNode *lower_spawn_link_call(FnCtx *c, Expr *call) {
  Arena *a = A(c);
  int line = lower_line(c, call->span);
  int prev = ir_new_slot(a, c->f, "autolink");
  int pid = ir_new_slot(a, c->f, "pid");
  IrNode *s = ir_seq(a);
  ir_add_kid(a, s, ir_set(a, prev, ir_call_rt(a, RT_AUTOLINK_BEGIN, 0)));
  ir_add_kid(a, s, ir_set(a, pid, lower_spawn_elems(c, &call->elems, ctx_type(c, call->type), line)));
  ir_add_kid(a, s, ir_call_rt(a, RT_AUTOLINK_END, 1, ir_var(a, prev)));
  ir_add_kid(a, s, ir_var(a, pid));
  return s;
}

/* ---------------------------------------------------------------- receive */

static bool is_signal_pattern(Pattern *p) {
  while (p && (p->kind == PAT_AS || p->kind == PAT_OR))
    p = p->kind == PAT_AS ? p->inner : (p->elems.len ? p->elems.items[0] : NULL);
  return p && p->kind == PAT_CTOR && p->variant &&
         p->variant->owner == check_prelude_sum("Signal");
}

static IrNode *lower_receive(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int line = lower_line(c, e->span);
  int narms = e->arms.len;
  MatchRow *msg = ARENA_ARRAY(a, MatchRow, narms + 1), *sig = ARENA_ARRAY(a, MatchRow, narms + 1);
  int *msg_ids = ARENA_ARRAY(a, int, narms + 1), *sig_ids = ARENA_ARRAY(a, int, narms + 1);
  int nmsg = 0, nsig = 0;
  Type *sig_type = NULL;
  for (int i = 0; i < narms; i++) {
    MatchArm *arm = &e->arms.items[i];
    MatchRow row = {&arm->pattern, arm->guard, arm->body};
    if (is_signal_pattern(arm->pattern)) {
      if (!sig_type) sig_type = ctx_type(c, arm->pattern->type);
      sig_ids[nsig] = i;
      sig[nsig++] = row;
    } else {
      msg_ids[nmsg] = i;
      msg[nmsg++] = row;
    }
  }
  Type *m = ctx_type(c, e->msg_type);
  int want = (nmsg ? 1 : 0) | (nsig ? 2 : 0);
  int kind = ir_new_slot(a, c->f, "rkind");
  int value = ir_new_slot(a, c->f, "rvalue");
  int arm = ir_new_slot(a, c->f, "rarm");
  IrNode *s = ir_seq(a);
  IrNode *timeout = ir_int(a, -1);
  if (e->after_body) {
    int t = ir_new_slot(a, c->f, "timeout");
    ir_add_kid(a, s, ir_set(a, t, lower_expr(c, e->after_timeout)));
    timeout = ir_var(a, t);
  }
  ir_add_kid(a, s, ir_call_rt(a, RT_RECEIVE_BEGIN, 2, timeout, msg_type_name(c, m)));
  /* the scan: each iteration examines one entry */
  IrNode *body = ir_seq(a);
  ir_add_kid(a, body, ir_set(a, kind, ir_call_rt(a, RT_RECEIVE_NEXT, 1, ir_int(a, want))));
  IrNode *again = ir_node(a, IR_CONTINUE, line);
  IrNode *expired = e->after_body ? ir_set(a, arm, ir_int(a, narms)) : again;
  IrNode *try_arms = ir_seq(a);
  ir_add_kid(a, try_arms, ir_set(a, value, ir_call_rt(a, RT_RECEIVE_VALUE, 0)));
  IrNode *msg_tree = lower_match_tree(c, value, m, msg, nmsg, msg_ids, line, arm);
  IrNode *tree = msg_tree;
  if (nsig) {
    IrNode *sig_tree = lower_match_tree(c, value, sig_type, sig, nsig, sig_ids, line, arm);
    tree = nmsg ? ir_if(a, ir_bin(a, IB_IEQ, ir_var(a, kind), ir_int(a, 2), line), sig_tree,
                        msg_tree)
                : sig_tree;
  }
  ir_add_kid(a, try_arms, tree);
  IrNode *no_match = ir_bin(a, IB_IEQ, ir_var(a, arm), ir_int(a, -1), line);
  ir_add_kid(a, try_arms,
             ir_if(a, no_match, ir_node(a, IR_CONTINUE, line), ir_call_rt(a, RT_RECEIVE_ACCEPT, 0)));
  ir_add_kid(a, body,
             ir_if(a, ir_bin(a, IB_IEQ, ir_var(a, kind), ir_int(a, 0), line), expired, try_arms));
  IrNode *loop = ir_node(a, IR_LOOP, line);
  ir_add_kid(a, loop, body);
  ir_add_kid(a, s, loop);
  /* the selected body, after the scan (tail position) */
  if (narms == 0) {
    ir_add_kid(a, s, e->after_body ? lower_expr(c, e->after_body) : ir_unit(a));
    return s;
  }
  IrNode *sw = ir_node(a, IR_SWITCH, line);
  ir_add_kid(a, sw, ir_var(a, arm));
  sw->ncases = narms;
  sw->cases = ARENA_ARRAY(a, int64_t, narms);
  for (int i = 0; i < narms; i++) {
    sw->cases[i] = i;
    ir_add_kid(a, sw, lower_expr(c, e->arms.items[i].body));
  }
  ir_add_kid(a, sw, e->after_body ? lower_expr(c, e->after_body) : ir_unit(a));
  ir_add_kid(a, s, sw);
  return s;
}

/* ---------------------------------------------------------------- send, link, ... */

static IrNode *lower_send(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  if (e->elems.len != 2) return ir_unit(a);
  Type *mt = ctx_type(c, e->elems.items[1]->type);
  int p = ir_new_slot(a, c->f, "to");
  IrNode *set = ir_set(a, p, lower_expr(c, e->elems.items[0]));
  IrNode *msg = lower_expr(c, e->elems.items[1]);
  IrNode *call = ir_call_rt(a, RT_SEND_MSG, 4, ir_var(a, p), msg, ir_int(a, type_is_ptr(mt)),
                            msg_type_name(c, mt));
  call->line = lower_line(c, e->span);
  return seq2(c, set, seq2(c, call, ir_unit(a)));
}

IrNode *lower_actor_expr(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int line = lower_line(c, e->span);
  switch (e->kind) {
  case EXPR_SPAWN:
    return lower_spawn_elems(c, &e->elems, ctx_type(c, e->type), line);
  case EXPR_SEND:
    return lower_send(c, e);
  case EXPR_LINK:
    if (e->elems.len != 1) return ir_unit(a);
    return seq2(c, ir_call_rt(a, RT_LINK, 1, lower_expr(c, e->elems.items[0])), ir_unit(a));
  case EXPR_MONITOR:
    if (e->elems.len != 1) return ir_unit(a);
    return ir_call_rt(a, RT_MONITOR, 1, lower_expr(c, e->elems.items[0]));
  case EXPR_SELF_PID:
    return ir_call_rt(a, RT_SELF_PID, 0);
  case EXPR_RECEIVE:
    return lower_receive(c, e);
  default:
    return ir_unit(a);
  }
}

/* ---------------------------------------------------------------- library */

static IrNode *unit_after(FnCtx *c, IrNode *call) {
  return seq2(c, call, ir_unit(A(c)));
}

IrNode *lower_builtin_processes(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                                Type *result, int *want) {
  (void)result;
  Arena *a = A(c);
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
  IrNode *z = nargs > 2 ? args[2] : NULL;
  switch (builtin) {
  case BI_PROCESS_REGISTER:
    *want = 2;
    return y ? ir_call_rt(a, RT_REGISTER, 2, x, y) : ir_unit(a);
  case BI_PROCESS_WHEREIS:
    *want = 1;
    return x ? ir_call_rt(a, RT_WHEREIS, 1, x) : ir_unit(a);
  case BI_PROCESS_UNREGISTER:
    *want = 1;
    return x ? ir_call_rt(a, RT_UNREGISTER, 1, x) : ir_unit(a);
  case BI_PROCESS_IS_ALIVE:
    *want = 1;
    return x ? ir_call_rt(a, RT_IS_ALIVE, 1, x) : ir_unit(a);
  case BI_PROCESS_DEMONITOR:
    *want = 1;
    return x ? unit_after(c, ir_call_rt(a, RT_DEMONITOR, 1, x)) : ir_unit(a);
  case BI_PROCESS_EXIT:
    *want = 2;
    return y ? unit_after(c, ir_call_rt(a, RT_EXIT_PROCESS, 2, x, y)) : ir_unit(a);
  case BI_PROCESS_TRAP_EXIT:
    *want = 1;
    return x ? unit_after(c, ir_call_rt(a, RT_TRAP_EXIT, 1, x)) : ir_unit(a);
  case BI_PROCESS_UNLINK:
    *want = 1;
    return x ? unit_after(c, ir_call_rt(a, RT_UNLINK, 1, x)) : ir_unit(a);
  case BI_TIMER_SLEEP:
    *want = 1;
    return x ? unit_after(c, ir_call_rt(a, RT_TIMER_SLEEP, 1, x)) : ir_unit(a);
  case BI_TIMER_SEND_AFTER: {
    *want = 3;
    if (!z) return ir_unit(a);
    Type *mt = type_resolve(types[2]);
    return unit_after(c, ir_call_rt(a, RT_TIMER_SEND_AFTER, 5, x, y, z,
                                    ir_int(a, type_is_ptr(mt)), msg_type_name(c, mt)));
  }
  default:
    return NULL;
  }
}

/* ---------------------------------------------------------------- helpers */

IrNode *lower_process_helper(FnCtx *c, HelperKind kind, Type *t) {
  Arena *a = A(c);
  t = type_resolve(t);
  if (t->kind != T_CON) return NULL;
  if (t->con == TC_PID) { /* `<0.N>`; Eq and Hash as Int (§2.1) */
    switch (kind) {
    case HELPER_DISPLAY:
    case HELPER_DEBUG:
      return ir_call_rt(a, RT_PID_TO_STRING, 1, ir_var(a, 0));
    case HELPER_EQ:
      return ir_bin(a, IB_IEQ, ir_var(a, 0), ir_var(a, 1), 0);
    case HELPER_HASH:
      return ir_call_rt(a, RT_HASH_INT, 1, ir_var(a, 0));
    case HELPER_CMP: /* PIDs have no ordering; never reached from checked code */
      return ir_int(a, 0);
    }
  }
  if (kind == HELPER_DISPLAY && t->con == TC_SUM && t->sum_decl == check_prelude_sum("ExitReason"))
    return ir_call_rt(a, RT_EXIT_REASON_TO_STRING, 1, ir_var(a, 0)); /* §10.1 table */
  return NULL;
}
