/* calls.c — names and applications (language.md §5.12, §6.2, §6.4):
 * plain names (locals, module functions, constructors, prelude, flat
 * aliases), qualified names (modules, namespaces, sum types), calls with
 * arity/argument checks, field access, method calls (built-in interface
 * methods and the library fallback) and pipes. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

static bool in_group(Checker *c, FnDecl *fn) {
  for (int i = 0; i < c->ngroup; i++)
    if (c->group[i] == fn) return true;
  return false;
}

/* The type of a use of function `fn` (instantiated once generalised). */
Type *fn_use_type(Checker *c, FnDecl *fn, Ref *ref) {
  ref->kind = REF_FN;
  ref->fn = fn;
  if (!fn->type) return new_var(c); /* a definition that could not be checked */
  Type *forward;
  if (traits_forward_method_use(c, fn, ref, &forward)) return forward;
  if (fn->scheme && !in_group(c, fn)) return instantiate(c, fn->scheme, &ref->inst, &ref->ninst);
  GroupRef g = {ref, fn};
  VEC_PUSH(c->a, c->group_refs, g);
  return fn->type;
}

static unsigned builtin_requirement(int id) {
  switch (id) {
  case BI_TO_STRING:
    return IFACE_DISPLAY;
  case BI_INSPECT:
    return IFACE_DEBUG;
  case BI_HASH:
    return IFACE_HASH;
  case BI_COMPARE:
    return IFACE_ORD;
  case BI_DEFAULT:
    return IFACE_DEFAULT;
  case BI_MAP_PUT: /* K needs Eq and Hash (stdlib.md §9.1) */
  case BI_MAP_GET:
  case BI_MAP_HAS_KEY:
  case BI_MAP_DELETE:
  case BI_MAP_MERGE:
  case BI_MAP_FROM_LIST:
    return IFACE_EQ | IFACE_HASH;
  case BI_MATH_ABS: /* T is Int or Float (stdlib.md §7.1), as for prefix `-` */
  case BI_MATH_MIN:
  case BI_MATH_MAX:
    return IFACE_NEG;
  default:
    return 0;
  }
}

Type *builtin_use_type(Checker *c, int id, Ref *ref) {
  ref->kind = REF_BUILTIN;
  ref->builtin = id;
  Type *t = instantiate(c, builtin_scheme(c, id), &ref->inst, &ref->ninst);
  unsigned req = builtin_requirement(id);
  if (req && ref->ninst > 0) ref->inst[0]->constraints |= req;
  return t;
}

static Type *ctor_use_type(Checker *c, Variant *v, Ref *ref) {
  ref->kind = REF_CTOR;
  ref->variant = v;
  Type **args;
  Type *st = instantiate_sum(c, v->owner, &args);
  ref->inst = args; /* in the order of the sum type's generic_vars */
  ref->ninst = v->owner->generics.len;
  int n = variant_arity(v);
  if (n == 0) return st;
  return type_fun(c->a, variant_field_types_for(c, v, st), n, st);
}

/* Plain-name resolution (§5.12): locals, module functions, constructors,
 * prelude, flat aliases. */
Type *infer_name(Checker *c, Expr *e) {
  const char *name = e->name.text ? e->name.text : "";
  ScopeEntry *se = scope_lookup(c, name);
  if (se && se->local) {
    Binding *b = se->local;
    e->ref.kind = REF_LOCAL;
    e->ref.local = b;
    if (b->scheme) return instantiate(c, b->scheme, &e->ref.inst, &e->ref.ninst);
    return b->type;
  }
  if (se && se->fn) return fn_use_type(c, se->fn, &e->ref);
  FnDecl *fn = symtab_get(&c->mi->fns, name);
  if (!fn) fn = symtab_get(&c->mi->ext_fns, name);
  if (fn) return fn_use_type(c, fn, &e->ref);
  Type *starter;
  if (actors_name(c, e, &starter)) return starter; /* an actor's starter (actors.c) */
  if (name_is_upper(name) && supervisors_name(c, e, &starter)) return starter; /* supervisors.c */
  Variant *v = name_is_upper(name) ? lookup_variant(c, name) : NULL;
  if (v) return ctor_use_type(c, v, &e->ref);
  int id = (int)(intptr_t)symtab_get(&c->mi->imported, name) - 1;
  if (id < 0) id = builtin_lookup("", name);
  if (id < 0) id = builtin_lookup_flat(name);
  if (id >= 0) return builtin_use_type(c, id, &e->ref);
  diag_error(c->dc, "E0004", c->mod->file, e->span, "not found in this scope",
             "undefined variable: %s", name);
  return new_var(c);
}

/* ------------------------------------------------------------ calls */


/* A call of Tuple.first/second/nth/size on a known tuple type gets a
 * function type for that tuple's size (collections.c); else `ft`. */
static Type *retype_tuple_call(Checker *c, Ref *ref, Arg *args, int n, Type *ft) {
  if (ref->kind != REF_BUILTIN || !tuple_builtin(ref->builtin) || n < 1 || args[0].known)
    return ft;
  args[0].known = infer_expr(c, args[0].expr);
  Type *tt = type_resolve(args[0].known);
  if (!tt || tt->kind != T_TUPLE) return ft;
  return tuple_builtin_type(c, ref->builtin, tt, args[0].expr->span);
}

/* Applies a value of type `ft` to `args`; E0003/E0001 on mismatch. */
Type *apply(Checker *c, Type *ft, Arg *args, int n, Span call_span, Span callee_span) {
  Type *r = type_resolve(ft);
  if (r && r->kind == T_FUN) {
    if (r->nargs != n) report_arity(c, call_span, r->nargs, n);
    for (int i = 0; i < n; i++) {
      Type *param = i < r->nargs ? r->args[i] : NULL;
      Type *at = args[i].known ? args[i].known : infer_with_hint(c, args[i].expr, param);
      if (!param) continue;
      UnifyError ue;
      if (unify(c, param, at, &ue) != UNIFY_OK) {
        const char *label = arena_printf(c->a, "argument %d has type %s, expected %s", i + 1,
                                         tstr(c, at), tstr(c, param));
        report_unify_error(c, &ue, param, at, args[i].expr ? args[i].expr->span : call_span, label,
                           NULL, NULL);
      }
    }
    return r->ret;
  }
  Type **ats = ARENA_ARRAY(c->a, Type *, n + 1);
  for (int i = 0; i < n; i++)
    ats[i] = args[i].known ? args[i].known : infer_expr(c, args[i].expr);
  if (r && r->kind == T_NEVER) return type_never();
  Type *ret = new_var(c);
  Type *want = type_fun(c->a, ats, n, ret);
  UnifyError ue;
  if (unify(c, ft, want, &ue) != UNIFY_OK)
    report_unify_error(c, &ue, want, ft, callee_span,
                       arena_printf(c->a, "%s is not a function", tstr(c, ft)), NULL, NULL);
  return ret;
}

static const char *fallback_namespace(Type *t) {
  t = type_resolve(t);
  if (!t) return NULL;
  if (t->kind == T_STRING) return "String";
  if (t->kind == T_CON) switch (t->con) {
    case TC_LIST:
      return "List";
    case TC_MAP:
      return "Map";
    case TC_SET:
      return "Set";
    case TC_RANGE:
      return "Range";
    default:
      return NULL;
    }
  return NULL;
}

static Type *namespace_type(Checker *c, const char *ns) {
  if (!strcmp(ns, "String")) return type_string();
  if (!strcmp(ns, "List")) return type_list(c->a, new_var(c));
  if (!strcmp(ns, "Map")) {
    Type *kv[2] = {new_var(c), new_var(c)};
    return type_con(c->a, TC_MAP, "Map", kv, 2);
  }
  if (!strcmp(ns, "Set")) return type_con(c->a, TC_SET, "Set", NULL, 0);
  return type_con(c->a, TC_RANGE, "Range", NULL, 0);
}

static bool qualified_name(Checker *c, Expr *f, Type **out);

/* `M.T.m` with T a pub type of the imported module M (`Garden.Plant.from_row`,
 * `Shapes.Shape.Circle`): resolved as `T.m` with M's names in scope. */
static bool module_type_qualified(Checker *c, Expr *f, Type **out) {
  bool reported;
  ModuleInfo *ti = imports_module_type(c, f->target, &reported);
  if (!ti) {
    if (reported) *out = new_var(c); /* E0035 / E0034 for T */
    return reported;
  }
  /* `T` alone (the name part of `M.T`) while resolving */
  Expr *path = f->target;
  Expr tname = *path;
  tname.kind = EXPR_NAME;
  tname.target = NULL;
  f->target = &tname;
  ModuleInfo *saved = c->mi;
  c->mi = ti;
  bool done = qualified_name(c, f, out);
  c->mi = saved;
  f->target = path;
  return done;
}

/* `T.m` where T is a namespace, a sum type or another capitalised item:
 * returns true when handled (type in *out). */
static bool qualified_name(Checker *c, Expr *f, Type **out) {
  Expr *t = f->target;
  if (t && t->kind == EXPR_FIELD) return module_type_qualified(c, f, out);
  if (!t || t->kind != EXPR_NAME || !name_is_upper(t->name.text)) return false;
  const char *tn = t->name.text, *m = f->name.text ? f->name.text : "";
  if (scope_lookup(c, tn)) return false;
  if (!symtab_get(&c->mi->modules, tn) && !builtin_is_namespace(tn) && !lookup_sum(c, tn) &&
      !lookup_struct(c, tn) && lookup_variant(c, tn))
    return false; /* a nullary constructor used as a receiver: `Red.describe()` */
  Module *mod = symtab_get(&c->mi->modules, tn);
  if (mod && mod->check_data) {
    ModuleInfo *ti = mod->check_data;
    FnDecl *fn = symtab_get(&ti->fns, m);
    if (fn && fn->clauses.len && fn->clauses.items[0].is_pub) {
      *out = fn_use_type(c, fn, &f->ref);
      return true;
    }
    if (actors_qualified(c, f, ti, m, out)) return true; /* a pub actor's starter */
    int id = builtin_is_namespace(tn) ? builtin_lookup(tn, m) : -1;
    if (id >= 0) {
      *out = builtin_use_type(c, id, &f->ref);
      return true;
    }
    if (fn || symtab_get(&ti->structs, m) || symtab_get(&ti->sums, m))
      report_private(c, f->span, m, mod->name);
    else
      report_not_exported(c, f->span, m, mod, mod->name);
    *out = new_var(c);
    return true;
  }
  if (json_qualified(c, f, tn, m, out)) return true; /* deriving(Json) */
  if (rows_qualified(c, f, tn, m, out)) return true; /* deriving(Row) */
  SumDecl *sum = lookup_sum(c, tn);
  if (sum) {
    Variant *v = lookup_variant_in(sum, m);
    if (!v && methods_type_qualified(c, f, NULL, sum, out)) return true;
    if (!v) {
      diag_error(c->dc, "E0010", c->mod->file, f->span, "not a known variant",
                 "unknown variant: %s", m);
      *out = new_var(c);
      return true;
    }
    *out = ctor_use_type(c, v, &f->ref);
    return true;
  }
  if (builtin_is_namespace(tn)) {
    int id = builtin_lookup(tn, m);
    if (id < 0) {
      report_not_exported(c, f->span, m, NULL, tn);
      *out = new_var(c);
      return true;
    }
    *out = builtin_use_type(c, id, &f->ref);
    return true;
  }
  if (lookup_struct(c, tn) && methods_type_qualified(c, f, lookup_struct(c, tn), NULL, out))
    return true;
  if (lookup_struct(c, tn)) {
    diag_error(c->dc, "E9999", c->mod->file, f->span, "generated functions are not available yet",
               "not yet supported: %s.%s", tn, m);
    *out = new_var(c);
    return true;
  }
  if (symtab_get(&c->mi->others, tn)) {
    if (services_qualified(c, f, symtab_get(&c->mi->others, tn), m, out)) return true;
    if (supervisors_qualified(c, f, symtab_get(&c->mi->others, tn), m, out)) return true;
    diag_error(c->dc, "E9999", c->mod->file, f->span, "not available yet",
               "not yet supported: %s.%s", tn, m);
    *out = new_var(c);
    return true;
  }
  diag_error(c->dc, "E0004", c->mod->file, t->span, "not found in this scope",
             "undefined variable: %s", tn);
  *out = new_var(c);
  return true;
}

int struct_field_index(StructDecl *s, const char *name) {
  for (int i = 0; i < s->fields.len; i++)
    if (name && strcmp(s->fields.items[i].name.text, name) == 0) return i;
  return -1;
}

/* When the receiver's type is still unknown, a field name declared by
 * exactly one struct of the module decides it. */
static StructDecl *unique_struct_with_field(Checker *c, const char *name) {
  StructDecl *found = NULL;
  for (int i = 0; i < c->mod->items.len; i++) {
    Item *it = c->mod->items.items[i];
    if (it->kind != ITEM_STRUCT) continue;
    if (struct_field_index(it->struct_decl, name) >= 0) {
      if (found) return NULL;
      found = it->struct_decl;
    }
  }
  return found;
}

/* Field access on a value of type `rt`: returns the field type or NULL. */
static Type *struct_field(Checker *c, Expr *f, Type *recv_t) {
  Type *rt = type_resolve(recv_t);
  const char *m = f->name.text;
  if (rt && rt->kind == T_VAR && !rt->is_generic_param && !rt->quantified) {
    StructDecl *s = unique_struct_with_field(c, m);
    if (s) {
      Type **args;
      Type *st = instantiate_struct(c, s, &args);
      UnifyError ue;
      if (unify(c, rt, st, &ue) == UNIFY_OK) rt = type_resolve(rt);
    }
  }
  if (!rt || rt->kind != T_CON || rt->con != TC_STRUCT || !rt->struct_decl) return NULL;
  StructDecl *s = rt->struct_decl;
  int idx = struct_field_index(s, m);
  if (idx < 0) return NULL;
  f->struct_decl = s;
  f->field_index = idx;
  return type_subst(c->a, s->field_types[idx], s->generic_vars, rt->args, s->generics.len, false);
}

static void no_field_error(Checker *c, Expr *f, Type *t) {
  diag_error(c->dc, "E0009", c->mod->file, f->span,
             arena_printf(c->a, "no field `%s`", f->name.text ? f->name.text : ""),
             "type %s has no field %s", tstr(c, t), f->name.text ? f->name.text : "");
}

Type *infer_field(Checker *c, Expr *e) {
  Type *t;
  if (qualified_name(c, e, &t)) return t;
  Type *recv = infer_expr(c, e->target);
  Type *ft = struct_field(c, e, recv);
  if (ft) return ft;
  if (type_resolve(recv) && type_resolve(recv)->kind != T_NEVER) no_field_error(c, e, recv);
  return new_var(c);
}

/* A call whose callee is `recv.m`: field holding a function, built-in
 * interface method, or library fallback (§5.12 rule 7). */
static Type *infer_method_call(Checker *c, Expr *call, Expr *pipe_arg) {
  Expr *f = call->target;
  int extra = pipe_arg ? 1 : 0;
  int nwritten = call->elems.len;
  Arg *args = ARENA_ARRAY(c->a, Arg, nwritten + extra + 2);
  Type *qt;
  if (methods_interface_call(c, call, pipe_arg, &qt)) return qt; /* `I.m(v)` (methods.c) */
  if (qualified_name(c, f, &qt)) {
    f->type = qt;
    int n = 0;
    if (pipe_arg) args[n++] = (Arg){pipe_arg, NULL};
    for (int i = 0; i < nwritten; i++)
      args[n++] = (Arg){call->elems.items[i], NULL};
    qt = retype_tuple_call(c, &f->ref, args, n, qt);
    return apply(c, qt, args, n, call->span, f->span);
  }
  Type *recv = infer_expr(c, f->target);
  Type *ft = struct_field(c, f, recv);
  int n = 0;
  if (ft) {
    f->type = ft;
    if (pipe_arg) args[n++] = (Arg){pipe_arg, NULL};
    for (int i = 0; i < nwritten; i++)
      args[n++] = (Arg){call->elems.items[i], NULL};
    return apply(c, ft, args, n, call->span, f->span);
  }
  const char *m = f->name.text ? f->name.text : "";
  Type *mt;
  if (methods_receiver_call(c, call, recv, pipe_arg, &mt)) return mt; /* impls (methods.c) */
  int id = -1;
  static const char *const iface_methods[] = {"to_string", "inspect", "hash", "compare"};
  for (size_t k = 0; k < sizeof iface_methods / sizeof *iface_methods; k++)
    if (!strcmp(m, iface_methods[k])) id = builtin_lookup("", m);
  if (id < 0) id = json_method(c, recv, m); /* deriving(Json) */
  if (id < 0) {
    const char *ns = fallback_namespace(recv);
    if (ns) id = builtin_lookup(ns, m);
    Type *rr = type_resolve(recv);
    if (!ns && rr && rr->kind == T_VAR && !rr->is_generic_param) {
      /* receiver still unknown: accept when exactly one library type has m */
      static const char *const spaces[] = {"String", "List", "Map", "Set", "Range"};
      int hits = 0, hit = -1;
      const char *hit_ns = NULL;
      for (size_t k = 0; k < sizeof spaces / sizeof *spaces; k++) {
        int b = builtin_lookup(spaces[k], m);
        if (b >= 0) {
          hits++;
          hit = b;
          hit_ns = spaces[k];
        }
      }
      if (hits == 1) {
        UnifyError ue;
        if (unify(c, recv, namespace_type(c, hit_ns), &ue) == UNIFY_OK) id = hit;
      }
    }
  }
  if (id < 0) {
    Type *rr = type_resolve(recv);
    if (rr && rr->kind == T_NEVER) return type_never();
    const char *ts = tstr(c, recv);
    Diagnostic *d = diag_error(c->dc, "E0030", c->mod->file, f->span,
                               arena_printf(c->a, "method `%s` not found", m),
                               "no method `%s` on type `%s`", m, ts);
    diag_set_help(c->dc, d, "type `%s` has no trait impl providing `%s`", ts, m);
    for (int i = 0; i < nwritten; i++)
      infer_expr(c, call->elems.items[i]);
    if (pipe_arg) infer_expr(c, pipe_arg);
    return new_var(c);
  }
  Type *bt = builtin_use_type(c, id, &f->ref);
  f->type = bt;
  call->is_method_call = true;
  args[n++] = (Arg){f->target, recv};
  if (pipe_arg) args[n++] = (Arg){pipe_arg, NULL};
  for (int i = 0; i < nwritten; i++)
    args[n++] = (Arg){call->elems.items[i], NULL};
  return apply(c, bt, args, n, call->span, f->span);
}

Type *infer_call(Checker *c, Expr *call, Expr *pipe_arg) {
  Expr *callee = call->target;
  if (!callee) return new_var(c);
  if (callee->kind == EXPR_FIELD) return infer_method_call(c, call, pipe_arg);
  Type *mt;
  if (methods_function_form_call(c, call, pipe_arg, &mt)) return mt; /* `m(v)` (methods.c) */
  if (!pipe_arg && actors_call(c, call, &mt)) return mt; /* self-call, spawn_link (actors.c) */
  Type *ft = infer_expr(c, callee);
  int n = call->elems.len + (pipe_arg ? 1 : 0);
  Arg *args = ARENA_ARRAY(c->a, Arg, n + 1);
  int k = 0;
  if (pipe_arg) args[k++] = (Arg){pipe_arg, NULL};
  for (int i = 0; i < call->elems.len; i++)
    args[k++] = (Arg){call->elems.items[i], NULL};
  ft = retype_tuple_call(c, &callee->ref, args, n, ft);
  Type *result = apply(c, ft, args, n, call->span, callee->span);
  traits_bind_assoc(c, callee); /* `where C: I` with I<T> (traits.c) */
  return result;
}

Type *infer_pipe(Checker *c, Expr *e) {
  Expr *rhs = e->rhs;
  if (!rhs) return new_var(c);
  if (rhs->kind == EXPR_CALL) {
    Type *t = infer_call(c, rhs, e->lhs);
    rhs->type = t;
    return t;
  }
  Type *ft = infer_expr(c, rhs);
  Arg a = {e->lhs, NULL};
  ft = retype_tuple_call(c, &rhs->ref, &a, 1, ft);
  return apply(c, ft, &a, 1, e->span, rhs->span);
}
