/* lower_services.c — services and jobs as runtime calls (concurrency.md
 * §13, §14; snow_rt.h "processes area", Services and Jobs).
 *
 * Contract.
 * - Per service (once, cached by the service's id) two IR functions:
 *     init(args)                   calls the `init` instance with the fields
 *                                  of the args RECORD; () without `init`
 *     dispatch(handler, state, args)  switch on the handler index (declaration
 *                                  order): calls the handler's function
 *                                  (check/services.c) with the state and the
 *                                  fields of args; a call handler yields its
 *                                  (new_state, reply) tuple RECORD (ptrmap from
 *                                  its types), a cast the new state.
 *   Handler functions are instantiated without a substitution: a service is
 *   monomorphic (undetermined types behave as ()).
 * - `NAME.start(a..)`  -> snow_service_start(init, dispatch, is_call_mask, args, n)
 *   `NAME.<call>(pid, b..)` -> snow_service_call(pid, h, args, n) (the reply)
 *   `NAME.<cast>(pid, b..)` -> snow_service_cast(pid, h, args, n), value ()
 *   where args is a RECORD of the arguments (pointer map from their types),
 *   or NULL without arguments.
 * - Job.async/await/await_timeout/map -> snow_job_*, with the pointer-ness
 *   of the closure's result (and of the list elements) from the types. */
#include <string.h>

#include "../common/builtins.h"
#include "lower.h"

#define SERVICE_MAX_HANDLERS 63 /* bits of is_call_mask */

typedef struct ServiceFuncs {
  IrFunc *init, *dispatch;
  int64_t call_mask;
} ServiceFuncs;

static IrNode *fn_addr(Arena *a, IrFunc *f) {
  IrNode *n = ir_node(a, IR_FUNC_ADDR, 0);
  n->fn = f;
  return n;
}

/* Calls `fn` (no substitution) with `first` (may be NULL) then the nargs
 * fields of the RECORD in slot `rec`. */
static IrNode *call_with_fields(Lower *L, FnDecl *fn, IrNode *first, int rec) {
  Instance *in = lower_instance(L, fn, NULL, 0);
  int n = in->ir->nparams;
  IrNode **args = ARENA_ARRAY(L->a, IrNode *, n ? n : 1);
  int k = 0;
  if (first && n > 0) args[k++] = first;
  for (int i = 0; k < n; i++)
    args[k++] = ir_field(L->a, ir_var(L->a, rec), i);
  return ir_call(L->a, in->ir, args, n);
}

static ServiceFuncs *service_funcs(Lower *L, ServiceDecl *svc) {
  const char *mod = svc->module && svc->module->name ? svc->module->name : "Main";
  const char *base = arena_printf(L->a, "%s.%s#%d", mod, svc->name.text, svc->id);
  const char *key = arena_printf(L->a, "service %s", base);
  ServiceFuncs *sf = strmap_get(&L->cache, key);
  if (sf) return sf;
  sf = ARENA_NEW(L->a, ServiceFuncs);
  strmap_put(L->a, &L->cache, key, sf);
  Arena *a = L->a;
  /* init(args) */
  sf->init = ir_func_new(a, L->m, arena_printf(a, "%s.%%init", base), 1, false);
  sf->init->sig = arena_printf(a, "service init of %s", svc->name.text);
  sf->init->file = svc->module && svc->module->file ? svc->module->file->path : NULL;
  sf->init->body = svc->init ? call_with_fields(L, svc->init, NULL, 0) : ir_unit(a);
  /* dispatch(handler, state, args) */
  sf->dispatch = ir_func_new(a, L->m, arena_printf(a, "%s.%%dispatch", base), 3, false);
  sf->dispatch->sig = arena_printf(a, "service dispatch of %s", svc->name.text);
  sf->dispatch->file = sf->init->file;
  IrNode *sw = ir_node(a, IR_SWITCH, 0);
  ir_add_kid(a, sw, ir_var(a, 0));
  int nh = svc->handlers.len;
  sw->ncases = nh;
  sw->cases = ARENA_ARRAY(a, int64_t, nh ? nh : 1);
  for (int k = 0; k < nh; k++) {
    sw->cases[k] = k;
    ir_add_kid(a, sw, call_with_fields(L, svc->handler_fns[k], ir_var(a, 1), 2));
    if (svc->handlers.items[k].kind == HANDLER_CALL) sf->call_mask |= (int64_t)1 << k;
  }
  ir_add_kid(a, sw, ir_var(a, 1)); /* unknown index: the state unchanged */
  sf->dispatch->body = sw;
  return sf;
}

/* RECORD of args[from..n) (NULL word when empty). */
static IrNode *args_record(Arena *a, IrNode **args, Type **types, int from, int n) {
  if (n <= from) return ir_int(a, 0);
  IrNode *rec = ir_node(a, IR_RECORD, 0);
  for (int i = from; i < n; i++)
    ir_add_kid(a, rec, args[i]);
  rec->ptrmap = ptrmap_of(types + from, n - from);
  return rec;
}

IrNode *lower_service_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n, int line) {
  Arena *a = c->L->a;
  Item *it = callee->ref.item;
  ServiceDecl *svc = it && it->kind == ITEM_SERVICE ? it->service : NULL;
  if (!svc || !svc->handler_fns || svc->handlers.len > SERVICE_MAX_HANDLERS) {
    lower_error(c, callee->span, "this service");
    return ir_unit(a);
  }
  ServiceFuncs *sf = service_funcs(c->L, svc);
  int h = callee->ref.handler;
  IrNode *r;
  if (h < 0) {
    r = ir_call_rt(a, RT_SERVICE_START, 5, fn_addr(a, sf->init), fn_addr(a, sf->dispatch),
                   ir_int(a, sf->call_mask), args_record(a, args, types, 0, n), ir_int(a, n));
  } else if (h < svc->handlers.len && n >= 1) {
    int rt = svc->handlers.items[h].kind == HANDLER_CALL ? RT_SERVICE_CALL : RT_SERVICE_CAST;
    r = ir_call_rt(a, rt, 4, args[0], ir_int(a, h), args_record(a, args, types, 1, n),
                   ir_int(a, n - 1));
  } else {
    lower_error(c, callee->span, "this service call");
    return ir_unit(a);
  }
  r->line = line;
  return r;
}

/* `NAME.start` / `NAME.<handler>` used as a function value: a closure
 * without captures whose code makes the call. */
IrNode *lower_service_value(FnCtx *c, Expr *e) {
  Arena *a = c->L->a;
  Type *ft = ctx_type(c, e->type);
  int line = lower_line(c, e->span);
  Item *it = e->ref.item;
  if (ft->kind != T_FUN || !it || it->kind != ITEM_SERVICE) {
    lower_error(c, e->span, "this service function value");
    return ir_unit(a);
  }
  const char *key = arena_printf(a, "service value %d %d %s", it->service->id, e->ref.handler,
                                 type_key(c->L, ft));
  IrFunc *w = lower_cache_get(c->L, key);
  if (!w) {
    int n = ft->nargs;
    const char *m = e->ref.handler < 0 ? "start" : it->service->snake[e->ref.handler];
    w = ir_func_new(a, c->L->m,
                    arena_printf(a, "%s.%s$value%d", it->service->name.text, m, ++c->L->counter), n,
                    true);
    w->sig = arena_printf(a, "function value: %s", key);
    w->file = c->f->file;
    lower_cache_put(c->L, key, w);
    FnCtx wc = fnctx_new(c->L, w, (MonoEnv){0}, c->file);
    IrNode **args = ARENA_ARRAY(a, IrNode *, n ? n : 1);
    for (int i = 0; i < n; i++)
      args[i] = ir_var(a, i);
    w->body = lower_service_apply(&wc, e, args, ft->args, n, line);
  }
  IrNode *clo = ir_node(a, IR_CLOSURE, line);
  clo->fn = w;
  return clo;
}

/* ---------------------------------------------------------------- jobs */

static Type *fun_ret(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_FUN ? type_resolve(t->ret) : type_unit();
}

static Type *list_elem(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_CON && t->con == TC_LIST && t->nargs == 1 ? type_resolve(t->args[0])
                                                                     : type_unit();
}

IrNode *lower_builtin_jobs(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want) {
  (void)result;
  Arena *a = c->L->a;
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
  switch ((BuiltinId)builtin) {
  case BI_JOB_ASYNC:
    *want = 1;
    if (!x) return NULL;
    return ir_call_rt(a, RT_JOB_ASYNC, 2, x, ir_int(a, type_is_ptr(fun_ret(types[0]))));
  case BI_JOB_AWAIT:
    *want = 1;
    return x ? ir_call_rt(a, RT_JOB_AWAIT, 2, x, ir_int(a, -1)) : NULL;
  case BI_JOB_AWAIT_TIMEOUT: {
    *want = 2;
    if (!y) return NULL;
    /* negative timeouts behave like 0 (§14); the runtime reads < 0 as none */
    int job = ir_new_slot(a, c->f, "job"), slot = ir_new_slot(a, c->f, "ms");
    IrNode *seq = ir_seq(a);
    ir_add_kid(a, seq, ir_set(a, job, x)); /* arguments left to right */
    ir_add_kid(a, seq, ir_set(a, slot, y));
    IrNode *ms = ir_if(a, ir_bin(a, IB_ILT, ir_var(a, slot), ir_int(a, 0), 0), ir_int(a, 0),
                       ir_var(a, slot));
    ir_add_kid(a, seq, ir_call_rt(a, RT_JOB_AWAIT, 2, ir_var(a, job), ms));
    return seq;
  }
  case BI_JOB_MAP:
    *want = 2;
    if (!y) return NULL;
    return ir_call_rt(a, RT_JOB_MAP, 4, x, y, ir_int(a, type_is_ptr(list_elem(types[0]))),
                      ir_int(a, type_is_ptr(fun_ret(types[1]))));
  default:
    return NULL;
  }
}
