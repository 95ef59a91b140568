/* guards.c — the restrictions on `case` guards (§6.6, E0013) and the
 * Bool requirement of every guard. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ guards (§6.6) */

static bool parenthesized(Checker *c, Expr *e) {
  const char *text = c->mod->file->text;
  size_t len = c->mod->file->len;
  if (e->span.end > len || e->span.start >= e->span.end) return false;
  if (text[e->span.start] == '(' && text[e->span.end - 1] == ')') return true;
  uint32_t s = e->span.start, t = e->span.end;
  while (s > 0 && (text[s - 1] == ' ' || text[s - 1] == '\t'))
    s--;
  while (t < len && (text[t] == ' ' || text[t] == '\t'))
    t++;
  return s > 0 && text[s - 1] == '(' && t < len && text[t] == ')';
}

static const char *binop_text(BinOp op) {
  static const char *const names[] = {"+",  "-",  "*",   "/",  "%",  "==", "!=", "<", ">",
                                      "<=", ">=", "and", "or", "<>", "++", "..", "|>"};
  return (unsigned)op < sizeof names / sizeof *names ? names[op] : "?";
}

static bool guard_ok(Checker *c, Expr *e, int depth, const char **reason) {
  if (!e || depth > CHECK_MAX_DEPTH) return true;
  switch (e->kind) {
  case EXPR_INT:
  case EXPR_FLOAT:
  case EXPR_BOOL:
  case EXPR_UNIT:
  case EXPR_NAME:
  case EXPR_ERROR:
    return true;
  case EXPR_STRING:
    for (int i = 0; i < e->parts.len; i++)
      if (e->parts.items[i].is_expr) {
        if (parenthesized(c, e)) return true;
        *reason = "expression not allowed in guard";
        return false;
      }
    return true;
  case EXPR_UNARY:
    if (e->unop == OP_NOT) return guard_ok(c, e->lhs, depth + 1, reason);
    if (e->lhs && (e->lhs->kind == EXPR_INT || e->lhs->kind == EXPR_FLOAT)) return true;
    if (parenthesized(c, e)) return true;
    *reason = "operator `-` not allowed in guard";
    return false;
  case EXPR_BINARY:
    if (e->binop >= OP_EQ && e->binop <= OP_OR)
      return guard_ok(c, e->lhs, depth + 1, reason) && guard_ok(c, e->rhs, depth + 1, reason);
    if (parenthesized(c, e)) return true;
    *reason = arena_printf(c->a, "operator `%s` not allowed in guard", binop_text(e->binop));
    return false;
  case EXPR_CALL:
    if (e->target && e->target->kind == EXPR_NAME) return true;
    if (parenthesized(c, e)) return true;
    *reason = "only named function calls allowed in guard";
    return false;
  default:
    if (parenthesized(c, e)) return true;
    *reason = "expression not allowed in guard";
    return false;
  }
}

void check_case_guard(Checker *c, Expr *g) {
  const char *reason = NULL;
  if (!guard_ok(c, g, 0, &reason)) {
    Diagnostic *d = diag_error(c->dc, "E0013", c->mod->file, g->span,
                               "only comparisons, boolean ops, literals, and names allowed",
                               "invalid guard: %s", reason);
    diag_set_help(c->dc, d, "guards must be simple boolean expressions");
  }
}

void check_guard_type(Checker *c, Expr *g) {
  expect_type(c, type_bool(), infer_expr(c, g), g->span, NULL);
}
