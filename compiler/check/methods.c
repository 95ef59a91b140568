/* methods.c — calls that resolve to methods of impls (language.md §5.8,
 * §5.12): the receiver form `v.m(args)` (impl methods, methods of
 * `where`-bounded parameters, and `eq`/`lt` of built-in and derived Eq/Ord),
 * the interface-qualified form `I.m(v, ...)`, the function form `m(v, ...)`
 * (the first argument selects the impl) and the type-qualified form
 * `T.m(...)` (methods without `self`, like `Cup.make(3)`), and interface
 * methods named as function values (`map(xs, describe)`). The impl
 * registry itself is traits.c. */
#include <string.h>

#include "check_internal.h"

/* `T.m` naming a method of an impl for the user type T (`Counter.new()`,
 * `Counter.bump(c, 1)`): true when one exists (type in *out). */
bool methods_type_qualified(Checker *c, Expr *f, StructDecl *s, SumDecl *u, Type **out) {
  Type **args;
  Type *t = s ? instantiate_struct(c, s, &args) : instantiate_sum(c, u, &args);
  bool ambiguous = false;
  FnDecl *fn =
      traits_find_method(c, t, f->name.text ? f->name.text : "", NULL, f->span, &ambiguous);
  if (ambiguous) {
    *out = new_var(c);
    return true;
  }
  if (!fn) return false;
  *out = fn_use_type(c, fn, &f->ref);
  return true;
}

/* `eq` / `lt` of the built-in and derived Eq/Ord implementations (§5.11)
 * called on `recv`: (T, T) -> Bool; lowered as `==` / `<`. */
static Type *eq_lt_type(Checker *c, Expr *callee, Type *recv, const char *m) {
  require_or_report(c, recv, m[0] == 'e' ? IFACE_EQ : IFACE_ORD, callee->span);
  Type **ps = ARENA_ARRAY(c->a, Type *, 2);
  ps[0] = ps[1] = recv;
  Type *ft = type_fun(c->a, ps, 2, type_bool());
  callee->ref.kind = REF_METHOD; /* .item NULL: see lower_apply */
  callee->ref.item = NULL;
  callee->type = ft;
  return ft;
}

/* The receiver (first argument) of a call written `I.m(v, ...)` or
 * `m(v, ...)`, with the call's arguments in order. */
static int call_args(Expr *call, Expr *pipe_arg, Arg *args) {
  int n = 0;
  if (pipe_arg) args[n++] = (Arg){pipe_arg, NULL};
  for (int i = 0; i < call->elems.len; i++)
    args[n++] = (Arg){call->elems.items[i], NULL};
  return n;
}

/* A call of an interface method selected by its first argument's type
 * (`I.m(v, ...)` when iface is non-NULL, else `m(v, ...)`): returns false
 * when no impl decides it (the caller goes on with the usual rules). */
static bool receiver_selected_call(Checker *c, Expr *call, Expr *callee, const char *m,
                                   const char *iface, Expr *pipe_arg, Type **out,
                                   int builtin_fallback) {
  Arg *args = ARENA_ARRAY(c->a, Arg, call->elems.len + 2);
  int n = call_args(call, pipe_arg, args);
  if (n == 0) return false;
  args[0].known = infer_expr(c, args[0].expr);
  bool ambiguous = false;
  FnDecl *meth = traits_find_method(c, args[0].known, m, iface, callee->span, &ambiguous);
  Type *bt = NULL;
  if (!meth && !ambiguous &&
      traits_bound_call(c, args[0].known, m, iface, callee->span, &callee->ref, &bt)) {
    callee->type = bt;
    *out = bt ? apply(c, bt, args, n, call->span, callee->span) : new_var(c);
    return true;
  }
  if (!meth && !ambiguous && builtin_fallback >= 0) { /* `Display.to_string(5)` */
    Type *ft = builtin_use_type(c, builtin_fallback, &callee->ref);
    callee->type = ft;
    *out = apply(c, ft, args, n, call->span, callee->span);
    return true;
  }
  if (!meth && !ambiguous && iface && traits_is_builtin_protocol(c, iface) &&
      (!strcmp(m, "eq") || !strcmp(m, "lt"))) { /* `Eq.eq(1, 1)`, `Ord.lt(a, b)` */
    Type *ft = eq_lt_type(c, callee, args[0].known, m);
    *out = apply(c, ft, args, n, call->span, callee->span);
    return true;
  }
  if (!meth) {
    if (!ambiguous) {
      const char *ts = tstr(c, args[0].known);
      Diagnostic *d = diag_error(c->dc, "E0030", c->mod->file, callee->span,
                                 arena_printf(c->a, "method `%s` not found", m),
                                 "no method `%s` on type `%s`", m, ts);
      diag_set_help(c->dc, d, "type `%s` has no trait impl providing `%s`", ts, m);
    }
    for (int i = 1; i < n; i++)
      infer_expr(c, args[i].expr);
    *out = new_var(c);
    return true;
  }
  Type *mt = fn_use_type(c, meth, &callee->ref);
  callee->type = mt;
  *out = apply(c, mt, args, n, call->span, callee->span);
  return true;
}

bool methods_interface_call(Checker *c, Expr *call, Expr *pipe_arg, Type **out) {
  Expr *f = call->target, *t = f->target;
  if (!t || t->kind != EXPR_NAME || !name_is_upper(t->name.text)) return false;
  const char *tn = t->name.text;
  if (scope_lookup(c, tn) || symtab_get(&c->mi->modules, tn) || builtin_is_namespace(tn) ||
      lookup_sum(c, tn) || lookup_struct(c, tn) || !traits_is_interface(c, tn))
    return false;
  const char *m = f->name.text ? f->name.text : "";
  int fallback = traits_is_builtin_protocol(c, tn) ? builtin_lookup("", m) : -1;
  return receiver_selected_call(c, call, f, m, tn, pipe_arg, out, fallback);
}

/* Whether a plain name resolves by the ordinary rules (§5.12, last part). */
static bool plain_name_defined(Checker *c, const char *name) {
  if (scope_lookup(c, name) || symtab_get(&c->mi->fns, name) || symtab_get(&c->mi->ext_fns, name) ||
      symtab_get(&c->mi->others, name)) /* actors and the like */
    return true;
  if (name_is_upper(name) && lookup_variant(c, name)) return true;
  if (symtab_get(&c->mi->imported, name)) return true;
  return builtin_lookup("", name) >= 0 || builtin_lookup_flat(name) >= 0;
}

/* The remaining arguments of a receiver call after `recv`. */
static int receiver_args(Expr *call, Expr *recv_expr, Type *recv, Expr *pipe_arg, Arg *args) {
  int n = 0;
  args[n++] = (Arg){recv_expr, recv};
  if (pipe_arg) args[n++] = (Arg){pipe_arg, NULL};
  for (int i = 0; i < call->elems.len; i++)
    args[n++] = (Arg){call->elems.items[i], NULL};
  return n;
}

bool methods_receiver_call(Checker *c, Expr *call, Type *recv, Expr *pipe_arg, Type **out) {
  Expr *f = call->target;
  const char *m = f->name.text ? f->name.text : "";
  Arg *args = ARENA_ARRAY(c->a, Arg, call->elems.len + 3);
  bool ambiguous = false;
  FnDecl *meth = traits_find_method(c, recv, m, NULL, f->span, &ambiguous);
  Type *mt = NULL;
  if (!meth && !ambiguous && traits_bound_call(c, recv, m, NULL, f->span, &f->ref, &mt)) {
    ambiguous = mt == NULL; /* E0027 was reported */
  } else if (meth) {
    mt = fn_use_type(c, meth, &f->ref);
  } else if (!ambiguous && (!strcmp(m, "eq") || !strcmp(m, "lt"))) {
    mt = eq_lt_type(c, f, recv, m);
  }
  if (ambiguous) {
    for (int i = 0; i < call->elems.len; i++)
      infer_expr(c, call->elems.items[i]);
    if (pipe_arg) infer_expr(c, pipe_arg);
    *out = new_var(c);
    return true;
  }
  if (!mt) return false;
  f->type = mt;
  call->is_method_call = true;
  int n = receiver_args(call, f->target, recv, pipe_arg, args);
  *out = apply(c, mt, args, n, call->span, f->span);
  return true;
}

bool methods_function_form_call(Checker *c, Expr *call, Expr *pipe_arg, Type **out) {
  Expr *callee = call->target;
  if (callee->kind != EXPR_NAME || !callee->name.text || plain_name_defined(c, callee->name.text) ||
      !traits_has_method_named(c, callee->name.text))
    return false;
  return receiver_selected_call(c, call, callee, callee->name.text, NULL, pipe_arg, out, -1);
}

/* ------------------------------------------------------------ methods as values */

/* The interface qualifying `I.m` written as a value, or NULL. */
static const char *value_interface(Checker *c, Expr *e) {
  Expr *t = e->target;
  if (!t || t->kind != EXPR_NAME || !name_is_upper(t->name.text)) return NULL;
  const char *tn = t->name.text;
  if (scope_lookup(c, tn) || symtab_get(&c->mi->modules, tn) || builtin_is_namespace(tn) ||
      lookup_sum(c, tn) || lookup_struct(c, tn) || !traits_is_interface(c, tn))
    return NULL;
  return tn;
}

bool methods_value(Checker *c, Expr *e, Type *hint, Type **out) {
  const char *m = e->name.text, *iface = NULL;
  if (!m) return false;
  if (e->kind == EXPR_FIELD) {
    iface = value_interface(c, e);
    if (!iface) return false;
    if (traits_is_builtin_protocol(c, iface)) { /* `Display.to_string` */
      int id = builtin_lookup("", m);
      if (id < 0) return false;
      *out = builtin_use_type(c, id, &e->ref);
      return true;
    }
  } else if (e->kind != EXPR_NAME || plain_name_defined(c, m) || !traits_has_method_named(c, m)) {
    return false;
  }
  /* the receiver's type known from the context: that impl's method */
  Type *h = type_resolve(hint);
  Type *recv = h && h->kind == T_FUN && h->nargs > 0 ? type_resolve(h->args[0]) : NULL;
  bool ambiguous = false;
  FnDecl *meth = recv && recv->kind != T_VAR
                     ? traits_find_method(c, recv, m, iface, e->span, &ambiguous)
                     : NULL;
  if (meth) {
    *out = fn_use_type(c, meth, &e->ref);
    return true;
  }
  Type *ft = NULL;
  if (!ambiguous && recv && recv->kind == T_VAR &&
      traits_bound_call(c, recv, m, iface, e->span, &e->ref, &ft)) {
    *out = ft ? ft : new_var(c);
    return true;
  }
  if (ambiguous) {
    *out = new_var(c);
    return true;
  }
  if (recv && recv->kind != T_VAR && recv->kind != T_NEVER) {
    const char *ts = tstr(c, recv);
    Diagnostic *d = diag_error(c->dc, "E0030", c->mod->file, e->span,
                               arena_printf(c->a, "method `%s` not found", m),
                               "no method `%s` on type `%s`", m, ts);
    diag_set_help(c->dc, d, "type `%s` has no trait impl providing `%s`", ts, m);
    *out = new_var(c);
    return true;
  }
  /* receiver unknown yet: the interface's signature, the impl chosen per
   * instance once the receiver's type is known (traits.c, lowering) */
  *out = traits_method_value(c, e, m, iface);
  return true;
}
