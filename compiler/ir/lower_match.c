/* lower_match.c — pattern matching compiled to decision trees: `case`
 * arms, clauses of functions and closures, and irrefutable `let` patterns.
 *
 * The rows (arms/clauses, tried in order) form a pattern matrix over the
 * scrutinee columns (slots). compile() picks the first column in which the
 * first row has a refutable pattern and branches on it once:
 *   sum type / Bool / Int   an IR_SWITCH on the variant tag / value, one
 *                           branch per value present, default = the rows
 *                           with an irrefutable pattern there;
 *   String / Float literal  an equality test (then: rows with that literal or
 *                           irrefutable; else: the other rows);
 *   cons `h :: t`           a non-empty test;
 *   tuple                   no test: the column is split into its fields.
 * Sub-values are stored into fresh slots once per branch. Or-patterns are
 * expanded into one row per alternative. A leaf (first row irrefutable)
 * binds that row's variables, then checks its guard (on failure compiling
 * the remaining rows) and selects the arm number; the arm bodies are
 * lowered once each, after the tree, in an IR_SWITCH on the selected arm,
 * so every body stays in tail position. A failing branch is a
 * `non-exhaustive match` panic. Should a tree grow past a size budget, the
 * remaining rows are tested one after another instead (linear size). */
#include <string.h>

#include "../check/check.h"
#include "lower.h"

static Arena *A(FnCtx *c) {
  return c->L->a;
}

/* Variables bound so far in a row: a persistent list shared between copies. */
typedef struct BindCell {
  Binding *b;
  int slot; /* slot holding the matched value */
  struct BindCell *next;
} BindCell;

typedef struct DtRow {
  Pattern **pats; /* NULL entries are irrefutable (wildcards) */
  int arm;
  Expr *guard;
  BindCell *binds;
} DtRow;

typedef struct DtCol {
  int slot;
  Type *type;
} DtCol;

typedef struct Dt {
  FnCtx *c;
  MatchRow *arms;
  int arm_slot;
  int line;
  int depth;
  int nodes;      /* compile() calls so far: the budget of the tree */
  bool soft_fail; /* no row matches: arm number -1 instead of a panic (receive) */
} Dt;

/* Decision trees can grow exponentially with wildcard-heavy columns; past
 * DT_MAX_NODES the remaining rows are tested one after another instead. */
enum { DT_MAX_DEPTH = 400, DT_MAX_NODES = 4000 };

static IrNode *panic_node(Dt *d) {
  if (d->soft_fail) return ir_set(A(d->c), d->arm_slot, ir_int(A(d->c), -1));
  return ir_node(A(d->c), IR_PANIC_NO_MATCH, d->line);
}

/* Slot for a pattern variable: the same one in every leaf of the tree. */
static int binding_slot(FnCtx *c, Binding *b) {
  int slot = fnctx_slot_of(c, b);
  return slot >= 0 ? slot : fnctx_bind(c, b);
}

static SumDecl *sum_of(Type *t) {
  t = type_resolve(t);
  if (!t || t->kind != T_CON) return NULL;
  if (t->sum_decl) return t->sum_decl;
  if (t->con == TC_OPTION || t->con == TC_RESULT || t->con == TC_ORDERING)
    return check_builtin_sum(t->con);
  return NULL;
}

static Type *elem_type(Type *list) {
  list = type_resolve(list);
  return list && list->kind == T_CON && list->nargs == 1 ? list->args[0] : type_unit();
}

/* ---------------------------------------------------------------- rows */

static DtRow row_copy(Dt *d, const DtRow *r, int ncols) {
  DtRow n = *r;
  n.pats = ARENA_ARRAY(A(d->c), Pattern *, ncols ? ncols : 1);
  for (int j = 0; j < ncols; j++)
    n.pats[j] = r->pats[j];
  return n;
}

static void collect_bindings(Pattern *p, Binding **out, int *n, int cap) {
  if (!p) return;
  if ((p->kind == PAT_BIND || p->kind == PAT_AS) && p->binding && *n < cap)
    out[(*n)++] = p->binding;
  if (p->kind == PAT_AS) collect_bindings(p->inner, out, n, cap);
  if (p->kind == PAT_CONS) {
    collect_bindings(p->head, out, n, cap);
    collect_bindings(p->tail, out, n, cap);
  }
  if (p->kind == PAT_TUPLE || p->kind == PAT_CTOR || p->kind == PAT_OR)
    for (int i = 0; i < p->elems.len; i++)
      collect_bindings(p->elems.items[i], out, n, cap);
}

/* Alternatives of an or-pattern bind the same names: give the variables of
 * every alternative the slots of the first alternative's variables. */
static void unify_or_bindings(FnCtx *c, Pattern *p) {
  enum { MAXB = 64 };
  Binding *first[MAXB];
  int nfirst = 0;
  collect_bindings(p->elems.len ? p->elems.items[0] : NULL, first, &nfirst, MAXB);
  for (int k = 1; k < p->elems.len; k++) {
    Binding *bs[MAXB];
    int nb = 0;
    collect_bindings(p->elems.items[k], bs, &nb, MAXB);
    for (int i = 0; i < nb; i++)
      for (int j = 0; j < nfirst; j++)
        if (bs[i] != first[j] && strcmp(bs[i]->name, first[j]->name) == 0 &&
            fnctx_slot_of(c, bs[i]) < 0) {
          LocalSlot ls = {bs[i], binding_slot(c, first[j])};
          VEC_PUSH(A(c), c->locals, ls);
        }
  }
}

/* Strips variables, `as` and wildcards from column j of every row (recording
 * the bindings) and expands or-patterns there into one row per alternative. */
static DtRow *normalize(Dt *d, DtRow *rows, int *nrows, DtCol *cols, int ncols) {
  FnCtx *c = d->c;
  VEC(DtRow) out = {0};
  VEC(DtRow) work = {0};
  for (int i = *nrows - 1; i >= 0; i--)
    VEC_PUSH(A(c), work, rows[i]); /* a stack */
  while (work.len) {
    DtRow r = row_copy(d, &work.items[--work.len], ncols); /* never mutate a shared row */
    bool expanded = false;
    for (int j = 0; j < ncols && !expanded; j++) {
      for (;;) {
        Pattern *p = r.pats[j];
        if (!p) break;
        if (p->kind == PAT_BIND || p->kind == PAT_AS) {
          if (p->binding) {
            BindCell *cell = ARENA_NEW(A(c), BindCell);
            *cell = (BindCell){p->binding, cols[j].slot, r.binds};
            r.binds = cell;
          }
          r.pats[j] = p->kind == PAT_AS ? p->inner : NULL;
        } else if (p->kind == PAT_WILDCARD || p->kind == PAT_UNIT || p->kind == PAT_ERROR) {
          r.pats[j] = NULL;
        } else if (p->kind == PAT_OR) {
          unify_or_bindings(c, p);
          for (int k = p->elems.len - 1; k >= 0; k--) {
            DtRow alt = row_copy(d, &r, ncols);
            alt.pats[j] = p->elems.items[k];
            VEC_PUSH(A(c), work, alt);
          }
          expanded = true;
          break;
        } else {
          break;
        }
      }
    }
    if (!expanded) VEC_PUSH(A(c), out, r);
  }
  *nrows = out.len;
  return out.items;
}

/* ---------------------------------------------------------------- tree */

static IrNode *compile(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols);

static IrNode *leaf(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  DtRow *r = &rows[0];
  IrNode *s = ir_seq(a);
  for (BindCell *b = r->binds; b; b = b->next)
    ir_add_kid(a, s, ir_set(a, binding_slot(c, b->b), ir_var(a, b->slot)));
  IrNode *select = ir_set(a, d->arm_slot, ir_int(a, r->arm));
  if (!r->guard) {
    ir_add_kid(a, s, select);
    return s;
  }
  IrNode *rest = compile(d, rows + 1, nrows - 1, cols, ncols);
  ir_add_kid(a, s, ir_if(a, lower_expr(c, r->guard), select, rest));
  return s;
}

/* Columns with column j replaced by `nsub` new columns (slots `sub`). */
static DtCol *replace_col(Dt *d, DtCol *cols, int ncols, int j, DtCol *sub, int nsub) {
  DtCol *n = ARENA_ARRAY(A(d->c), DtCol, ncols - 1 + nsub + 1);
  int k = 0;
  for (int i = 0; i < j; i++)
    n[k++] = cols[i];
  for (int i = 0; i < nsub; i++)
    n[k++] = sub[i];
  for (int i = j + 1; i < ncols; i++)
    n[k++] = cols[i];
  return n;
}

/* Row r with pattern j replaced by the `nsub` patterns `sub` (NULL: all
 * wildcards). */
static DtRow replace_pat(Dt *d, const DtRow *r, int ncols, int j, Pattern **sub, int nsub) {
  DtRow n = *r;
  n.pats = ARENA_ARRAY(A(d->c), Pattern *, ncols - 1 + nsub + 1);
  int k = 0;
  for (int i = 0; i < j; i++)
    n.pats[k++] = r->pats[i];
  for (int i = 0; i < nsub; i++)
    n.pats[k++] = sub ? sub[i] : NULL;
  for (int i = j + 1; i < ncols; i++)
    n.pats[k++] = r->pats[i];
  return n;
}

/* Fresh slots holding parts of column j: SETs appended to `seq`. */
static DtCol *extract(Dt *d, IrNode *seq, IrNode **values, Type **types, int n) {
  FnCtx *c = d->c;
  DtCol *sub = ARENA_ARRAY(A(c), DtCol, n ? n : 1);
  for (int i = 0; i < n; i++) {
    sub[i].slot = ir_new_slot(A(c), c->f, "m");
    sub[i].type = types[i];
    ir_add_kid(A(c), seq, ir_set(A(c), sub[i].slot, values[i]));
  }
  return sub;
}

static IrNode *with_prefix(Dt *d, IrNode *seq, IrNode *rest) {
  if (seq->nkids == 0) return rest;
  ir_add_kid(A(d->c), seq, rest);
  return seq;
}

/* The rows specialised to "column j is variant v" (fields become columns). */
static IrNode *ctor_branch(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j,
                           Variant *v) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  int nf = 0;
  Type **ft = variant_field_types(c->L, cols[j].type, v, &nf);
  IrNode *seq = ir_seq(a);
  IrNode **vals = ARENA_ARRAY(a, IrNode *, nf ? nf : 1);
  for (int i = 0; i < nf; i++)
    vals[i] = ir_field(a, ir_var(a, cols[j].slot), i);
  DtCol *sub = extract(d, seq, vals, ft, nf);
  DtRow *spec = ARENA_ARRAY(a, DtRow, nrows ? nrows : 1);
  int ns = 0;
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    if (!p) {
      spec[ns++] = replace_pat(d, &rows[r], ncols, j, NULL, nf);
    } else if (p->kind == PAT_CTOR && p->variant && p->variant->index == v->index) {
      Pattern **ps = ARENA_ARRAY(a, Pattern *, nf ? nf : 1);
      for (int i = 0; i < nf; i++)
        ps[i] = i < p->elems.len ? p->elems.items[i] : NULL;
      spec[ns++] = replace_pat(d, &rows[r], ncols, j, ps, nf);
    }
  }
  DtCol *ncolsv = replace_col(d, cols, ncols, j, sub, nf);
  return with_prefix(d, seq, compile(d, spec, ns, ncolsv, ncols - 1 + nf));
}

/* Rows with an irrefutable pattern in column j, that column removed. */
static IrNode *default_branch(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j) {
  DtRow *def = ARENA_ARRAY(A(d->c), DtRow, nrows ? nrows : 1);
  int nd = 0;
  for (int r = 0; r < nrows; r++)
    if (!rows[r].pats[j]) def[nd++] = replace_pat(d, &rows[r], ncols, j, NULL, 0);
  return compile(d, def, nd, replace_col(d, cols, ncols, j, NULL, 0), ncols - 1);
}

static IrNode *switch_on_ctor(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  SumDecl *sd = sum_of(cols[j].type);
  if (!sd) sd = rows[0].pats[j]->variant ? rows[0].pats[j]->variant->owner : NULL;
  /* Variants present in the column, in order of first appearance. */
  VEC(Variant *) present = {0};
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    if (!p || p->kind != PAT_CTOR || !p->variant) continue;
    bool seen = false;
    for (int k = 0; k < present.len; k++)
      seen |= present.items[k]->index == p->variant->index;
    if (!seen) VEC_PUSH(a, present, p->variant);
  }
  int nvariants = sd ? sd->variants.len : present.len + 1;
  if (nvariants == 1 && present.len == 1)
    return ctor_branch(d, rows, nrows, cols, ncols, j, present.items[0]);
  IrNode *sw = ir_node(a, IR_SWITCH, 0);
  ir_add_kid(a, sw, lower_tag(c->L, cols[j].type, ir_var(a, cols[j].slot)));
  sw->ncases = present.len;
  sw->cases = ARENA_ARRAY(a, int64_t, present.len ? present.len : 1);
  for (int k = 0; k < present.len; k++) {
    sw->cases[k] = present.items[k]->index;
    ir_add_kid(a, sw, ctor_branch(d, rows, nrows, cols, ncols, j, present.items[k]));
  }
  bool complete = present.len >= nvariants;
  ir_add_kid(a, sw, complete ? panic_node(d) : default_branch(d, rows, nrows, cols, ncols, j));
  return sw;
}

/* Int and Bool literals: a switch on the value itself. */
static IrNode *switch_on_value(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  VEC(int64_t) present = {0};
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    if (!p || (p->kind != PAT_INT && p->kind != PAT_BOOL)) continue;
    int64_t v = p->kind == PAT_INT ? p->int_value : p->bool_value;
    bool seen = false;
    for (int k = 0; k < present.len; k++)
      seen |= present.items[k] == v;
    if (!seen) VEC_PUSH(a, present, v);
  }
  IrNode *sw = ir_node(a, IR_SWITCH, 0);
  ir_add_kid(a, sw, ir_var(a, cols[j].slot));
  sw->ncases = present.len;
  sw->cases = present.items;
  for (int k = 0; k < present.len; k++) {
    int64_t v = present.items[k];
    DtRow *spec = ARENA_ARRAY(a, DtRow, nrows);
    int ns = 0;
    for (int r = 0; r < nrows; r++) {
      Pattern *p = rows[r].pats[j];
      bool keep = !p || ((p->kind == PAT_INT && p->int_value == v) ||
                         (p->kind == PAT_BOOL && p->bool_value == v));
      if (keep) spec[ns++] = replace_pat(d, &rows[r], ncols, j, NULL, 0);
    }
    ir_add_kid(a, sw, compile(d, spec, ns, replace_col(d, cols, ncols, j, NULL, 0), ncols - 1));
  }
  bool is_bool = type_resolve(cols[j].type)->kind == T_BOOL;
  bool complete = is_bool && present.len == 2;
  ir_add_kid(a, sw, complete ? panic_node(d) : default_branch(d, rows, nrows, cols, ncols, j));
  return sw;
}

static bool same_literal(Pattern *p, Pattern *q) {
  if (p->kind != q->kind) return false;
  if (p->kind == PAT_FLOAT) return p->float_value == q->float_value;
  return p->str_len == q->str_len && memcmp(p->str, q->str, p->str_len) == 0;
}

/* String and Float literals: one equality test for the first row's literal. */
static IrNode *test_literal(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  Pattern *lit = rows[0].pats[j];
  IrNode *v = ir_var(a, cols[j].slot);
  IrNode *cond = lit->kind == PAT_FLOAT
                     ? ir_bin(a, IB_FEQ, v, ir_float(a, lit->float_value), 0)
                     : ir_call_rt(a, RT_STRING_EQ, 2, v, ir_string(a, lit->str, lit->str_len));
  DtRow *yes = ARENA_ARRAY(a, DtRow, nrows), *no = ARENA_ARRAY(a, DtRow, nrows);
  int ny = 0, nn = 0;
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    if (!p || same_literal(p, lit)) yes[ny++] = replace_pat(d, &rows[r], ncols, j, NULL, 0);
    if (!p || !same_literal(p, lit)) no[nn++] = rows[r];
  }
  IrNode *then_ = compile(d, yes, ny, replace_col(d, cols, ncols, j, NULL, 0), ncols - 1);
  return ir_if(a, cond, then_, compile(d, no, nn, cols, ncols));
}

static IrNode *test_cons(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  int list = cols[j].slot;
  IrNode *seq = ir_seq(a);
  /* The tail is a new LIST object: only build it when some row looks at it. */
  bool need_tail = false;
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    if (p && p->kind == PAT_CONS && p->tail && p->tail->kind != PAT_WILDCARD) need_tail = true;
  }
  IrNode *vals[] = {ir_call_rt(a, RT_LIST_AT, 2, ir_var(a, list), ir_int(a, 0)),
                    need_tail ? ir_call_rt(a, RT_LIST_TAIL, 1, ir_var(a, list)) : ir_unit(a)};
  Type *types[] = {elem_type(cols[j].type), cols[j].type};
  DtCol *sub = extract(d, seq, vals, types, 2);
  DtRow *spec = ARENA_ARRAY(a, DtRow, nrows);
  int ns = 0;
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    if (!p) {
      spec[ns++] = replace_pat(d, &rows[r], ncols, j, NULL, 2);
    } else if (p->kind == PAT_CONS) {
      Pattern *ps[] = {p->head, p->tail};
      spec[ns++] = replace_pat(d, &rows[r], ncols, j, ps, 2);
    }
  }
  IrNode *nonempty =
      with_prefix(d, seq, compile(d, spec, ns, replace_col(d, cols, ncols, j, sub, 2), ncols + 1));
  IrNode *cond =
      ir_bin(a, IB_IGT, ir_call_rt(a, RT_LIST_LENGTH, 1, ir_var(a, list)), ir_int(a, 0), 0);
  return ir_if(a, cond, nonempty, default_branch(d, rows, nrows, cols, ncols, j));
}

static IrNode *split_tuple(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols, int j) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  Type *t = type_resolve(cols[j].type);
  int n = rows[0].pats[j]->elems.len;
  IrNode *seq = ir_seq(a);
  IrNode **vals = ARENA_ARRAY(a, IrNode *, n ? n : 1);
  Type **types = ARENA_ARRAY(a, Type *, n ? n : 1);
  for (int i = 0; i < n; i++) {
    vals[i] = ir_field(a, ir_var(a, cols[j].slot), i);
    Pattern *ep = rows[0].pats[j]->elems.items[i];
    types[i] = t->kind == T_TUPLE && i < t->nargs ? t->args[i]
               : ep->type                         ? ctx_type(c, ep->type)
                                                  : type_unit();
  }
  DtCol *sub = extract(d, seq, vals, types, n);
  DtRow *spec = ARENA_ARRAY(a, DtRow, nrows);
  for (int r = 0; r < nrows; r++) {
    Pattern *p = rows[r].pats[j];
    Pattern **ps = ARENA_ARRAY(a, Pattern *, n ? n : 1);
    for (int i = 0; i < n; i++)
      ps[i] = p && i < p->elems.len ? p->elems.items[i] : NULL;
    spec[r] = replace_pat(d, &rows[r], ncols, j, ps, n);
  }
  return with_prefix(
      d, seq, compile(d, spec, nrows, replace_col(d, cols, ncols, j, sub, n), ncols - 1 + n));
}

/* ------------------------------------------------ sequential fallback */

static IrNode *and_cond(FnCtx *c, IrNode *x, IrNode *y) {
  if (!x) return y;
  if (!y) return x;
  return ir_if(A(c), x, y, ir_int(A(c), 0));
}

/* Deep copy of a pure path expression, so every use is its own tree. */
static IrNode *clone(Arena *a, const IrNode *n) {
  IrNode *m = ARENA_NEW(a, IrNode);
  *m = *n;
  m->kids = NULL;
  m->nkids = 0;
  for (int i = 0; i < n->nkids; i++)
    ir_add_kid(a, m, clone(a, n->kids[i]));
  return m;
}

static Type *pat_type(FnCtx *c, Pattern *p, Type *fallback) {
  return p->type ? ctx_type(c, p->type) : fallback;
}

/* The condition under which `p` matches the value at path `v` of type `t`
 * (NULL: always); variables bound on success are appended to `binds`. */
static IrNode *seq_test(FnCtx *c, Pattern *p, const IrNode *v, Type *t, IrNode *binds) {
  Arena *a = A(c);
  if (!p) return NULL;
  t = pat_type(c, p, t);
  switch (p->kind) {
  case PAT_BIND:
  case PAT_AS:
    if (p->binding) ir_add_kid(a, binds, ir_set(a, binding_slot(c, p->binding), clone(a, v)));
    return p->kind == PAT_AS ? seq_test(c, p->inner, v, t, binds) : NULL;
  case PAT_INT:
    return ir_bin(a, IB_IEQ, clone(a, v), ir_int(a, p->int_value), 0);
  case PAT_BOOL:
    return ir_bin(a, IB_IEQ, clone(a, v), ir_int(a, p->bool_value), 0);
  case PAT_FLOAT:
    return ir_bin(a, IB_FEQ, clone(a, v), ir_float(a, p->float_value), 0);
  case PAT_STRING:
    return ir_call_rt(a, RT_STRING_EQ, 2, clone(a, v), ir_string(a, p->str, p->str_len));
  case PAT_TUPLE: {
    IrNode *cond = NULL;
    for (int i = 0; i < p->elems.len; i++) {
      Type *et = t->kind == T_TUPLE && i < t->nargs ? t->args[i] : type_unit();
      cond =
          and_cond(c, cond, seq_test(c, p->elems.items[i], ir_field(a, clone(a, v), i), et, binds));
    }
    return cond;
  }
  case PAT_CTOR: {
    if (!p->variant) return NULL;
    IrNode *cond =
        ir_bin(a, IB_IEQ, lower_tag(c->L, t, clone(a, v)), ir_int(a, p->variant->index), 0);
    int nf = 0;
    Type **ft = variant_field_types(c->L, t, p->variant, &nf);
    for (int i = 0; i < p->elems.len && i < nf; i++)
      cond = and_cond(c, cond,
                      seq_test(c, p->elems.items[i], ir_field(a, clone(a, v), i), ft[i], binds));
    return cond;
  }
  case PAT_CONS: {
    IrNode *len = ir_call_rt(a, RT_LIST_LENGTH, 1, clone(a, v));
    IrNode *cond = ir_bin(a, IB_IGT, len, ir_int(a, 0), 0);
    IrNode *head = ir_call_rt(a, RT_LIST_AT, 2, clone(a, v), ir_int(a, 0));
    IrNode *tail = ir_call_rt(a, RT_LIST_TAIL, 1, clone(a, v));
    cond = and_cond(c, cond, seq_test(c, p->head, head, elem_type(t), binds));
    return and_cond(c, cond, seq_test(c, p->tail, tail, t, binds));
  }
  default:
    return NULL; /* wildcards; or-patterns were expanded by normalize() */
  }
}

/* Rows tested one after another: ok = test && (binds; guard); if ok then
 * select this arm else the next rows. Linear in the size of the patterns. */
static IrNode *sequential(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols) {
  FnCtx *c = d->c;
  Arena *a = A(c);
  IrNode *rest = panic_node(d);
  for (int i = nrows - 1; i >= 0; i--) {
    DtRow *r = &rows[i];
    IrNode *binds = ir_seq(a);
    for (BindCell *b = r->binds; b; b = b->next)
      ir_add_kid(a, binds, ir_set(a, binding_slot(c, b->b), ir_var(a, b->slot)));
    IrNode *test = NULL;
    for (int j = 0; j < ncols; j++)
      test =
          and_cond(c, test, seq_test(c, r->pats[j], ir_var(a, cols[j].slot), cols[j].type, binds));
    ir_add_kid(a, binds, r->guard ? lower_expr(c, r->guard) : ir_int(a, 1));
    int ok = ir_new_slot(a, c->f, "ok");
    IrNode *s = ir_seq(a);
    ir_add_kid(a, s, ir_set(a, ok, test ? ir_if(a, test, binds, ir_int(a, 0)) : binds));
    ir_add_kid(a, s, ir_if(a, ir_var(a, ok), ir_set(a, d->arm_slot, ir_int(a, r->arm)), rest));
    rest = s;
  }
  return rest;
}

static IrNode *compile(Dt *d, DtRow *rows, int nrows, DtCol *cols, int ncols) {
  if (nrows == 0) return panic_node(d);
  rows = normalize(d, rows, &nrows, cols, ncols);
  if (++d->nodes > DT_MAX_NODES || d->depth >= DT_MAX_DEPTH)
    return sequential(d, rows, nrows, cols, ncols);
  d->depth++;
  int j = -1;
  for (int i = 0; i < ncols && j < 0; i++)
    if (rows[0].pats[i]) j = i;
  IrNode *n;
  if (j < 0) {
    n = leaf(d, rows, nrows, cols, ncols);
  } else {
    switch (rows[0].pats[j]->kind) {
    case PAT_CTOR:
      n = switch_on_ctor(d, rows, nrows, cols, ncols, j);
      break;
    case PAT_INT:
    case PAT_BOOL:
      n = switch_on_value(d, rows, nrows, cols, ncols, j);
      break;
    case PAT_STRING:
    case PAT_FLOAT:
      n = test_literal(d, rows, nrows, cols, ncols, j);
      break;
    case PAT_CONS:
      n = test_cons(d, rows, nrows, cols, ncols, j);
      break;
    case PAT_TUPLE:
      n = split_tuple(d, rows, nrows, cols, ncols, j);
      break;
    default:
      n = panic_node(d);
      break; /* normalize() leaves no other kind */
    }
  }
  d->depth--;
  return n;
}

IrNode *lower_match(FnCtx *c, int *slots, Type **col_types, int ncols, MatchRow *arms, int narms,
                    int line) {
  Arena *a = A(c);
  if (narms == 0) return ir_node(a, IR_PANIC_NO_MATCH, line);
  Dt d = {c, arms, ir_new_slot(a, c->f, "arm"), line, 0, 0, false};
  DtCol *cols = ARENA_ARRAY(a, DtCol, ncols ? ncols : 1);
  for (int j = 0; j < ncols; j++)
    cols[j] = (DtCol){slots[j], col_types[j]};
  DtRow *rows = ARENA_ARRAY(a, DtRow, narms);
  for (int i = 0; i < narms; i++) {
    rows[i].pats = ARENA_ARRAY(a, Pattern *, ncols ? ncols : 1);
    for (int j = 0; j < ncols; j++)
      rows[i].pats[j] = arms[i].pats[j];
    rows[i].arm = i;
    rows[i].guard = arms[i].guard;
  }
  IrNode *tree = compile(&d, rows, narms, cols, ncols);
  /* Variables of arms no leaf reaches (redundant arms) still need slots. */
  for (int i = 0; i < narms; i++)
    for (int j = 0; j < ncols; j++) {
      enum { MAXB = 64 };
      Binding *bs[MAXB];
      int nb = 0;
      collect_bindings(arms[i].pats[j], bs, &nb, MAXB);
      for (int k = 0; k < nb; k++)
        binding_slot(c, bs[k]);
    }
  /* The bodies, once each, selected by the arm number. */
  IrNode *sw = ir_node(a, IR_SWITCH, line);
  ir_add_kid(a, sw, ir_var(a, d.arm_slot));
  sw->ncases = narms - 1;
  sw->cases = ARENA_ARRAY(a, int64_t, narms);
  for (int i = 0; i < narms; i++) {
    if (i < narms - 1) sw->cases[i] = i;
    ir_add_kid(a, sw, lower_expr(c, arms[i].body));
  }
  IrNode *s = ir_seq(a);
  ir_add_kid(a, s, tree);
  ir_add_kid(a, s, sw);
  return s;
}

/* The decision tree alone, for `receive` (lower_actors.c): sets arm_slot
 * to arm_ids[i] for the first matching row i (patterns and guard), or to -1
 * when none matches; binds the row's variables. The caller lowers the bodies. */
IrNode *lower_match_tree(FnCtx *c, int slot, Type *type, MatchRow *arms, int narms,
                         const int *arm_ids, int line, int arm_slot) {
  Arena *a = A(c);
  Dt d = {c, arms, arm_slot, line, 0, 0, true};
  if (narms == 0) return ir_set(a, d.arm_slot, ir_int(a, -1));
  DtCol col = {slot, type};
  DtRow *rows = ARENA_ARRAY(a, DtRow, narms);
  for (int i = 0; i < narms; i++) {
    rows[i].pats = ARENA_ARRAY(a, Pattern *, 1);
    rows[i].pats[0] = arms[i].pats[0];
    rows[i].arm = arm_ids ? arm_ids[i] : i;
    rows[i].guard = arms[i].guard;
  }
  IrNode *tree = compile(&d, rows, narms, &col, 1);
  for (int i = 0; i < narms; i++) {
    enum { MAXB = 64 };
    Binding *bs[MAXB];
    int nb = 0;
    collect_bindings(arms[i].pats[0], bs, &nb, MAXB);
    for (int k = 0; k < nb; k++)
      binding_slot(c, bs[k]);
  }
  return tree;
}

/* ---------------------------------------------------------------- let */

/* Binds the variables of an irrefutable pattern (a variable or a tuple of
 * irrefutable patterns) to parts of the value in `slot`. */
static void let_binds(FnCtx *c, Pattern *p, int slot, IrNode *seq) {
  Arena *a = A(c);
  switch (p->kind) {
  case PAT_BIND:
    if (p->binding) ir_add_kid(a, seq, ir_set(a, binding_slot(c, p->binding), ir_var(a, slot)));
    return;
  case PAT_AS:
    if (p->binding) ir_add_kid(a, seq, ir_set(a, binding_slot(c, p->binding), ir_var(a, slot)));
    if (p->inner) let_binds(c, p->inner, slot, seq);
    return;
  case PAT_TUPLE:
    for (int i = 0; i < p->elems.len; i++) {
      int sub = ir_new_slot(a, c->f, "m");
      ir_add_kid(a, seq, ir_set(a, sub, ir_field(a, ir_var(a, slot), i)));
      let_binds(c, p->elems.items[i], sub, seq);
    }
    return;
  default:
    return;
  }
}

IrNode *lower_let_pattern(FnCtx *c, Pattern *p, int slot) {
  IrNode *seq = ir_seq(A(c));
  let_binds(c, p, slot, seq);
  ir_add_kid(A(c), seq, ir_unit(A(c)));
  return seq;
}

IrNode *lower_clauses(FnCtx *c, MatchRow *rows, int nrows, int nparams, Type **param_types,
                      int line) {
  if (nrows == 0) return ir_node(A(c), IR_PANIC_NO_MATCH, line);
  bool simple = nrows == 1 && !rows[0].guard;
  for (int i = 0; simple && i < nparams; i++) {
    Pattern *p = rows[0].pats[i];
    if (p && p->kind != PAT_BIND && p->kind != PAT_WILDCARD) simple = false;
  }
  if (simple) {
    /* Plain parameters live in their parameter slots. */
    for (int i = 0; i < nparams; i++) {
      Pattern *p = rows[0].pats[i];
      if (p && p->kind == PAT_BIND && p->binding) {
        LocalSlot ls = {p->binding, i};
        VEC_PUSH(A(c), c->locals, ls);
        if (!c->f->slot_names[i]) c->f->slot_names[i] = p->binding->name;
      }
    }
    return lower_expr(c, rows[0].body);
  }
  int *cols = ARENA_ARRAY(A(c), int, nparams ? nparams : 1);
  for (int i = 0; i < nparams; i++)
    cols[i] = i;
  return lower_match(c, cols, param_types, nparams, rows, nrows, line);
}
