/* loops.c — typing of `while`, `for`, `break` and `continue` (language.md §6.9).
 *
 * Contract:
 * - `while c do b end`: c :: Bool, b any type, the loop :: ().
 * - `for x in e [when f] do b end` :: List<typeof b>. e is a Range (x :: Int),
 *   a List<T> (x :: T), a Map<K, V> (a single name binds the key :: K;
 *   `{k, v}` binds k :: K and v :: V) or a Set (x :: Int). An operand of
 *   still-unknown type is taken to be a List (a Map with `{k, v}`). The loop
 *   variables are scoped to the filter and the body; f :: Bool. The bindings
 *   are recorded in Expr.loop_binding / loop_value_binding for lowering.
 * - `break` / `continue` :: Never; outside a loop body of the current
 *   function or closure (LambdaCtx.loop_depth == 0) they are E0032 / E0033,
 *   so they never cross a closure or named-function boundary. A `while`
 *   condition and a `for` filter belong to their own loop (they run on every
 *   iteration); the iterated expression of a `for`, evaluated once before
 *   the loop starts, belongs to the enclosing one. */
#include "check_internal.h"

static void enter_body(Checker *c) {
  if (c->lambda) c->lambda->loop_depth++;
}

static void leave_body(Checker *c) {
  if (c->lambda) c->lambda->loop_depth--;
}

static bool inside_loop_body(Checker *c) {
  return c->lambda && c->lambda->loop_depth > 0;
}

Type *infer_while(Checker *c, Expr *e) {
  enter_body(c);
  Type *ct = infer_expr(c, e->target);
  expect_type(c, type_bool(), ct, e->target ? e->target->span : e->span, NULL);
  int mark = c->scope.len;
  infer_expr(c, e->then_branch);
  leave_body(c);
  c->scope.len = mark;
  return type_unit();
}

static bool is_con(Type *t, TypeConKind con) {
  return t && t->kind == T_CON && t->con == con;
}

/* The element type(s) bound by iterating a value of type `it`; false (after
 * a diagnostic) when `it` cannot be iterated as written. */
static bool iteration_types(Checker *c, Expr *e, Type *it, Type **key, Type **value) {
  Span at = e->target ? e->target->span : e->span;
  Type *t = type_resolve(it);
  *value = NULL;
  if (t && t->kind == T_VAR) {
    Type *k = new_var(c);
    Type *want = e->loop_kv ? type_con(c->a, TC_MAP, "Map", (Type *[]){k, new_var(c)}, 2)
                            : type_list(c->a, k);
    if (!expect_type(c, want, it, at, NULL)) return false;
    t = type_resolve(it);
  }
  if (is_con(t, TC_MAP) && t->nargs == 2) {
    *key = t->args[0];
    *value = t->args[1];
    return true;
  }
  if (!e->loop_kv) {
    if ((is_con(t, TC_RANGE) || is_con(t, TC_SET))) {
      *key = type_int();
      return true;
    }
    if (is_con(t, TC_LIST) && t->nargs == 1) {
      *key = t->args[0];
      return true;
    }
  }
  if (t && t->kind == T_NEVER) return false;
  const char *expected = e->loop_kv ? "a Map" : "a Range, List, Map or Set";
  diag_error(c->dc, "E0001", c->mod->file, at, "cannot be iterated by `for`",
             "expected %s, found %s", expected, tstr(c, it));
  return false;
}

Type *infer_for(Checker *c, Expr *e) {
  Type *it = infer_expr(c, e->target);
  Type *key = NULL, *value = NULL;
  if (!iteration_types(c, e, it, &key, &value)) {
    key = new_var(c);
    value = e->loop_kv ? new_var(c) : NULL;
  }
  int mark = c->scope.len;
  e->loop_binding = new_binding(c, e->loop_var.text, e->loop_var.span, key);
  scope_push_local(c, e->loop_binding);
  if (e->loop_kv) {
    e->loop_value_binding =
        new_binding(c, e->loop_value.text, e->loop_value.span, value ? value : new_var(c));
    scope_push_local(c, e->loop_value_binding);
  }
  enter_body(c);
  if (e->filter) {
    Type *ft = infer_expr(c, e->filter);
    expect_type(c, type_bool(), ft, e->filter->span, NULL);
  }
  Type *bt = infer_expr(c, e->then_branch);
  leave_body(c);
  c->scope.len = mark;
  /* a body that never completes (always `break`s) collects nothing */
  if (type_is_never(bt)) bt = new_var(c);
  return type_list(c->a, bt);
}

Type *infer_break(Checker *c, Expr *e) {
  if (!inside_loop_body(c)) {
    Diagnostic *d =
        report_error(c, "E0032", e->span, "`break` can only be used inside a `while` or `for` loop",
                     "`break` outside of loop");
    diag_set_help(c->dc, d, "move this `break` inside a loop body");
  }
  return type_never();
}

Type *infer_continue(Checker *c, Expr *e) {
  if (!inside_loop_body(c)) {
    Diagnostic *d = report_error(c, "E0033", e->span,
                                 "`continue` can only be used inside a `while` or `for` loop",
                                 "`continue` outside of loop");
    diag_set_help(c->dc, d, "move this `continue` inside a loop body");
  }
  return type_never();
}
