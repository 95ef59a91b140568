/* lower_loops.c — `while`, `for`, `break`, `continue` and `a..b` to IR
 * (language.md §6.9).
 *
 * Contract:
 * - A Snow loop is one IR_LOOP. Its head tests the loop condition (IR_BREAK
 *   when done), a `for` then advances its cursor *before* the body, so a Snow
 *   `continue` is simply IR_CONTINUE (the back-edge, a reduction point) and
 *   a Snow `break` is IR_BREAK. Both target the innermost IR_LOOP, which is
 *   always the Snow loop around them: the checker rejects them across
 *   closures and functions, and no other lowering builds IR_LOOPs.
 * - `for` collects the body values in a list builder (snow_rt.h, loops area:
 *   amortised O(1) push) and finishes it after the loop, so `break` yields the
 *   values collected so far. In statement position (lower_for_discarded) no
 *   list is built: the only difference would be the unobservable allocation.
 * - The iterated value is evaluated once into a temporary. `a..b` written
 *   directly as the operand is a counted loop over two Int slots; any other
 *   Range value is a RECORD {start, end} (how lower_range builds `a..b`).
 * - Map/Set iteration walks the collections area's index API
 *   (snow_map_size/key_at/value_at, snow_set_size/at: insertion order). */
#include "lower.h"

static Arena *A(FnCtx *c) {
  return c->L->a;
}

static IrNode *seq_of(FnCtx *c, IrNode **kids, int n) {
  IrNode *s = ir_seq(A(c));
  for (int i = 0; i < n; i++)
    if (kids[i]) ir_add_kid(A(c), s, kids[i]);
  return s;
}

static IrNode *node(FnCtx *c, IrOp op, int line) {
  return ir_node(A(c), op, line);
}

/* `a..b` as a value: the Range RECORD {start, end} (no pointers). */
IrNode *lower_range(FnCtx *c, Expr *e) {
  IrNode *rec = node(c, IR_RECORD, lower_line(c, e->span));
  ir_add_kid(A(c), rec, lower_expr(c, e->lhs));
  ir_add_kid(A(c), rec, lower_expr(c, e->rhs));
  rec->ptrmap = 0;
  return rec;
}

IrNode *lower_while(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int line = lower_line(c, e->span);
  IrNode *body = seq_of(c, (IrNode *[]){lower_expr(c, e->then_branch), node(c, IR_CONTINUE, line)}, 2);
  IrNode *loop = node(c, IR_LOOP, line);
  ir_add_kid(a, loop, ir_if(a, lower_expr(c, e->target), body, node(c, IR_BREAK, line)));
  return seq_of(c, (IrNode *[]){loop, ir_unit(a)}, 2);
}

IrNode *lower_break(FnCtx *c, Expr *e) {
  return node(c, IR_BREAK, lower_line(c, e->span));
}

IrNode *lower_continue(FnCtx *c, Expr *e) {
  return node(c, IR_CONTINUE, lower_line(c, e->span));
}

static bool is_con(Type *t, TypeConKind con) {
  return t && t->kind == T_CON && t->con == con;
}

/* How one `for` walks its operand: `init` runs once before the loop, `done`
 * is the exit test at the head, `advance` binds the loop variable(s) and
 * moves the cursor. */
typedef struct Cursor {
  IrNode *init, *done, *advance;
} Cursor;

/* Indexed walk: `index` from 0 while < `size`; `bind` reads element `index`. */
static void indexed_cursor(FnCtx *c, Cursor *cur, IrNode *init_operand, IrNode *size,
                           int index, IrNode *bind) {
  Arena *a = A(c);
  int size_slot = ir_new_slot(a, c->f, "for_size");
  cur->init = seq_of(c, (IrNode *[]){init_operand, ir_set(a, size_slot, size),
                                      ir_set(a, index, ir_int(a, 0))}, 3);
  cur->done = ir_bin(a, IB_IGE, ir_var(a, index), ir_var(a, size_slot), 0);
  cur->advance = seq_of(c, (IrNode *[]){bind, ir_set(a, index, ir_bin(a, IB_IADD, ir_var(a, index),
                                                                       ir_int(a, 1), 0))}, 2);
}

static bool build_cursor(FnCtx *c, Expr *e, Cursor *cur) {
  Arena *a = A(c);
  Type *t = ctx_type(c, e->target->type);
  int x = fnctx_bind(c, e->loop_binding);
  if (is_con(t, TC_RANGE)) {
    int i = ir_new_slot(a, c->f, "for_i"), end = ir_new_slot(a, c->f, "for_end");
    Expr *r = e->target;
    if (r->kind == EXPR_BINARY && r->binop == OP_RANGE) {
      cur->init = seq_of(c, (IrNode *[]){ir_set(a, i, lower_expr(c, r->lhs)),
                                          ir_set(a, end, lower_expr(c, r->rhs))}, 2);
    } else {
      int rs = ir_new_slot(a, c->f, "for_range");
      cur->init = seq_of(c, (IrNode *[]){ir_set(a, rs, lower_expr(c, r)),
                                          ir_set(a, i, ir_field(a, ir_var(a, rs), 0)),
                                          ir_set(a, end, ir_field(a, ir_var(a, rs), 1))}, 3);
    }
    cur->done = ir_bin(a, IB_IGE, ir_var(a, i), ir_var(a, end), 0);
    cur->advance = seq_of(c, (IrNode *[]){ir_set(a, x, ir_var(a, i)),
                                           ir_set(a, i, ir_bin(a, IB_IADD, ir_var(a, i),
                                                               ir_int(a, 1), 0))}, 2);
    return true;
  }
  if (is_con(t, TC_LIST)) {
    int l = ir_new_slot(a, c->f, "for_list"), i = ir_new_slot(a, c->f, "for_i");
    indexed_cursor(c, cur, ir_set(a, l, lower_expr(c, e->target)),
                   ir_call_rt(a, RT_LIST_LENGTH, 1, ir_var(a, l)), i,
                   ir_set(a, x, ir_call_rt(a, RT_LIST_AT, 2, ir_var(a, l), ir_var(a, i))));
    return true;
  }
  if (is_con(t, TC_MAP) || is_con(t, TC_SET)) {
    bool map = is_con(t, TC_MAP);
    int m = ir_new_slot(a, c->f, map ? "for_map" : "for_set"), i = ir_new_slot(a, c->f, "for_i");
    IrNode *bind = ir_set(a, x, ir_call_rt(a, map ? RT_MAP_KEY_AT : RT_SET_AT, 2, ir_var(a, m),
                                           ir_var(a, i)));
    if (map && e->loop_kv && e->loop_value_binding) {
      int v = fnctx_bind(c, e->loop_value_binding);
      IrNode *value = ir_call_rt(a, RT_MAP_VALUE_AT, 2, ir_var(a, m), ir_var(a, i));
      bind = seq_of(c, (IrNode *[]){bind, ir_set(a, v, value)}, 2);
    }
    indexed_cursor(c, cur, ir_set(a, m, lower_expr(c, e->target)),
                   ir_call_rt(a, map ? RT_MAP_SIZE : RT_SET_SIZE, 1, ir_var(a, m)), i, bind);
    return true;
  }
  lower_error(c, e->target->span, "a `for` loop over this type");
  return false;
}

/* The loop; `collect` wraps the body value (NULL: the value is dropped). */
static IrNode *lower_for_loop(FnCtx *c, Expr *e, IrNode *(*collect)(FnCtx *, IrNode *, int),
                              int acc) {
  Arena *a = A(c);
  int line = lower_line(c, e->span);
  Cursor cur;
  if (!build_cursor(c, e, &cur)) return ir_unit(a);
  IrNode *body = lower_expr(c, e->then_branch);
  if (collect) body = collect(c, body, acc);
  if (e->filter) body = ir_if(a, lower_expr(c, e->filter), body, ir_unit(a));
  IrNode *iteration = seq_of(
      c, (IrNode *[]){ir_if(a, cur.done, node(c, IR_BREAK, line), ir_unit(a)), cur.advance, body,
                      node(c, IR_CONTINUE, line)},
      4);
  IrNode *loop = node(c, IR_LOOP, line);
  ir_add_kid(a, loop, iteration);
  return seq_of(c, (IrNode *[]){cur.init, loop}, 2);
}

static IrNode *push_value(FnCtx *c, IrNode *value, int acc) {
  return ir_call_rt(A(c), RT_LIST_BUILDER_PUSH, 2, ir_var(A(c), acc), value);
}

IrNode *lower_for(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  Type *lt = ctx_type(c, e->type);
  bool ptrs = is_con(lt, TC_LIST) && lt->nargs == 1 && type_is_ptr(lt->args[0]);
  int acc = ir_new_slot(a, c->f, "for_acc");
  IrNode *make = ir_set(a, acc, ir_call_rt(a, RT_LIST_BUILDER_NEW, 1, ir_int(a, ptrs ? 1 : 0)));
  IrNode *loop = lower_for_loop(c, e, push_value, acc);
  IrNode *finish = ir_call_rt(a, RT_LIST_BUILDER_FINISH, 1, ir_var(a, acc));
  return seq_of(c, (IrNode *[]){make, loop, finish}, 3);
}

IrNode *lower_for_discarded(FnCtx *c, Expr *e) {
  return seq_of(c, (IrNode *[]){lower_for_loop(c, e, NULL, -1), ir_unit(A(c))}, 2);
}
