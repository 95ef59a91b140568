/* lower.c — lowering entry point: the worklist of function instances
 * starting from `main`, and the bodies of named functions. */
#include "lower.h"

#include <string.h>

const SourceFile *fn_file(FnDecl *fn) {
  return fn && fn->module ? fn->module->file : NULL;
}

FnCtx fnctx_new(Lower *L, IrFunc *f, MonoEnv env, const SourceFile *file) {
  FnCtx c = {0};
  c.L = L;
  c.f = f;
  c.env = env;
  c.file = file;
  if (file) f->file = file->path;
  return c;
}

int fnctx_slot_of(FnCtx *c, Binding *b) {
  for (int i = c->locals.len - 1; i >= 0; i--)
    if (c->locals.items[i].b == b) return c->locals.items[i].slot;
  return -1;
}

int fnctx_bind(FnCtx *c, Binding *b) {
  int slot = ir_new_slot(c->L->a, c->f, b ? b->name : NULL);
  LocalSlot ls = {b, slot};
  VEC_PUSH(c->L->a, c->locals, ls);
  return slot;
}

int lower_line(FnCtx *c, Span at) {
  if (!c->file) return 0;
  int line = 0, col = 0;
  source_position(c->file, at.start, &line, &col);
  return line;
}

void lower_error(FnCtx *c, Span at, const char *what) {
  c->L->errors++;
  if (c->file)
    diag_fatal_line(c->L->dc, "%s is not supported by code generation yet (%s:%d)", what,
                    c->file->path, lower_line(c, at));
  else
    diag_fatal_line(c->L->dc, "%s is not supported by code generation yet", what);
}

/* ---------------------------------------------------------------- instances */

static const char *instance_name(Lower *L, FnDecl *fn, Type **inst, int ninst) {
  const char *mod = fn->module && fn->module->name ? fn->module->name : "Main";
  /* nested functions, impl methods and service functions (owner) may share
   * names: the id tells them apart */
  const char *base = fn->is_nested || fn->is_method || fn->owner
                         ? arena_printf(L->a, "%s.%s#%d", mod, fn->name.text, fn->id)
                         : arena_printf(L->a, "%s.%s", mod, fn->name.text);
  if (ninst == 0) return base;
  const char *s = arena_printf(L->a, "%s<", base);
  for (int i = 0; i < ninst; i++)
    s = arena_printf(L->a, "%s%s%s", s, i ? ", " : "", type_key(L, inst[i]));
  return arena_printf(L->a, "%s>", s);
}

static int fn_arity(FnDecl *fn) {
  return fn->clauses.len ? fn->clauses.items[0].params.len : 0;
}

/* The instance of `fn` for the concrete types `inst` (one per scheme
 * variable), created (and queued for lowering) on first use. */
Instance *lower_instance(Lower *L, FnDecl *fn, Type **inst, int ninst) {
  return lower_instance_in(L, fn, inst, ninst, NULL);
}

/* A nested function sees the enclosing instance's environment too: its type
 * may mention variables of the enclosing scheme that it does not quantify
 * itself (an actor's message type M through its receive arms). */
Instance *lower_instance_in(Lower *L, FnDecl *fn, Type **inst, int ninst, const MonoEnv *outer) {
  int nvars = fn->scheme ? fn->scheme->nvars : 0;
  if (ninst > nvars) ninst = nvars;
  const char *key = instance_name(L, fn, inst, ninst);
  if (outer && outer->n > 0) {
    const char *ctx = "";
    for (int i = 0; i < outer->n; i++)
      ctx = arena_printf(L->a, "%s%s%s", ctx, i ? "," : "", type_key(L, outer->types[i]));
    key = arena_printf(L->a, "%s@{%s}", key, ctx);
  }
  const char *map_key = arena_printf(L->a, "%p %s", (void *)fn, key);
  Instance *known = strmap_get(&L->instance_by_key, map_key);
  if (known) return known;
  Instance *in = ARENA_NEW(L->a, Instance);
  in->fn = fn;
  in->key = key;
  MonoEnv empty = {0};
  in->env = mono_env_extend(L, outer ? outer : &empty, fn->scheme ? fn->scheme->vars : NULL, inst,
                            ninst);
  in->env = lower_bound_assoc_env(L, fn, in->env); /* `where C: I` with I<T> (lower_traits.c) */
  in->ir = ir_func_new(L->a, L->m, key, fn_arity(fn) + lower_actor_extra_params(fn), false);
  in->ir->file = fn_file(fn) ? fn_file(fn)->path : NULL;
  in->ir->sig = type_key(L, mono_type(L, &in->env, fn->type));
  VEC_PUSH(L->a, L->instances, in);
  strmap_put(L->a, &L->instance_by_key, map_key, in);
  return in;
}

/* Parameter types of the instance: from the function type when known. */
static Type **instance_param_types(FnCtx *c, FnDecl *fn, int n) {
  Type **types = ARENA_ARRAY(c->L->a, Type *, n ? n : 1);
  Type *ft = type_resolve(fn->type);
  for (int i = 0; i < n; i++) {
    Type *t = ft && ft->kind == T_FUN && i < ft->nargs ? ft->args[i] : NULL;
    if (!t && fn->clauses.len && fn->clauses.items[0].params.items[i].pattern)
      t = fn->clauses.items[0].params.items[i].pattern->type;
    types[i] = t ? ctx_type(c, t) : type_unit();
  }
  return types;
}

static void lower_instance_body(Lower *L, Instance *in) {
  FnDecl *fn = in->fn;
  FnCtx c = fnctx_new(L, in->ir, in->env, fn_file(fn));
  c.f->line = lower_line(&c, fn->span);
  int n = fn_arity(fn);
  MatchRow *rows = ARENA_ARRAY(L->a, MatchRow, fn->clauses.len ? fn->clauses.len : 1);
  int nrows = 0;
  for (int k = 0; k < fn->clauses.len; k++) {
    FnClause *cl = &fn->clauses.items[k];
    if (cl->params.len != n) continue; /* E0024 was reported; never reached */
    rows[nrows].pats = ARENA_ARRAY(L->a, Pattern *, n ? n : 1);
    for (int i = 0; i < n; i++)
      rows[nrows].pats[i] = cl->params.items[i].pattern;
    rows[nrows].guard = cl->guard;
    rows[nrows].body = cl->body;
    nrows++;
  }
  c.f->body = lower_clauses(&c, rows, nrows, n, instance_param_types(&c, fn, n), c.f->line);
  if (fn->actor) c.f->body = lower_actor_prologue(&c, fn, c.f->body); /* lower_actors.c */
  if (fn->main_msg_type) c.f->body = lower_main_prologue(&c, fn, c.f->body);
  in->lowered = true;
}

IrModule *lower_program(Arena *a, DiagContext *dc, Program *p) {
  Lower L = {0};
  L.a = a;
  L.dc = dc;
  L.prog = p;
  L.m = ARENA_NEW(a, IrModule);
  if (!p->main_fn) {
    diag_fatal_line(dc, "no `main` function to compile");
    return NULL;
  }
  /* main may not be generic in a useful way: its variables default to (). */
  Instance *main_inst = lower_instance(&L, p->main_fn, NULL, 0);
  L.m->main_fn = main_inst->ir;
  for (int i = 0; i < L.instances.len; i++) /* grows while we go */
    if (!L.instances.items[i]->lowered) lower_instance_body(&L, L.instances.items[i]);
  return L.errors ? NULL : L.m;
}
