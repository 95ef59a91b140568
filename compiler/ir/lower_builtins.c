/* lower_builtins.c — calls of library functions (common/builtins.def) as
 * runtime calls (codegen/rt_decls.h) with the per-type flags and callbacks
 * they need. */
#include "../common/builtins.h"
#include "lower.h"

static Type *elem_of(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_CON && t->nargs >= 1 ? t->args[0] : type_unit();
}

static IrNode *flag(Arena *a, bool b) {
  return ir_int(a, b ? 1 : 0);
}

static IrNode *addr(Arena *a, IrFunc *f) {
  IrNode *n = ir_node(a, IR_FUNC_ADDR, 0);
  n->fn = f;
  return n;
}

/* compare(a, b) as an Ordering immediate: Less 0, Equal 1, Greater 2. */
static IrNode *ordering_of(FnCtx *c, Type *t, IrNode *x, IrNode *y) {
  Arena *a = c->L->a;
  int slot = ir_new_slot(a, c->f, "cmp");
  IrNode *s = ir_seq(a);
  ir_add_kid(a, s, ir_set(a, slot, lower_cmp(c, t, x, y)));
  IrNode *lt = ir_bin(a, IB_ILT, ir_var(a, slot), ir_int(a, 0), 0);
  IrNode *eq = ir_bin(a, IB_IEQ, ir_var(a, slot), ir_int(a, 0), 0);
  ir_add_kid(a, s, ir_if(a, lt, ir_int(a, 0), ir_if(a, eq, ir_int(a, 1), ir_int(a, 2))));
  return s;
}

IrNode *lower_builtin_call(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int line) {
  Arena *a = c->L->a;
  IrNode *x = nargs > 0 ? args[0] : NULL, *y = nargs > 1 ? args[1] : NULL;
  IrNode *z = nargs > 2 ? args[2] : NULL;
  Type *t0 = nargs > 0 ? types[0] : type_unit();
  IrNode *r = NULL;
  int want = -1; /* expected argument count */
  switch ((BuiltinId)builtin) {
  case BI_PRINTLN:
    want = 1;
    if (x) r = ir_call_rt(a, RT_PRINTLN, 1, x);
    break;
  case BI_PRINT:
    want = 1;
    if (x) r = ir_call_rt(a, RT_PRINT, 1, x);
    break;
  case BI_IO_EPRINTLN:
    want = 1;
    if (x) r = ir_call_rt(a, RT_EPRINTLN, 1, x);
    break;
  case BI_TO_STRING:
    want = 1;
    if (x) r = lower_show(c, SHOW_DISPLAY, t0, x);
    break;
  case BI_INSPECT:
    want = 1;
    if (x) r = lower_show(c, SHOW_DEBUG, t0, x);
    break;
  case BI_HASH:
    want = 1;
    if (x) r = lower_hash(c, t0, x);
    break;
  case BI_COMPARE:
    want = 2;
    if (y) r = ordering_of(c, t0, x, y);
    break;
  case BI_MAP:
  case BI_LIST_MAP:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_MAP, 3, x, y, flag(a, type_is_ptr(elem_of(result))));
    break;
  case BI_FILTER:
  case BI_LIST_FILTER:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_FILTER, 3, x, y, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_REDUCE:
  case BI_LIST_REDUCE:
    want = 3;
    if (z) r = ir_call_rt(a, RT_LIST_REDUCE, 3, x, y, z);
    break;
  case BI_HEAD:
  case BI_LIST_HEAD:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_HEAD, 1, x);
    break;
  case BI_TAIL:
  case BI_LIST_TAIL:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_TAIL, 1, x);
    break;
  case BI_LIST_NEW:
    want = 0;
    r = ir_call_rt(a, RT_LIST_EMPTY, 0);
    break;
  case BI_LIST_LENGTH:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_LENGTH, 1, x);
    break;
  case BI_LIST_APPEND:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_APPEND, 3, x, y, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_LAST:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_LAST, 1, x);
    break;
  case BI_LIST_GET:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_GET, 2, x, y);
    break;
  case BI_LIST_NTH:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_NTH, 2, x, y);
    break;
  case BI_LIST_CONCAT:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_CONCAT, 3, x, y, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_REVERSE:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_REVERSE, 2, x, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_SORT:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_SORT, 3, x, y, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_FIND:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_FIND, 3, x, y, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_ANY:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_ANY, 2, x, y);
    break;
  case BI_LIST_ALL:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_ALL, 2, x, y);
    break;
  case BI_LIST_CONTAINS:
    want = 2;
    if (y)
      r = ir_call_rt(a, RT_LIST_CONTAINS, 3, x, y,
                     addr(a, helper_fn(c->L, HELPER_EQ, elem_of(t0))));
    break;
  case BI_LIST_ZIP:
    want = 2;
    if (y)
      r = ir_call_rt(a, RT_LIST_ZIP, 4, x, y, flag(a, type_is_ptr(elem_of(t0))),
                     flag(a, type_is_ptr(elem_of(types[1]))));
    break;
  case BI_LIST_ENUMERATE:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_ENUMERATE, 2, x, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_FLAT_MAP:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_FLAT_MAP, 3, x, y, flag(a, type_is_ptr(elem_of(result))));
    break;
  case BI_LIST_FLATTEN:
    want = 1;
    if (x) r = ir_call_rt(a, RT_LIST_FLATTEN, 2, x, flag(a, type_is_ptr(elem_of(result))));
    break;
  case BI_LIST_TAKE:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_TAKE, 3, x, y, flag(a, type_is_ptr(elem_of(t0))));
    break;
  case BI_LIST_DROP:
    want = 2;
    if (y) r = ir_call_rt(a, RT_LIST_DROP, 2, x, y);
    break;
  case BI_STRING_LENGTH:
    want = 1;
    if (x) r = ir_call_rt(a, RT_STRING_LENGTH, 1, x);
    break;
  case BI_DEFAULT: /* stdlib.md §2.1; user Default impls come with issue #3 */
    want = 0;
    switch (type_resolve(result)->kind) {
    case T_INT:
    case T_BOOL:
    case T_UNIT:
      r = ir_int(a, 0);
      break;
    case T_FLOAT:
      r = ir_float(a, 0.0);
      break;
    case T_STRING:
      r = ir_string(a, "", 0);
      break;
    default:
      r = lower_user_default(c, result, line); /* impl Default for T */
      break;
    }
    break;
  case BI_INT_TO_FLOAT:
    want = 1;
    if (x) r = ir_un(a, IU_ITOF, x);
    break;
  case BI_FLOAT_TO_INT:
    want = 1;
    if (x) r = ir_un(a, IU_FTOI, x);
    break;
  case BI_ROW_FROM_ROW: { /* deriving(Row) */
    want = 1;
    Type *rt = type_resolve(result);
    if (x && rt->kind == T_CON && rt->con == TC_RESULT && rt->nargs == 2)
      r = lower_from_row(c, rt->args[0], x);
    break;
  }
  default:
    /* the library areas lower their own functions (lower.h) */
    r = lower_builtin_collections(c, builtin, args, types, nargs, result, &want);
    if (!r) r = lower_builtin_text(c, builtin, args, types, nargs, result, &want);
    if (!r) r = lower_builtin_json(c, builtin, args, types, nargs, result, &want);
    if (!r) r = lower_builtin_processes(c, builtin, args, types, nargs, result, &want);
    if (!r) r = lower_builtin_jobs(c, builtin, args, types, nargs, result, &want);
    if (!r) r = lower_builtin_supervisors(c, builtin, args, types, nargs, result, &want);
    break;
  }
  if (!r || nargs != want) {
    c->L->errors++;
    const BuiltinInfo *bi = &builtin_table[builtin];
    diag_fatal_line(c->L->dc, "the library function %s%s%s is not supported by code generation yet",
                    bi->module, *bi->module ? "." : "", bi->name);
    return ir_unit(a);
  }
  if (!r->line) r->line = line;
  return r;
}
