/* lower_traits.c — user impls of the built-in protocols (language.md
 * §5.9-§5.11): the checker records them in StructDecl/SumDecl.protos.
 *
 * Contract:
 *   - lower_user_helper: the body of the per-type helper (lower_helpers.c)
 *     when the user implemented the protocol — so a user Display replaces
 *     the derived text everywhere (interpolation, inside lists, options and
 *     other types' derived text), and likewise Debug, Eq, Ord, Hash;
 *   - lower_user_operator: `+ - * / %` through Add..Mod and the exact
 *     rewrites of `<`, `>`, `<=`, `>=` through `lt` (§5.11);
 *   - lower_user_default: `default()` of a type with `impl Default`;
 *   - lower_dispatch_call: an interface method called on a `where`-bounded
 *     parameter, resolved per instance (static dispatch by monomorphisation).
 *   - lower_method_value: an interface method passed as a value whose
 *     receiver the checker could not know, resolved per instance likewise.
 *   - lower_bound_assoc_env: in an instance of a function with a `where`
 *     bound on a generic interface, the interface's parameters are the
 *     arguments of the receiver type's impl.
 * Each returns NULL when the type has no such user impl. */
#include "../check/check.h"
#include "lower.h"

static Arena *A(FnCtx *c) {
  return c->L->a;
}

static ProtoImpls *protos_of(FnCtx *c, Type *t) {
  t = type_resolve(t);
  if (t && t->kind != T_CON) return check_primitive_protos(c->L->prog, t); /* impl Add for String */
  if (!t) return NULL;
  if (t->con == TC_STRUCT && t->struct_decl) return t->struct_decl->protos;
  if (t->con == TC_SUM && t->sum_decl) return t->sum_decl->protos;
  return NULL;
}

/* Binds the quantified variables `vars` occurring in `pat` to the
 * corresponding parts of the concrete type `t`. */
static void match_type(Type *pat, Type *t, Type **vars, Type **out, int n, int depth) {
  pat = type_resolve(pat);
  t = type_resolve(t);
  if (!pat || !t || depth > 200) return;
  if (pat->kind == T_VAR) {
    for (int i = 0; i < n; i++)
      if (vars[i] == pat && !out[i]) out[i] = t;
    return;
  }
  if (pat->kind != t->kind || pat->nargs != t->nargs) return;
  for (int i = 0; i < pat->nargs; i++)
    match_type(pat->args[i], t->args[i], vars, out, n, depth + 1);
  if (pat->kind == T_FUN) match_type(pat->ret, t->ret, vars, out, n, depth + 1);
}

/* The instance of method `fn` whose type matches the concrete `t`
 * (`whole`: t is the whole function type; else the receiver — first
 * parameter, or the result for `default()`). */
static Instance *method_instance(Lower *L, FnDecl *fn, Type *t, bool whole) {
  int nv = fn->scheme ? fn->scheme->nvars : 0;
  Type **inst = ARENA_ARRAY(L->a, Type *, nv + 1);
  Type *ft = type_resolve(fn->type);
  if (ft && ft->kind == T_FUN && nv > 0)
    match_type(whole ? ft : ft->nargs > 0 ? ft->args[0] : ft->ret, t, fn->scheme->vars, inst, nv,
               0);
  for (int i = 0; i < nv; i++)
    if (!inst[i]) inst[i] = type_unit();
  return lower_instance(L, fn, inst, nv);
}

static IrFunc *method_for(Lower *L, FnDecl *fn, Type *t) {
  return method_instance(L, fn, t, false)->ir;
}

static IrNode *call_method(FnCtx *c, FnDecl *fn, Type *t, IrNode **args, int n, int line) {
  IrNode *call = ir_call(A(c), method_for(c->L, fn, t), args, n);
  call->line = line;
  return call;
}

IrNode *lower_user_helper(FnCtx *c, HelperKind kind, Type *t) {
  ProtoImpls *p = protos_of(c, t);
  if (!p) return NULL;
  Arena *a = A(c);
  IrNode *both[] = {ir_var(a, 0), ir_var(a, 1)};
  switch (kind) {
  case HELPER_DISPLAY:
    return p->to_string ? call_method(c, p->to_string, t, both, 1, 0) : NULL;
  case HELPER_DEBUG:
    return p->inspect ? call_method(c, p->inspect, t, both, 1, 0) : NULL;
  case HELPER_EQ:
    return p->eq ? call_method(c, p->eq, t, both, 2, 0) : NULL;
  case HELPER_HASH:
    return p->hash ? call_method(c, p->hash, t, both, 1, 0) : NULL;
  case HELPER_CMP:
    /* Ordering immediates are Less 0, Equal 1, Greater 2: minus one */
    if (p->compare)
      return ir_bin(a, IB_ISUB, call_method(c, p->compare, t, both, 2, 0), ir_int(a, 1), 0);
    if (p->lt) {
      IrNode *lt = call_method(c, p->lt, t, both, 2, 0);
      IrNode *eq = lower_eq(c, t, ir_var(a, 0), ir_var(a, 1));
      return ir_if(a, lt, ir_int(a, -1), ir_if(a, eq, ir_int(a, 0), ir_int(a, 1)));
    }
    return NULL;
  }
  return NULL;
}

IrNode *lower_user_operator(FnCtx *c, BinOp op, Type *t, IrNode *l, IrNode *r, int line) {
  ProtoImpls *p = protos_of(c, t);
  if (!p) return NULL;
  Arena *a = A(c);
  if (op >= OP_ADD && op <= OP_MOD) {
    FnDecl *fn = p->arith[op - OP_ADD];
    if (!fn) return NULL;
    IrNode *args[] = {l, r};
    return call_method(c, fn, t, args, 2, line);
  }
  if (op < OP_LT || op > OP_GE || !p->lt) return NULL;
  /* both operands are evaluated left to right before `lt` runs */
  int sl = ir_new_slot(a, c->f, NULL), sr = ir_new_slot(a, c->f, NULL);
  IrNode *s = ir_seq(a);
  ir_add_kid(a, s, ir_set(a, sl, l));
  ir_add_kid(a, s, ir_set(a, sr, r));
  bool swap = op == OP_GT || op == OP_LE; /* b.lt(a) */
  IrNode *args[] = {ir_var(a, swap ? sr : sl), ir_var(a, swap ? sl : sr)};
  IrNode *lt = call_method(c, p->lt, t, args, 2, line);
  bool negate = op == OP_LE || op == OP_GE;
  ir_add_kid(a, s, negate ? ir_un(a, IU_NOT, lt) : lt);
  return s;
}

IrNode *lower_user_default(FnCtx *c, Type *t, int line) {
  ProtoImpls *p = protos_of(c, t);
  if (!p || !p->default_fn) return NULL;
  return call_method(c, p->default_fn, t, NULL, 0, line);
}

IrNode *lower_dispatch_call(FnCtx *c, Item *iface_item, const char *m, IrNode **args, Type **types,
                            int n, int line) {
  if (!m || !iface_item || iface_item->kind != ITEM_INTERFACE) return NULL;
  FnDecl *fn = check_impl_method(c->L->prog, types[0], iface_item->interface->name.text, m);
  return fn ? call_method(c, fn, types[0], args, n, line) : NULL;
}

IrNode *lower_method_value(FnCtx *c, Expr *e, int line) {
  Item *it = e->ref.item;
  Type *ft = ctx_type(c, e->type);
  if (!it || it->kind != ITEM_INTERFACE || !ft || ft->kind != T_FUN || ft->nargs < 1) return NULL;
  FnDecl *fn = check_impl_method(c->L->prog, ft->args[0], it->interface->name.text, e->name.text);
  if (fn) return lower_fn_value(c, method_instance(c->L, fn, ft, true), line);
  /* a generalised `let` evaluated at its default instance: the receiver is
   * undetermined there (the checker rejects it elsewhere, E0046), and the
   * value is never applied */
  Type *recv = type_resolve(ft->args[0]);
  return recv->kind == T_UNIT || recv->kind == T_NEVER ? ir_unit(A(c)) : NULL;
}

MonoEnv lower_bound_assoc_env(Lower *L, FnDecl *fn, MonoEnv env) {
  Type *var, **assoc;
  const char *iface;
  int n;
  for (int k = 0; check_bound_assoc(L->prog, fn, k, &var, &iface, &assoc, &n); k++) {
    int na;
    Type **args = check_impl_iface_args(L->prog, mono_type(L, &env, var), iface, &na);
    if (!args || na != n) continue;
    MonoEnv none = {0};
    Type **with = ARENA_ARRAY(L->a, Type *, n);
    for (int i = 0; i < n; i++)
      with[i] = mono_type(L, &none, args[i]);
    env = mono_env_extend(L, &env, assoc, with, n);
  }
  return env;
}
