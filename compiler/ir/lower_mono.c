/* lower_mono.c — monomorphisation support: concrete types under a
 * substitution environment, type keys/names, pointer-ness, field types of
 * generic structs and sum types, and the cache of generated functions. */
#include <string.h>

#include "lower.h"

static Type *lookup_env(const MonoEnv *env, Type *var) {
  for (int i = env->n - 1; i >= 0; i--)
    if (env->vars[i] == var) return env->types[i];
  return NULL;
}

static Type *mono_rec(Lower *L, const MonoEnv *env, Type *t, int depth) {
  t = type_resolve(t);
  if (!t || depth > 200) return type_unit();
  switch (t->kind) {
  case T_VAR: {
    Type *r = lookup_env(env, t);
    return r ? r : type_unit();
  }
  case T_TUPLE:
  case T_FUN:
  case T_CON: {
    bool changed = false;
    Type **args = ARENA_ARRAY(L->a, Type *, t->nargs ? t->nargs : 1);
    for (int i = 0; i < t->nargs; i++) {
      args[i] = mono_rec(L, env, t->args[i], depth + 1);
      if (args[i] != t->args[i]) changed = true;
    }
    Type *ret = t->ret ? mono_rec(L, env, t->ret, depth + 1) : NULL;
    if (ret != t->ret) changed = true;
    if (!changed) return t;
    Type *n = ARENA_NEW(L->a, Type);
    *n = *t;
    n->args = args;
    n->ret = ret;
    return n;
  }
  default:
    return t;
  }
}

Type *mono_type(Lower *L, const MonoEnv *env, Type *t) {
  return mono_rec(L, env, t, 0);
}

MonoEnv mono_env_extend(Lower *L, const MonoEnv *env, Type **vars, Type **with, int n) {
  MonoEnv e;
  e.n = env->n + n;
  e.vars = ARENA_ARRAY(L->a, Type *, e.n ? e.n : 1);
  e.types = ARENA_ARRAY(L->a, Type *, e.n ? e.n : 1);
  for (int i = 0; i < env->n; i++) {
    e.vars[i] = env->vars[i];
    e.types[i] = env->types[i];
  }
  for (int i = 0; i < n; i++) {
    e.vars[env->n + i] = type_resolve(vars[i]);
    e.types[env->n + i] = with[i];
  }
  return e;
}

/* ---------------------------------------------------------------- keys */

typedef struct Buf {
  char *s;
  size_t len, cap;
  Arena *a;
} Buf;

static void buf_add(Buf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 64) + n;
    char *ns = arena_alloc(b->a, cap);
    if (b->len) memcpy(ns, b->s, b->len);
    b->s = ns;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n + 1);
  b->len += n;
}

static void key_rec(Buf *b, Type *t, int depth) {
  t = type_resolve(t);
  if (!t || depth > 100) {
    buf_add(b, "?");
    return;
  }
  switch (t->kind) {
  case T_VAR:
    buf_add(b, "()");
    return; /* undetermined: Unit */
  case T_INT:
    buf_add(b, "Int");
    return;
  case T_FLOAT:
    buf_add(b, "Float");
    return;
  case T_BOOL:
    buf_add(b, "Bool");
    return;
  case T_STRING:
    buf_add(b, "String");
    return;
  case T_UNIT:
    buf_add(b, "()");
    return;
  case T_NEVER:
    buf_add(b, "Never");
    return;
  case T_TUPLE:
  case T_FUN:
    buf_add(b, t->kind == T_FUN ? "Fun(" : "(");
    for (int i = 0; i < t->nargs; i++) {
      if (i) buf_add(b, ", ");
      key_rec(b, t->args[i], depth + 1);
    }
    buf_add(b, ")");
    if (t->kind == T_FUN) {
      buf_add(b, " -> ");
      key_rec(b, t->ret, depth + 1);
    }
    return;
  case T_CON: {
    const char *name = t->name ? t->name : "?";
    char tmp[64];
    if (t->con == TC_STRUCT && t->struct_decl) {
      snprintf(tmp, sizeof tmp, "#%d", t->struct_decl->id);
      buf_add(b, t->struct_decl->name.text ? t->struct_decl->name.text : name);
      buf_add(b, tmp); /* two modules may define the same name */
    } else if (t->con == TC_SUM && t->sum_decl && !t->sum_decl->is_builtin) {
      snprintf(tmp, sizeof tmp, "#%d", t->sum_decl->id);
      buf_add(b, t->sum_decl->name.text ? t->sum_decl->name.text : name);
      buf_add(b, tmp);
    } else {
      buf_add(b, name);
    }
    if (t->nargs) {
      buf_add(b, "<");
      for (int i = 0; i < t->nargs; i++) {
        if (i) buf_add(b, ", ");
        key_rec(b, t->args[i], depth + 1);
      }
      buf_add(b, ">");
    }
    return;
  }
  }
}

const char *type_key(Lower *L, Type *t) {
  Buf b = {0};
  b.a = L->a;
  buf_add(&b, "");
  key_rec(&b, t, 0);
  return b.s;
}

bool type_is_ptr(Type *t) {
  t = type_resolve(t);
  if (!t) return false;
  switch (t->kind) {
  case T_INT:
  case T_FLOAT:
  case T_BOOL:
  case T_UNIT:
  case T_NEVER:
  case T_VAR:
    return false;
  case T_CON: /* a PID is its serial number, never a heap pointer (snow_rt.h) */
    return t->con != TC_PID;
  default:
    return true;
  }
}

uint64_t ptrmap_of(Type **types, int n) {
  uint64_t map = 0;
  for (int i = 0; i < n; i++)
    if (type_is_ptr(types[i])) map |= i < 63 ? (1ull << i) : (1ull << 63);
  return map;
}

static Type **subst_fields(Lower *L, Type **fields, int n, Type **vars, int nvars, Type *owner) {
  Type **out = ARENA_ARRAY(L->a, Type *, n ? n : 1);
  MonoEnv empty = {0};
  int k = owner->nargs < nvars ? owner->nargs : nvars;
  MonoEnv env = mono_env_extend(L, &empty, vars, owner->args, k);
  for (int i = 0; i < n; i++)
    out[i] = fields ? mono_type(L, &env, fields[i]) : type_unit();
  return out;
}

Type **struct_field_types(Lower *L, Type *st, int *n) {
  st = type_resolve(st);
  StructDecl *sd = st && st->kind == T_CON ? st->struct_decl : NULL;
  if (!sd) {
    *n = 0;
    return NULL;
  }
  *n = sd->fields.len;
  return subst_fields(L, sd->field_types, sd->fields.len, sd->generic_vars, sd->generics.len, st);
}

Type **variant_field_types(Lower *L, Type *sum, Variant *v, int *n) {
  sum = type_resolve(sum);
  *n = v->fields.len;
  SumDecl *sd = v->owner;
  int nvars = sd ? sd->generics.len : 0;
  /* Built-in sums: generic_vars follow the type's arguments. */
  if (sd && sd->is_builtin && sum && sum->kind == T_CON) nvars = sum->nargs;
  return subst_fields(L, v->field_types, v->fields.len, sd ? sd->generic_vars : NULL, nvars, sum);
}

IrNode *lower_tag(Lower *L, Type *sum, IrNode *v) {
  IrNode *n = ir_tag(L->a, v);
  sum = type_resolve(sum);
  SumDecl *sd = sum && sum->kind == T_CON ? sum->sum_decl : NULL;
  if (!sd && sum && sum->kind == T_CON && sum->con == TC_ORDERING) n->ival = IR_TAG_IMMEDIATE;
  if (!sd) return n;
  int nullary = 0;
  for (int i = 0; i < sd->variants.len; i++)
    nullary += sd->variants.items[i]->fields.len == 0;
  if (nullary == sd->variants.len)
    n->ival = IR_TAG_IMMEDIATE;
  else if (nullary == 0)
    n->ival = IR_TAG_BOXED;
  return n;
}

static uint64_t str_hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return h;
}

void *strmap_get(const StrMap *m, const char *key) {
  if (!m->cap) return NULL;
  for (uint64_t i = str_hash(key) & (uint64_t)(m->cap - 1);; i = (i + 1) & (uint64_t)(m->cap - 1)) {
    if (!m->slots[i].key) return NULL;
    if (strcmp(m->slots[i].key, key) == 0) return m->slots[i].value;
  }
}

static void strmap_insert(StrMapEntry *slots, int cap, const char *key, void *value) {
  uint64_t i = str_hash(key) & (uint64_t)(cap - 1);
  while (slots[i].key && strcmp(slots[i].key, key) != 0)
    i = (i + 1) & (uint64_t)(cap - 1);
  slots[i].key = key;
  slots[i].value = value;
}

void strmap_put(Arena *a, StrMap *m, const char *key, void *value) {
  if (2 * (m->count + 1) > m->cap) { /* keep the load factor under 1/2 */
    int ncap = m->cap ? 2 * m->cap : 64;
    StrMapEntry *ns = ARENA_ARRAY(a, StrMapEntry, ncap);
    for (int i = 0; i < m->cap; i++)
      if (m->slots[i].key) strmap_insert(ns, ncap, m->slots[i].key, m->slots[i].value);
    m->slots = ns;
    m->cap = ncap;
  }
  if (!strmap_get(m, key)) m->count++;
  strmap_insert(m->slots, m->cap, key, value);
}

IrFunc *lower_cache_get(Lower *L, const char *key) {
  return strmap_get(&L->cache, key);
}

void lower_cache_put(Lower *L, const char *key, IrFunc *fn) {
  strmap_put(L->a, &L->cache, key, fn);
}
