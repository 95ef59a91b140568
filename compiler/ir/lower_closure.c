/* lower_closure.c — closure conversion: closure expressions become code
 * functions taking the closure object (captures by value in words 1..), and
 * named functions, constructors and library functions used as values get
 * wrapper code functions following the word ABI of snow_rt.h. */
#include "../common/builtins.h"
#include "lower.h"

static Arena *A(FnCtx *c) {
  return c->L->a;
}

static Type *fun_param(Type *ft, int i) {
  return ft && ft->kind == T_FUN && i < ft->nargs ? ft->args[i] : type_unit();
}

IrNode *lower_closure_expr(FnCtx *c, Expr *e) {
  Lower *L = c->L;
  Arena *a = A(c);
  int line = lower_line(c, e->span);
  int n = e->clauses.len ? e->clauses.items[0].params.len : 0;
  const char *name = arena_printf(a, "%s$fn%d", c->f->name, ++L->counter);
  IrFunc *f = ir_func_new(a, L->m, name, n, true);
  FnCtx child = fnctx_new(L, f, c->env, c->file);
  f->line = line;
  f->sig = arena_printf(a, "closure %s", type_key(L, ctx_type(c, e->type)));
  IrNode *body = ir_seq(a);
  IrNode *clo = ir_node(a, IR_CLOSURE, line);
  clo->fn = f;
  /* A generalised `let` closure is re-created at each use (per
   * instantiation), so its own captures must be captured here too. */
  VEC(Binding *) caps = {0};
  for (int i = 0; i < e->ncaptures; i++)
    VEC_PUSH(a, caps, e->captures[i]);
  for (int i = 0; i < caps.len; i++) {
    Binding *b = caps.items[i];
    if (!b->scheme || b->scheme->nvars == 0 || !b->let_value || b->let_value->kind != EXPR_CLOSURE)
      continue;
    for (int k = 0; k < b->let_value->ncaptures; k++) {
      Binding *inner = b->let_value->captures[k];
      bool seen = false;
      for (int j = 0; j < caps.len; j++)
        seen |= caps.items[j] == inner;
      if (!seen) VEC_PUSH(a, caps, inner);
    }
  }
  Type **cap_types = ARENA_ARRAY(a, Type *, caps.len ? caps.len : 1);
  for (int i = 0; i < caps.len; i++) {
    Binding *b = caps.items[i];
    int slot = fnctx_bind(&child, b);
    ir_add_kid(a, body, ir_set(a, slot, ir_field(a, ir_node(a, IR_ENV, 0), i + 1)));
    int outer = fnctx_slot_of(c, b);
    ir_add_kid(a, clo, outer >= 0 ? ir_var(a, outer) : ir_unit(a));
    cap_types[i] = ctx_type(c, b->type);
  }
  clo->ptrmap = ptrmap_of(cap_types, caps.len);
  Type *ft = ctx_type(c, e->type);
  Type **ptypes = ARENA_ARRAY(a, Type *, n ? n : 1);
  for (int i = 0; i < n; i++)
    ptypes[i] = fun_param(ft, i);
  MatchRow *rows = ARENA_ARRAY(a, MatchRow, e->clauses.len ? e->clauses.len : 1);
  int nrows = 0;
  for (int k = 0; k < e->clauses.len; k++) {
    ClosureClause *cl = &e->clauses.items[k];
    if (cl->params.len != n) continue;
    rows[nrows].pats = ARENA_ARRAY(a, Pattern *, n ? n : 1);
    for (int i = 0; i < n; i++)
      rows[nrows].pats[i] = cl->params.items[i].pattern;
    rows[nrows].guard = cl->guard;
    rows[nrows].body = cl->body;
    nrows++;
  }
  ir_add_kid(a, body, lower_clauses(&child, rows, nrows, n, ptypes, line));
  f->body = body;
  return clo;
}

/* A closure value without captures whose code is `code`. */
static IrNode *static_closure(FnCtx *c, IrFunc *code, int line) {
  IrNode *clo = ir_node(A(c), IR_CLOSURE, line);
  clo->fn = code;
  return clo;
}

static IrFunc *new_wrapper(FnCtx *c, const char *key, const char *name, int n) {
  IrFunc *f = ir_func_new(A(c), c->L->m, name, n, true);
  f->sig = arena_printf(A(c), "function value: %s", key);
  f->file = c->f->file;
  lower_cache_put(c->L, key, f);
  return f;
}

IrNode *lower_fn_value(FnCtx *c, Instance *inst, int line) {
  const char *key = arena_printf(A(c), "value %s", inst->key);
  IrFunc *w = lower_cache_get(c->L, key);
  if (!w) {
    int n = inst->ir->nparams;
    w = new_wrapper(c, key, arena_printf(A(c), "%s$value", inst->key), n);
    IrNode *call = ir_node(A(c), IR_CALL, line);
    call->fn = inst->ir;
    for (int i = 0; i < n; i++)
      ir_add_kid(A(c), call, ir_var(A(c), i));
    w->body = call;
  }
  return static_closure(c, w, line);
}

IrNode *lower_ctor_apply(FnCtx *c, Variant *v, Type *result_type, IrNode **args, int nargs) {
  if (nargs == 0) return ir_int(A(c), v->index);
  int nf = 0;
  Type **ftypes = variant_field_types(c->L, result_type, v, &nf);
  IrNode *rec = ir_node(A(c), IR_RECORD, 0);
  rec->ival = v->index;
  rec->ptrmap = ptrmap_of(ftypes, nf < nargs ? nf : nargs);
  for (int i = 0; i < nargs; i++)
    ir_add_kid(A(c), rec, args[i]);
  return rec;
}

IrNode *lower_ctor_value(FnCtx *c, Variant *v, Type *fun_type, int line) {
  const char *key = arena_printf(A(c), "ctor %s#%d %s", v->name.text, v->owner ? v->owner->id : -1,
                                 type_key(c->L, fun_type));
  IrFunc *w = lower_cache_get(c->L, key);
  if (!w) {
    int n = fun_type->kind == T_FUN ? fun_type->nargs : 0;
    w = new_wrapper(c, key, arena_printf(A(c), "%s$ctor%d", v->name.text, ++c->L->counter), n);
    FnCtx wc = fnctx_new(c->L, w, (MonoEnv){0}, c->file);
    IrNode **args = ARENA_ARRAY(A(c), IrNode *, n ? n : 1);
    for (int i = 0; i < n; i++)
      args[i] = ir_var(A(c), i);
    w->body = lower_ctor_apply(&wc, v, fun_type->kind == T_FUN ? fun_type->ret : fun_type, args, n);
  }
  return static_closure(c, w, line);
}

IrNode *lower_builtin_value(FnCtx *c, int builtin, Type *fun_type, int line) {
  if (fun_type->kind != T_FUN) /* a library constant such as Math.pi */
    return lower_builtin_call(c, builtin, NULL, NULL, 0, fun_type, line);
  const char *key = arena_printf(A(c), "builtin %d %s", builtin, type_key(c->L, fun_type));
  IrFunc *w = lower_cache_get(c->L, key);
  if (!w) {
    int n = fun_type->nargs;
    const BuiltinInfo *bi = &builtin_table[builtin];
    w = new_wrapper(c, key,
                    arena_printf(A(c), "%s%s%s$value%d", bi->module, *bi->module ? "." : "",
                                 bi->name, ++c->L->counter),
                    n);
    FnCtx wc = fnctx_new(c->L, w, (MonoEnv){0}, c->file);
    IrNode **args = ARENA_ARRAY(A(c), IrNode *, n ? n : 1);
    for (int i = 0; i < n; i++)
      args[i] = ir_var(A(c), i);
    w->body = lower_builtin_call(&wc, builtin, args, fun_type->args, n, fun_type->ret, line);
  }
  return static_closure(c, w, line);
}
