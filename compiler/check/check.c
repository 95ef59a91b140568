/* check.c — the checker's driver (check.h): per module, collects the
 * top-level definitions (E0023, deriving rules E0028/E0029, unsupported
 * constructs E9999), applies the clause rules (E0022, E0024, W0002), orders
 * the top-level functions by strongly connected components of the call
 * graph and checks/generalises each component together (§5.7), then
 * finalizes it (finalize.c), checks top-level statements, and finds `main`. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ shared helpers */

bool enter_depth(Checker *c, Span span) {
  if (c->depth >= CHECK_MAX_DEPTH) {
    if (!c->depth_reported) {
      diag_error(c->dc, "E9999", c->mod->file, span, "nested too deeply",
                 "not yet supported: nesting deeper than %d levels", CHECK_MAX_DEPTH);
      c->depth_reported = true;
    }
    return false;
  }
  c->depth++;
  return true;
}

void leave_depth(Checker *c) {
  c->depth--;
}

Diagnostic *report_unsupported(Checker *c, Span span, const char *what) {
  return diag_error(c->dc, "E9999", c->mod->file, span,
                    "not supported by this compiler version yet", "not yet supported: %s", what);
}

/* ------------------------------------------------------------ clause rules */

/* Before patterns are typed: an uppercase plain name may be a variant. */
static bool param_is_catch_all(Checker *c, Pattern *p) {
  while (p && p->kind == PAT_AS)
    p = p->inner;
  if (!p) return true;
  if (p->kind == PAT_WILDCARD) return true;
  if (p->kind == PAT_BIND) {
    if (!name_is_upper(p->name.text)) return true;
    Variant *v = lookup_variant(c, p->name.text);
    return !(v && variant_arity(v) == 0);
  }
  if (p->kind == PAT_CTOR && !p->has_args && !p->qualifier.text)
    return lookup_variant(c, p->name.text) == NULL;
  return false;
}

static void w0002(Checker *c, FnDecl *fn, FnClause *cl, const char *what) {
  diag_warning(c->dc, "W0002", c->mod->file, cl->header_span,
               "only the first clause should have this annotation",
               "%s on non-first clause of `%s` will be ignored", what, fn->name.text);
}

void check_clause_rules(Checker *c, FnDecl *fn) {
  if (fn->clauses.len == 0) return;
  int n = fn->clauses.items[0].params.len;
  for (int k = 1; k < fn->clauses.len; k++) {
    FnClause *cl = &fn->clauses.items[k];
    if (cl->params.len != n)
      diag_error(
          c->dc, "E0024", c->mod->file, cl->header_span,
          arena_printf(c->a, "expected %d parameters", n),
          "all clauses of `%s` must have the same number of parameters; expected %d, found %d",
          fn->name.text, n, cl->params.len);
    if (cl->is_pub) w0002(c, fn, cl, "visibility");
    if (cl->generics.len > 0) w0002(c, fn, cl, "generic parameters");
    if (cl->ret) w0002(c, fn, cl, "return type annotation");
    if (cl->where.len > 0) w0002(c, fn, cl, "where clause");
  }
  for (int k = 0; k < fn->clauses.len - 1; k++) {
    FnClause *cl = &fn->clauses.items[k];
    if (cl->guard) continue;
    bool all = true;
    for (int i = 0; i < cl->params.len && all; i++)
      all = param_is_catch_all(c, cl->params.items[i].pattern);
    if (all) {
      diag_error(c->dc, "E0022", c->mod->file, cl->header_span,
                 "clauses after a catch-all are unreachable",
                 "catch-all clause must be the last clause of function `%s/%d`", fn->name.text,
                 cl->params.len);
      break;
    }
  }
}

/* ------------------------------------------------------------ deriving */

static unsigned derive_bit(const char *name) {
  if (!strcmp(name, "Eq")) return DERIVE_EQ;
  if (!strcmp(name, "Ord")) return DERIVE_ORD;
  if (!strcmp(name, "Hash")) return DERIVE_HASH;
  if (!strcmp(name, "Debug")) return DERIVE_DEBUG;
  if (!strcmp(name, "Display")) return DERIVE_DISPLAY;
  if (!strcmp(name, "Json")) return DERIVE_JSON;
  if (!strcmp(name, "Row")) return DERIVE_ROW;
  return 0;
}

static unsigned check_deriving(Checker *c, const char *tname, bool has, NameVec *list, bool is_sum,
                               Span span) {
  if (!has)
    return is_sum ? (DERIVE_EQ | DERIVE_ORD | DERIVE_DEBUG)
                  : (DERIVE_EQ | DERIVE_ORD | DERIVE_HASH | DERIVE_DEBUG);
  unsigned bits = 0;
  Span ord_span = span;
  for (int i = 0; i < list->len; i++) {
    Name *n = &list->items[i];
    unsigned b = derive_bit(n->text);
    if (!b || (b == DERIVE_ROW && is_sum)) {
      Diagnostic *d = diag_error(c->dc, "E0028", c->mod->file, n->span,
                                 b ? "`Row` can only be derived for structs"
                                   : arena_printf(c->a, "`%s` is not a derivable trait", n->text),
                                 "cannot derive `%s` for `%s`", n->text, tname);
      diag_set_help(c->dc, d, "only Eq, Ord, Display, Debug, Hash, Json, and Row are derivable");
      continue;
    }
    if (b == DERIVE_ORD) ord_span = n->span;
    bits |= b;
  }
  if ((bits & DERIVE_ORD) && !(bits & DERIVE_EQ)) {
    Diagnostic *d = diag_error(c->dc, "E0029", c->mod->file, ord_span,
                               "`Ord` requires `Eq` for its implementation",
                               "cannot derive `Ord` for `%s` without `Eq`", tname);
    diag_set_help(c->dc, d, "add `Eq` to the deriving list: deriving(Eq, Ord)");
  }
  return bits;
}

/* ------------------------------------------------------------ modules */

static void check_group(Checker *c, FnDecl **fns, int n) {
  c->group = fns;
  c->ngroup = n;
  c->group_refs.len = 0;
  c->level = 1;
  for (int i = 0; i < n; i++) {
    c->depth = 0;
    c->depth_reported = false;
    c->scope.len = 0;
    c->lambda = NULL;
    actors_begin_fn(c, fns[i]); /* self()/receive context (actors.c) */
    c->tparams = traits_method_env(c, fns[i]); /* `Self` in impl methods (traits.c) */
    check_fn_decl(c, fns[i], fns[i]->type);
    c->tparams = NULL;
    actors_end_fn(c, fns[i]);
  }
  c->level = 0;
  for (int i = 0; i < n; i++)
    services_pin_monomorphic(c, fns[i]); /* services.c: never generalised */
  generalize_group(c, fns, n, 0);
  for (int i = 0; i < c->group_refs.len; i++) {
    GroupRef *g = &c->group_refs.items[i];
    if (g->ref->ninst == 0 && g->fn->scheme) {
      g->ref->inst = g->fn->scheme->vars;
      g->ref->ninst = g->fn->scheme->nvars;
    }
  }
  c->group = NULL;
  c->ngroup = 0;
  for (int i = 0; i < n; i++)
    finalize_fn(c, fns[i]);
}

static Span fn_header(FnDecl *fn) {
  return fn->clauses.len ? fn->clauses.items[0].header_span : fn->span;
}

static const char *unsupported_item(ItemKind k) {
  switch (k) {
  case ITEM_SERVICE:
    return "services";
  case ITEM_SUPERVISOR:
    return "supervisors";
  case ITEM_MODULE:
    return "`module` blocks";
  case ITEM_IMPORT:
    return "imports";
  default:
    return NULL;
  }
}

static const char *item_name(Item *it) {
  switch (it->kind) {
  case ITEM_INTERFACE:
    return it->interface->name.text;
  case ITEM_ACTOR:
    return it->actor->name.text;
  case ITEM_SERVICE:
    return it->service->name.text;
  case ITEM_SUPERVISOR:
    return it->supervisor->name.text;
  default:
    return NULL;
  }
}

/* One module's checking state, kept between the program-wide phases. */
typedef struct ModuleWork {
  Checker c;
  VEC(FnDecl *) fns;
  VEC(Stmt *) top_stmts;
} ModuleWork;

/* Phase 1: the module's tables, items, derivings, imports, interfaces. */
static void declare_module(ModuleWork *w, Module *m) {
  Checker *c = &w->c;
  module_collect_tables(c, m);
  ModuleInfo *mi = c->mi;
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    switch (it->kind) {
    case ITEM_FN: {
      FnDecl *fn = it->fn;
      fn->module = m;
      fn->id = c->next_decl_id++;
      FnDecl *prev = symtab_get(&mi->fns, fn->name.text);
      if (prev) {
        int n = fn->clauses.len ? fn->clauses.items[0].params.len : 0;
        Diagnostic *d =
            diag_error(c->dc, "E0023", m->file, fn_header(fn), "non-consecutive redefinition here",
                       "function `%s/%d` already defined; multi-clause functions must have "
                       "consecutive clauses",
                       fn->name.text, n);
        diag_add_label(c->dc, d, fn_header(prev), "first definition here");
        break;
      }
      symtab_put(c->a, &mi->fns, fn->name.text, fn);
      VEC_PUSH(c->a, w->fns, fn);
      break;
    }
    case ITEM_STRUCT: {
      StructDecl *s = it->struct_decl;
      s->derives =
          check_deriving(c, s->name.text, s->has_deriving, &s->deriving, false, s->name.span);
      break;
    }
    case ITEM_SUM: {
      SumDecl *s = it->sum;
      s->derives =
          check_deriving(c, s->name.text, s->has_deriving, &s->deriving, true, s->name.span);
      break;
    }
    case ITEM_LET:
    case ITEM_EXPR:
      VEC_PUSH(c->a, w->top_stmts, it->stmt);
      break;
    case ITEM_ALIAS:
      break;
    case ITEM_IMPORT:
      check_import(c, it);
      break;
    case ITEM_INTERFACE:
      symtab_put(c->a, &mi->others, item_name(it), it);
      traits_declare_interface(c, it);
      break;
    case ITEM_IMPL:
      break; /* after the whole module's types and interfaces are known */
    case ITEM_ACTOR: /* actors area: its body is checked as a function (actors.c) */
      symtab_put(c->a, &mi->others, item_name(it), it);
      VEC_PUSH(c->a, w->fns, actors_declare(c, it));
      break;
    case ITEM_SERVICE: { /* services.c: init and handlers are checked as functions */
      symtab_put(c->a, &mi->others, item_name(it), it);
      FnDecl **members;
      int nm = services_declare(c, it, &members);
      for (int k = 0; k < nm; k++)
        VEC_PUSH(c->a, w->fns, members[k]);
      break;
    }
    case ITEM_SUPERVISOR: { /* supervisors.c: start closures are checked as functions */
      symtab_put(c->a, &mi->others, item_name(it), it);
      FnDecl **starts;
      int ns = supervisors_declare(c, it, &starts);
      for (int k = 0; k < ns; k++)
        VEC_PUSH(c->a, w->fns, starts[k]);
      break;
    }
    default: {
      const char *what = unsupported_item(it->kind);
      if (item_name(it)) symtab_put(c->a, &mi->others, item_name(it), it);
      if (what) report_unsupported(c, it->span, what);
      break;
    }
    }
  }
}

/* Phase 2 (once every module's interfaces are declared): impls, so that
 * method resolution in any module sees every impl of the program (§3.4),
 * and the signatures of functions and methods. */
static void declare_impls(ModuleWork *w, Module *m) {
  Checker *c = &w->c;
  json_check_derives(c, m); /* E0038 (field types are resolved by now) */
  rows_check_derives(c, m); /* E0039 */
  /* impl methods are checked with the module's functions (traits.c) */
  for (int i = 0; i < m->items.len; i++) {
    if (m->items.items[i]->kind != ITEM_IMPL) continue;
    FnDecl **methods;
    int nm = traits_register_impl(c, m->items.items[i], &methods);
    for (int k = 0; k < nm; k++)
      VEC_PUSH(c->a, w->fns, methods[k]);
  }
  /* signatures (level 1: generalised at level 0 after each group) */
  c->level = 1;
  for (int i = 0; i < w->fns.len; i++) {
    check_clause_rules(c, w->fns.items[i]);
    w->fns.items[i]->type = w->fns.items[i]->is_method ? traits_method_signature(c, w->fns.items[i])
                                                 : fn_signature(c, w->fns.items[i]);
    traits_check_signatures(c, w->fns.items[i]);
  }
  services_link_signatures(c, m);
}

/* Phase 3: function bodies and top-level statements. */
static void check_bodies(ModuleWork *w) {
  Checker *c = &w->c;
  /* call graph and components */
  int n = w->fns.len;
  int *comp = ARENA_ARRAY(c->a, int, n + 1);
  int ncomp = callgraph_components(c, w->fns.items, n, comp);
  /* bucket functions by component, keeping source order inside one */
  int *count = ARENA_ARRAY(c->a, int, ncomp + 1);
  for (int i = 0; i < n; i++)
    count[comp[i]]++;
  int *start = ARENA_ARRAY(c->a, int, ncomp + 1);
  for (int k = 1; k < ncomp; k++)
    start[k] = start[k - 1] + count[k - 1];
  FnDecl **ordered = ARENA_ARRAY(c->a, FnDecl *, n + 1);
  int *fill = ARENA_ARRAY(c->a, int, ncomp + 1);
  for (int i = 0; i < n; i++)
    ordered[start[comp[i]] + fill[comp[i]]++] = w->fns.items[i];
  for (int k = 0; k < ncomp; k++)
    check_group(c, ordered + start[k], count[k]);
  supervisors_check_starts(c, c->mod); /* E0018 on the inferred closure types */
  /* top-level statements: checked, never evaluated (§3.5) */
  c->scope.len = 0;
  c->lambda = NULL;
  c->level = 0;
  for (int i = 0; i < w->top_stmts.len; i++) {
    c->depth = 0;
    c->depth_reported = false;
    check_top_stmt(c, w->top_stmts.items[i]);
    finalize_stmt(c, w->top_stmts.items[i]);
  }
}

/* Counters continue across modules: types and declarations are shared. */
typedef struct SharedIds {
  int next_decl_id, next_var_id;
  unsigned epoch;
} SharedIds;

static void ids_enter(Checker *c, SharedIds *ids) {
  c->next_decl_id = ids->next_decl_id;
  c->next_var_id = ids->next_var_id;
  c->epoch = ids->epoch;
}

static void ids_leave(Checker *c, SharedIds *ids) {
  ids->next_decl_id = c->next_decl_id;
  ids->next_var_id = c->next_var_id;
  ids->epoch = c->epoch;
}

/* Phase 3 for one module, once (possibly ahead of its turn). */
static void run_bodies(ModuleWork *w) {
  ModuleInfo *mi = w->c.mi;
  if (mi->bodies_state != BODIES_PENDING) return;
  mi->bodies_state = BODIES_CHECKING;
  check_bodies(w);
  mi->bodies_state = BODIES_DONE;
}

bool check_module_bodies_early(Checker *from, Module *m) {
  ModuleInfo *mi = m ? m->check_data : NULL;
  if (!mi || !mi->work || mi->bodies_state == BODIES_CHECKING) return false;
  if (mi->bodies_state == BODIES_DONE) return true;
  Checker *c = &mi->work->c;
  SharedIds ids = {from->next_decl_id, from->next_var_id, from->epoch};
  ids_enter(c, &ids);
  run_bodies(mi->work);
  ids_leave(c, &ids);
  from->next_decl_id = ids.next_decl_id;
  from->next_var_id = ids.next_var_id;
  from->epoch = ids.epoch;
  return true;
}

static bool checkable(Module *m) { return m && !m->has_parse_errors; }

bool check_program(Arena *a, DiagContext *dc, Program *p) {
  int errors_before = dc->error_count;
  SharedIds ids = {0};
  ModuleWork *work = ARENA_ARRAY(a, ModuleWork, p->nmodules + 1);
  for (int i = 0; i < p->nmodules; i++) {
    Module *m = p->modules[i];
    if (!checkable(m)) continue;
    Checker *c = &work[i].c;
    c->a = a;
    c->dc = dc;
    c->prog = p;
    c->mod = m;
    c->mi = ARENA_NEW(a, ModuleInfo);
    c->builtin_schemes = ARENA_ARRAY(a, Scheme *, BI__COUNT);
    m->check_data = c->mi;
    c->mi->work = &work[i];
    ids_enter(c, &ids);
    declare_module(&work[i], m);
    ids_leave(c, &ids);
  }
  for (int i = 0; i < p->nmodules; i++) {
    if (!checkable(p->modules[i])) continue;
    ids_enter(&work[i].c, &ids);
    declare_impls(&work[i], p->modules[i]);
    ids_leave(&work[i].c, &ids);
  }
  for (int i = 0; i < p->nmodules; i++) {
    Module *m = p->modules[i];
    if (!checkable(m)) continue;
    Checker *c = &work[i].c;
    ids_enter(c, &ids);
    run_bodies(&work[i]); /* unless already checked early */
    ids_leave(c, &ids);
    if (m == p->entry) {
      FnDecl *main_fn = symtab_get(&c->mi->fns, "main");
      if (main_fn && main_fn->clauses.len > 0 && main_fn->clauses.items[0].params.len == 0)
        p->main_fn = main_fn;
    }
    diag_flush_file(dc, m->file); /* this module's, from every phase (§8.1) */
  }
  diag_flush(dc);
  return dc->error_count == errors_before;
}
