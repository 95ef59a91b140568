/* exhaust.c — exhaustiveness and redundancy of pattern sets with the
 * usefulness algorithm (Maranget), language.md §6.8. Missing patterns are
 * rendered source-like (`None`, `Circle(_)`, `(0, _)`, `_`). A step budget
 * bounds the work on pathological inputs (then nothing is reported). */
#include <string.h>

#include "check_internal.h"

#define EXHAUST_BUDGET 200000
#define MAX_WITNESSES 16

typedef enum CtorKind {
  CK_WILD,
  CK_BOOL,
  CK_UNIT,
  CK_TUPLE,
  CK_VARIANT,
  CK_CONS,
  CK_NIL,
  CK_INT,
  CK_FLOAT,
  CK_STRING,
} CtorKind;

typedef struct Ctor {
  CtorKind kind;
  int64_t i; /* bool value, variant index, int literal */
  double f;
  const char *s;
  uint32_t slen;
  Variant *variant;
  int arity;
} Ctor;

typedef struct Row {
  Pattern **cols;
} Row;

typedef struct Ex {
  Checker *c;
  long steps;
  bool gave_up;
} Ex;

static Pattern *strip(Pattern *p) {
  while (p && p->kind == PAT_AS)
    p = p->inner;
  return p;
}

static Ctor head_ctor(Pattern *p) {
  Ctor k = {.kind = CK_WILD};
  p = strip(p);
  if (!p) return k;
  switch (p->kind) {
  case PAT_BOOL:
    k.kind = CK_BOOL;
    k.i = p->bool_value;
    break;
  case PAT_UNIT:
    k.kind = CK_UNIT;
    break;
  case PAT_TUPLE:
    k.kind = CK_TUPLE;
    k.arity = p->elems.len;
    break;
  case PAT_CTOR:
    if (p->variant) {
      k.kind = CK_VARIANT;
      k.variant = p->variant;
      k.i = p->variant->index;
      k.arity = variant_arity(p->variant);
    }
    break;
  case PAT_CONS:
    k.kind = CK_CONS;
    k.arity = 2;
    break;
  case PAT_INT:
    k.kind = CK_INT;
    k.i = p->int_value;
    break;
  case PAT_FLOAT:
    k.kind = CK_FLOAT;
    k.f = p->float_value;
    break;
  case PAT_STRING:
    k.kind = CK_STRING;
    k.s = p->str;
    k.slen = p->str_len;
    break;
  default:
    break;
  }
  return k;
}

static bool same_ctor(Ctor a, Ctor b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
  case CK_BOOL:
  case CK_VARIANT:
  case CK_INT:
    return a.i == b.i;
  case CK_FLOAT:
    return a.f == b.f || (a.f != a.f && b.f != b.f);
  case CK_STRING:
    return a.slen == b.slen && (a.slen == 0 || memcmp(a.s, b.s, a.slen) == 0);
  default:
    return true;
  }
}

/* Sub-patterns of `p` for constructor `k` (NULL = wildcard). */
static void sub_patterns(Pattern *p, Ctor k, Pattern **out) {
  for (int i = 0; i < k.arity; i++)
    out[i] = NULL;
  p = strip(p);
  if (!p) return;
  if (p->kind == PAT_TUPLE || p->kind == PAT_CTOR) {
    for (int i = 0; i < k.arity && i < p->elems.len; i++)
      out[i] = p->elems.items[i];
  } else if (p->kind == PAT_CONS) {
    out[0] = p->head;
    out[1] = p->tail;
  }
}

/* Types of the sub-columns of constructor `k` on a column of type `t`. */
static Type **sub_types(Ex *x, Type *t, Ctor k) {
  Checker *c = x->c;
  Type **out = ARENA_ARRAY(c->a, Type *, k.arity + 1);
  t = type_resolve(t);
  switch (k.kind) {
  case CK_TUPLE:
    for (int i = 0; i < k.arity; i++)
      out[i] = (t && t->kind == T_TUPLE && i < t->nargs) ? t->args[i] : NULL;
    break;
  case CK_VARIANT: {
    Type **ft = variant_field_types_for(c, k.variant, t);
    for (int i = 0; i < k.arity; i++)
      out[i] = ft[i];
    break;
  }
  case CK_CONS:
    out[0] = (t && t->kind == T_CON && t->con == TC_LIST) ? t->args[0] : NULL;
    out[1] = t;
    break;
  default:
    break;
  }
  return out;
}

/* Expands or-patterns at the head of each row. */
static Row *expand_or(Ex *x, Row *rows, int n, int ncols, int *nout) {
  bool any = false;
  for (int i = 0; i < n && !any; i++) {
    Pattern *p = strip(rows[i].cols[0]);
    if (p && p->kind == PAT_OR) any = true;
  }
  if (!any) {
    *nout = n;
    return rows;
  }
  VEC(Row) out = {0};
  for (int i = 0; i < n; i++) {
    Pattern *p = strip(rows[i].cols[0]);
    if (!p || p->kind != PAT_OR) {
      VEC_PUSH(x->c->a, out, rows[i]);
      continue;
    }
    for (int k = 0; k < p->elems.len; k++) {
      Row r = {ARENA_ARRAY(x->c->a, Pattern *, ncols)};
      memcpy(r.cols, rows[i].cols, sizeof(Pattern *) * (size_t)ncols);
      r.cols[0] = p->elems.items[k];
      VEC_PUSH(x->c->a, out, r);
    }
  }
  /* alternatives may themselves be or-patterns */
  return expand_or(x, out.items, out.len, ncols, nout);
}

static Row *specialize(Ex *x, Row *rows, int n, int ncols, Ctor k, int *nout) {
  Row *out = ARENA_ARRAY(x->c->a, Row, n + 1);
  int m = 0;
  int nc = k.arity + ncols - 1;
  for (int i = 0; i < n; i++) {
    Ctor h = head_ctor(rows[i].cols[0]);
    if (h.kind != CK_WILD && !same_ctor(h, k)) continue;
    Row r = {ARENA_ARRAY(x->c->a, Pattern *, nc + 1)};
    if (h.kind == CK_WILD)
      for (int j = 0; j < k.arity; j++)
        r.cols[j] = NULL;
    else
      sub_patterns(rows[i].cols[0], k, r.cols);
    for (int j = 1; j < ncols; j++)
      r.cols[k.arity + j - 1] = rows[i].cols[j];
    out[m++] = r;
  }
  *nout = m;
  return out;
}

static Row *default_rows(Ex *x, Row *rows, int n, int ncols, int *nout) {
  Row *out = ARENA_ARRAY(x->c->a, Row, n + 1);
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (head_ctor(rows[i].cols[0]).kind != CK_WILD) continue;
    out[m++] = (Row){rows[i].cols + 1};
  }
  *nout = m;
  return out;
}

/* The full constructor set of column type `t` (deduced from the present
 * constructors when the type is unknown); false when infinite/unknown. */
/* Whether constructor `k` can be a pattern of a column of type `t`; a
 * mismatch means a type error was already reported for the pattern. */
static bool fits(Type *t, Ctor k) {
  if (!t || t->kind == T_VAR || t->kind == T_NEVER) return true;
  switch (k.kind) {
  case CK_BOOL:
    return t->kind == T_BOOL;
  case CK_UNIT:
    return t->kind == T_UNIT;
  case CK_TUPLE:
    return t->kind == T_TUPLE && t->nargs == k.arity;
  case CK_VARIANT:
    return t->kind == T_CON && t->sum_decl && t->sum_decl == k.variant->owner;
  case CK_CONS:
  case CK_NIL:
    return t->kind == T_CON && t->con == TC_LIST;
  case CK_INT:
    return t->kind == T_INT;
  case CK_FLOAT:
    return t->kind == T_FLOAT;
  case CK_STRING:
    return t->kind == T_STRING;
  default:
    return true;
  }
}

static bool signature(Ex *x, Type *t, Ctor *present, int npresent, Ctor **sig, int *nsig) {
  t = type_resolve(t);
  for (int i = 0; i < npresent; i++)
    if (!fits(t, present[i])) {
      x->gave_up = true; /* ill-typed patterns: the type error says enough */
      return false;
    }
  Ctor first = npresent > 0 ? present[0] : (Ctor){.kind = CK_WILD};
  Arena *a = x->c->a;
  if ((t && t->kind == T_BOOL) || first.kind == CK_BOOL) {
    *sig = ARENA_ARRAY(a, Ctor, 2);
    (*sig)[0] = (Ctor){.kind = CK_BOOL, .i = 1};
    (*sig)[1] = (Ctor){.kind = CK_BOOL, .i = 0};
    *nsig = 2;
    return true;
  }
  if ((t && t->kind == T_UNIT) || first.kind == CK_UNIT) {
    *sig = ARENA_ARRAY(a, Ctor, 1);
    (*sig)[0] = (Ctor){.kind = CK_UNIT};
    *nsig = 1;
    return true;
  }
  if ((t && t->kind == T_TUPLE) || first.kind == CK_TUPLE) {
    *sig = ARENA_ARRAY(a, Ctor, 1);
    (*sig)[0] =
        (Ctor){.kind = CK_TUPLE, .arity = (t && t->kind == T_TUPLE) ? t->nargs : first.arity};
    *nsig = 1;
    return true;
  }
  SumDecl *sum = NULL;
  if (t && t->kind == T_CON && t->sum_decl) sum = t->sum_decl;
  if (!sum && first.kind == CK_VARIANT) sum = first.variant->owner;
  if (sum) {
    int n = sum->variants.len;
    *sig = ARENA_ARRAY(a, Ctor, n + 1);
    for (int i = 0; i < n; i++) {
      Variant *v = sum->variants.items[i];
      (*sig)[i] = (Ctor){.kind = CK_VARIANT, .i = i, .variant = v, .arity = variant_arity(v)};
    }
    *nsig = n;
    return true;
  }
  if ((t && t->kind == T_CON && t->con == TC_LIST) || first.kind == CK_CONS) {
    *sig = ARENA_ARRAY(a, Ctor, 2);
    (*sig)[0] = (Ctor){.kind = CK_NIL};
    (*sig)[1] = (Ctor){.kind = CK_CONS, .arity = 2};
    *nsig = 2;
    return true;
  }
  return false;
}

static int present_ctors(Ex *x, Row *rows, int n, Ctor **out) {
  Ctor *p = ARENA_ARRAY(x->c->a, Ctor, n + 1);
  int m = 0;
  for (int i = 0; i < n; i++) {
    Ctor h = head_ctor(rows[i].cols[0]);
    if (h.kind == CK_WILD) continue;
    bool dup = false;
    for (int j = 0; j < m && !dup; j++)
      dup = same_ctor(p[j], h);
    if (!dup) p[m++] = h;
  }
  *out = p;
  return m;
}

static bool in_set(Ctor *set, int n, Ctor k) {
  for (int i = 0; i < n; i++)
    if (same_ctor(set[i], k)) return true;
  return false;
}

static bool budget(Ex *x, int depth) {
  if (++x->steps > EXHAUST_BUDGET || depth > CHECK_MAX_DEPTH) x->gave_up = true;
  return !x->gave_up;
}

/* ------------------------------------------------------------ usefulness */

static bool useful(Ex *x, Row *rows, int n, Pattern **q, Type **types, int ncols, int depth) {
  if (!budget(x, depth)) return true;
  if (ncols == 0) return n == 0;
  Pattern *q0 = strip(q[0]);
  if (q0 && q0->kind == PAT_OR) {
    for (int k = 0; k < q0->elems.len; k++) {
      Pattern **q2 = ARENA_ARRAY(x->c->a, Pattern *, ncols);
      memcpy(q2, q, sizeof(Pattern *) * (size_t)ncols);
      q2[0] = q0->elems.items[k];
      if (useful(x, rows, n, q2, types, ncols, depth + 1)) return true;
    }
    return false;
  }
  rows = expand_or(x, rows, n, ncols, &n);
  Ctor qh = head_ctor(q0);
  if (qh.kind != CK_WILD) {
    int m;
    Row *s = specialize(x, rows, n, ncols, qh, &m);
    Row qr = {ARENA_ARRAY(x->c->a, Pattern *, qh.arity + ncols)};
    sub_patterns(q0, qh, qr.cols);
    for (int j = 1; j < ncols; j++)
      qr.cols[qh.arity + j - 1] = q[j];
    Type **st = sub_types(x, types[0], qh);
    Type **nt = ARENA_ARRAY(x->c->a, Type *, qh.arity + ncols);
    memcpy(nt, st, sizeof(Type *) * (size_t)qh.arity);
    for (int j = 1; j < ncols; j++)
      nt[qh.arity + j - 1] = types[j];
    return useful(x, s, m, qr.cols, nt, qh.arity + ncols - 1, depth + 1);
  }
  Ctor *present;
  int np = present_ctors(x, rows, n, &present);
  Ctor *sig;
  int nsig;
  bool finite = signature(x, types[0], present, np, &sig, &nsig);
  bool complete = finite && np > 0;
  if (finite)
    for (int i = 0; i < nsig && complete; i++)
      complete = in_set(present, np, sig[i]);
  if (finite && nsig == 0) complete = true;
  if (complete) {
    for (int i = 0; i < nsig; i++) {
      Ctor k = sig[i];
      int m;
      Row *s = specialize(x, rows, n, ncols, k, &m);
      Pattern **qr = ARENA_ARRAY(x->c->a, Pattern *, k.arity + ncols);
      for (int j = 1; j < ncols; j++)
        qr[k.arity + j - 1] = q[j];
      Type **st = sub_types(x, types[0], k);
      Type **nt = ARENA_ARRAY(x->c->a, Type *, k.arity + ncols);
      memcpy(nt, st, sizeof(Type *) * (size_t)k.arity);
      for (int j = 1; j < ncols; j++)
        nt[k.arity + j - 1] = types[j];
      if (useful(x, s, m, qr, nt, k.arity + ncols - 1, depth + 1)) return true;
    }
    return false;
  }
  int m;
  Row *d = default_rows(x, rows, n, ncols, &m);
  return useful(x, d, m, q + 1, types + 1, ncols - 1, depth + 1);
}

/* ------------------------------------------------------------ witnesses */

typedef struct Witness {
  const char **cols;
} Witness;
typedef VEC(Witness) WitnessVec;

static const char *render_ctor(Ex *x, Ctor k, const char **args) {
  Arena *a = x->c->a;
  switch (k.kind) {
  case CK_BOOL:
    return k.i ? "true" : "false";
  case CK_UNIT:
    return "()";
  case CK_NIL:
    return "_"; /* there is no empty-list pattern (§6.8) */
  case CK_CONS:
    return arena_printf(a, "%s :: %s", args[0], args[1]);
  case CK_TUPLE:
  case CK_VARIANT: {
    const char *s = k.kind == CK_VARIANT ? k.variant->name.text : "";
    if (k.kind == CK_VARIANT && k.arity == 0) return s;
    s = arena_printf(a, "%s(", s);
    for (int i = 0; i < k.arity; i++)
      s = arena_printf(a, "%s%s%s", s, i ? ", " : "", args[i]);
    return arena_printf(a, "%s)", s);
  }
  default:
    return "_";
  }
}

static void missing(Ex *x, Row *rows, int n, Type **types, int ncols, WitnessVec *out, int depth) {
  if (!budget(x, depth) || out->len >= MAX_WITNESSES) return;
  if (ncols == 0) {
    if (n == 0) VEC_PUSH(x->c->a, *out, ((Witness){NULL}));
    return;
  }
  rows = expand_or(x, rows, n, ncols, &n);
  Ctor *present;
  int np = present_ctors(x, rows, n, &present);
  Ctor *sig;
  int nsig;
  bool finite = signature(x, types[0], present, np, &sig, &nsig);
  bool complete = finite && np > 0;
  if (finite)
    for (int i = 0; i < nsig && complete; i++)
      complete = in_set(present, np, sig[i]);
  if (finite && nsig == 0) complete = true;
  if (complete) {
    for (int i = 0; i < nsig && out->len < MAX_WITNESSES; i++) {
      Ctor k = sig[i];
      int m;
      Row *s = specialize(x, rows, n, ncols, k, &m);
      Type **st = sub_types(x, types[0], k);
      Type **nt = ARENA_ARRAY(x->c->a, Type *, k.arity + ncols);
      memcpy(nt, st, sizeof(Type *) * (size_t)k.arity);
      for (int j = 1; j < ncols; j++)
        nt[k.arity + j - 1] = types[j];
      WitnessVec sub = {0};
      missing(x, s, m, nt, k.arity + ncols - 1, &sub, depth + 1);
      for (int w = 0; w < sub.len && out->len < MAX_WITNESSES; w++) {
        Witness nw = {ARENA_ARRAY(x->c->a, const char *, ncols)};
        nw.cols[0] = render_ctor(x, k, sub.items[w].cols);
        for (int j = 1; j < ncols; j++)
          nw.cols[j] = sub.items[w].cols[k.arity + j - 1];
        VEC_PUSH(x->c->a, *out, nw);
      }
    }
    return;
  }
  int m;
  Row *d = default_rows(x, rows, n, ncols, &m);
  WitnessVec sub = {0};
  missing(x, d, m, types + 1, ncols - 1, &sub, depth + 1);
  for (int w = 0; w < sub.len && out->len < MAX_WITNESSES; w++) {
    if (!finite || np == 0) {
      Witness nw = {ARENA_ARRAY(x->c->a, const char *, ncols)};
      nw.cols[0] = "_";
      for (int j = 1; j < ncols; j++)
        nw.cols[j] = sub.items[w].cols[j - 1];
      VEC_PUSH(x->c->a, *out, nw);
      continue;
    }
    for (int i = 0; i < nsig && out->len < MAX_WITNESSES; i++) {
      if (in_set(present, np, sig[i])) continue;
      const char *under[16];
      const char **args =
          sig[i].arity <= 16 ? under : ARENA_ARRAY(x->c->a, const char *, sig[i].arity);
      for (int j = 0; j < sig[i].arity; j++)
        args[j] = "_";
      Witness nw = {ARENA_ARRAY(x->c->a, const char *, ncols)};
      nw.cols[0] = render_ctor(x, sig[i], args);
      for (int j = 1; j < ncols; j++)
        nw.cols[j] = sub.items[w].cols[j - 1];
      VEC_PUSH(x->c->a, *out, nw);
    }
  }
}

/* ------------------------------------------------------------ entry */

void check_match(Checker *c, PatRow *prows, int nrows, Type **col_types, int ncols, Type *shown,
                 Span span, Span *row_spans, bool is_error, bool report_redundant) {
  Ex x = {.c = c};
  Row *rows = ARENA_ARRAY(c->a, Row, nrows + 1);
  Row *unguarded = ARENA_ARRAY(c->a, Row, nrows + 1);
  int nu = 0;
  for (int i = 0; i < nrows; i++) {
    rows[i].cols = prows[i].cols;
    if (report_redundant) {
      x.steps = 0;
      bool u = useful(&x, unguarded, nu, rows[i].cols, col_types, ncols, 0);
      if (!u && !x.gave_up) {
        Diagnostic *d =
            diag_warning(c->dc, "W0001", c->mod->file, row_spans[i], "this arm is unreachable",
                         "redundant match arm (arm %d)", i + 1);
        diag_set_help(c->dc, d, "remove this arm or reorder the match");
      }
    }
    if (!prows[i].guarded) unguarded[nu++] = rows[i];
  }
  x.steps = 0;
  x.gave_up = false;
  WitnessVec ws = {0};
  missing(&x, unguarded, nu, col_types, ncols, &ws, 0);
  if (x.gave_up || ws.len == 0) return;
  const char *list = "";
  for (int w = 0; w < ws.len; w++) {
    const char *one;
    if (ncols == 1) {
      one = ws.items[w].cols[0];
    } else {
      one = "(";
      for (int j = 0; j < ncols; j++)
        one = arena_printf(c->a, "%s%s%s", one, j ? ", " : "", ws.items[w].cols[j]);
      one = arena_printf(c->a, "%s)", one);
    }
    list = arena_printf(c->a, "%s%s%s", list, w ? ", " : "", one);
  }
  const char *label = arena_printf(c->a, "missing: %s", list);
  const char *ts = tstr(c, shown);
  Diagnostic *d = is_error ? diag_error(c->dc, "E0012", c->mod->file, span, label,
                                        "non-exhaustive match on `%s`", ts)
                           : diag_warning(c->dc, "E0012", c->mod->file, span, label,
                                          "non-exhaustive match on `%s`", ts);
  diag_set_help(c->dc, d, "add the missing patterns or a wildcard `_` arm");
}
