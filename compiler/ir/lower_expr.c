/* lower_expr.c — expressions and statements to IR (incl. `?` desugaring). */
#include <string.h>

#include "../common/builtins.h"
#include "lower.h"

static Arena *A(FnCtx *c) {
  return c->L->a;
}

static int new_temp(FnCtx *c, const char *name) {
  return ir_new_slot(A(c), c->f, name);
}

static IrNode *seq2(FnCtx *c, IrNode *a, IrNode *b) {
  IrNode *s = ir_seq(A(c));
  ir_add_kid(A(c), s, a);
  ir_add_kid(A(c), s, b);
  return s;
}

static IrNode *seq3(FnCtx *c, IrNode *x, IrNode *y, IrNode *z) {
  IrNode *s = ir_seq(A(c));
  ir_add_kid(A(c), s, x);
  ir_add_kid(A(c), s, y);
  ir_add_kid(A(c), s, z);
  return s;
}

/* ---------------------------------------------------------------- names */

/* Concrete instantiation of a reference to `fn`: Ref.inst under the current
 * environment, or — for monomorphic uses inside the function's own group —
 * the scheme variables themselves under the current environment. */
static Instance *instance_for_ref(FnCtx *c, FnDecl *fn, Ref *ref) {
  int nvars = fn->scheme ? fn->scheme->nvars : 0;
  Type **inst = ARENA_ARRAY(A(c), Type *, nvars ? nvars : 1);
  for (int i = 0; i < nvars; i++) {
    Type *t = i < ref->ninst && ref->inst ? ref->inst[i] : fn->scheme->vars[i];
    inst[i] = ctx_type(c, t);
  }
  return lower_instance_in(c->L, fn, inst, nvars, fn->is_nested ? &c->env : NULL);
}

static IrNode *lower_local(FnCtx *c, Expr *e, Binding *b) {
  Scheme *s = b->scheme;
  if (s && s->nvars > 0 && b->let_value && e->ref.ninst > 0) {
    /* A generalised `let`: re-evaluate its value at this instantiation. */
    Type **with = ARENA_ARRAY(A(c), Type *, s->nvars);
    for (int i = 0; i < s->nvars; i++)
      with[i] = i < e->ref.ninst ? ctx_type(c, e->ref.inst[i]) : type_unit();
    MonoEnv saved = c->env;
    c->env = mono_env_extend(c->L, &saved, s->vars, with, s->nvars);
    IrNode *v = lower_expr(c, b->let_value);
    c->env = saved;
    return v;
  }
  int slot = fnctx_slot_of(c, b);
  if (slot < 0) {
    lower_error(c, e->span, arena_printf(A(c), "a reference to `%s` here", b->name));
    return ir_unit(A(c));
  }
  return ir_var(A(c), slot);
}

/* The value of a name (or qualified name) that the checker resolved. */
/* A Ref whose target the checker did not fill is reported, never followed. */
static bool ref_is_complete(const Ref *r) {
  switch (r->kind) {
  case REF_LOCAL:
    return r->local != NULL;
  case REF_FN:
    return r->fn != NULL;
  case REF_CTOR:
    return r->variant != NULL;
  case REF_BUILTIN:
    return r->builtin >= 0 && r->builtin < BI__COUNT;
  default:
    return true;
  }
}

static IrNode *lower_ref_value(FnCtx *c, Expr *e) {
  Ref *r = &e->ref;
  int line = lower_line(c, e->span);
  if (!ref_is_complete(r)) {
    lower_error(c, e->span, "an unresolved name");
    return ir_unit(A(c));
  }
  switch (r->kind) {
  case REF_LOCAL:
    return lower_local(c, e, r->local);
  case REF_FN:
    return lower_fn_value(c, instance_for_ref(c, r->fn, r), line);
  case REF_CTOR:
    if (r->variant->fields.len == 0) return ir_int(A(c), r->variant->index);
    return lower_ctor_value(c, r->variant, ctx_type(c, e->type), line);
  case REF_BUILTIN:
    return lower_builtin_value(c, r->builtin, ctx_type(c, e->type), line);
  case REF_ACTOR: /* the starter as a function value (lower_actors.c) */
    return lower_actor_value(c, e);
  case REF_SERVICE: /* lower_services.c */
    return lower_service_value(c, e);
  case REF_SUPERVISOR: /* lower_supervisors.c */
    return lower_supervisor_value(c, e);
  case REF_METHOD: { /* an interface method as a value (lower_traits.c) */
    IrNode *v = lower_method_value(c, e, line);
    if (v) return v;
    lower_error(c, e->span, "this interface method as a value");
    return ir_unit(A(c));
  }
  default:
    lower_error(c, e->span, "this kind of name");
    return ir_unit(A(c));
  }
}

/* ---------------------------------------------------------------- calls */

/* Applies `callee` to already lowered arguments. */
IrNode *lower_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n, Type *result,
                           int line, bool self_tail) {
  Ref *r = &callee->ref;
  if ((callee->kind == EXPR_NAME || callee->kind == EXPR_FIELD) && r->kind != REF_NONE &&
      r->kind != REF_LOCAL && ref_is_complete(r)) {
    switch (r->kind) {
    case REF_FN: {
      Instance *in = instance_for_ref(c, r->fn, r);
      if (r->fn->actor && in->ir->nparams == n + 1) { /* direct self-call of an actor */
        IrNode *call = lower_actor_self_call(c, in, args, n, line);
        call->self_tail = self_tail;
        return call;
      }
      if (in->ir->nparams == n) {
        IrNode *call = ir_call(A(c), in->ir, args, n);
        call->line = line;
        call->self_tail = self_tail;
        return call;
      }
      break; /* arity errors were reported by the checker */
    }
    case REF_CTOR:
      return lower_ctor_apply(c, r->variant, result, args, n);
    case REF_ACTOR: /* a starter call: a new process (lower_actors.c) */
      return lower_actor_apply(c, callee, args, types, n, line);
    case REF_BUILTIN:
      return lower_builtin_call(c, r->builtin, args, types, n, result, line);
    case REF_SERVICE: /* lower_services.c */
      return lower_service_apply(c, callee, args, types, n, line);
    case REF_SUPERVISOR: /* lower_supervisors.c */
      return lower_supervisor_apply(c, callee, args, types, n, line);
    case REF_METHOD: { /* interface method on a `where`-bounded parameter */
      if (!r->item && n == 2) /* built-in/derived `eq` and `lt` (checker, calls.c) */
        return callee->name.text && callee->name.text[0] == 'e'
                   ? lower_eq(c, types[0], args[0], args[1])
                   : ir_bin(A(c), IB_ILT, lower_cmp(c, types[0], args[0], args[1]), ir_int(A(c), 0),
                            line);
      IrNode *call = n > 0 ? lower_dispatch_call(c, r->item, callee->name.text, args, types, n,
                                                 line)
                           : NULL;
      if (call) return call;
      /* an undetermined receiver (behaves as ()) never reaches this call */
      if (n > 0 && (types[0]->kind == T_UNIT || types[0]->kind == T_NEVER)) return ir_unit(A(c));
      lower_error(c, callee->span, "this interface method call");
      return ir_unit(A(c));
    }
    default:
      lower_error(c, callee->span, "calling this kind of name");
      return ir_unit(A(c));
    }
  }
  IrNode *call = ir_node(A(c), IR_CALL_CLOSURE, line);
  ir_add_kid(A(c), call, lower_expr(c, callee));
  for (int i = 0; i < n; i++)
    ir_add_kid(A(c), call, args[i]);
  return call;
}

/* A call expression; `piped` (may be NULL) is the left side of `|>`. */
static IrNode *lower_call(FnCtx *c, Expr *e, IrNode *piped, Type *piped_type) {
  Expr *callee = e->target;
  if (e->is_spawn_link && !piped) return lower_spawn_link_call(c, e); /* lower_actors.c */
  int n = e->elems.len + (piped ? 1 : 0) + (e->is_method_call ? 1 : 0);
  IrNode **args = ARENA_ARRAY(A(c), IrNode *, n ? n : 1);
  Type **types = ARENA_ARRAY(A(c), Type *, n ? n : 1);
  int k = 0;
  if (e->is_method_call && callee->kind == EXPR_FIELD) {
    types[k] = ctx_type(c, callee->target->type);
    args[k++] = lower_expr(c, callee->target);
  }
  if (piped) {
    types[k] = piped_type;
    args[k++] = piped;
  }
  for (int i = 0; i < e->elems.len; i++) {
    types[k] = ctx_type(c, e->elems.items[i]->type);
    args[k++] = lower_expr(c, e->elems.items[i]);
  }
  return lower_apply(c, callee, args, types, k, ctx_type(c, e->type), lower_line(c, e->span),
                     e->is_self_tail_call);
}

static IrNode *lower_pipe(FnCtx *c, Expr *e) {
  IrNode *lhs = lower_expr(c, e->lhs);
  Type *lt = ctx_type(c, e->lhs->type);
  Expr *rhs = e->rhs;
  if (rhs->kind == EXPR_CALL) return lower_call(c, rhs, lhs, lt);
  IrNode *args[] = {lhs};
  Type *types[] = {lt};
  return lower_apply(c, rhs, args, types, 1, ctx_type(c, e->type), lower_line(c, e->span), false);
}

/* ---------------------------------------------------------------- operators */

static IrNode *lower_binary(FnCtx *c, Expr *e) {
  if (e->binop == OP_PIPE) return lower_pipe(c, e);
  if (e->binop == OP_RANGE) return lower_range(c, e);
  Arena *a = A(c);
  int line = lower_line(c, e->span);
  if (e->binop == OP_AND)
    return ir_if(a, lower_expr(c, e->lhs), lower_expr(c, e->rhs), ir_int(a, 0));
  if (e->binop == OP_OR)
    return ir_if(a, lower_expr(c, e->lhs), ir_int(a, 1), lower_expr(c, e->rhs));
  Type *t = ctx_type(c, e->lhs->type);
  IrNode *l = lower_expr(c, e->lhs);
  IrNode *r = lower_expr(c, e->rhs);
  bool is_int = t->kind == T_INT, is_float = t->kind == T_FLOAT;
  IrNode *user = lower_user_operator(c, e->binop, t, l, r, line); /* impl Add, Ord, ... */
  if (user) return user;
  switch (e->binop) {
  case OP_ADD:
  case OP_SUB:
  case OP_MUL:
  case OP_DIV:
  case OP_MOD: {
    if (!is_int && !is_float) break;
    static const IrBinOp iops[] = {IB_IADD, IB_ISUB, IB_IMUL, IB_IDIV, IB_IMOD};
    static const IrBinOp fops[] = {IB_FADD, IB_FSUB, IB_FMUL, IB_FDIV, IB_FMOD};
    int k = e->binop - OP_ADD;
    return ir_bin(a, is_int ? iops[k] : fops[k], l, r, line);
  }
  case OP_EQ:
    return lower_eq(c, t, l, r);
  case OP_NE:
    return ir_un(a, IU_NOT, lower_eq(c, t, l, r));
  case OP_LT:
  case OP_GT:
  case OP_LE:
  case OP_GE: {
    int k = e->binop - OP_LT; /* LT, GT, LE, GE */
    static const IrBinOp iops[] = {IB_ILT, IB_IGT, IB_ILE, IB_IGE};
    static const IrBinOp fops[] = {IB_FLT, IB_FGT, IB_FLE, IB_FGE};
    if (is_float) return ir_bin(a, fops[k], l, r, line);
    if (is_int || t->kind == T_BOOL) return ir_bin(a, iops[k], l, r, line);
    return ir_bin(a, iops[k], lower_cmp(c, t, l, r), ir_int(a, 0), line);
  }
  case OP_CONCAT:
  case OP_PLUSPLUS:
    if (t->kind == T_UNIT) break;
    if (t->kind == T_STRING) return ir_call_rt(a, RT_STRING_CONCAT, 2, l, r);
    if (t->kind == T_CON && t->con == TC_LIST && t->nargs == 1)
      return ir_call_rt(a, RT_LIST_CONCAT, 3, l, r, ir_int(a, type_is_ptr(t->args[0])));
    break;
  default:
    break;
  }
  /* Undetermined operand types (a generalised `let` evaluated at its default
   * instance, code that never runs with such values) behave as (). */
  if (t->kind == T_UNIT || t->kind == T_NEVER) return seq3(c, l, r, ir_unit(a));
  lower_error(c, e->span, "this operator on these operand types");
  return ir_unit(a);
}

static IrNode *lower_unary(FnCtx *c, Expr *e) {
  IrNode *x = lower_expr(c, e->lhs);
  if (e->unop == OP_NOT) return ir_un(A(c), IU_NOT, x);
  Type *t = ctx_type(c, e->lhs->type);
  return ir_un(A(c), t->kind == T_FLOAT ? IU_FNEG : IU_INEG, x);
}

/* ---------------------------------------------------------------- data */

static IrNode *lower_string(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int n = e->parts.len;
  if (n == 0) return ir_string(a, "", 0);
  if (n == 1 && !e->parts.items[0].is_expr)
    return ir_string(a, e->parts.items[0].text, e->parts.items[0].len);
  IrNode *cat = ir_node(a, IR_CONCAT, lower_line(c, e->span));
  for (int i = 0; i < n; i++) {
    StringPart *p = &e->parts.items[i];
    if (!p->is_expr) {
      if (p->len) ir_add_kid(a, cat, ir_string(a, p->text, p->len));
      continue;
    }
    Type *t = ctx_type(c, p->expr->type);
    ir_add_kid(a, cat, lower_show(c, SHOW_DISPLAY, t, lower_expr(c, p->expr)));
  }
  if (cat->nkids == 1) return cat->kids[0]; /* already a STRING */
  return cat;
}

static IrNode *lower_tuple(FnCtx *c, Expr *e) {
  IrNode *rec = ir_node(A(c), IR_RECORD, lower_line(c, e->span));
  Type **types = ARENA_ARRAY(A(c), Type *, e->elems.len ? e->elems.len : 1);
  for (int i = 0; i < e->elems.len; i++) {
    types[i] = ctx_type(c, e->elems.items[i]->type);
    ir_add_kid(A(c), rec, lower_expr(c, e->elems.items[i]));
  }
  rec->ptrmap = ptrmap_of(types, e->elems.len);
  return rec;
}

static IrNode *lower_list(FnCtx *c, Expr *e) {
  IrNode *list = ir_node(A(c), IR_LIST, lower_line(c, e->span));
  Type *t = ctx_type(c, e->type);
  list->ival = t->kind == T_CON && t->nargs == 1 && type_is_ptr(t->args[0]);
  for (int i = 0; i < e->elems.len; i++)
    ir_add_kid(A(c), list, lower_expr(c, e->elems.items[i]));
  return list;
}

static IrNode *lower_struct_lit(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int nf = 0;
  Type *st = ctx_type(c, e->type);
  Type **ftypes = struct_field_types(c->L, st, &nf);
  IrNode *rec = ir_node(a, IR_RECORD, lower_line(c, e->span));
  rec->ptrmap = ptrmap_of(ftypes, nf);
  int n = e->fields.len;
  bool in_order = n == nf;
  for (int i = 0; i < n && in_order; i++)
    if (!e->field_order || e->field_order[i] != i) in_order = false;
  if (in_order) {
    for (int i = 0; i < n; i++)
      ir_add_kid(a, rec, lower_expr(c, e->fields.items[i].value));
    return rec;
  }
  /* Evaluate in written order, store in declaration order. */
  IrNode *s = ir_seq(a);
  int *slots = ARENA_ARRAY(a, int, nf ? nf : 1);
  for (int i = 0; i < nf; i++)
    slots[i] = -1;
  for (int i = 0; i < n; i++) {
    int d = e->field_order ? e->field_order[i] : i;
    int slot = new_temp(c, e->fields.items[i].name.text);
    ir_add_kid(a, s, ir_set(a, slot, lower_expr(c, e->fields.items[i].value)));
    if (d >= 0 && d < nf) slots[d] = slot;
  }
  for (int i = 0; i < nf; i++)
    ir_add_kid(a, rec, slots[i] >= 0 ? ir_var(a, slots[i]) : ir_unit(a));
  ir_add_kid(a, s, rec);
  return s;
}

static IrNode *lower_field(FnCtx *c, Expr *e) {
  if (e->ref.kind != REF_NONE) return lower_ref_value(c, e);
  if (e->struct_decl && e->field_index >= 0)
    return ir_field(A(c), lower_expr(c, e->target), e->field_index);
  lower_error(c, e->span, "this field access");
  return ir_unit(A(c));
}

/* `e?`: Ok(v)/Some(v) (tag 0) give v; otherwise the value itself — Err(x) or
 * None, represented identically in the function's result type — is returned. */
static IrNode *lower_try(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int slot = new_temp(c, "try");
  Type *t = ctx_type(c, e->target->type);
  IrNode *is_ok = ir_bin(a, IB_IEQ, lower_tag(c->L, t, ir_var(a, slot)), ir_int(a, 0), 0);
  IrNode *pick = ir_if(a, is_ok, ir_field(a, ir_var(a, slot), 0), ir_return(a, ir_var(a, slot)));
  return seq2(c, ir_set(a, slot, lower_expr(c, e->target)), pick);
}

/* ---------------------------------------------------------------- control */

static IrNode *lower_if(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  IrNode *cond = lower_expr(c, e->target);
  IrNode *then_ = lower_expr(c, e->then_branch);
  if (!e->else_branch) {
    /* The value is (). A branch of type () already yields the word 0, and
     * keeping it last keeps a self call there a tail call (a loop). */
    Type *bt = ctx_type(c, e->then_branch ? e->then_branch->type : NULL);
    if (bt->kind == T_UNIT || bt->kind == T_NEVER) return ir_if(a, cond, then_, ir_unit(a));
    return ir_if(a, cond, seq2(c, then_, ir_unit(a)), ir_unit(a));
  }
  return ir_if(a, cond, then_, lower_expr(c, e->else_branch));
}

static IrNode *lower_case(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  int slot = new_temp(c, "scrut");
  Type *t = ctx_type(c, e->target->type);
  MatchRow *rows = ARENA_ARRAY(a, MatchRow, e->arms.len ? e->arms.len : 1);
  for (int i = 0; i < e->arms.len; i++) {
    rows[i].pats = &e->arms.items[i].pattern;
    rows[i].guard = e->arms.items[i].guard;
    rows[i].body = e->arms.items[i].body;
  }
  IrNode *m = lower_match(c, &slot, &t, 1, rows, e->arms.len, lower_line(c, e->span));
  return seq2(c, ir_set(a, slot, lower_expr(c, e->target)), m);
}

static IrNode *lower_let(FnCtx *c, Stmt *s) {
  Arena *a = A(c);
  Pattern *p = s->pattern;
  if (p && p->kind == PAT_BIND && p->binding) {
    Binding *b = p->binding;
    int slot = fnctx_bind(c, b);
    /* Uses of a generalised `let` re-evaluate its value per instantiation
     * (lower_local), never reading the slot; a value without effects
     * (closure, name) need not be evaluated here at all. Others are, at
     * their default instance, for their effects. */
    bool generic = b->scheme && b->scheme->nvars > 0 && b->let_value;
    Expr *e = s->expr;
    if (generic && e && (e->kind == EXPR_CLOSURE || e->kind == EXPR_NAME || e->kind == EXPR_FIELD))
      return ir_unit(a);
    return ir_set(a, slot, lower_expr(c, e));
  }
  IrNode *v = lower_expr(c, s->expr);
  if (!p || p->kind == PAT_WILDCARD) return v;
  int tmp = new_temp(c, "let");
  return seq2(c, ir_set(a, tmp, v), lower_let_pattern(c, p, tmp));
}

IrNode *lower_block_stmts(FnCtx *c, Stmt **stmts, int n) {
  Arena *a = A(c);
  IrNode *s = ir_seq(a);
  bool value_last = false;
  for (int i = 0; i < n; i++) {
    Stmt *st = stmts[i];
    value_last = false;
    switch (st->kind) {
    case STMT_EXPR:
      if (i < n - 1 && st->expr && st->expr->kind == EXPR_FOR) /* value discarded */
        ir_add_kid(a, s, lower_for_discarded(c, st->expr));
      else
        ir_add_kid(a, s, lower_expr(c, st->expr));
      value_last = true;
      break;
    case STMT_LET:
      ir_add_kid(a, s, lower_let(c, st));
      break;
    case STMT_RETURN:
      ir_add_kid(a, s, ir_return(a, st->expr ? lower_expr(c, st->expr) : ir_unit(a)));
      break;
    case STMT_ITEM:
      break; /* nested functions are instantiated where used */
    }
  }
  if (!value_last) ir_add_kid(a, s, ir_unit(a));
  if (s->nkids == 1) return s->kids[0];
  return s;
}

IrNode *lower_expr(FnCtx *c, Expr *e) {
  Arena *a = A(c);
  if (!e) return ir_unit(a);
  switch (e->kind) {
  case EXPR_INT:
    return ir_int(a, e->int_value);
  case EXPR_FLOAT:
    return ir_float(a, e->float_value);
  case EXPR_BOOL:
    return ir_int(a, e->bool_value ? 1 : 0);
  case EXPR_UNIT:
    return ir_unit(a);
  case EXPR_STRING:
    return lower_string(c, e);
  case EXPR_NAME:
  case EXPR_SELF: /* resolved like a name by the checker */
    return lower_ref_value(c, e);
  case EXPR_TUPLE:
    return lower_tuple(c, e);
  case EXPR_LIST:
    return lower_list(c, e);
  case EXPR_UNARY:
    return lower_unary(c, e);
  case EXPR_BINARY:
    return lower_binary(c, e);
  case EXPR_CALL:
    return lower_call(c, e, NULL, NULL);
  case EXPR_FIELD:
    return lower_field(c, e);
  case EXPR_TRY:
    return lower_try(c, e);
  case EXPR_STRUCT_LIT:
    return lower_struct_lit(c, e);
  case EXPR_IF:
    return lower_if(c, e);
  case EXPR_CASE:
    return lower_case(c, e);
  case EXPR_CLOSURE:
    return lower_closure_expr(c, e);
  case EXPR_BLOCK:
    return lower_block_stmts(c, e->stmts.items, e->stmts.len);
  case EXPR_MAP: /* lower_builtins_collections.c */
    return lower_map_literal(c, e);
  case EXPR_INDEX:
    lower_error(c, e->span, "indexing");
    break;
  case EXPR_WHILE: /* lower_loops.c */
    return lower_while(c, e);
  case EXPR_FOR:
    return lower_for(c, e);
  case EXPR_BREAK:
    return lower_break(c, e);
  case EXPR_CONTINUE:
    return lower_continue(c, e);
  case EXPR_SPAWN: /* actors area: lower_actors.c */
  case EXPR_SEND:
  case EXPR_LINK:
  case EXPR_MONITOR:
  case EXPR_SELF_PID:
  case EXPR_RECEIVE:
    return lower_actor_expr(c, e);
  case EXPR_ERROR:
    lower_error(c, e->span, "an erroneous expression");
    break;
  }
  return ir_unit(a);
}
