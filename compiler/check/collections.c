/* collections.c — checker support for the collections library (stdlib.md
 * §9-§13) beyond what builtins.def signatures can say: the Tuple functions
 * accept tuples of any size (two or more elements). */
#include "../common/builtins.h"
#include "check_internal.h"

bool tuple_builtin(int id) {
  return id == BI_TUPLE_FIRST || id == BI_TUPLE_SECOND || id == BI_TUPLE_NTH || id == BI_TUPLE_SIZE;
}

/* The function type of Tuple.<id> applied to a value of tuple type `tuple`
 * (resolved, T_TUPLE); Tuple.nth requires every element to be Int. */
Type *tuple_builtin_type(Checker *c, int id, Type *tuple, Span span) {
  Type *ret = type_int();
  if (id == BI_TUPLE_FIRST) ret = tuple->args[0];
  if (id == BI_TUPLE_SECOND) ret = tuple->args[1];
  if (id == BI_TUPLE_NTH) {
    for (int i = 0; i < tuple->nargs; i++)
      if (!expect_type(c, type_int(), tuple->args[i], span,
                       "Tuple.nth needs a tuple whose elements are all Int"))
        break;
    Type *params[2] = {tuple, type_int()};
    return type_fun(c->a, params, 2, ret);
  }
  Type *params[1] = {tuple};
  return type_fun(c->a, params, 1, ret);
}
