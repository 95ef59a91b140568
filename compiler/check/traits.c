/* traits.c — interfaces and implementations (language.md §5.8-§5.11).
 *
 * Contract: keeps the program-wide registry (Program.traits) of declared
 * interfaces and of impls, each impl tied to the identity ("head") of its
 * implementing type: a struct or sum declaration, or a primitive. Impls are
 * global: every impl of the program is registered (check_program's second
 * phase) before any function body is checked, so a method is found from
 * every module (§3.4).
 *   - traits_declare_interface: registers `interface I do ... end`.
 *   - traits_register_impl: resolves `impl I for T`, reports E0026 (also
 *     against derived/automatic impls) and E0007, completes omitted methods
 *     from the interface's defaults (a copy of the default body per impl,
 *     checked with `self` of the implementing type), records user impls of
 *     built-in protocols in the type's ProtoImpls and grants the protocol bit,
 *     and hands back the methods for checking with the module's functions.
 *   - traits_method_signature: a method's type, `self` and `Self` being the
 *     implementing type.
 *   - traits_check_signatures: E0008 (return type differs from interface).
 *   - traits_find_method: methods named m of a receiver type (E0027).
 *   - generic interfaces `interface I<T>`: an impl's arguments `I<A>` (E0003
 *     on a wrong count; none written: variables fixed by E0008's
 *     unification) bind T in the interface's annotations for that impl —
 *     in its defaults' copies and in the E0008 comparison. Through a `where`
 *     bound they are rigid variables of the body (BoundEntry.assoc), bound
 *     per instance by lowering (check_bound_assoc) and, where the function's
 *     type mentions them, at each use (traits_bind_assoc).
 *   - traits_method_value: an interface method used as a function value
 *     whose receiver is not known yet (REF_METHOD, resolved per instance by
 *     lowering); traits_check_ref_bounds then checks the final receiver
 *     (E0006/E0046), binds a generic interface's parameters to the chosen
 *     impl's arguments (PendingValue), and checks uses of generalised
 *     `let`s whose value depends on a type left undetermined (`default()`,
 *     method values: E0046).
 *   - user impls of protocols a primitive lacks (`impl Add for String`,
 *     `impl Ord for Bool`): the primitive's extra interface bits
 *     (traits_primitive_ifaces) and methods (check_primitive_protos).
 *   - traits_forward_method_use: a method of a module whose bodies are not
 *     checked yet has them checked first (check_module_bodies_early).
 * Methods are ordinary FnDecls (is_method, owner = the impl item), so uses
 * are REF_FN references and monomorphisation needs nothing special. */
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

typedef struct IfaceEntry {
  InterfaceDecl *decl;
  Item *item;
  Module *mod;
} IfaceEntry;

/* `where T: I`: the generic parameter's variable (shared with the
 * function's scheme after generalisation) and the interface. */
typedef struct BoundEntry {
  Type *var;
  const char *iface;
  FnDecl *fn;
  /* a generic interface's type parameters as seen through this bound:
   * rigid variables of the function's body, bound per instance to the
   * arguments of the receiver type's impl (check_bound_assoc) */
  Type **assoc;
  int nassoc;
} BoundEntry;

typedef struct ImplEntry {
  const char *iface;    /* interface name (last path segment) */
  InterfaceDecl *idecl; /* NULL: built-in protocol or undeclared interface */
  const void *head;     /* identity of the implementing type */
  const char *type_name;
  StructDecl *sdecl; /* implementing user type (or NULL) */
  SumDecl *udecl;
  Type *prim; /* implementing primitive (or NULL) */
  ImplDecl *impl;
  Item *item;
  Module *mod;
  FnDecl **methods; /* written methods, then completed defaults */
  int nmethods;
  int nwritten;       /* methods[0..nwritten) were written in the impl */
  /* `impl I<A1, ...> for T`: the interface's type arguments (one per
   * generic parameter of a declared generic interface; a parameter the impl
   * does not write is a variable, fixed by the methods' signatures). */
  Type **iface_args;
  int niface_args;
  bool forward_use_reported; /* E9999 of traits_forward_method_use given */
} ImplEntry;

/* The annotation scope of an impl method (`Self`, and for a default's copy
 * the interface's generic parameters), kept for checking its body. */
typedef struct MethodEnv {
  FnDecl *fn;
  TypeParamEnv *env;
} MethodEnv;

/* A method of a generic interface used as a value before its receiver's
 * type is known: the interface's parameters are `probes` until the receiver
 * (and so the impl) is known, at the end of the definition. */
typedef struct PendingValue {
  Expr *e;
  Type **probes;
  int nprobes;
} PendingValue;

typedef struct TraitRegistry {
  VEC(IfaceEntry) ifaces;
  VEC(ImplEntry *) impls;
  VEC(BoundEntry) bounds;
  VEC(MethodEnv) method_envs;
  VEC(Type *) receivers; /* receiver variables of methods used as values */
  VEC(PendingValue) pending; /* generic-interface methods used as values */
  /* user impls of built-in protocols a primitive lacks (`impl Add for
   * String`, `impl Ord for Bool`), by primitive: Int, Float, Bool, String */
  unsigned prim_bits[4];
  ProtoImpls prim_protos[4];
} TraitRegistry;

static TraitRegistry *registry(Checker *c) {
  if (!c->prog->traits) c->prog->traits = ARENA_NEW(c->a, TraitRegistry);
  return c->prog->traits;
}

/* ------------------------------------------------------------ protocols */

typedef struct Protocol {
  const char *name;
  unsigned bit;
  const char *method; /* the required method */
} Protocol;

static const Protocol protocols[] = {
    {"Display", IFACE_DISPLAY, "to_string"},
    {"Debug", IFACE_DEBUG, "inspect"},
    {"Eq", IFACE_EQ, "eq"},
    {"Ord", IFACE_ORD, "lt"},
    {"Hash", IFACE_HASH, "hash"},
    {"Default", IFACE_DEFAULT, "default"},
    {"Add", IFACE_ADD, "add"},
    {"Sub", IFACE_SUB, "sub"},
    {"Mul", IFACE_MUL, "mul"},
    {"Div", IFACE_DIV, "div"},
    {"Mod", IFACE_MOD, "mod"},
};

static const Protocol *protocol_named(const char *name) {
  for (size_t i = 0; i < sizeof protocols / sizeof *protocols; i++)
    if (!strcmp(protocols[i].name, name)) return &protocols[i];
  return NULL;
}

/* ------------------------------------------------------------ interfaces */

static IfaceEntry *find_interface(Checker *c, const char *name) {
  TraitRegistry *r = registry(c);
  for (int i = 0; i < r->ifaces.len; i++)
    if (!strcmp(r->ifaces.items[i].decl->name.text, name)) return &r->ifaces.items[i];
  return NULL;
}

bool traits_is_interface(Checker *c, const char *name) {
  return name && (find_interface(c, name) || protocol_named(name));
}

bool traits_is_builtin_protocol(Checker *c, const char *name) {
  return name && !find_interface(c, name) && protocol_named(name);
}

void traits_declare_interface(Checker *c, Item *it) {
  InterfaceDecl *d = it->interface;
  if (!d->name.text) return;
  IfaceEntry e = {d, it, c->mod};
  VEC_PUSH(c->a, registry(c)->ifaces, e);
}

/* ------------------------------------------------------------ AST copies */

/* A default method body is annotated in place by the checker, so each impl
 * that uses it gets its own deep copy of the interface's tree. */
static Expr *copy_expr(Arena *a, Expr *e);
static FnDecl *copy_fn(Arena *a, FnDecl *fn);

static Pattern *copy_pattern(Arena *a, Pattern *p) {
  if (!p) return NULL;
  Pattern *q = ARENA_NEW(a, Pattern);
  *q = *p;
  q->elems.items = NULL;
  q->elems.len = q->elems.cap = 0;
  for (int i = 0; i < p->elems.len; i++)
    VEC_PUSH(a, q->elems, copy_pattern(a, p->elems.items[i]));
  q->head = copy_pattern(a, p->head);
  q->tail = copy_pattern(a, p->tail);
  q->inner = copy_pattern(a, p->inner);
  return q;
}

static void copy_params(Arena *a, ParamList *dst, ParamList *src) {
  dst->items = NULL;
  dst->len = dst->cap = 0;
  for (int i = 0; i < src->len; i++) {
    Param p = src->items[i];
    p.pattern = copy_pattern(a, p.pattern);
    VEC_PUSH(a, *dst, p);
  }
}

static Stmt *copy_stmt(Arena *a, Stmt *s) {
  if (!s) return NULL;
  Stmt *t = ARENA_NEW(a, Stmt);
  *t = *s;
  t->expr = copy_expr(a, s->expr);
  t->pattern = copy_pattern(a, s->pattern);
  if (s->item && s->item->kind == ITEM_FN) {
    Item *it = ARENA_NEW(a, Item);
    *it = *s->item;
    it->fn = copy_fn(a, s->item->fn);
    t->item = it;
  }
  return t;
}

#define COPY_VEC(a, dst, src, fn)                                                                  \
  do {                                                                                             \
    (dst).items = NULL;                                                                            \
    (dst).len = (dst).cap = 0;                                                                     \
    for (int i_ = 0; i_ < (src).len; i_++)                                                         \
      VEC_PUSH(a, dst, fn(a, (src).items[i_]));                                                    \
  } while (0)

static Expr *copy_node(Arena *a, Expr *e, bool with_lhs);

/* Left-nested operator chains are copied iteratively: their length is not
 * bounded by the parser's nesting limit. */
static Expr *copy_expr(Arena *a, Expr *e) {
  Expr *root = NULL, **slot = &root;
  while (e && e->kind == EXPR_BINARY && e->lhs) {
    Expr *x = copy_node(a, e, false);
    *slot = x;
    slot = &x->lhs;
    e = e->lhs;
  }
  *slot = copy_node(a, e, true);
  return root;
}

static Expr *copy_node(Arena *a, Expr *e, bool with_lhs) {
  if (!e) return NULL;
  Expr *x = ARENA_NEW(a, Expr);
  *x = *e;
  memset(&x->ref, 0, sizeof x->ref);
  x->type = NULL;
  x->parts.items = NULL;
  x->parts.len = x->parts.cap = 0;
  for (int i = 0; i < e->parts.len; i++) {
    StringPart p = e->parts.items[i];
    p.expr = copy_expr(a, p.expr);
    VEC_PUSH(a, x->parts, p);
  }
  COPY_VEC(a, x->elems, e->elems, copy_expr);
  x->entries.items = NULL;
  x->entries.len = x->entries.cap = 0;
  for (int i = 0; i < e->entries.len; i++) {
    MapEntry m = {copy_expr(a, e->entries.items[i].key), copy_expr(a, e->entries.items[i].value)};
    VEC_PUSH(a, x->entries, m);
  }
  x->fields.items = NULL;
  x->fields.len = x->fields.cap = 0;
  for (int i = 0; i < e->fields.len; i++) {
    FieldInit f = e->fields.items[i];
    f.value = copy_expr(a, f.value);
    VEC_PUSH(a, x->fields, f);
  }
  x->lhs = with_lhs ? copy_expr(a, e->lhs) : NULL;
  x->rhs = copy_expr(a, e->rhs);
  x->target = copy_expr(a, e->target);
  x->index = copy_expr(a, e->index);
  x->then_branch = copy_expr(a, e->then_branch);
  x->else_branch = copy_expr(a, e->else_branch);
  x->arms.items = NULL;
  x->arms.len = x->arms.cap = 0;
  for (int i = 0; i < e->arms.len; i++) {
    MatchArm m = e->arms.items[i];
    m.pattern = copy_pattern(a, m.pattern);
    m.guard = copy_expr(a, m.guard);
    m.body = copy_expr(a, m.body);
    VEC_PUSH(a, x->arms, m);
  }
  x->after_timeout = copy_expr(a, e->after_timeout);
  x->after_body = copy_expr(a, e->after_body);
  x->clauses.items = NULL;
  x->clauses.len = x->clauses.cap = 0;
  for (int i = 0; i < e->clauses.len; i++) {
    ClosureClause cl = e->clauses.items[i];
    copy_params(a, &cl.params, &e->clauses.items[i].params);
    cl.guard = copy_expr(a, cl.guard);
    cl.body = copy_expr(a, cl.body);
    VEC_PUSH(a, x->clauses, cl);
  }
  x->filter = copy_expr(a, e->filter);
  COPY_VEC(a, x->stmts, e->stmts, copy_stmt);
  return x;
}

static FnDecl *copy_fn(Arena *a, FnDecl *fn) {
  FnDecl *g = ARENA_NEW(a, FnDecl);
  *g = *fn;
  g->type = NULL;
  g->scheme = NULL;
  g->clauses.items = NULL;
  g->clauses.len = g->clauses.cap = 0;
  for (int k = 0; k < fn->clauses.len; k++) {
    FnClause cl = fn->clauses.items[k];
    copy_params(a, &cl.params, &fn->clauses.items[k].params);
    cl.guard = copy_expr(a, cl.guard);
    cl.body = copy_expr(a, cl.body);
    VEC_PUSH(a, g->clauses, cl);
  }
  return g;
}

/* The method an impl gets from an interface default: a fresh FnDecl. */
static FnDecl *method_from_default(Arena *a, MethodSig *ms) {
  FnDecl *fn = ARENA_NEW(a, FnDecl);
  fn->name = ms->name;
  fn->span = ms->span;
  FnClause cl;
  memset(&cl, 0, sizeof cl);
  cl.is_def = ms->is_def;
  cl.has_params = ms->has_params;
  copy_params(a, &cl.params, &ms->params);
  cl.ret = ms->ret;
  cl.body = copy_expr(a, ms->default_body);
  cl.span = cl.header_span = ms->span;
  VEC_PUSH(a, fn->clauses, cl);
  return fn;
}

/* ------------------------------------------------------------ impls */

static const char prim_heads[8];

/* Identity of a type for impl lookup (NULL: no impls possible). */
static const void *type_head(Type *t) {
  t = type_resolve(t);
  if (!t) return NULL;
  switch (t->kind) {
  case T_INT:
    return &prim_heads[0];
  case T_FLOAT:
    return &prim_heads[1];
  case T_BOOL:
    return &prim_heads[2];
  case T_STRING:
    return &prim_heads[3];
  case T_CON:
    if (t->con == TC_STRUCT) return t->struct_decl;
    if (t->con == TC_SUM) return t->sum_decl;
    return NULL;
  default:
    return NULL;
  }
}

static Type *primitive_named(const char *n) {
  if (!strcmp(n, "Int")) return type_int();
  if (!strcmp(n, "Float")) return type_float();
  if (!strcmp(n, "Bool")) return type_bool();
  if (!strcmp(n, "String")) return type_string();
  return NULL;
}

/* A fresh instance of the implementing type (generic types get fresh
 * variables at the current level). */
static Type *impl_target_type(Checker *c, ImplEntry *e) {
  Type **args;
  if (e->sdecl) return instantiate_struct(c, e->sdecl, &args);
  if (e->udecl) return instantiate_sum(c, e->udecl, &args);
  return e->prim;
}

static MethodSig *iface_method(InterfaceDecl *d, const char *name) {
  for (int i = 0; d && i < d->methods.len; i++)
    if (d->methods.items[i].name.text && !strcmp(d->methods.items[i].name.text, name))
      return &d->methods.items[i];
  return NULL;
}

static FnDecl *entry_method(ImplEntry *e, const char *name) {
  for (int i = 0; i < e->nmethods; i++)
    if (e->methods[i]->name.text && !strcmp(e->methods[i]->name.text, name)) return e->methods[i];
  return NULL;
}

static void report_missing(Checker *c, ImplEntry *e, const char *m) {
  Diagnostic *d =
      diag_error(c->dc, "E0007", c->mod->file, e->impl->span, arena_printf(c->a, "missing `%s`", m),
                 "impl %s for %s is missing method %s", e->iface, e->type_name, m);
  diag_set_help(c->dc, d, "add `fn %s(self) ... end` to the impl block", m);
}

static void report_duplicate(Checker *c, ImplEntry *e, Span prev, bool has_prev) {
  Diagnostic *d =
      diag_error(c->dc, "E0026", c->mod->file, e->impl->span,
                 arena_printf(c->a, "previously defined for `%s`", e->type_name),
                 "duplicate impl: `%s` is already implemented for `%s`", e->iface, e->type_name);
  if (has_prev) diag_add_label(c->dc, d, prev, "first impl here");
  diag_set_help(c->dc, d, "remove one of the conflicting impl blocks");
}

/* Index of a primitive type in TraitRegistry.prim_*, or -1. */
static int prim_index(Type *t) {
  t = type_resolve(t);
  if (!t) return -1;
  switch (t->kind) {
  case T_INT:
    return 0;
  case T_FLOAT:
    return 1;
  case T_BOOL:
    return 2;
  case T_STRING:
    return 3;
  default:
    return -1;
  }
}

static void record_protocol(Checker *c, ImplEntry *e, const Protocol *p) {
  ProtoImpls *pi;
  if (e->prim) {
    TraitRegistry *r = registry(c);
    int k = prim_index(e->prim);
    r->prim_bits[k] |= p->bit;
    pi = &r->prim_protos[k];
  } else {
    unsigned *derives = e->sdecl ? &e->sdecl->derives : &e->udecl->derives;
    ProtoImpls **slot = e->sdecl ? &e->sdecl->protos : &e->udecl->protos;
    if (!*slot) *slot = ARENA_NEW(c->a, ProtoImpls);
    pi = *slot;
    *derives |= p->bit;
  }
  switch (p->bit) {
  case IFACE_DISPLAY:
    pi->to_string = entry_method(e, "to_string");
    break;
  case IFACE_DEBUG:
    pi->inspect = entry_method(e, "inspect");
    break;
  case IFACE_EQ:
    pi->eq = entry_method(e, "eq");
    break;
  case IFACE_ORD:
    pi->lt = entry_method(e, "lt");
    pi->compare = entry_method(e, "compare");
    break;
  case IFACE_HASH:
    pi->hash = entry_method(e, "hash");
    break;
  case IFACE_DEFAULT:
    pi->default_fn = entry_method(e, "default");
    break;
  default: {
    static const char *const names[] = {"add", "sub", "mul", "div", "mod"};
    for (int k = 0; k < 5; k++)
      if (p->bit == (unsigned)IFACE_ADD << k) pi->arith[k] = entry_method(e, names[k]);
    break;
  }
  }
}

/* Runs resolve_type_expr in module `m`'s scope: an interface's annotations
 * name the types visible where the interface is written. */
static Type *resolve_in_module(Checker *c, Module *m, TypeExpr *te) {
  if (!m || m == c->mod || !m->check_data) return resolve_type_expr(c, te);
  Module *saved_mod = c->mod;
  ModuleInfo *saved_mi = c->mi;
  c->mod = m;
  c->mi = m->check_data;
  Type *t = resolve_type_expr(c, te);
  c->mod = saved_mod;
  c->mi = saved_mi;
  return t;
}

/* `Self` = self_t and, when `iface_params`, the interface's generic
 * parameters = the impl's arguments (a default method's copy is written in
 * terms of them). */
static TypeParamEnv *impl_env(Checker *c, ImplEntry *e, Type *self_t, bool iface_params) {
  int ng = iface_params && e->idecl ? e->niface_args : 0;
  TypeParamEnv *env = ARENA_NEW(c->a, TypeParamEnv);
  env->names = ARENA_ARRAY(c->a, const char *, ng + 1);
  env->types = ARENA_ARRAY(c->a, Type *, ng + 1);
  env->names[0] = "Self";
  env->types[0] = self_t;
  for (int i = 0; i < ng; i++) {
    env->names[i + 1] = e->idecl->generics.items[i].name.text;
    env->types[i + 1] = e->iface_args[i];
  }
  env->n = ng + 1;
  return env;
}

/* The impl's interface arguments `I<A1, ...>` (E0003 when their number
 * differs from the interface's parameters; none written: variables). */
static void resolve_iface_args(Checker *c, ImplEntry *e, IfaceEntry *ie, const Protocol *proto) {
  ImplDecl *im = e->impl;
  int have = im->interface_args.len;
  int want = ie ? ie->decl->generics.len : 0;
  if (!ie && !proto) return; /* an undeclared interface: its methods only */
  if (have != 0 && have != want) {
    Span at = im->interface_args.items[0]->span;
    at.end = im->interface_args.items[have - 1]->span.end;
    report_arity(c, at, want, have);
  }
  e->niface_args = want;
  e->iface_args = ARENA_ARRAY(c->a, Type *, want + 1);
  Type *self_t = impl_target_type(c, e);
  TypeParamEnv self_env = {(const char *[]){"Self"}, &self_t, 1, c->tparams};
  for (int i = 0; i < want; i++) {
    if (have != want) {
      e->iface_args[i] = new_var(c);
      continue;
    }
    c->tparams = &self_env;
    e->iface_args[i] = resolve_type_expr(c, im->interface_args.items[i]);
    c->tparams = self_env.parent;
  }
}

int traits_register_impl(Checker *c, Item *it, FnDecl ***methods_out) {
  ImplDecl *im = it->impl;
  *methods_out = NULL;
  if (im->interface_path.len == 0 || im->type_path.len == 0) return 0;
  ImplEntry *e = ARENA_NEW(c->a, ImplEntry);
  e->iface = im->interface_path.items[im->interface_path.len - 1].text;
  Name *tn = &im->type_path.items[im->type_path.len - 1];
  e->type_name = tn->text;
  e->impl = im;
  e->item = it;
  e->mod = c->mod;
  e->sdecl = lookup_struct(c, tn->text);
  e->udecl = e->sdecl ? NULL : lookup_sum(c, tn->text);
  e->prim = (e->sdecl || e->udecl) ? NULL : primitive_named(tn->text);
  static const char *const builtin_types[] = {"List",   "Map",      "Set", "Range", "Option",
                                              "Result", "Ordering", "Pid", "Queue", "Json"};
  for (size_t i = 0;
       !e->sdecl && !e->udecl && !e->prim && i < sizeof builtin_types / sizeof *builtin_types; i++)
    if (!strcmp(tn->text, builtin_types[i])) {
      report_unsupported(c, im->span, arena_printf(c->a, "impls for `%s`", tn->text));
      return 0;
    }
  if (!e->sdecl && !e->udecl && !e->prim) {
    diag_error(c->dc, "E0004", c->mod->file, tn->span, "not found in this scope",
               "undefined variable: %s", tn->text);
    return 0;
  }
  e->head = e->sdecl   ? (const void *)e->sdecl
            : e->udecl ? (const void *)e->udecl
                       : type_head(e->prim);
  IfaceEntry *ie = find_interface(c, e->iface);
  e->idecl = ie ? ie->decl : NULL;
  const Protocol *proto = e->idecl ? NULL : protocol_named(e->iface);
  resolve_iface_args(c, e, ie, proto);

  /* E0026: a second impl, or an impl of an interface the type already has */
  TraitRegistry *r = registry(c);
  for (int i = 0; i < r->impls.len; i++) {
    ImplEntry *o = r->impls.items[i];
    if (o->head == e->head && !strcmp(o->iface, e->iface)) {
      report_duplicate(c, e, o->impl->span, o->mod == c->mod);
      return 0;
    }
  }
  if (proto) {
    unsigned have = e->sdecl   ? e->sdecl->derives
                    : e->udecl ? e->udecl->derives
                               : IFACE_EQ | IFACE_ORD | IFACE_HASH | IFACE_DEBUG | IFACE_DISPLAY |
                                     IFACE_DEFAULT;
    if (e->prim && (e->prim->kind == T_INT || e->prim->kind == T_FLOAT))
      have |= IFACE_ADD | IFACE_SUB | IFACE_MUL | IFACE_DIV | IFACE_MOD;
    if (e->prim && e->prim->kind == T_BOOL) have &= ~(unsigned)IFACE_ORD; /* §5.9: no Ord */
    if (have & proto->bit) {
      report_duplicate(c, e, im->span, false);
      return 0;
    }
  }

  /* methods: the written ones, then defaults for omitted interface methods */
  VEC(FnDecl *) ms = {0};
  for (int i = 0; i < im->methods.len; i++)
    VEC_PUSH(c->a, ms, im->methods.items[i]);
  e->nwritten = ms.len;
  if (proto && !entry_method(&(ImplEntry){.methods = ms.items, .nmethods = ms.len}, proto->method))
    report_missing(c, e, proto->method);
  for (int i = 0; e->idecl && i < e->idecl->methods.len; i++) {
    MethodSig *sig = &e->idecl->methods.items[i];
    if (!sig->name.text) continue;
    bool given = false;
    for (int k = 0; k < ms.len; k++)
      if (ms.items[k]->name.text && !strcmp(ms.items[k]->name.text, sig->name.text)) given = true;
    if (given) continue;
    if (!sig->default_body) {
      report_missing(c, e, sig->name.text);
      continue;
    }
    FnDecl *d = method_from_default(c->a, sig);
    d->module = ie->mod; /* its spans belong to the interface's file */
    VEC_PUSH(c->a, ms, d);
  }
  for (int i = 0; i < ms.len; i++) {
    FnDecl *fn = ms.items[i];
    fn->is_method = true;
    fn->owner = it;
    if (!fn->module) fn->module = c->mod;
    fn->id = c->next_decl_id++;
  }
  e->methods = ms.items;
  e->nmethods = ms.len;
  VEC_PUSH(c->a, r->impls, e);
  if (proto) record_protocol(c, e, proto);
  *methods_out = ms.items;
  return ms.len;
}

static ImplEntry *owner_entry(Checker *c, FnDecl *fn) {
  TraitRegistry *r = registry(c);
  for (int i = r->impls.len - 1; i >= 0; i--)
    if (r->impls.items[i]->item == fn->owner) return r->impls.items[i];
  return NULL;
}

/* Whether `fn` is an impl's copy of an interface default. */
static bool is_default_copy(ImplEntry *e, FnDecl *fn) {
  for (int i = e->nwritten; i < e->nmethods; i++)
    if (e->methods[i] == fn) return true;
  return false;
}

static IfaceEntry *entry_interface(Checker *c, ImplEntry *e) {
  return e->idecl ? find_interface(c, e->iface) : NULL;
}

Type *traits_method_signature(Checker *c, FnDecl *fn) {
  ImplEntry *e = owner_entry(c, fn);
  if (!e || fn->clauses.len == 0) return fn_signature(c, fn);
  /* `Self` in the signature names the implementing type; a default's copy
   * is resolved where the interface is written, with its parameters bound
   * to the impl's arguments */
  Type *self_t = impl_target_type(c, e);
  bool dflt = is_default_copy(e, fn);
  TypeParamEnv *env = impl_env(c, e, self_t, dflt);
  MethodEnv me = {fn, env};
  VEC_PUSH(c->a, registry(c)->method_envs, me);
  env->parent = c->tparams;
  c->tparams = env;
  Module *saved_mod = c->mod;
  ModuleInfo *saved_mi = c->mi;
  IfaceEntry *ie = dflt ? entry_interface(c, e) : NULL;
  if (ie && ie->mod && ie->mod->check_data) {
    c->mod = ie->mod;
    c->mi = ie->mod->check_data;
  }
  Type *ft = fn_signature(c, fn);
  c->mod = saved_mod;
  c->mi = saved_mi;
  c->tparams = env->parent;
  env->parent = NULL;
  FnClause *cl = &fn->clauses.items[0];
  for (int i = 0; i < cl->params.len && ft && i < ft->nargs; i++) {
    if (!cl->params.items[i].is_self) continue;
    UnifyError ue;
    if (unify(c, ft->args[i], self_t, &ue) != UNIFY_OK)
      report_unify_error(c, &ue, self_t, ft->args[i], cl->params.items[i].span, NULL, NULL, NULL);
  }
  return ft;
}

TypeParamEnv *traits_method_env(Checker *c, FnDecl *fn) {
  TraitRegistry *r = registry(c);
  for (int i = r->method_envs.len - 1; fn->is_method && i >= 0; i--)
    if (r->method_envs.items[i].fn == fn) return r->method_envs.items[i].env;
  return NULL;
}

/* E0008: the interface's declared return type (resolved where the interface
 * is written, `Self` and its parameters bound for this impl) against the
 * method's. Unifying also fixes interface arguments the impl left out, and
 * gives an unannotated method the interface's return type. */
void traits_check_signatures(Checker *c, FnDecl *fn) {
  if (!fn->is_method || fn->clauses.len == 0) return;
  ImplEntry *e = owner_entry(c, fn);
  if (!e || !e->idecl || !fn->name.text || is_default_copy(e, fn)) return;
  MethodSig *sig = iface_method(e->idecl, fn->name.text);
  TypeExpr *mine = fn->clauses.items[0].ret;
  Type *ft = type_resolve(fn->type);
  TypeParamEnv *menv = traits_method_env(c, fn);
  if (!sig || !sig->ret || !ft || ft->kind != T_FUN || !menv) return;
  IfaceEntry *ie = entry_interface(c, e);
  TypeParamEnv *env = impl_env(c, e, menv->types[0], true);
  env->parent = c->tparams;
  c->tparams = env;
  Type *want_t = resolve_in_module(c, ie ? ie->mod : c->mod, sig->ret);
  c->tparams = env->parent;
  UnifyError ue;
  /* an unannotated method returns the interface's type (its body is then
   * checked against it) */
  if (unify(c, want_t, ft->ret, &ue) == UNIFY_OK || !mine) return;
  const char *want = tstr(c, want_t), *got = tstr(c, ft->ret);
  diag_error(c->dc, "E0008", c->mod->file, mine->span,
             arena_printf(c->a, "expected return type %s, found %s", want, got),
             "method %s in impl %s has wrong signature: expected %s, found %s", fn->name.text,
             e->iface, want, got);
}

/* ------------------------------------------------------------ lookup */

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* E0027: several interfaces provide method `m` for `recv` (names sorted). */
static void report_ambiguous_method(Checker *c, Span at, const char *m, Type *recv,
                                    const char **ifaces, int n) {
  qsort(ifaces, (size_t)n, sizeof *ifaces, cmp_str);
  const char *list = "";
  for (int i = 0; i < n; i++)
    list = arena_printf(c->a, "%s%s%s", list, i ? ", " : "", ifaces[i]);
  Diagnostic *d = diag_error(
      c->dc, "E0027", c->mod->file, at, arena_printf(c->a, "multiple traits provide `%s`", m),
      "ambiguous method `%s` for type `%s`: candidates from traits [%s]", m, tstr(c, recv), list);
  diag_set_help(c->dc, d, "use qualified syntax: %s.%s(value) or %s.%s(value)", ifaces[0], m,
                ifaces[1], m);
}

/* Methods named `m` of the impls for the receiver's type (restricted to
 * interface `iface` when non-NULL). A receiver whose type is still an
 * unconstrained variable is decided when exactly one impl provides `m`.
 * Returns the method, or NULL: *ambiguous is set after reporting E0027. */
FnDecl *traits_find_method(Checker *c, Type *recv, const char *m, const char *iface, Span at,
                           bool *ambiguous) {
  *ambiguous = false;
  TraitRegistry *r = registry(c);
  Type *rt = type_resolve(recv);
  const void *head = type_head(rt);
  if (!head && rt && rt->kind == T_VAR && !rt->is_generic_param && !rt->quantified) {
    ImplEntry *only = NULL;
    int hits = 0;
    for (int i = 0; i < r->impls.len; i++) {
      ImplEntry *e = r->impls.items[i];
      if ((!iface || !strcmp(e->iface, iface)) && entry_method(e, m)) {
        hits++;
        only = e;
      }
    }
    if (hits != 1) return NULL;
    UnifyError ue;
    if (unify(c, recv, impl_target_type(c, only), &ue) != UNIFY_OK) return NULL;
    return entry_method(only, m);
  }
  if (!head) return NULL;
  FnDecl *found = NULL;
  VEC(const char *) names = {0};
  for (int i = 0; i < r->impls.len; i++) {
    ImplEntry *e = r->impls.items[i];
    if (e->head != head || (iface && strcmp(e->iface, iface))) continue;
    FnDecl *fn = entry_method(e, m);
    if (!fn) continue;
    found = fn;
    VEC_PUSH(c->a, names, e->iface);
  }
  if (names.len <= 1) return found;
  report_ambiguous_method(c, at, m, recv, names.items, names.len);
  *ambiguous = true;
  return NULL;
}

/* Whether some impl or interface provides a method named `m` (for the
 * function-call form `m(v, ...)`). */
bool traits_has_method_named(Checker *c, const char *m) {
  TraitRegistry *r = registry(c);
  for (int i = 0; i < r->impls.len; i++)
    if (entry_method(r->impls.items[i], m)) return true;
  for (int i = 0; i < r->ifaces.len; i++)
    if (iface_method(r->ifaces.items[i].decl, m)) return true;
  return false;
}

/* ------------------------------------------------------------ where clauses */

void traits_record_bounds(Checker *c, FnDecl *fn, TypeParamEnv *env) {
  if (fn->clauses.len == 0) return;
  BoundList *bl = &fn->clauses.items[0].where;
  for (int i = 0; i < bl->len; i++) {
    Bound *b = &bl->items[i];
    if (!b->type_param.text || b->interface_path.len == 0) continue;
    Name *in = &b->interface_path.items[b->interface_path.len - 1];
    Type *var = NULL;
    for (int k = 0; k < env->n; k++)
      if (!strcmp(env->names[k], b->type_param.text)) var = env->types[k];
    if (!var) {
      diag_error(c->dc, "E0004", c->mod->file, b->type_param.span, "not found in this scope",
                 "undefined variable: %s", b->type_param.text);
      continue;
    }
    const Protocol *p = find_interface(c, in->text) ? NULL : protocol_named(in->text);
    if (p) var->constraints |= p->bit; /* built-in protocols: checked like operators */
    BoundEntry be = {var, in->text, fn, NULL, 0};
    IfaceEntry *ie = find_interface(c, in->text);
    if (ie && ie->decl->generics.len > 0) {
      be.nassoc = ie->decl->generics.len;
      be.assoc = ARENA_ARRAY(c->a, Type *, be.nassoc);
      for (int k = 0; k < be.nassoc; k++)
        be.assoc[k] = new_rigid(c, arena_printf(c->a, "%s.%s", in->text,
                                                ie->decl->generics.items[k].name.text));
    }
    VEC_PUSH(c->a, registry(c)->bounds, be);
  }
}

static bool var_has_bound(TraitRegistry *r, Type *var, const char *iface) {
  for (int i = 0; i < r->bounds.len; i++)
    if (r->bounds.items[i].var == var && !strcmp(r->bounds.items[i].iface, iface)) return true;
  return false;
}

static bool type_implements(Checker *c, Type *t, const char *iface) {
  TraitRegistry *r = registry(c);
  const void *head = type_head(t);
  for (int i = 0; head && i < r->impls.len; i++)
    if (r->impls.items[i]->head == head && !strcmp(r->impls.items[i]->iface, iface)) return true;
  return false;
}

/* The impl of interface `iface` for the type `t`, or NULL. */
static ImplEntry *impl_for(TraitRegistry *r, Type *t, const char *iface) {
  const void *head = type_head(t);
  for (int i = 0; head && i < r->impls.len; i++)
    if (r->impls.items[i]->head == head && !strcmp(r->impls.items[i]->iface, iface))
      return r->impls.items[i];
  return NULL;
}

/* Whether variable `v` occurs in `t`. */
static bool type_mentions(Type *t, Type *v, int depth) {
  t = type_resolve(t);
  if (!t || depth > 200) return false;
  if (t == v) return true;
  for (int i = 0; i < t->nargs; i++)
    if (type_mentions(t->args[i], v, depth + 1)) return true;
  return t->kind == T_FUN && type_mentions(t->ret, v, depth + 1);
}

/* The type of interface method `sig` of `ie` called on a receiver of type
 * `recv` (`Self` in its annotations names the receiver's type). The
 * interface's own type parameters are `assoc` (a bound's variables); when
 * NULL they are unknown: a method whose signature mentions them gets NULL. */
static Type *sig_type(Checker *c, IfaceEntry *ie, MethodSig *sig, Type *recv, Type **assoc) {
  int ng = ie->decl->generics.len;
  TypeParamEnv env = {0};
  env.n = ng + 1;
  env.names = ARENA_ARRAY(c->a, const char *, ng + 1);
  env.types = ARENA_ARRAY(c->a, Type *, ng + 1);
  env.names[0] = "Self";
  env.types[0] = recv;
  for (int i = 0; i < ng; i++) {
    env.names[i + 1] = ie->decl->generics.items[i].name.text;
    env.types[i + 1] = assoc ? assoc[i] : new_var(c);
  }
  env.parent = c->tparams;
  TypeParamEnv *saved = c->tparams;
  c->tparams = &env;
  int n = sig->params.len;
  Type **ps = ARENA_ARRAY(c->a, Type *, n + 1);
  for (int i = 0; i < n; i++) {
    Param *p = &sig->params.items[i];
    ps[i] = p->is_self ? recv : p->annot ? resolve_in_module(c, ie->mod, p->annot) : new_var(c);
  }
  Type *ret = sig->ret ? resolve_in_module(c, ie->mod, sig->ret) : new_var(c);
  c->tparams = saved;
  Type *ft = type_fun(c->a, ps, n, ret);
  for (int i = 0; !assoc && i < ng; i++)
    if (type_mentions(ft, env.types[i + 1], 0)) return NULL;
  return ft;
}

bool traits_bound_call(Checker *c, Type *recv, const char *m, const char *iface, Span at, Ref *ref,
                       Type **fn_type) {
  Type *rt = type_resolve(recv);
  if (!rt || rt->kind != T_VAR) return false;
  TraitRegistry *r = registry(c);
  IfaceEntry *hit = NULL;
  MethodSig *hit_sig = NULL;
  BoundEntry *hit_bound = NULL;
  VEC(const char *) names = {0};
  for (int i = 0; i < r->bounds.len; i++) {
    BoundEntry *b = &r->bounds.items[i];
    if (b->var != rt || (iface && strcmp(b->iface, iface))) continue;
    IfaceEntry *ie = find_interface(c, b->iface);
    MethodSig *sig = ie ? iface_method(ie->decl, m) : NULL;
    if (!sig) continue;
    bool seen = false;
    for (int k = 0; k < names.len; k++)
      if (!strcmp(names.items[k], b->iface)) seen = true;
    if (seen) continue;
    VEC_PUSH(c->a, names, b->iface);
    hit = ie;
    hit_sig = sig;
    hit_bound = b;
  }
  if (!hit) return false;
  if (names.len > 1) {
    report_ambiguous_method(c, at, m, recv, names.items, names.len);
    *fn_type = NULL;
    return true;
  }
  ref->kind = REF_METHOD;
  ref->fn = NULL;
  ref->item = hit->item;
  *fn_type = sig_type(c, hit, hit_sig, recv, hit_bound->nassoc ? hit_bound->assoc : NULL);
  return true;
}

/* ------------------------------------------------------------ methods as values */

Type *traits_method_value(Checker *c, Expr *e, const char *m, const char *iface) {
  TraitRegistry *r = registry(c);
  IfaceEntry *hit = NULL;
  int hits = 0;
  for (int i = 0; i < r->ifaces.len; i++) {
    IfaceEntry *ie = &r->ifaces.items[i];
    MethodSig *sig = iface_method(ie->decl, m);
    if ((iface && strcmp(ie->decl->name.text, iface)) || !sig) continue;
    if (sig->params.len == 0 || !sig->params.items[0].is_self) continue; /* no receiver */
    hit = ie;
    hits++;
  }
  if (hits == 1) {
    Type *recv = new_var(c);
    Type *ft = sig_type(c, hit, iface_method(hit->decl, m), recv, NULL);
    if (ft) {
      VEC_PUSH(c->a, r->receivers, recv);
      e->ref.kind = REF_METHOD;
      e->ref.fn = NULL;
      e->ref.item = hit->item;
      return ft;
    }
    /* its type depends on the impl's arguments: variables for them, fixed
     * once the receiver is known (check_method_value) */
    PendingValue pv = {e, ARENA_ARRAY(c->a, Type *, hit->decl->generics.len + 1),
                       hit->decl->generics.len};
    for (int i = 0; i < pv.nprobes; i++)
      pv.probes[i] = new_var(c);
    VEC_PUSH(c->a, r->pending, pv);
    VEC_PUSH(c->a, r->receivers, recv);
    e->ref.kind = REF_METHOD;
    e->ref.fn = NULL;
    e->ref.item = hit->item;
    return sig_type(c, hit, iface_method(hit->decl, m), recv, pv.probes);
  }
  /* no interface declares m (impls of undeclared interfaces): one impl
   * providing it decides; otherwise the receiver must be known here */
  ImplEntry *only = NULL;
  int impls = 0;
  for (int i = 0; hits == 0 && i < r->impls.len; i++)
    if ((!iface || !strcmp(r->impls.items[i]->iface, iface)) && entry_method(r->impls.items[i], m)) {
      only = r->impls.items[i];
      impls++;
    }
  if (impls == 1) return fn_use_type(c, entry_method(only, m), &e->ref);
  if (hits == 0 && impls == 0) { /* `I.m` where interface I has no m */
    Diagnostic *d = diag_error(c->dc, "E0030", c->mod->file, e->span,
                               arena_printf(c->a, "method `%s` not found", m),
                               "no method `%s` on type `%s`", m, iface ? iface : "?");
    diag_set_help(c->dc, d, "type `%s` has no trait impl providing `%s`", iface ? iface : "?", m);
    return new_var(c);
  }
  Type *v = new_var(c);
  diag_error(c->dc, "E0046", c->mod->file, e->span, "type annotation needed",
             "cannot infer type: %s is not determined here", tstr(c, v));
  return new_var(c);
}

/* The receiver of an interface method passed as a value, once the
 * definition is checked: it must implement the interface (E0006) and be
 * determined (E0046). */
static PendingValue *pending_value(TraitRegistry *r, Expr *e) {
  for (int i = 0; i < r->pending.len; i++)
    if (r->pending.items[i].e == e) return &r->pending.items[i];
  return NULL;
}

/* The receiver of a pending generic-interface method value is known: its
 * impl's arguments are the interface's parameters. */
static void bind_pending(Checker *c, Expr *e, PendingValue *pv, Type *recv, const char *iface) {
  ImplEntry *im = impl_for(registry(c), recv, iface);
  for (int k = 0; im && k < pv->nprobes && k < im->niface_args; k++) {
    Type *p = type_resolve(pv->probes[k]);
    if (p && p->kind == T_VAR && (p->quantified || p->is_generic_param)) {
      report_unsupported(c, e->span,
                         arena_printf(c->a,
                                      "`%s` of generic interface `%s` as a value in a generic "
                                      "position (annotate its receiver's type)",
                                      e->name.text, iface));
      return;
    }
    UnifyError ue;
    if (unify(c, im->iface_args[k], pv->probes[k], &ue) != UNIFY_OK)
      report_unify_error(c, &ue, im->iface_args[k], pv->probes[k], e->span, NULL, NULL, NULL);
  }
}

static void check_method_value(Checker *c, Expr *e) {
  Type *ft = type_resolve(e->type);
  if (!e->ref.item || e->ref.item->kind != ITEM_INTERFACE || !ft || ft->kind != T_FUN ||
      ft->nargs < 1)
    return;
  const char *iface = e->ref.item->interface->name.text;
  Type *recv = type_resolve(ft->args[0]);
  if (!recv || recv->kind == T_NEVER) return;
  PendingValue *pv = pending_value(registry(c), e);
  if (recv->kind == T_VAR) {
    if (pv && recv->quantified) {
      report_unsupported(c, e->span,
                         arena_printf(c->a,
                                      "`%s` of generic interface `%s` as a value in a generic "
                                      "position (annotate its receiver's type)",
                                      e->name.text, iface));
      return;
    }
    if (recv->is_generic_param ? var_has_bound(registry(c), recv, iface) : recv->quantified)
      return; /* a bounded parameter; a generalised `let` (checked per instance) */
    if (!recv->is_generic_param) {
      diag_error(c->dc, "E0046", c->mod->file, e->span, "type annotation needed",
                 "cannot infer type: %s is not determined here", tstr(c, recv));
      return;
    }
  } else if (type_implements(c, recv, iface)) {
    if (pv) bind_pending(c, e, pv, recv, iface);
    return;
  }
  const char *ts = tstr(c, recv);
  Diagnostic *d = diag_error(c->dc, "E0006", c->mod->file, e->span,
                             arena_printf(c->a, "%s does not satisfy %s", ts, iface),
                             "%s does not implement %s", ts, iface);
  diag_set_help(c->dc, d, "add `impl %s for %s do ... end`", iface, ts);
}

/* Whether a generalised `let` value's behaviour depends on its quantified
 * variable `v`: the type of a `default()` or the receiver of a method
 * passed as a value (§5.7). */
static bool value_depends_on(TraitRegistry *r, Type *v) {
  if (v->constraints & IFACE_DEFAULT) return true;
  for (int i = 0; i < r->receivers.len; i++)
    if (type_resolve(r->receivers.items[i]) == v) return true;
  return false;
}

/* At a use of a generalised `let`: E0046 when its value depends on a type
 * this use leaves undetermined (`let xs = [default()]`, then `"${xs}"`);
 * E0006 when it names a function whose `where` bounds this use's types do
 * not satisfy (`let f = introduce`, then `f("s")`). */
static void check_let_value_use(Checker *c, Expr *e) {
  Binding *b = e->ref.local;
  if (!b || !b->is_let_value || !b->scheme) return;
  Scheme *s = b->scheme;
  for (int i = 0; i < s->nvars && i < e->ref.ninst; i++) {
    if (!value_depends_on(registry(c), s->vars[i]) || !type_has_unbound(c, e->ref.inst[i]))
      continue;
    diag_error(c->dc, "E0046", c->mod->file, e->span, "type annotation needed",
               "cannot infer type: %s is not determined here", tstr(c, e->ref.inst[i]));
    return;
  }
  /* `let f = introduce` (a function with `where` bounds): its bounds must
   * hold for the types of this use (E0006) */
  Expr *v = b->let_value;
  if (!v || (v->kind != EXPR_NAME && v->kind != EXPR_FIELD) || v->ref.kind != REF_FN ||
      !v->ref.fn || !v->ref.fn->scheme)
    return;
  TraitRegistry *r = registry(c);
  Scheme *fs = v->ref.fn->scheme;
  int n = s->nvars < e->ref.ninst ? s->nvars : e->ref.ninst;
  for (int k = 0; k < r->bounds.len; k++) {
    BoundEntry *bd = &r->bounds.items[k];
    if (bd->fn != v->ref.fn || (protocol_named(bd->iface) && !find_interface(c, bd->iface)))
      continue;
    for (int i = 0; i < fs->nvars && i < v->ref.ninst; i++) {
      if (fs->vars[i] != bd->var) continue;
      Type *t = type_resolve(type_subst(c->a, v->ref.inst[i], s->vars, e->ref.inst, n, false));
      if (!t || t->kind == T_VAR || t->kind == T_NEVER || type_implements(c, t, bd->iface))
        continue;
      const char *ts = tstr(c, t);
      Diagnostic *d = diag_error(c->dc, "E0006", c->mod->file, e->span,
                                 arena_printf(c->a, "%s does not satisfy %s", ts, bd->iface),
                                 "%s does not implement %s", ts, bd->iface);
      diag_set_help(c->dc, d, "add `impl %s for %s do ... end`", bd->iface, ts);
    }
  }
}

/* What the bounded function's body requires of a generic interface's
 * parameters (operators on them: Eq, Ord, Add, ...) must hold for the
 * arguments of the impl of `t`, which they stand for in this instance. */
static void check_assoc_requirements(Checker *c, Expr *e, BoundEntry *b, Type *t) {
  ImplEntry *im = impl_for(registry(c), t, b->iface);
  for (int k = 0; im && k < b->nassoc && k < im->niface_args; k++) {
    unsigned need = b->assoc[k]->constraints;
    UnifyError ue;
    if (!need || require_iface(c, im->iface_args[k], need, &ue) == UNIFY_OK) continue;
    const char *ts = tstr(c, ue.iface_type);
    const char *in = iface_name(ue.iface);
    Diagnostic *d = diag_error(c->dc, "E0006", c->mod->file, e->span,
                               arena_printf(c->a, "%s does not satisfy %s", ts, in),
                               "%s does not implement %s", ts, in);
    diag_set_help(c->dc, d, "add `impl %s for %s do ... end`", in, ts);
  }
}

static int scheme_index(Scheme *s, Type *v) {
  for (int i = 0; s && i < s->nvars; i++)
    if (s->vars[i] == v) return i;
  return -1;
}

/* A use of a bounded function whose type mentions a generic interface's
 * parameter (`fn all<C>(c :: C) where C: Container do c.items() end`
 * returns List<Container.T>): once the bounded parameter's type is known
 * here, the parameter's instance is the argument of that type's impl (or,
 * for a bounded parameter of the caller, the caller's own variable for it).
 * `final`: at the end of the definition, when an instance the caller has
 * generalised meanwhile can no longer be fixed (E9999). Returns false
 * after reporting. */
static bool bind_assoc_of_use(Checker *c, Expr *e, bool final) {
  Ref *ref = &e->ref;
  FnDecl *fn = ref->fn;
  Scheme *s = fn ? fn->scheme : NULL;
  TraitRegistry *r = registry(c);
  if (!s || !ref->inst) return true;
  for (int k = 0; k < r->bounds.len; k++) {
    BoundEntry *b = &r->bounds.items[k];
    int ic = b->fn == fn && b->nassoc ? scheme_index(s, b->var) : -1;
    if (ic < 0 || ic >= ref->ninst) continue;
    Type *t = type_resolve(ref->inst[ic]);
    Type **args = NULL;
    if (t && t->kind != T_VAR) {
      ImplEntry *im = impl_for(r, t, b->iface);
      if (im && im->niface_args == b->nassoc) args = im->iface_args;
    } else if (t && t->is_generic_param) {
      for (int i = 0; i < r->bounds.len && !args; i++)
        if (r->bounds.items[i].var == t && !strcmp(r->bounds.items[i].iface, b->iface) &&
            r->bounds.items[i].nassoc == b->nassoc)
          args = r->bounds.items[i].assoc;
    }
    /* generalised by an enclosing `let` before the bounded type was known */
    bool generalised = t && t->kind == T_VAR && t->quantified && !t->is_generic_param;
    for (int j = 0; (args || generalised) && j < b->nassoc; j++) {
      int ia = scheme_index(s, b->assoc[j]);
      if (ia < 0 || ia >= ref->ninst) continue;
      Type *v = type_resolve(ref->inst[ia]);
      if (generalised || (v && v->kind == T_VAR && v->quantified && !v->is_generic_param)) {
        if (!final) continue;
        report_unsupported(c, e->span,
                           arena_printf(c->a,
                                        "a generalised use of `%s`, whose type mentions the "
                                        "parameter `%s` of generic interface `%s` (annotate it)",
                                        fn->name.text ? fn->name.text : "?", b->assoc[j]->var_name,
                                        b->iface));
        return false;
      }
      UnifyError ue;
      if (unify(c, args[j], ref->inst[ia], &ue) != UNIFY_OK) {
        report_unify_error(c, &ue, args[j], ref->inst[ia], e->span, NULL, NULL, NULL);
        return false;
      }
    }
  }
  return true;
}

void traits_bind_assoc(Checker *c, Expr *callee) {
  if (callee && callee->ref.kind == REF_FN && registry(c)->bounds.len)
    bind_assoc_of_use(c, callee, false);
}

/* E0006 at a use of a function with `where` bounds whose instantiation
 * does not satisfy them (also when the function is passed as a value);
 * the checks of method values and of generalised `let`s above. */
void traits_check_ref_bounds(Checker *c, Expr *e) {
  Ref *ref = &e->ref;
  if (ref->kind == REF_METHOD) {
    check_method_value(c, e);
    return;
  }
  if (ref->kind == REF_LOCAL) {
    check_let_value_use(c, e);
    return;
  }
  if (ref->kind != REF_FN || !ref->fn || !ref->fn->scheme || !ref->inst) return;
  TraitRegistry *r = registry(c);
  if (r->bounds.len == 0) return;
  Scheme *s = ref->fn->scheme;
  if (!bind_assoc_of_use(c, e, true)) return;
  for (int i = 0; i < s->nvars && i < ref->ninst; i++) {
    for (int k = 0; k < r->bounds.len; k++) {
      BoundEntry *b = &r->bounds.items[k];
      if (b->var != s->vars[i]) continue;
      if (protocol_named(b->iface) && !find_interface(c, b->iface)) continue; /* bits */
      Type *t = type_resolve(ref->inst[i]);
      if (!t) continue;
      if (t->kind == T_VAR) {
        /* undetermined: (); generalised by an enclosing `let` (`let f =
         * all_items`): each use of the binding is its own instance */
        if (!t->is_generic_param) continue;
        if (var_has_bound(r, t, b->iface)) continue;
      } else if (t->kind == T_NEVER) {
        continue;
      } else if (type_implements(c, t, b->iface)) {
        check_assoc_requirements(c, e, b, t);
        continue;
      }
      const char *ts = tstr(c, t);
      Diagnostic *d = diag_error(c->dc, "E0006", c->mod->file, e->span,
                                 arena_printf(c->a, "%s does not satisfy %s", ts, b->iface),
                                 "%s does not implement %s", ts, b->iface);
      diag_set_help(c->dc, d, "add `impl %s for %s do ... end`", b->iface, ts);
    }
  }
}

/* ------------------------------------------------------------ for lowering */

bool check_bound_assoc(Program *p, FnDecl *fn, int k, Type **var, const char **iface,
                       Type ***assoc, int *nassoc) {
  TraitRegistry *r = p->traits;
  for (int i = 0; r && i < r->bounds.len; i++) {
    BoundEntry *b = &r->bounds.items[i];
    if (b->fn != fn || b->nassoc == 0 || k-- > 0) continue;
    *var = b->var;
    *iface = b->iface;
    *assoc = b->assoc;
    *nassoc = b->nassoc;
    return true;
  }
  return false;
}

Type **check_impl_iface_args(Program *p, Type *t, const char *iface, int *n) {
  ImplEntry *e = p->traits ? impl_for(p->traits, t, iface) : NULL;
  *n = e ? e->niface_args : 0;
  return e ? e->iface_args : NULL;
}

unsigned traits_primitive_ifaces(Checker *c, Type *t) {
  int k = prim_index(t);
  return k < 0 || !c->prog->traits ? 0 : registry(c)->prim_bits[k];
}

ProtoImpls *check_primitive_protos(Program *p, Type *t) {
  TraitRegistry *r = p->traits;
  int k = prim_index(t);
  return r && k >= 0 && r->prim_bits[k] ? &r->prim_protos[k] : NULL;
}

FnDecl *check_impl_method(Program *p, Type *t, const char *iface, const char *m) {
  TraitRegistry *r = p->traits;
  const void *head = type_head(t);
  for (int i = 0; r && head && i < r->impls.len; i++) {
    ImplEntry *e = r->impls.items[i];
    if (e->head == head && (!iface || !strcmp(e->iface, iface))) {
      FnDecl *fn = entry_method(e, m);
      if (fn) return fn;
    }
  }
  return NULL;
}

/* ------------------------------------------------------------ forward uses */

/* Whether `t` contains no type variable at all (not even a generic one). */
static bool type_is_ground(Type *t, int depth) {
  t = type_resolve(t);
  if (!t || depth > 200) return false;
  if (t->kind == T_VAR) return false;
  for (int i = 0; i < t->nargs; i++)
    if (!type_is_ground(t->args[i], depth + 1)) return false;
  return t->kind != T_FUN || type_is_ground(t->ret, depth + 1);
}

bool traits_forward_method_use(Checker *c, FnDecl *fn, Ref *ref, Type **out) {
  if (!fn->is_method || fn->scheme || !fn->type) return false;
  ImplEntry *e = owner_entry(c, fn);
  if (!e || e->mod == c->mod) return false;
  /* The impl's module has its bodies checked later (impls are global,
   * §3.4): check them now, then the method is used like any generalised
   * function. */
  if (check_module_bodies_early(c, e->mod) && fn->scheme) return false;
  /* Its bodies are being checked (a cycle of such uses): the signature
   * stands for the method. A signature without type variables is the
   * method's final type; others would need the body. */
  ref->kind = REF_FN;
  ref->fn = fn;
  if (type_is_ground(fn->type, 0)) {
    *out = fn->type;
    return true;
  }
  if (!e->forward_use_reported) {
    /* reported once, at the method (its module's file) */
    Span at = fn->clauses.len ? fn->clauses.items[0].header_span : fn->span;
    diag_error(c->dc, "E9999", fn->module ? fn->module->file : c->mod->file, at,
               "not supported by this compiler version yet",
               "not yet supported: using method `%s` (generic or not fully annotated) while "
               "its module's bodies are being checked (impls of two modules using each "
               "other's methods)",
               fn->name.text ? fn->name.text : "?");
    e->forward_use_reported = true;
  }
  *out = new_var(c);
  return true;
}
