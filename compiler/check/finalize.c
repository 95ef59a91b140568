/* finalize.c — the pass run over a top-level definition once its group is
 * inferred and generalised: zonks every stored type (types.h contract),
 * marks tail calls (§6.16), checks interpolated types for Display/Debug
 * (§6.15, decided on final types), rejects undetermined `default()` (E0046)
 * and checks pattern sets (exhaust.c). */
#include <string.h>

#include "check_internal.h"

typedef struct Fin {
  Checker *c;
  unsigned epoch; /* one zonk traversal per definition: each node once */
  FnDecl *fn;     /* enclosing named function for self tail calls (NULL in closures) */
} Fin;

static void fin_expr(Fin *f, Expr *e, bool tail, int depth);
static void fin_stmts(Fin *f, StmtList *stmts, bool tail, int depth);

static void zonk_ref(Fin *f, Ref *r) {
  for (int i = 0; i < r->ninst; i++)
    r->inst[i] = zonk(f->c, r->inst[i], f->epoch);
}

static void fin_binding(Fin *f, Binding *b) {
  if (!b) return;
  b->type = zonk(f->c, b->type, f->epoch);
  if (b->scheme) b->scheme->type = zonk(f->c, b->scheme->type, f->epoch);
}

static void fin_pattern(Fin *f, Pattern *p, int depth) {
  if (!p || depth > CHECK_MAX_DEPTH + 10) return;
  p->type = zonk(f->c, p->type, f->epoch);
  fin_binding(f, p->binding);
  for (int i = 0; i < p->elems.len; i++)
    fin_pattern(f, p->elems.items[i], depth + 1);
  fin_pattern(f, p->head, depth + 1);
  fin_pattern(f, p->tail, depth + 1);
  fin_pattern(f, p->inner, depth + 1);
}

static bool has_display_or_debug(Type *t) {
  t = type_resolve(t);
  if (!t) return true;
  switch (t->kind) {
  case T_FUN:
    return false;
  case T_CON:
    switch (t->con) {
    case TC_RANGE:
    case TC_QUEUE:
    case TC_OPAQUE:
      return false;
    case TC_STRUCT:
      return t->struct_decl && (t->struct_decl->derives & (DERIVE_DISPLAY | DERIVE_DEBUG));
    case TC_SUM:
      return t->sum_decl && (t->sum_decl->derives & (DERIVE_DISPLAY | DERIVE_DEBUG));
    default:
      return true;
    }
  default:
    return true;
  }
}

static void check_interpolation(Fin *f, Expr *part) {
  Checker *c = f->c;
  if (has_display_or_debug(part->type)) return;
  const char *ts = tstr(c, part->type);
  Diagnostic *d = diag_error(c->dc, "E0006", c->mod->file, part->span,
                             arena_printf(c->a, "%s does not satisfy Display", ts),
                             "%s does not implement Display", ts);
  diag_set_help(c->dc, d, "add `impl Display for %s do ... end`", ts);
}

static void check_default_use(Fin *f, Expr *e) {
  if (e->ref.kind != REF_BUILTIN || e->ref.builtin != BI_DEFAULT || e->ref.ninst < 1) return;
  if (!type_has_unbound(f->c, e->ref.inst[0])) return;
  Checker *c = f->c;
  diag_error(c->dc, "E0046", c->mod->file, e->span, "type annotation needed",
             "cannot infer type: %s is not determined here", tstr(c, e->ref.inst[0]));
}

static void mark_call(Fin *f, Expr *call, bool tail) {
  call->is_tail = tail;
  Expr *callee = call->target;
  call->is_self_tail_call = tail && f->fn && callee && callee->kind == EXPR_NAME &&
                            callee->ref.kind == REF_FN && callee->ref.fn == f->fn;
}

/* Pattern-set checks of a closure's clauses (warnings, like functions). */
static void check_closure_clauses(Fin *f, Expr *e) {
  Checker *c = f->c;
  Type *ft = type_resolve(e->type);
  if (!ft || ft->kind != T_FUN) return;
  int n = ft->nargs;
  bool trivial = e->clauses.len == 1;
  for (int k = 0; k < e->clauses.len; k++) {
    ClosureClause *cl = &e->clauses.items[k];
    if (cl->params.len != n) return;
    for (int i = 0; i < n && trivial; i++)
      if (!pattern_is_catch_all(cl->params.items[i].pattern)) trivial = false;
  }
  if (trivial || n == 0) return;
  PatRow *rows = ARENA_ARRAY(c->a, PatRow, e->clauses.len);
  Span *spans = ARENA_ARRAY(c->a, Span, e->clauses.len);
  for (int k = 0; k < e->clauses.len; k++) {
    ClosureClause *cl = &e->clauses.items[k];
    rows[k].cols = ARENA_ARRAY(c->a, Pattern *, n);
    for (int i = 0; i < n; i++)
      rows[k].cols[i] = cl->params.items[i].pattern;
    rows[k].guarded = cl->guard != NULL;
    spans[k] = cl->span;
  }
  Type *shown = n == 1 ? ft->args[0] : type_tuple(c->a, ft->args, n);
  check_match(c, rows, e->clauses.len, ft->args, n, shown, e->span, spans, false, true);
}

static void check_case_arms(Fin *f, Expr *e) {
  Checker *c = f->c;
  int n = e->arms.len;
  PatRow *rows = ARENA_ARRAY(c->a, PatRow, n + 1);
  Span *spans = ARENA_ARRAY(c->a, Span, n + 1);
  for (int i = 0; i < n; i++) {
    MatchArm *arm = &e->arms.items[i];
    rows[i].cols = ARENA_ARRAY(c->a, Pattern *, 1);
    rows[i].cols[0] = arm->pattern;
    rows[i].guarded = arm->guard != NULL;
    spans[i] = arm->pattern ? arm->pattern->span : arm->span;
  }
  Type *st = e->target ? e->target->type : NULL;
  check_match(c, rows, n, &st, 1, st, e->span, spans, true, true);
}

static void fin_expr(Fin *f, Expr *e, bool tail, int depth) {
  if (!e || depth > CHECK_MAX_DEPTH + 10) return;
  e->type = zonk(f->c, e->type, f->epoch);
  zonk_ref(f, &e->ref);
  int d = depth + 1;
  switch (e->kind) {
  case EXPR_STRING:
    for (int i = 0; i < e->parts.len; i++)
      if (e->parts.items[i].is_expr && e->parts.items[i].expr) {
        fin_expr(f, e->parts.items[i].expr, false, d);
        check_interpolation(f, e->parts.items[i].expr);
      }
    break;
  case EXPR_NAME:
    check_default_use(f, e);
    json_check_ref(f->c, e);
    traits_check_ref_bounds(f->c, e);
    break;
  case EXPR_FIELD:
    check_default_use(f, e);
    json_check_ref(f->c, e);
    traits_check_ref_bounds(f->c, e);
    fin_expr(f, e->target, false, d);
    break;
  case EXPR_CALL:
    mark_call(f, e, tail);
    fin_expr(f, e->target, false, d);
    for (int i = 0; i < e->elems.len; i++)
      fin_expr(f, e->elems.items[i], false, d);
    break;
  case EXPR_BINARY:
    if (e->binop == OP_PIPE) {
      fin_expr(f, e->lhs, false, d);
      fin_expr(f, e->rhs, tail && e->rhs && e->rhs->kind == EXPR_CALL, d); /* marks the call */
      break;
    }
    /* left-nested chains iteratively (see infer_binary) */
    for (Expr *x = e; x; x = x->lhs) {
      if (x != e) x->type = zonk(f->c, x->type, f->epoch);
      fin_expr(f, x->rhs, false, d);
      if (!x->lhs || x->lhs->kind != EXPR_BINARY || x->lhs->binop == OP_PIPE) {
        fin_expr(f, x->lhs, false, d);
        break;
      }
    }
    break;
  case EXPR_UNARY:
  case EXPR_TRY:
    fin_expr(f, e->lhs, false, d);
    fin_expr(f, e->target, false, d);
    break;
  case EXPR_TUPLE:
  case EXPR_LIST:
  case EXPR_SPAWN:
  case EXPR_SEND:
  case EXPR_LINK:
  case EXPR_MONITOR:
    for (int i = 0; i < e->elems.len; i++)
      fin_expr(f, e->elems.items[i], false, d);
    break;
  case EXPR_STRUCT_LIT:
    for (int i = 0; i < e->fields.len; i++)
      fin_expr(f, e->fields.items[i].value, false, d);
    break;
  case EXPR_SELF_PID: /* actors area */
    e->msg_type = zonk(f->c, e->msg_type, f->epoch);
    break;
  case EXPR_RECEIVE: /* every arm and the `after` body are tail positions (§3.3) */
    e->msg_type = zonk(f->c, e->msg_type, f->epoch);
    fin_expr(f, e->after_timeout, false, d);
    for (int i = 0; i < e->arms.len; i++) {
      fin_pattern(f, e->arms.items[i].pattern, d);
      fin_expr(f, e->arms.items[i].guard, false, d);
      fin_expr(f, e->arms.items[i].body, tail, d);
    }
    fin_expr(f, e->after_body, tail, d);
    break;
  case EXPR_IF:
    fin_expr(f, e->target, false, d);
    fin_expr(f, e->then_branch, tail && e->else_branch, d);
    fin_expr(f, e->else_branch, tail, d);
    break;
  case EXPR_CASE:
    fin_expr(f, e->target, false, d);
    for (int i = 0; i < e->arms.len; i++) {
      fin_pattern(f, e->arms.items[i].pattern, d);
      fin_expr(f, e->arms.items[i].guard, false, d);
      fin_expr(f, e->arms.items[i].body, tail, d);
    }
    check_case_arms(f, e);
    break;
  case EXPR_CLOSURE: {
    Fin inner = {f->c, f->epoch, NULL};
    for (int k = 0; k < e->clauses.len; k++) {
      ClosureClause *cl = &e->clauses.items[k];
      for (int i = 0; i < cl->params.len; i++)
        fin_pattern(f, cl->params.items[i].pattern, d);
      fin_expr(&inner, cl->guard, false, d);
      fin_expr(&inner, cl->body, true, d);
    }
    check_closure_clauses(f, e);
    break;
  }
  case EXPR_BLOCK:
    fin_stmts(f, &e->stmts, tail, d);
    break;
  case EXPR_WHILE:
  case EXPR_FOR: /* nothing inside a loop is in tail position */
    if (e->loop_binding) e->loop_binding->type = zonk(f->c, e->loop_binding->type, f->epoch);
    if (e->loop_value_binding)
      e->loop_value_binding->type = zonk(f->c, e->loop_value_binding->type, f->epoch);
    fin_expr(f, e->target, false, d);
    fin_expr(f, e->filter, false, d);
    fin_expr(f, e->then_branch, false, d);
    break;
  default:
    break;
  }
}

static void check_let_pattern(Fin *f, Stmt *s) {
  if (!s->pattern || pattern_is_catch_all(s->pattern) || !s->expr) return;
  Checker *c = f->c;
  PatRow row = {ARENA_ARRAY(c->a, Pattern *, 1), false};
  row.cols[0] = s->pattern;
  Type *t = s->pattern->type;
  check_match(c, &row, 1, &t, 1, t, s->pattern->span, &s->pattern->span, true, false);
}

static void fin_stmts(Fin *f, StmtList *stmts, bool tail, int depth) {
  for (int i = 0; i < stmts->len; i++) {
    Stmt *s = stmts->items[i];
    bool last = i == stmts->len - 1;
    switch (s->kind) {
    case STMT_EXPR:
      fin_expr(f, s->expr, tail && last, depth);
      break;
    case STMT_LET:
      fin_expr(f, s->expr, false, depth);
      fin_pattern(f, s->pattern, depth);
      check_let_pattern(f, s);
      break;
    case STMT_RETURN:
      fin_expr(f, s->expr, true, depth);
      break;
    case STMT_ITEM:
      if (s->item && s->item->kind == ITEM_FN && s->item->fn->type) finalize_fn(f->c, s->item->fn);
      break;
    }
  }
}

static void check_fn_clauses(Checker *c, FnDecl *fn) {
  Type *ft = type_resolve(fn->type);
  if (!ft || ft->kind != T_FUN) return;
  int n = ft->nargs, m = fn->clauses.len;
  if (n == 0) return;
  bool trivial = m == 1;
  for (int k = 0; k < m; k++) {
    FnClause *cl = &fn->clauses.items[k];
    if (cl->params.len != n) return; /* E0024 already reported */
    if (k < m - 1 && !cl->guard) {
      bool catch_all = true;
      for (int i = 0; i < n; i++)
        if (!pattern_is_catch_all(cl->params.items[i].pattern)) catch_all = false;
      if (catch_all) return; /* E0022 already reported */
    }
    for (int i = 0; i < n && trivial; i++)
      if (!pattern_is_catch_all(cl->params.items[i].pattern)) trivial = false;
  }
  if (trivial) return;
  PatRow *rows = ARENA_ARRAY(c->a, PatRow, m);
  Span *spans = ARENA_ARRAY(c->a, Span, m);
  for (int k = 0; k < m; k++) {
    FnClause *cl = &fn->clauses.items[k];
    rows[k].cols = ARENA_ARRAY(c->a, Pattern *, n);
    for (int i = 0; i < n; i++)
      rows[k].cols[i] = cl->params.items[i].pattern;
    rows[k].guarded = cl->guard != NULL;
    spans[k] = cl->header_span;
  }
  Type *shown = n == 1 ? ft->args[0] : type_tuple(c->a, ft->args, n);
  check_match(c, rows, m, ft->args, n, shown, fn->clauses.items[0].header_span, spans, false, true);
}

void finalize_fn(Checker *c, FnDecl *fn) {
  Fin f = {c, new_epoch(c), fn};
  fn->type = zonk(c, fn->type, f.epoch);
  if (fn->scheme) fn->scheme->type = zonk(c, fn->scheme->type, f.epoch);
  for (int k = 0; k < fn->clauses.len; k++) {
    FnClause *cl = &fn->clauses.items[k];
    for (int i = 0; i < cl->params.len; i++)
      fin_pattern(&f, cl->params.items[i].pattern, 0);
    fin_expr(&f, cl->guard, false, 0);
    fin_expr(&f, cl->body, true, 0);
  }
  if (fn->actor) { /* actors area: the terminate clause has no self-calls */
    ActorDecl *ad = fn->actor->actor;
    Fin t = {c, f.epoch, NULL};
    fin_expr(&t, ad->terminate_body, false, 0);
    fin_binding(&f, ad->reason);
    ad->msg_type = zonk(c, ad->msg_type, f.epoch);
    if (ad->starter_type) ad->starter_type = zonk(c, ad->starter_type, f.epoch);
  }
  check_fn_clauses(c, fn);
}

void finalize_stmt(Checker *c, Stmt *s) {
  Fin f = {c, new_epoch(c), NULL};
  StmtList one = {&s, 1, 1};
  fin_stmts(&f, &one, false, 0);
}
