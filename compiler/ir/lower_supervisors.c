/* lower_supervisors.c — supervisors as runtime calls (concurrency.md §15;
 * snow_rt.h "processes area", Supervisors).
 *
 * Contract.
 * - Per supervisor (once, cached by its id) a starter IR function of no
 *   parameters: it builds the children List of RECORDs {id STRING, start
 *   closure, restart code, shutdown ms (0 = brutal_kill)} (ptrmap 0b11), in
 *   declaration order, and returns snow_supervisor_start(name, strategy,
 *   max_restarts, max_seconds (0 -> 1), children). Each start closure is the
 *   value of the child's synthesized function (check/supervisors.c),
 *   instantiated without a substitution (undetermined types behave as ()).
 *   The simple_one_for_one template is wrapped in an adapter closure of one
 *   parameter, the RECORD of start_child's arguments, that calls the user's
 *   closure (capture 1) with the record's fields.
 * - `NAME()` / `spawn(NAME)` (lowered as the call) -> the starter's call;
 *   `NAME` as a value -> a static closure of the starter.
 * - `NAME.start_child(sup, a..)` -> snow_supervisor_start_child(sup, RECORD of
 *   a.. (ptrmap from their types) or NULL, n).
 * - Supervisor.count_children / which_children / terminate_child ->
 *   snow_supervisor_* (Bool is the 0/1 word). */
#include <string.h>

#include "../common/builtins.h"
#include "lower.h"

static Type *fun_ret_type(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_FUN ? type_resolve(t->ret) : NULL;
}

/* The adapter for the template: adapter(env, rec) = env.user(rec.0, .., rec.n-1). */
static IrFunc *template_adapter(Lower *L, const char *base, int nparams) {
  Arena *a = L->a;
  IrFunc *f = ir_func_new(a, L->m, arena_printf(a, "%s.%%template", base), 1, true);
  f->sig = arena_printf(a, "start_child adapter of %s", base);
  IrNode *call = ir_node(a, IR_CALL_CLOSURE, 0);
  ir_add_kid(a, call, ir_field(a, ir_node(a, IR_ENV, 0), 1));
  for (int i = 0; i < nparams; i++)
    ir_add_kid(a, call, ir_field(a, ir_var(a, 0), i));
  f->body = call;
  return f;
}

/* The start closure of child k (adapted for the template). */
static IrNode *child_start(Lower *L, SupervisorDecl *s, int k, const char *base) {
  Arena *a = L->a;
  Instance *in = lower_instance(L, s->child_fns[k], NULL, 0);
  IrNode *user = ir_call(a, in->ir, NULL, 0);
  if (s->strategy_code != 3) return user;
  Type *clo = fun_ret_type(s->child_fns[k]->type);
  int n = clo && clo->kind == T_FUN ? clo->nargs : 0;
  IrNode *adapter = ir_node(a, IR_CLOSURE, 0);
  adapter->fn = template_adapter(L, base, n);
  adapter->ptrmap = 1;
  ir_add_kid(a, adapter, user);
  return adapter;
}

static IrFunc *starter(Lower *L, SupervisorDecl *s) {
  const char *mod = s->module && s->module->name ? s->module->name : "Main";
  const char *base = arena_printf(L->a, "%s.%s#%d", mod, s->name.text, s->id);
  const char *key = arena_printf(L->a, "supervisor %s", base);
  IrFunc *f = lower_cache_get(L, key);
  if (f) return f;
  Arena *a = L->a;
  f = ir_func_new(a, L->m, arena_printf(a, "%s.%%start", base), 0, false);
  lower_cache_put(L, key, f);
  f->sig = arena_printf(a, "supervisor %s", s->name.text);
  f->file = s->module && s->module->file ? s->module->file->path : NULL;
  IrNode *list = ir_node(a, IR_LIST, 0);
  list->ival = 1;
  for (int k = 0; k < s->children.len; k++) {
    const char *id = s->children.items[k].name.text;
    IrNode *rec = ir_node(a, IR_RECORD, 0);
    rec->ptrmap = 3;
    ir_add_kid(a, rec, ir_string(a, id, (uint32_t)strlen(id)));
    ir_add_kid(a, rec, child_start(L, s, k, base));
    ir_add_kid(a, rec, ir_int(a, s->restart_codes[k]));
    ir_add_kid(a, rec, ir_int(a, s->shutdown_ms[k]));
    ir_add_kid(a, list, rec);
  }
  int64_t max_restarts = s->has_max_restarts ? s->max_restarts : 3;
  int64_t max_seconds = s->has_max_seconds ? s->max_seconds : 5;
  if (max_seconds == 0) max_seconds = 1; /* §15.1 */
  f->body = ir_call_rt(a, RT_SUPERVISOR_START, 5,
                       ir_string(a, s->name.text, (uint32_t)strlen(s->name.text)),
                       ir_int(a, s->strategy_code), ir_int(a, max_restarts),
                       ir_int(a, max_seconds), list);
  return f;
}

static SupervisorDecl *supervisor_of(FnCtx *c, Expr *e) {
  Item *it = e->ref.item;
  SupervisorDecl *s = it && it->kind == ITEM_SUPERVISOR ? it->supervisor : NULL;
  if (!s || !s->valid || !s->child_fns) {
    lower_error(c, e->span, "this supervisor");
    return NULL;
  }
  return s;
}

IrNode *lower_supervisor_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n,
                               int line) {
  Arena *a = c->L->a;
  SupervisorDecl *s = supervisor_of(c, callee);
  if (!s) return ir_unit(a);
  IrNode *r;
  if (callee->kind == EXPR_FIELD) { /* NAME.start_child(sup, a..) */
    if (n < 1) {
      lower_error(c, callee->span, "this start_child call");
      return ir_unit(a);
    }
    IrNode *rec = ir_int(a, 0);
    if (n > 1) {
      rec = ir_node(a, IR_RECORD, 0);
      for (int i = 1; i < n; i++)
        ir_add_kid(a, rec, args[i]);
      rec->ptrmap = ptrmap_of(types + 1, n - 1);
    }
    r = ir_call_rt(a, RT_SUPERVISOR_START_CHILD, 3, args[0], rec, ir_int(a, n - 1));
  } else {
    r = ir_call(a, starter(c->L, s), NULL, 0);
  }
  r->line = line;
  return r;
}

IrNode *lower_supervisor_value(FnCtx *c, Expr *e) {
  Arena *a = c->L->a;
  SupervisorDecl *s = supervisor_of(c, e);
  if (!s || e->kind != EXPR_NAME) {
    if (s) lower_error(c, e->span, "start_child as a value");
    return ir_unit(a);
  }
  IrFunc *start = starter(c->L, s);
  const char *key = arena_printf(a, "value %s", start->name);
  IrFunc *w = lower_cache_get(c->L, key);
  if (!w) {
    w = ir_func_new(a, c->L->m, arena_printf(a, "%s$value", start->name), 0, true);
    w->sig = arena_printf(a, "function value: %s", key);
    w->body = ir_call(a, start, NULL, 0);
    lower_cache_put(c->L, key, w);
  }
  IrNode *clo = ir_node(a, IR_CLOSURE, lower_line(c, e->span));
  clo->fn = w;
  return clo;
}

IrNode *lower_builtin_supervisors(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                                  Type *result, int *want) {
  (void)types;
  (void)result;
  Arena *a = c->L->a;
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
  switch ((BuiltinId)builtin) {
  case BI_SUPERVISOR_COUNT_CHILDREN:
    *want = 1;
    return x ? ir_call_rt(a, RT_SUPERVISOR_COUNT_CHILDREN, 1, x) : NULL;
  case BI_SUPERVISOR_WHICH_CHILDREN:
    *want = 1;
    return x ? ir_call_rt(a, RT_SUPERVISOR_WHICH_CHILDREN, 1, x) : NULL;
  case BI_SUPERVISOR_TERMINATE_CHILD:
    *want = 2;
    return y ? ir_call_rt(a, RT_SUPERVISOR_TERMINATE_CHILD, 2, x, y) : NULL;
  default:
    return NULL;
  }
}
