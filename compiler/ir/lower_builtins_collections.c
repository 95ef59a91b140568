/* lower_builtins_collections.c — calls of the Map, Set, Range, Queue and Tuple
 * (stdlib.md §9-§13) library functions as runtime calls (snow_rt.h
 * "collections area" block); see lower_builtin_collections/_text/_json in
 * lower.h. Map functions receive the key type's equality and hash helpers
 * (lower_helpers.c) and, when they build a map from nothing, the pointer
 * flags of the key and value types. Tuple.first/second/size are field reads
 * and constants; Map.get of a missing key yields the §9.2 default for Int,
 * Float, Bool and String values and panics for the others. */
#include "../common/builtins.h"
#include "lower.h"

static Type *arg_of(Type *t, int i) {
  t = type_resolve(t);
  return t && (t->kind == T_CON || t->kind == T_TUPLE) && t->nargs > i ? t->args[i] : type_unit();
}

static IrNode *fn_addr(Arena *a, IrFunc *f) {
  IrNode *n = ir_node(a, IR_FUNC_ADDR, 0);
  n->fn = f;
  return n;
}

/* The runtime's map flags for Map<K, V>: 1 if keys are pointers | 2 if values are. */
int64_t lower_map_flags(Type *map_type) {
  return (type_is_ptr(arg_of(map_type, 0)) ? 1 : 0) | (type_is_ptr(arg_of(map_type, 1)) ? 2 : 0);
}

IrNode *lower_map_eq_fn(FnCtx *c, Type *map_type) {
  return fn_addr(c->L->a, helper_fn(c->L, HELPER_EQ, arg_of(map_type, 0)));
}

IrNode *lower_map_hash_fn(FnCtx *c, Type *map_type) {
  return fn_addr(c->L->a, helper_fn(c->L, HELPER_HASH, arg_of(map_type, 0)));
}

/* Map.get: the value, or the §9.2 default when the key is absent. */
static IrNode *map_get(FnCtx *c, Type *mt, IrNode *m, IrNode *k) {
  Arena *a = c->L->a;
  Type *v = type_resolve(arg_of(mt, 1));
  IrNode *eq = lower_map_eq_fn(c, mt), *hash = lower_map_hash_fn(c, mt);
  switch (v->kind) {
  case T_INT:
  case T_BOOL:
  case T_FLOAT: /* 0, false and 0.0 are all the word 0 */
    return ir_call_rt(a, RT_MAP_GET_OR, 5, m, k, eq, hash, ir_int(a, 0));
  case T_STRING:
    return ir_call_rt(a, RT_MAP_GET_OR, 5, m, k, eq, hash, ir_string(a, "", 0));
  default:
    return ir_call_rt(a, RT_MAP_GET, 4, m, k, eq, hash);
  }
}

/* Evaluates x for its effects, then yields v. */
static IrNode *then(Arena *a, IrNode *x, IrNode *v) {
  IrNode *s = ir_seq(a);
  ir_add_kid(a, s, x);
  ir_add_kid(a, s, v);
  return s;
}

IrNode *lower_builtin_collections(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                                  Type *result, int *want) {
  Arena *a = c->L->a;
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
  IrNode *z = nargs > 2 ? args[2] : NULL;
  Type *t0 = nargs > 0 ? types[0] : type_unit();
#define CALL0(rt) (*want = 0, ir_call_rt(a, rt, 0))
#define CALL1(rt) (*want = 1, x ? ir_call_rt(a, rt, 1, x) : NULL)
#define CALL2(rt) (*want = 2, y ? ir_call_rt(a, rt, 2, x, y) : NULL)
  /* Map call with the key helpers: (m, k) or (m, k, v) or (a, b). */
#define KEYED2(rt)                                                                                 \
  (*want = 2,                                                                                      \
   y ? ir_call_rt(a, rt, 4, x, y, lower_map_eq_fn(c, t0), lower_map_hash_fn(c, t0)) : NULL)
  switch ((BuiltinId)builtin) {
  case BI_MAP_NEW:
    *want = 0;
    return ir_call_rt(a, RT_MAP_NEW, 1, ir_int(a, lower_map_flags(result)));
  case BI_MAP_PUT:
    *want = 3;
    return z ? ir_call_rt(a, RT_MAP_PUT, 5, x, y, z, lower_map_eq_fn(c, t0),
                          lower_map_hash_fn(c, t0))
             : NULL;
  case BI_MAP_GET:
    *want = 2;
    return y ? map_get(c, t0, x, y) : NULL;
  case BI_MAP_HAS_KEY:
    return KEYED2(RT_MAP_HAS_KEY);
  case BI_MAP_DELETE:
    return KEYED2(RT_MAP_DELETE);
  case BI_MAP_MERGE:
    return KEYED2(RT_MAP_MERGE);
  case BI_MAP_SIZE:
    return CALL1(RT_MAP_SIZE);
  case BI_MAP_KEYS:
    return CALL1(RT_MAP_KEYS);
  case BI_MAP_VALUES:
    return CALL1(RT_MAP_VALUES);
  case BI_MAP_TO_LIST:
    return CALL1(RT_MAP_TO_LIST);
  case BI_MAP_FROM_LIST:
    *want = 1;
    return x ? ir_call_rt(a, RT_MAP_FROM_LIST, 4, x, ir_int(a, lower_map_flags(result)),
                          lower_map_eq_fn(c, result), lower_map_hash_fn(c, result))
             : NULL;
  case BI_SET_NEW:
    return CALL0(RT_SET_NEW);
  case BI_SET_ADD:
    return CALL2(RT_SET_ADD);
  case BI_SET_REMOVE:
    return CALL2(RT_SET_REMOVE);
  case BI_SET_CONTAINS:
    return CALL2(RT_SET_CONTAINS);
  case BI_SET_SIZE:
    return CALL1(RT_SET_SIZE);
  case BI_SET_UNION:
    return CALL2(RT_SET_UNION);
  case BI_SET_INTERSECTION:
    return CALL2(RT_SET_INTERSECTION);
  case BI_SET_DIFFERENCE:
    return CALL2(RT_SET_DIFFERENCE);
  case BI_SET_TO_LIST:
    return CALL1(RT_SET_TO_LIST);
  case BI_SET_FROM_LIST:
    return CALL1(RT_SET_FROM_LIST);
  case BI_RANGE_NEW:
    return CALL2(RT_RANGE_NEW);
  case BI_RANGE_TO_LIST:
    return CALL1(RT_RANGE_TO_LIST);
  case BI_RANGE_MAP:
    *want = 2;
    return y ? ir_call_rt(a, RT_RANGE_MAP, 3, x, y,
                          ir_int(a, type_is_ptr(arg_of(result, 0)) ? 1 : 0))
             : NULL;
  case BI_RANGE_FILTER:
    return CALL2(RT_RANGE_FILTER);
  case BI_RANGE_LENGTH:
    return CALL1(RT_RANGE_LENGTH);
  case BI_QUEUE_NEW:
    return CALL0(RT_QUEUE_NEW);
  case BI_QUEUE_PUSH:
    return CALL2(RT_QUEUE_PUSH);
  case BI_QUEUE_POP:
    return CALL1(RT_QUEUE_POP);
  case BI_QUEUE_PEEK:
    return CALL1(RT_QUEUE_PEEK);
  case BI_QUEUE_SIZE:
    return CALL1(RT_QUEUE_SIZE);
  case BI_QUEUE_IS_EMPTY:
    return CALL1(RT_QUEUE_IS_EMPTY);
  case BI_TUPLE_FIRST:
    *want = 1;
    return x ? ir_field(a, x, 0) : NULL;
  case BI_TUPLE_SECOND:
    *want = 1;
    return x ? ir_field(a, x, 1) : NULL;
  case BI_TUPLE_SIZE: {
    *want = 1;
    Type *t = type_resolve(t0);
    return x ? then(a, x, ir_int(a, t->kind == T_TUPLE ? t->nargs : 0)) : NULL;
  }
  case BI_TUPLE_NTH: {
    *want = 2;
    Type *t = type_resolve(t0);
    return y ? ir_call_rt(a, RT_TUPLE_NTH, 3, x, y, ir_int(a, t->kind == T_TUPLE ? t->nargs : 0))
             : NULL;
  }
  default:
    return NULL; /* not a function of this area */
  }
#undef CALL0
#undef CALL1
#undef CALL2
#undef KEYED2
}

/* `%{k1 => v1, ...}`: puts the entries left to right into an empty map, so a
 * repeated key keeps its first position and its last value (§9.1). */
IrNode *lower_map_literal(FnCtx *c, Expr *e) {
  Arena *a = c->L->a;
  Type *mt = ctx_type(c, e->type);
  IrNode *m = ir_call_rt(a, RT_MAP_NEW, 1, ir_int(a, lower_map_flags(mt)));
  for (int i = 0; i < e->entries.len; i++) {
    MapEntry *en = &e->entries.items[i];
    m = ir_call_rt(a, RT_MAP_PUT, 5, m, lower_expr(c, en->key), lower_expr(c, en->value),
                   lower_map_eq_fn(c, mt), lower_map_hash_fn(c, mt));
  }
  return m;
}

/* Display/Debug helper bodies (parameter in slot 0) for Map and Set. */
IrNode *lower_collection_show(FnCtx *c, ShowMode mode, Type *t) {
  Arena *a = c->L->a;
  t = type_resolve(t);
  if (t->kind != T_CON) return NULL;
  if (t->con == TC_SET) return ir_call_rt(a, RT_SET_TO_STRING, 1, ir_var(a, 0));
  if (t->con != TC_MAP || t->nargs != 2) return NULL;
  HelperKind k = mode == SHOW_DISPLAY ? HELPER_DISPLAY : HELPER_DEBUG;
  return ir_call_rt(a, RT_MAP_TO_STRING, 3, ir_var(a, 0),
                    fn_addr(a, helper_fn(c->L, k, t->args[0])),
                    fn_addr(a, helper_fn(c->L, k, t->args[1])));
}
