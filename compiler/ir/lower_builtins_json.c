/* lower_builtins_json.c — calls of the JSON and Json (stdlib.md §15) library functions as
 * runtime calls; see lower_builtin_collections/_text/_json in lower.h. */
#include "../common/builtins.h"
#include "lower.h"

IrNode *lower_builtin_json(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want) {
  (void)c, (void)args, (void)types, (void)nargs, (void)result, (void)want;
  switch ((BuiltinId)builtin) {
  default:
    return NULL; /* not a function of this area */
  }
}
