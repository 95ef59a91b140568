/* resolve.c — module symbol tables, the built-in sum types, library
 * signatures (parsed from builtins.def) and annotation types (TypeExpr →
 * Type, with aliases expanded). See check_internal.h. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ string map */

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

void *symtab_get(SymTab *t, const char *key) {
  if (!t->cap || !key) return NULL;
  uint32_t i = hash_str(key) & (uint32_t)(t->cap - 1);
  while (t->slots[i].key) {
    if (strcmp(t->slots[i].key, key) == 0) return t->slots[i].value;
    i = (i + 1) & (uint32_t)(t->cap - 1);
  }
  return NULL;
}

static void raw_put(SymEntry *slots, int cap, const char *key, void *value) {
  uint32_t i = hash_str(key) & (uint32_t)(cap - 1);
  while (slots[i].key && strcmp(slots[i].key, key) != 0)
    i = (i + 1) & (uint32_t)(cap - 1);
  slots[i].key = key;
  slots[i].value = value;
}

void symtab_put(Arena *a, SymTab *t, const char *key, void *value) {
  if (!key) return;
  if ((t->count + 1) * 2 > t->cap) {
    int ncap = t->cap ? t->cap * 2 : 16;
    SymEntry *ns = ARENA_ARRAY(a, SymEntry, ncap);
    for (int i = 0; i < t->cap; i++)
      if (t->slots[i].key) raw_put(ns, ncap, t->slots[i].key, t->slots[i].value);
    t->slots = ns;
    t->cap = ncap;
  }
  if (!symtab_get(t, key)) t->count++;
  raw_put(t->slots, t->cap, key, value);
}

/* ------------------------------------------------------------ built-in sums */

/* Constant objects shared by every compilation (never modified). */
static Type option_t = {
    .kind = T_VAR, .is_generic_param = true, .var_name = "T", .quantified = true};
static Type result_t = {
    .kind = T_VAR, .is_generic_param = true, .var_name = "T", .quantified = true};
static Type result_e = {
    .kind = T_VAR, .is_generic_param = true, .var_name = "E", .quantified = true};
static Type *option_generics[] = {&option_t};
static Type *result_generics[] = {&result_t, &result_e};
static Type *some_fields[] = {&option_t};
static Type *ok_fields[] = {&result_t};
static Type *err_fields[] = {&result_e};
static VariantField one_positional_field[1];

static SumDecl option_decl, result_decl, ordering_decl;

#define BUILTIN_VARIANT(var, nm, nf, ftypes, own, idx)                                             \
  static Variant var = {.name = {nm, {0, 0}},                                                      \
                        .fields = {nf ? one_positional_field : NULL, nf, nf},                      \
                        .owner = &own,                                                             \
                        .index = idx,                                                              \
                        .field_types = ftypes}

BUILTIN_VARIANT(some_variant, "Some", 1, some_fields, option_decl, 0);
BUILTIN_VARIANT(none_variant, "None", 0, NULL, option_decl, 1);
BUILTIN_VARIANT(ok_variant, "Ok", 1, ok_fields, result_decl, 0);
BUILTIN_VARIANT(err_variant, "Err", 1, err_fields, result_decl, 1);
BUILTIN_VARIANT(less_variant, "Less", 0, NULL, ordering_decl, 0);
BUILTIN_VARIANT(equal_variant, "Equal", 0, NULL, ordering_decl, 1);
BUILTIN_VARIANT(greater_variant, "Greater", 0, NULL, ordering_decl, 2);

static Variant *option_variants[] = {&some_variant, &none_variant};
static Variant *result_variants[] = {&ok_variant, &err_variant};
static Variant *ordering_variants[] = {&less_variant, &equal_variant, &greater_variant};
static GenericParam option_gparams[] = {{{"T", {0, 0}}}};
static GenericParam result_gparams[] = {{{"T", {0, 0}}}, {{"E", {0, 0}}}};

static SumDecl option_decl = {.name = {"Option", {0, 0}},
                              .generics = {option_gparams, 1, 1},
                              .variants = {option_variants, 2, 2},
                              .generic_vars = option_generics,
                              .id = -1,
                              .derives = DERIVE_DISPLAY | DERIVE_DEBUG,
                              .is_builtin = true};
static SumDecl result_decl = {.name = {"Result", {0, 0}},
                              .generics = {result_gparams, 2, 2},
                              .variants = {result_variants, 2, 2},
                              .generic_vars = result_generics,
                              .id = -2,
                              .derives = DERIVE_DISPLAY | DERIVE_DEBUG,
                              .is_builtin = true};
static SumDecl ordering_decl = {.name = {"Ordering", {0, 0}},
                                .variants = {ordering_variants, 3, 3},
                                .id = -3,
                                .derives = DERIVE_DISPLAY | DERIVE_DEBUG,
                                .is_builtin = true};

SumDecl *check_builtin_sum(int con) {
  switch (con) {
  case TC_OPTION:
    return &option_decl;
  case TC_RESULT:
    return &result_decl;
  case TC_ORDERING:
    return &ordering_decl;
  default:
    return NULL;
  }
}

static Variant *builtin_variant(const char *name) {
  static Variant *const all[] = {&some_variant, &none_variant,  &ok_variant,     &err_variant,
                                 &less_variant, &equal_variant, &greater_variant};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (strcmp(all[i]->name.text, name) == 0) return all[i];
  return prelude_process_variant(name); /* ExitReason, Signal (prelude_process.c) */
}

/* ------------------------------------------------------------ lookups */

StructDecl *lookup_struct(Checker *c, const char *name) {
  StructDecl *s = symtab_get(&c->mi->structs, name);
  return s ? s : symtab_get(&c->mi->ext_structs, name);
}

SumDecl *lookup_sum(Checker *c, const char *name) {
  SumDecl *s = symtab_get(&c->mi->sums, name);
  if (!s) s = symtab_get(&c->mi->ext_sums, name);
  if (s) return s;
  if (strcmp(name, "Option") == 0) return &option_decl;
  if (strcmp(name, "Result") == 0) return &result_decl;
  if (strcmp(name, "Ordering") == 0) return &ordering_decl;
  return check_prelude_sum(name); /* ExitReason, Signal (prelude_process.c) */
}

Variant *lookup_variant(Checker *c, const char *name) {
  if (!name) return NULL;
  Variant *v = symtab_get(&c->mi->variants, name);
  if (!v) v = symtab_get(&c->mi->ext_variants, name);
  return v ? v : builtin_variant(name);
}

Variant *lookup_variant_in(SumDecl *s, const char *name) {
  for (int i = 0; i < s->variants.len; i++)
    if (strcmp(s->variants.items[i]->name.text, name) == 0) return s->variants.items[i];
  return NULL;
}

int variant_arity(Variant *v) {
  return v->fields.len;
}

Type *struct_type(Checker *c, StructDecl *s, Type **args) {
  Type *t =
      type_con(c->a, TC_STRUCT,
               arena_printf(c->a, "%s.%s", s->module && s->module->name ? s->module->name : "Main",
                            s->name.text),
               args, s->generics.len);
  t->struct_decl = s;
  return t;
}

Type *sum_type(Checker *c, SumDecl *s, Type **args) {
  if (s == &option_decl) return type_option(c->a, args[0]);
  if (s == &result_decl) return type_result(c->a, args[0], args[1]);
  if (s == &ordering_decl) return type_con(c->a, TC_ORDERING, "Ordering", NULL, 0);
  Type *t = type_con(c->a, TC_SUM, s->name.text, args, s->generics.len);
  t->sum_decl = s;
  return t;
}

Type *instantiate_struct(Checker *c, StructDecl *s, Type ***args_out) {
  int n = s->generics.len;
  Type **args = ARENA_ARRAY(c->a, Type *, n > 0 ? n : 1);
  for (int i = 0; i < n; i++)
    args[i] = new_var(c);
  *args_out = args;
  return struct_type(c, s, args);
}

Type *instantiate_sum(Checker *c, SumDecl *s, Type ***args_out) {
  int n = s->generics.len;
  Type **args = ARENA_ARRAY(c->a, Type *, n > 0 ? n : 1);
  for (int i = 0; i < n; i++)
    args[i] = new_var(c);
  *args_out = args;
  return sum_type(c, s, args);
}

Type **variant_field_types_for(Checker *c, Variant *v, Type *sum_t) {
  int n = variant_arity(v);
  Type **out = ARENA_ARRAY(c->a, Type *, n > 0 ? n : 1);
  sum_t = type_resolve(sum_t);
  SumDecl *s = v->owner;
  int ng = s ? s->generics.len : 0;
  for (int i = 0; i < n; i++) {
    Type *ft = v->field_types ? v->field_types[i] : NULL;
    if (!ft) {
      out[i] = new_var(c);
      continue;
    }
    if (ng > 0 && sum_t && sum_t->kind == T_CON && sum_t->nargs == ng)
      out[i] = type_subst(c->a, ft, s->generic_vars, sum_t->args, ng, false);
    else
      out[i] = ft;
  }
  return out;
}

/* ------------------------------------------------------------ annotations */

static Type *resolve_rec(Checker *c, TypeExpr *te, int depth);

static Type *arg_or_var(Checker *c, TypeExpr *te, int i, int depth) {
  if (i < te->args.len) return resolve_rec(c, te->args.items[i], depth + 1);
  return new_var(c);
}

static Type *builtin_named(Checker *c, const char *n, TypeExpr *te, int depth) {
  if (!strcmp(n, "Int")) return type_int();
  if (!strcmp(n, "Float")) return type_float();
  if (!strcmp(n, "Bool")) return type_bool();
  if (!strcmp(n, "String")) return type_string();
  if (!strcmp(n, "List")) return type_list(c->a, arg_or_var(c, te, 0, depth));
  if (!strcmp(n, "Map")) {
    Type *args[2] = {arg_or_var(c, te, 0, depth), arg_or_var(c, te, 1, depth)};
    return type_con(c->a, TC_MAP, "Map", args, 2);
  }
  if (!strcmp(n, "Set")) return type_con(c->a, TC_SET, "Set", NULL, 0);
  if (!strcmp(n, "Range")) return type_con(c->a, TC_RANGE, "Range", NULL, 0);
  if (!strcmp(n, "Queue")) return type_con(c->a, TC_QUEUE, "Queue", NULL, 0);
  if (!strcmp(n, "Json")) return type_con(c->a, TC_JSON, "Json", NULL, 0);
  if (!strcmp(n, "Pid")) {
    if (te && te->args.len > 0) {
      Type *m = resolve_rec(c, te->args.items[0], depth + 1);
      return type_con(c->a, TC_PID, "Pid", &m, 1);
    }
    return type_con(c->a, TC_PID, "Pid", NULL, 0);
  }
  return NULL;
}

static Type *lookup_tparam(Checker *c, const char *name) {
  for (TypeParamEnv *e = c->tparams; e; e = e->parent)
    for (int i = 0; i < e->n; i++)
      if (strcmp(e->names[i], name) == 0) return e->types[i];
  return NULL;
}

static Type *resolve_named(Checker *c, TypeExpr *te, int depth) {
  if (te->path.len == 0) return new_var(c);
  const char *n = te->path.items[te->path.len - 1].text;
  if (te->path.len == 1) {
    Type *p = lookup_tparam(c, n);
    if (p) return p;
  }
  StructDecl *sd = lookup_struct(c, n);
  if (sd) {
    Type **args = ARENA_ARRAY(c->a, Type *, sd->generics.len + 1);
    for (int i = 0; i < sd->generics.len; i++)
      args[i] = arg_or_var(c, te, i, depth);
    return struct_type(c, sd, args);
  }
  SumDecl *su = lookup_sum(c, n);
  if (su) {
    Type **args = ARENA_ARRAY(c->a, Type *, su->generics.len + 1);
    for (int i = 0; i < su->generics.len; i++)
      args[i] = arg_or_var(c, te, i, depth);
    return sum_type(c, su, args);
  }
  AliasDecl *al = symtab_get(&c->mi->aliases, n);
  if (al) {
    if (depth > 64) {
      diag_error(c->dc, "E9999", c->mod->file, te->span, "alias expands into itself",
                 "recursive type alias: %s", n);
      return new_var(c);
    }
    int ng = al->generics.len;
    TypeParamEnv env = {.n = ng};
    env.names = ARENA_ARRAY(c->a, const char *, ng + 1);
    env.types = ARENA_ARRAY(c->a, Type *, ng + 1);
    for (int i = 0; i < ng; i++) {
      env.names[i] = al->generics.items[i].name.text;
      env.types[i] = arg_or_var(c, te, i, depth);
    }
    TypeParamEnv *saved = c->tparams;
    c->tparams = &env;
    Type *t = al->target ? resolve_rec(c, al->target, depth + 8) : new_var(c);
    c->tparams = saved;
    return t;
  }
  Type *b = builtin_named(c, n, te, depth);
  if (b) return b;
  return type_con(c->a, TC_OPAQUE, n, NULL, 0);
}

static Type *resolve_rec(Checker *c, TypeExpr *te, int depth) {
  if (!te) return new_var(c);
  if (depth > 200) {
    diag_error(c->dc, "E9999", c->mod->file, te->span, "type annotation too deeply nested",
               "not yet supported: type nesting deeper than 200");
    return new_var(c);
  }
  switch (te->kind) {
  case TE_NAMED:
    return resolve_named(c, te, depth);
  case TE_UNIT:
    return type_unit();
  case TE_TUPLE: {
    int n = te->args.len;
    if (n == 1) return resolve_rec(c, te->args.items[0], depth + 1);
    Type **el = ARENA_ARRAY(c->a, Type *, n + 1);
    for (int i = 0; i < n; i++)
      el[i] = resolve_rec(c, te->args.items[i], depth + 1);
    return n == 0 ? type_unit() : type_tuple(c->a, el, n);
  }
  case TE_FUN: {
    int n = te->args.len;
    Type **ps = ARENA_ARRAY(c->a, Type *, n + 1);
    for (int i = 0; i < n; i++)
      ps[i] = resolve_rec(c, te->args.items[i], depth + 1);
    return type_fun(c->a, ps, n, te->ret ? resolve_rec(c, te->ret, depth + 1) : type_unit());
  }
  case TE_OPTION:
    return type_option(c->a, resolve_rec(c, te->elem, depth + 1));
  case TE_RESULT:
    return type_result(c->a, resolve_rec(c, te->elem, depth + 1),
                       resolve_rec(c, te->err, depth + 1));
  }
  return new_var(c);
}

Type *resolve_type_expr(Checker *c, TypeExpr *te) {
  return resolve_rec(c, te, 0);
}

/* ------------------------------------------------------------ module tables */

static Type **make_generic_vars(Checker *c, GenericList *g) {
  Type **vars = ARENA_ARRAY(c->a, Type *, g->len + 1);
  for (int i = 0; i < g->len; i++) {
    vars[i] = new_rigid(c, g->items[i].name.text);
    vars[i]->quantified = true;
  }
  return vars;
}

static void with_generics(Checker *c, TypeParamEnv *env, GenericList *g, Type **vars) {
  env->n = g->len;
  env->names = ARENA_ARRAY(c->a, const char *, g->len + 1);
  env->types = vars;
  for (int i = 0; i < g->len; i++)
    env->names[i] = g->items[i].name.text;
  env->parent = NULL;
}

void module_collect_tables(Checker *c, Module *m) {
  ModuleInfo *mi = c->mi;
  /* pass 1: names */
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    switch (it->kind) {
    case ITEM_STRUCT: {
      StructDecl *s = it->struct_decl;
      s->module = m;
      s->id = c->next_decl_id++;
      s->generic_vars = make_generic_vars(c, &s->generics);
      if (!symtab_get(&mi->structs, s->name.text)) symtab_put(c->a, &mi->structs, s->name.text, s);
      break;
    }
    case ITEM_SUM: {
      SumDecl *s = it->sum;
      s->module = m;
      s->id = c->next_decl_id++;
      s->generic_vars = make_generic_vars(c, &s->generics);
      if (!symtab_get(&mi->sums, s->name.text)) symtab_put(c->a, &mi->sums, s->name.text, s);
      for (int k = 0; k < s->variants.len; k++) {
        Variant *v = s->variants.items[k];
        v->owner = s;
        v->index = k;
        if (!symtab_get(&mi->variants, v->name.text))
          symtab_put(c->a, &mi->variants, v->name.text, v);
      }
      break;
    }
    case ITEM_ALIAS:
      if (!symtab_get(&mi->aliases, it->alias->name.text))
        symtab_put(c->a, &mi->aliases, it->alias->name.text, it->alias);
      break;
    default:
      break;
    }
  }
  /* pass 2: field types (every type name is now known) */
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    TypeParamEnv env;
    if (it->kind == ITEM_STRUCT) {
      StructDecl *s = it->struct_decl;
      with_generics(c, &env, &s->generics, s->generic_vars);
      c->tparams = &env;
      s->field_types = ARENA_ARRAY(c->a, Type *, s->fields.len + 1);
      for (int k = 0; k < s->fields.len; k++)
        s->field_types[k] = resolve_type_expr(c, s->fields.items[k].type);
      c->tparams = NULL;
    } else if (it->kind == ITEM_SUM) {
      SumDecl *s = it->sum;
      with_generics(c, &env, &s->generics, s->generic_vars);
      c->tparams = &env;
      for (int k = 0; k < s->variants.len; k++) {
        Variant *v = s->variants.items[k];
        v->field_types = ARENA_ARRAY(c->a, Type *, v->fields.len + 1);
        for (int f = 0; f < v->fields.len; f++)
          v->field_types[f] = resolve_type_expr(c, v->fields.items[f].type);
      }
      c->tparams = NULL;
    }
  }
}

/* ------------------------------------------------------------ library signatures */

typedef struct SigParser {
  Checker *c;
  const char *p;
  const char **gnames;
  Type **gvars;
  int ng;
  bool bad;
} SigParser;

static void sp_ws(SigParser *s) {
  while (*s->p == ' ')
    s->p++;
}
static bool sp_eat(SigParser *s, const char *tok) {
  sp_ws(s);
  size_t n = strlen(tok);
  if (strncmp(s->p, tok, n) == 0) {
    s->p += n;
    return true;
  }
  return false;
}
static const char *sp_ident(SigParser *s) {
  sp_ws(s);
  const char *start = s->p;
  while (isalnum((unsigned char)*s->p) || *s->p == '_')
    s->p++;
  if (s->p == start) {
    s->bad = true;
    return "";
  }
  return arena_strndup(s->c->a, start, (size_t)(s->p - start));
}

static Type *sp_type(SigParser *s, int depth);

static int sp_list(SigParser *s, const char *close, Type **out, int max, int depth) {
  int n = 0;
  if (sp_eat(s, close)) return 0;
  do {
    Type *t = sp_type(s, depth + 1);
    if (n < max) out[n++] = t;
  } while (sp_eat(s, ","));
  if (!sp_eat(s, close)) s->bad = true;
  return n;
}

static Type *sp_type(SigParser *s, int depth) {
  Checker *c = s->c;
  if (depth > 20 || s->bad) {
    s->bad = true;
    return type_unit();
  }
  Type *args[8];
  if (sp_eat(s, "(")) {
    int n = sp_list(s, ")", args, 8, depth);
    if (n == 0) return type_unit();
    if (n == 1) return args[0];
    return type_tuple(c->a, args, n);
  }
  const char *name = sp_ident(s);
  if (strcmp(name, "Fun") == 0) {
    if (!sp_eat(s, "(")) s->bad = true;
    int n = sp_list(s, ")", args, 8, depth);
    if (!sp_eat(s, "->")) s->bad = true;
    return type_fun(c->a, args, n, sp_type(s, depth + 1));
  }
  int n = 0;
  if (sp_eat(s, "<")) n = sp_list(s, ">", args, 8, depth);
  for (int i = 0; i < s->ng; i++)
    if (strcmp(s->gnames[i], name) == 0) return s->gvars[i];
  if (!strcmp(name, "Int")) return type_int();
  if (!strcmp(name, "Float")) return type_float();
  if (!strcmp(name, "Bool")) return type_bool();
  if (!strcmp(name, "String")) return type_string();
  if (!strcmp(name, "List")) return type_list(c->a, n > 0 ? args[0] : type_unit());
  if (!strcmp(name, "Option")) return type_option(c->a, n > 0 ? args[0] : type_unit());
  if (!strcmp(name, "Result"))
    return type_result(c->a, n > 0 ? args[0] : type_unit(), n > 1 ? args[1] : type_unit());
  if (!strcmp(name, "Ordering")) return type_con(c->a, TC_ORDERING, "Ordering", NULL, 0);
  if (!strcmp(name, "Map")) {
    Type *kv[2] = {n > 0 ? args[0] : type_unit(), n > 1 ? args[1] : type_unit()};
    return type_con(c->a, TC_MAP, "Map", kv, 2);
  }
  if (!strcmp(name, "Set")) return type_con(c->a, TC_SET, "Set", NULL, 0);
  if (!strcmp(name, "Range")) return type_con(c->a, TC_RANGE, "Range", NULL, 0);
  if (!strcmp(name, "Queue")) return type_con(c->a, TC_QUEUE, "Queue", NULL, 0);
  if (!strcmp(name, "Json")) return type_con(c->a, TC_JSON, "Json", NULL, 0);
  if (!strcmp(name, "Pid")) return type_con(c->a, TC_PID, "Pid", args, n > 0 ? 1 : 0);
  if (!strcmp(name, "ExitReason")) return prelude_exit_reason_type(); /* processes area */
  return type_con(c->a, TC_OPAQUE, name, NULL, 0);
}

Scheme *builtin_scheme(Checker *c, int id) {
  if (id < 0 || id >= BI__COUNT) return NULL;
  if (c->builtin_schemes[id]) return c->builtin_schemes[id];
  SigParser s = {.c = c, .p = builtin_table[id].signature};
  const char *names[8];
  Type *vars[8];
  if (sp_eat(&s, "<")) {
    do {
      if (s.ng < 8) {
        names[s.ng] = sp_ident(&s);
        Type *v = new_var(c);
        v->quantified = true;
        v->var_name = names[s.ng];
        vars[s.ng] = v;
        s.ng++;
      }
    } while (sp_eat(&s, ","));
    sp_eat(&s, ">");
  }
  s.gnames = names;
  s.gvars = vars;
  sp_ws(&s);
  if (*s.p != '(') { /* a library constant such as Math.pi: "Float" */
    Scheme *k = ARENA_NEW(c->a, Scheme);
    k->type = sp_type(&s, 0);
    k->vars = ARENA_ARRAY(c->a, Type *, 1);
    c->builtin_schemes[id] = k;
    return k;
  }
  if (!sp_eat(&s, "(")) s.bad = true;
  Type *params[8];
  int np = sp_list(&s, ")", params, 8, 0);
  if (!sp_eat(&s, "->")) s.bad = true;
  Type *ret = sp_type(&s, 0);
  Scheme *sc = ARENA_NEW(c->a, Scheme);
  sc->type = type_fun(c->a, params, np, ret);
  sc->nvars = s.ng;
  sc->vars = ARENA_ARRAY(c->a, Type *, s.ng + 1);
  for (int i = 0; i < s.ng; i++)
    sc->vars[i] = vars[i];
  c->builtin_schemes[id] = sc;
  return sc;
}
