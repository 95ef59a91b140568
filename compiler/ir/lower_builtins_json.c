/* lower_builtins_json.c — calls of the JSON and Json (stdlib.md §15,
 * web-data-dist.md §1.5) library functions as runtime calls (snow_rt.h "json
 * area" block); see lower_builtin_collections/_text/_json in lower.h.
 * `Json.encode` of a typed value converts it to a Json tree first
 * (lower_json.c); the checker has already rejected non-serializable types
 * (E0038, check/json.c). */
#include "../common/builtins.h"
#include "lower.h"

IrNode *lower_builtin_json(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want) {
  (void)result;
  Arena *a = c->L->a;
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
#define CALL0(rt) (*want = 0, ir_call_rt(a, rt, 0))
#define CALL1(rt) (*want = 1, x ? ir_call_rt(a, rt, 1, x) : NULL)
#define CALL2(rt) (*want = 2, y ? ir_call_rt(a, rt, 2, x, y) : NULL)
  switch ((BuiltinId)builtin) {
  case BI_JSON_PARSE: return CALL1(RT_JSON_PARSE);
  case BI_JSON_ENCODE: return CALL1(RT_JSON_ENCODE);
  case BI_JSON_ENCODE_ANY:
    *want = 1;
    if (!x) return NULL;
    x = lower_to_json(c, types[0], x);
    return x ? ir_call_rt(a, RT_JSON_ENCODE, 1, x) : NULL;
  case BI_JSON_TO_JSON:
    *want = 1;
    return x ? lower_to_json(c, types[0], x) : NULL;
  case BI_JSON_FROM_JSON:
  case BI_JSON_FROM_JSON_VALUE: {
    *want = 1;
    Type *rt = type_resolve(result);
    if (!x || rt->kind != T_CON || rt->con != TC_RESULT || rt->nargs != 2) return NULL;
    return builtin == BI_JSON_FROM_JSON ? lower_from_json(c, rt->args[0], x)
                                        : lower_from_json_value(c, rt->args[0], x);
  }
  case BI_JSON_ENCODE_STRING: return CALL1(RT_JSON_ENCODE_STRING);
  case BI_JSON_ENCODE_INT: return CALL1(RT_INT_TO_STRING); /* same text as Display */
  case BI_JSON_ENCODE_BOOL: return CALL1(RT_BOOL_TO_STRING);
  case BI_JSON_ENCODE_LIST: return CALL1(RT_JSON_ENCODE_LIST);
  case BI_JSON_ENCODE_MAP: /* Map<String, String>: through its Json object */
    *want = 1;
    if (!x) return NULL;
    x = lower_to_json(c, types[0], x);
    return x ? ir_call_rt(a, RT_JSON_ENCODE, 1, x) : NULL;
  case BI_JSON_KIND: return CALL1(RT_JSON_KIND);
  case BI_JSON_GET: return CALL2(RT_JSON_GET);
  case BI_JSON_AT: return CALL2(RT_JSON_AT);
  case BI_JSON_KEYS: return CALL1(RT_JSON_KEYS);
  case BI_JSON_LENGTH: return CALL1(RT_JSON_LENGTH);
  case BI_JSON_AS_INT: return CALL1(RT_JSON_AS_INT);
  case BI_JSON_AS_FLOAT: return CALL1(RT_JSON_AS_FLOAT);
  case BI_JSON_AS_STRING: return CALL1(RT_JSON_AS_STRING);
  case BI_JSON_AS_BOOL: return CALL1(RT_JSON_AS_BOOL);
  case BI_JSON_IS_NULL: return CALL1(RT_JSON_IS_NULL);
  case BI_JSON_NULL: return CALL0(RT_JSON_NULL);
  case BI_JSON_FROM_INT: return CALL1(RT_JSON_FROM_INT);
  case BI_JSON_FROM_FLOAT: return CALL1(RT_JSON_FROM_FLOAT);
  case BI_JSON_FROM_BOOL: return CALL1(RT_JSON_FROM_BOOL);
  case BI_JSON_FROM_STRING: return CALL1(RT_JSON_FROM_STRING);
  case BI_JSON_ARRAY: return CALL1(RT_JSON_ARRAY);
  case BI_JSON_OBJECT: return CALL1(RT_JSON_OBJECT);
  default:
    return NULL; /* not a function of this area */
  }
#undef CALL0
#undef CALL1
#undef CALL2
}
