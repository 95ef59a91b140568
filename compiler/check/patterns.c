/* patterns.c — typing of patterns (language.md §6.7): literals, tuples,
 * constructors (E0010, E0003), cons, or-patterns (E0011, shared bindings),
 * `as`. Every variable gets a Binding; the bindings of one top-level pattern
 * are pushed on the scope once the whole pattern is checked. */
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

typedef VEC(const char *) StrVec;

typedef struct PatCtx {
  VEC(Binding *) bound;   /* distinct bindings of the whole pattern */
  int reuse_lo, reuse_hi; /* or-alternative: names bound[lo..hi) are shared */
  StrVec *alt_names;      /* names bound by the current alternative */
} PatCtx;

static void pat_rec(Checker *c, PatCtx *ctx, Pattern *p, Type *expected);

static Binding *bind_name(Checker *c, PatCtx *ctx, const char *name, Span span, Type *t) {
  if (!name) name = "_";
  if (ctx->alt_names) VEC_PUSH(c->a, *ctx->alt_names, name);
  for (int i = ctx->reuse_lo; i < ctx->reuse_hi; i++) {
    Binding *b = ctx->bound.items[i];
    if (strcmp(b->name, name) == 0) {
      expect_type(c, b->type, t, span, NULL);
      return b;
    }
  }
  Binding *b = new_binding(c, name, span, t);
  VEC_PUSH(c->a, ctx->bound, b);
  return b;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *name_set(Checker *c, const char **names, int n) {
  const char **sorted = ARENA_ARRAY(c->a, const char *, n + 1);
  int m = 0;
  for (int i = 0; i < n; i++) {
    bool dup = false;
    for (int j = 0; j < m; j++)
      if (!strcmp(sorted[j], names[i])) dup = true;
    if (!dup) sorted[m++] = names[i];
  }
  qsort(sorted, (size_t)m, sizeof *sorted, cmp_str);
  const char *s = "[";
  for (int i = 0; i < m; i++)
    s = arena_printf(c->a, "%s%s%s", s, i ? ", " : "", sorted[i]);
  return arena_printf(c->a, "%s]", s);
}

static bool same_names(const char **a, int na, const char **b, int nb) {
  for (int i = 0; i < na; i++) {
    bool found = false;
    for (int j = 0; j < nb && !found; j++)
      found = !strcmp(a[i], b[j]);
    if (!found) return false;
  }
  for (int j = 0; j < nb; j++) {
    bool found = false;
    for (int i = 0; i < na && !found; i++)
      found = !strcmp(a[i], b[j]);
    if (!found) return false;
  }
  return true;
}

static void check_or(Checker *c, PatCtx *ctx, Pattern *p, Type *expected) {
  int saved_lo = ctx->reuse_lo, saved_hi = ctx->reuse_hi;
  StrVec *saved_names = ctx->alt_names;
  StrVec first = {0};
  int start = ctx->bound.len, end0 = start;
  for (int k = 0; k < p->elems.len; k++) {
    StrVec names = {0};
    ctx->alt_names = &names;
    if (k == 0) {
      ctx->reuse_lo = saved_lo;
      ctx->reuse_hi = saved_hi;
    } else {
      ctx->reuse_lo = start;
      ctx->reuse_hi = end0;
    }
    pat_rec(c, ctx, p->elems.items[k], expected);
    if (k == 0) {
      first = names;
      end0 = ctx->bound.len; /* its new bindings are bound[start..end0) */
    } else if (!same_names(first.items, first.len, names.items, names.len)) {
      Diagnostic *d =
          diag_error(c->dc, "E0011", c->mod->file, p->elems.items[k]->span,
                     "alternatives must bind the same variables",
                     "or-pattern alternatives bind different variables: %s vs %s",
                     name_set(c, first.items, first.len), name_set(c, names.items, names.len));
      diag_set_help(c->dc, d,
                    "all alternatives in an or-pattern must bind the same set of variable names");
    }
    if (saved_names)
      for (int i = 0; i < names.len; i++)
        VEC_PUSH(c->a, *saved_names, names.items[i]);
  }
  ctx->reuse_lo = saved_lo;
  ctx->reuse_hi = saved_hi;
  ctx->alt_names = saved_names;
}

static void check_ctor(Checker *c, PatCtx *ctx, Pattern *p, Type *expected) {
  Variant *v = NULL;
  if (p->qualifier.text) {
    SumDecl *s = lookup_sum(c, p->qualifier.text);
    if (s && p->name.text) v = lookup_variant_in(s, p->name.text);
  } else {
    v = lookup_variant(c, p->name.text);
  }
  if (!v) {
    if (!p->has_args && !p->qualifier.text) {
      /* an uppercase name that is not a nullary variant is a variable (§6.7) */
      p->kind = PAT_BIND;
      p->type = expected;
      p->binding = bind_name(c, ctx, p->name.text, p->span, expected);
      return;
    }
    diag_error(c->dc, "E0010", c->mod->file, p->span, "not a known variant", "unknown variant: %s",
               p->name.text ? p->name.text : "?");
    for (int i = 0; i < p->elems.len; i++)
      pat_rec(c, ctx, p->elems.items[i], new_var(c));
    p->type = expected;
    return;
  }
  p->variant = v;
  Type **args;
  Type *st = instantiate_sum(c, v->owner, &args);
  p->type = st;
  expect_type(c, expected, st, p->span, NULL);
  Type **ft = variant_field_types_for(c, v, st);
  int n = variant_arity(v);
  if (p->elems.len != n) report_arity(c, p->span, n, p->elems.len);
  for (int i = 0; i < p->elems.len; i++)
    pat_rec(c, ctx, p->elems.items[i], i < n ? ft[i] : new_var(c));
}

static void pat_rec(Checker *c, PatCtx *ctx, Pattern *p, Type *expected) {
  if (!p) return;
  if (!enter_depth(c, p->span)) {
    p->type = expected;
    return;
  }
  p->type = expected;
  switch (p->kind) {
  case PAT_WILDCARD:
  case PAT_ERROR:
    break;
  case PAT_BIND: {
    Variant *v = name_is_upper(p->name.text) ? lookup_variant(c, p->name.text) : NULL;
    if (v && variant_arity(v) == 0) {
      p->kind = PAT_CTOR;
      check_ctor(c, ctx, p, expected);
      break;
    }
    p->binding = bind_name(c, ctx, p->name.text, p->span, expected);
    break;
  }
  case PAT_INT:
    expect_type(c, expected, type_int(), p->span, NULL);
    break;
  case PAT_FLOAT:
    expect_type(c, expected, type_float(), p->span, NULL);
    break;
  case PAT_STRING:
    expect_type(c, expected, type_string(), p->span, NULL);
    break;
  case PAT_BOOL:
    expect_type(c, expected, type_bool(), p->span, NULL);
    break;
  case PAT_UNIT:
    expect_type(c, expected, type_unit(), p->span, NULL);
    break;
  case PAT_TUPLE: {
    int n = p->elems.len;
    Type *r = type_resolve(expected);
    if (r && r->kind == T_TUPLE && r->nargs != n) {
      report_arity(c, p->span, r->nargs, n);
      for (int i = 0; i < n; i++)
        pat_rec(c, ctx, p->elems.items[i], new_var(c));
      break;
    }
    Type **el = ARENA_ARRAY(c->a, Type *, n + 1);
    for (int i = 0; i < n; i++)
      el[i] = new_var(c);
    Type *tt = n == 0 ? type_unit() : n == 1 ? el[0] : type_tuple(c->a, el, n);
    expect_type(c, expected, tt, p->span, NULL);
    for (int i = 0; i < n; i++)
      pat_rec(c, ctx, p->elems.items[i], el[i]);
    break;
  }
  case PAT_CTOR:
    check_ctor(c, ctx, p, expected);
    break;
  case PAT_CONS: {
    Type *elem = new_var(c);
    Type *lt = type_list(c->a, elem);
    expect_type(c, expected, lt, p->span, NULL);
    pat_rec(c, ctx, p->head, elem);
    pat_rec(c, ctx, p->tail, lt);
    break;
  }
  case PAT_OR:
    check_or(c, ctx, p, expected);
    break;
  case PAT_AS:
    pat_rec(c, ctx, p->inner, expected);
    p->binding = bind_name(c, ctx, p->name.text, p->name.span, expected);
    break;
  }
  leave_depth(c);
}

void check_pattern(Checker *c, Pattern *p, Type *expected) {
  PatCtx ctx = {0};
  pat_rec(c, &ctx, p, expected);
  for (int i = 0; i < ctx.bound.len; i++)
    scope_push_local(c, ctx.bound.items[i]);
}

bool pattern_is_catch_all(Pattern *p) {
  if (!p) return true;
  switch (p->kind) {
  case PAT_WILDCARD:
  case PAT_BIND:
  case PAT_ERROR:
    return true;
  case PAT_AS:
    return pattern_is_catch_all(p->inner);
  default:
    return false;
  }
}
