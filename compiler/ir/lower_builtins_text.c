/* lower_builtins_text.c — calls of the String, Int, Float, Math, IO, Env and
 * File library functions (stdlib.md §3-§7) as runtime calls (snow_rt.h "text
 * and system library" block); see lower_builtin_collections/_text/_json in
 * lower.h. String.length, Int.to_float, Float.to_int and IO.eprintln are
 * lowered by lower_builtins.c. Math.abs/min/max pick the Int or Float entry
 * from the argument type; other types are rejected here (a compile-time
 * error, stdlib.md §7.1). */
#include "../common/builtins.h"
#include "lower.h"

/* Kind of the numeric type `t`: 'i' for Int, 'f' for Float, 0 otherwise. */
static char numeric_kind(Type *t) {
  t = type_resolve(t);
  if (t && t->kind == T_INT) return 'i';
  if (t && t->kind == T_FLOAT) return 'f';
  return 0;
}

IrNode *lower_builtin_text(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want) {
  (void)result;
  Arena *a = c->L->a;
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
  IrNode *z = nargs > 2 ? args[2] : NULL;
  char num = nargs > 0 ? numeric_kind(types[0]) : 0;
  /* Unary, binary and ternary runtime calls with the argument count checked
   * by the caller (lower_builtin_call reports a mismatch). */
#define CALL1(rt) (*want = 1, x ? ir_call_rt(a, rt, 1, x) : NULL)
#define CALL2(rt) (*want = 2, y ? ir_call_rt(a, rt, 2, x, y) : NULL)
  switch ((BuiltinId)builtin) {
  case BI_STRING_SLICE:
    *want = 3;
    return z ? ir_call_rt(a, RT_STRING_SLICE, 3, x, y, z) : NULL;
  case BI_STRING_CONTAINS:
    return CALL2(RT_STRING_CONTAINS);
  case BI_STRING_STARTS_WITH:
    return CALL2(RT_STRING_STARTS_WITH);
  case BI_STRING_ENDS_WITH:
    return CALL2(RT_STRING_ENDS_WITH);
  case BI_STRING_TRIM:
    return CALL1(RT_STRING_TRIM);
  case BI_STRING_TO_UPPER:
    return CALL1(RT_STRING_TO_UPPER);
  case BI_STRING_TO_LOWER:
    return CALL1(RT_STRING_TO_LOWER);
  case BI_STRING_REPLACE:
    *want = 3;
    return z ? ir_call_rt(a, RT_STRING_REPLACE, 3, x, y, z) : NULL;
  case BI_STRING_SPLIT:
    return CALL2(RT_STRING_SPLIT);
  case BI_STRING_JOIN:
    return CALL2(RT_STRING_JOIN);
  case BI_STRING_TO_INT:
    return CALL1(RT_STRING_TO_INT);
  case BI_STRING_TO_FLOAT:
    return CALL1(RT_STRING_TO_FLOAT);
  case BI_MATH_ABS:
    if (num == 'i') return CALL1(RT_MATH_ABS_INT);
    if (num == 'f') return CALL1(RT_MATH_ABS_FLOAT);
    return NULL;
  case BI_MATH_MIN:
    if (num == 'i') return CALL2(RT_MATH_MIN_INT);
    if (num == 'f') return CALL2(RT_MATH_MIN_FLOAT);
    return NULL;
  case BI_MATH_MAX:
    if (num == 'i') return CALL2(RT_MATH_MAX_INT);
    if (num == 'f') return CALL2(RT_MATH_MAX_FLOAT);
    return NULL;
  case BI_MATH_PI:
    *want = 0;
    return ir_float(a, 3.141592653589793);
  case BI_MATH_POW:
    return CALL2(RT_MATH_POW);
  case BI_MATH_SQRT:
    return CALL1(RT_MATH_SQRT);
  case BI_MATH_FLOOR:
    return CALL1(RT_MATH_FLOOR);
  case BI_MATH_CEIL:
    return CALL1(RT_MATH_CEIL);
  case BI_MATH_ROUND:
    return CALL1(RT_MATH_ROUND);
  case BI_IO_READ_LINE:
    *want = 0;
    return ir_call_rt(a, RT_IO_READ_LINE, 0);
  case BI_ENV_GET:
    return CALL1(RT_ENV_GET);
  case BI_ENV_ARGS:
    *want = 0;
    return ir_call_rt(a, RT_ENV_ARGS, 0);
  case BI_FILE_READ:
    return CALL1(RT_FILE_READ);
  case BI_FILE_WRITE:
    return CALL2(RT_FILE_WRITE);
  case BI_FILE_APPEND:
    return CALL2(RT_FILE_APPEND);
  case BI_FILE_EXISTS:
    return CALL1(RT_FILE_EXISTS);
  case BI_FILE_DELETE:
    return CALL1(RT_FILE_DELETE);
  default:
    return NULL; /* not a function of this area */
  }
#undef CALL1
#undef CALL2
}
