/* lower_helpers.c — per-type helper functions generated on demand:
 * Display (`to_string`, interpolation), Debug (`inspect`), equality,
 * ordering (<0, 0, >0) and hash, for every concrete type a program uses
 * (language.md §5.10, §6.14, §7). Scalars are handled inline; composite
 * types get one IR function per (helper, type), also usable as the C
 * callbacks of the runtime (SnowShowFn, SnowEqFn, SnowCmpFn, SnowHashFn). */
#include <string.h>

#include "../check/check.h"
#include "lower.h"

#define FNV_OFFSET_BASIS ((int64_t)0xcbf29ce484222325ull)

static Arena *A(FnCtx *c) {
  return c->L->a;
}

static SumDecl *sum_of(Type *t) {
  if (t->kind != T_CON) return NULL;
  if (t->sum_decl) return t->sum_decl;
  if (t->con == TC_OPTION || t->con == TC_RESULT || t->con == TC_ORDERING)
    return check_builtin_sum(t->con);
  return NULL;
}

static bool is_struct(Type *t) {
  return t->kind == T_CON && t->con == TC_STRUCT && t->struct_decl;
}
static bool is_list(Type *t) {
  return t->kind == T_CON && t->con == TC_LIST && t->nargs == 1;
}

static IrNode *str(FnCtx *c, const char *s) {
  return ir_string(A(c), s, (uint32_t)strlen(s));
}

static IrNode *addr(FnCtx *c, IrFunc *f) {
  IrNode *n = ir_node(A(c), IR_FUNC_ADDR, 0);
  n->fn = f;
  return n;
}

static IrNode *call1(FnCtx *c, IrFunc *f, IrNode *x) {
  return ir_call(A(c), f, &x, 1);
}
static IrNode *call2(FnCtx *c, IrFunc *f, IrNode *x, IrNode *y) {
  IrNode *args[] = {x, y};
  return ir_call(A(c), f, args, 2);
}

/* Evaluates the operands (for their effects) and yields `v`. */
static IrNode *after(FnCtx *c, IrNode *x, IrNode *y, IrNode *v) {
  IrNode *s = ir_seq(A(c));
  if (x) ir_add_kid(A(c), s, x);
  if (y) ir_add_kid(A(c), s, y);
  ir_add_kid(A(c), s, v);
  return s;
}

/* A switch over the variant index of the sum value in `slot`. */
static IrNode *variant_switch(FnCtx *c, Type *t, SumDecl *sd, int slot) {
  IrNode *sw = ir_node(A(c), IR_SWITCH, 0);
  ir_add_kid(A(c), sw, lower_tag(c->L, t, ir_var(A(c), slot)));
  sw->ncases = sd->variants.len;
  sw->cases = ARENA_ARRAY(A(c), int64_t, sw->ncases ? sw->ncases : 1);
  for (int i = 0; i < sw->ncases; i++)
    sw->cases[i] = sd->variants.items[i]->index;
  return sw;
}

/* ---------------------------------------------------------------- show */

static void add_sep(FnCtx *c, IrNode *cat, int i, const char *sep) {
  if (i) ir_add_kid(A(c), cat, str(c, sep));
}

static IrNode *show_body(FnCtx *c, ShowMode mode, Type *t) {
  Arena *a = A(c);
  IrNode *v = ir_var(a, 0);
  if (is_list(t)) {
    HelperKind k = mode == SHOW_DISPLAY ? HELPER_DISPLAY : HELPER_DEBUG;
    return ir_call_rt(a, RT_LIST_TO_STRING, 2, v, addr(c, helper_fn(c->L, k, t->args[0])));
  }
  if (t->kind == T_TUPLE) {
    IrNode *cat = ir_node(a, IR_CONCAT, 0);
    ir_add_kid(a, cat, str(c, "("));
    for (int i = 0; i < t->nargs; i++) {
      add_sep(c, cat, i, ", ");
      ir_add_kid(a, cat, lower_show(c, mode, t->args[i], ir_field(a, ir_var(a, 0), i)));
    }
    ir_add_kid(a, cat, str(c, ")"));
    return cat;
  }
  if (is_struct(t)) {
    StructDecl *sd = t->struct_decl;
    int nf = 0;
    Type **ft = struct_field_types(c->L, t, &nf);
    bool display = mode == SHOW_DISPLAY && (sd->derives & DERIVE_DISPLAY);
    IrNode *cat = ir_node(a, IR_CONCAT, 0);
    ir_add_kid(a, cat, str(c, sd->name.text));
    if (display) {
      ir_add_kid(a, cat, str(c, "("));
      for (int i = 0; i < nf; i++) {
        add_sep(c, cat, i, ", ");
        ir_add_kid(a, cat, lower_show(c, SHOW_DISPLAY, ft[i], ir_field(a, ir_var(a, 0), i)));
      }
      ir_add_kid(a, cat, str(c, ")"));
      return cat;
    }
    if (nf == 0) {
      ir_add_kid(a, cat, str(c, " {}"));
      return cat;
    }
    for (int i = 0; i < nf; i++) {
      ir_add_kid(
          a, cat,
          str(c, arena_printf(a, "%s%s: ", i ? ", " : " { ", sd->fields.items[i].name.text)));
      ir_add_kid(a, cat, lower_show(c, SHOW_DISPLAY, ft[i], ir_field(a, ir_var(a, 0), i)));
    }
    ir_add_kid(a, cat, str(c, " }"));
    return cat;
  }
  SumDecl *sd = sum_of(t);
  if (sd) {
    /* Built-in sums show payloads in the same mode (Some("x") in Debug);
     * derived user texts render fields as Display (§7.3). */
    ShowMode field_mode = sd->is_builtin ? mode : SHOW_DISPLAY;
    IrNode *sw = variant_switch(c, t, sd, 0);
    for (int k = 0; k < sd->variants.len; k++) {
      Variant *var = sd->variants.items[k];
      if (var->fields.len == 0) {
        ir_add_kid(a, sw, str(c, var->name.text));
        continue;
      }
      int nf = 0;
      Type **ft = variant_field_types(c->L, t, var, &nf);
      IrNode *cat = ir_node(a, IR_CONCAT, 0);
      ir_add_kid(a, cat, str(c, arena_printf(a, "%s(", var->name.text)));
      for (int i = 0; i < nf; i++) {
        add_sep(c, cat, i, ", ");
        ir_add_kid(a, cat, lower_show(c, field_mode, ft[i], ir_field(a, ir_var(a, 0), i)));
      }
      ir_add_kid(a, cat, str(c, ")"));
      ir_add_kid(a, sw, cat);
    }
    ir_add_kid(a, sw, str(c, "?"));
    return sw;
  }
  if (t->kind == T_FUN) return str(c, "<function>");
  if (t->kind == T_CON && t->con == TC_JSON) /* Display and Debug: the JSON text (§15.2) */
    return ir_call_rt(a, RT_JSON_ENCODE, 1, v);
  IrNode *coll = lower_collection_show(c, mode, t); /* Map, Set */
  if (coll) return coll;
  return str(c, t->name ? t->name : "?");
}

IrNode *lower_show(FnCtx *c, ShowMode mode, Type *t, IrNode *v) {
  Arena *a = A(c);
  t = type_resolve(t);
  switch (t->kind) {
  case T_STRING:
    return mode == SHOW_DISPLAY ? v : ir_call_rt(a, RT_STRING_INSPECT, 1, v);
  case T_INT:
    return ir_call_rt(a, RT_INT_TO_STRING, 1, v);
  case T_FLOAT:
    return ir_call_rt(a, RT_FLOAT_TO_STRING, 1, v);
  case T_BOOL:
    return ir_call_rt(a, RT_BOOL_TO_STRING, 1, v);
  case T_UNIT:
  case T_VAR:
  case T_NEVER:
    return after(c, v, NULL, ir_call_rt(a, RT_UNIT_TO_STRING, 0));
  default:
    return call1(c, helper_fn(c->L, mode == SHOW_DISPLAY ? HELPER_DISPLAY : HELPER_DEBUG, t), v);
  }
}

/* ---------------------------------------------------------------- eq */

static IrNode *and2(FnCtx *c, IrNode *x, IrNode *y) {
  if (!x) return y;
  return ir_if(A(c), x, y, ir_int(A(c), 0));
}

static IrNode *fields_eq(FnCtx *c, Type **ft, int nf) {
  Arena *a = A(c);
  IrNode *cond = NULL;
  for (int i = 0; i < nf; i++)
    cond = and2(c, cond,
                lower_eq(c, ft[i], ir_field(a, ir_var(a, 0), i), ir_field(a, ir_var(a, 1), i)));
  return cond ? cond : ir_int(a, 1);
}

static IrNode *eq_body(FnCtx *c, Type *t) {
  Arena *a = A(c);
  if (is_list(t))
    return ir_call_rt(a, RT_LIST_EQ, 3, ir_var(a, 0), ir_var(a, 1),
                      addr(c, helper_fn(c->L, HELPER_EQ, t->args[0])));
  if (t->kind == T_TUPLE) return fields_eq(c, t->args, t->nargs);
  if (is_struct(t)) {
    int nf = 0;
    Type **ft = struct_field_types(c->L, t, &nf);
    return fields_eq(c, ft, nf);
  }
  SumDecl *sd = sum_of(t);
  if (sd) {
    IrNode *sw = variant_switch(c, t, sd, 0);
    for (int k = 0; k < sd->variants.len; k++) {
      int nf = 0;
      Type **ft = variant_field_types(c->L, t, sd->variants.items[k], &nf);
      ir_add_kid(a, sw, fields_eq(c, ft, nf));
    }
    ir_add_kid(a, sw, ir_int(a, 1));
    IrNode *same =
        ir_bin(a, IB_IEQ, lower_tag(c->L, t, ir_var(a, 0)), lower_tag(c->L, t, ir_var(a, 1)), 0);
    return ir_if(a, same, sw, ir_int(a, 0));
  }
  if (t->kind == T_CON && t->con == TC_JSON) /* structural (runtime/data) */
    return ir_call_rt(a, RT_JSON_EQ, 2, ir_var(a, 0), ir_var(a, 1));
  return ir_bin(a, IB_IEQ, ir_var(a, 0), ir_var(a, 1), 0); /* unspecified: identity */
}

IrNode *lower_eq(FnCtx *c, Type *t, IrNode *x, IrNode *y) {
  Arena *a = A(c);
  t = type_resolve(t);
  switch (t->kind) {
  case T_INT:
  case T_BOOL:
    return ir_bin(a, IB_IEQ, x, y, 0);
  case T_FLOAT:
    return ir_bin(a, IB_FEQ, x, y, 0);
  case T_STRING:
    return ir_call_rt(a, RT_STRING_EQ, 2, x, y);
  case T_UNIT:
  case T_VAR:
  case T_NEVER:
    return after(c, x, y, ir_int(a, 1));
  default:
    return call2(c, helper_fn(c->L, HELPER_EQ, t), x, y);
  }
}

/* ---------------------------------------------------------------- cmp */

/* Lexicographic over fields: first nonzero comparison decides. */
static IrNode *fields_cmp(FnCtx *c, Type **ft, int nf) {
  Arena *a = A(c);
  if (nf == 0) return ir_int(a, 0);
  IrNode *rest = lower_cmp(c, ft[nf - 1], ir_field(a, ir_var(a, 0), nf - 1),
                           ir_field(a, ir_var(a, 1), nf - 1));
  for (int i = nf - 2; i >= 0; i--) {
    int slot = ir_new_slot(a, c->f, "c");
    IrNode *s = ir_seq(a);
    ir_add_kid(
        a, s,
        ir_set(a, slot,
               lower_cmp(c, ft[i], ir_field(a, ir_var(a, 0), i), ir_field(a, ir_var(a, 1), i))));
    ir_add_kid(
        a, s, ir_if(a, ir_bin(a, IB_INE, ir_var(a, slot), ir_int(a, 0), 0), ir_var(a, slot), rest));
    rest = s;
  }
  return rest;
}

static IrNode *three_way(FnCtx *c, IrBinOp lt, IrBinOp eq) {
  Arena *a = A(c);
  IrNode *is_lt = ir_bin(a, lt, ir_var(a, 0), ir_var(a, 1), 0);
  IrNode *is_eq = ir_bin(a, eq, ir_var(a, 0), ir_var(a, 1), 0);
  return ir_if(a, is_lt, ir_int(a, -1), ir_if(a, is_eq, ir_int(a, 0), ir_int(a, 1)));
}

static IrNode *cmp_body(FnCtx *c, Type *t) {
  Arena *a = A(c);
  switch (t->kind) {
  case T_INT:
  case T_BOOL:
    return three_way(c, IB_ILT, IB_IEQ);
  case T_FLOAT:
    return three_way(c, IB_FLT, IB_FEQ); /* NaN: Greater */
  case T_STRING:
    return ir_call_rt(a, RT_STRING_CMP, 2, ir_var(a, 0), ir_var(a, 1));
  case T_TUPLE:
    return fields_cmp(c, t->args, t->nargs);
  default:
    break;
  }
  if (is_list(t))
    return ir_call_rt(a, RT_LIST_CMP, 3, ir_var(a, 0), ir_var(a, 1),
                      addr(c, helper_fn(c->L, HELPER_CMP, t->args[0])));
  if (is_struct(t)) {
    int nf = 0;
    Type **ft = struct_field_types(c->L, t, &nf);
    return fields_cmp(c, ft, nf);
  }
  SumDecl *sd = sum_of(t);
  if (sd) {
    int ta = ir_new_slot(a, c->f, "ta"), tb = ir_new_slot(a, c->f, "tb");
    IrNode *sw = variant_switch(c, t, sd, 0);
    for (int k = 0; k < sd->variants.len; k++) {
      int nf = 0;
      Type **ft = variant_field_types(c->L, t, sd->variants.items[k], &nf);
      ir_add_kid(a, sw, fields_cmp(c, ft, nf));
    }
    ir_add_kid(a, sw, ir_int(a, 0));
    IrNode *s = ir_seq(a);
    ir_add_kid(a, s, ir_set(a, ta, lower_tag(c->L, t, ir_var(a, 0))));
    ir_add_kid(a, s, ir_set(a, tb, lower_tag(c->L, t, ir_var(a, 1))));
    IrNode *differ = ir_bin(a, IB_INE, ir_var(a, ta), ir_var(a, tb), 0);
    IrNode *order =
        ir_if(a, ir_bin(a, IB_ILT, ir_var(a, ta), ir_var(a, tb), 0), ir_int(a, -1), ir_int(a, 1));
    ir_add_kid(a, s, ir_if(a, differ, order, sw));
    return s;
  }
  return ir_int(a, 0);
}

IrNode *lower_cmp(FnCtx *c, Type *t, IrNode *x, IrNode *y) {
  t = type_resolve(t);
  if (t->kind == T_STRING) return ir_call_rt(A(c), RT_STRING_CMP, 2, x, y);
  if (t->kind == T_UNIT || t->kind == T_VAR || t->kind == T_NEVER)
    return after(c, x, y, ir_int(A(c), 0));
  return call2(c, helper_fn(c->L, HELPER_CMP, t), x, y);
}

/* ---------------------------------------------------------------- hash */

/* hash(f0), then combine(h, hash(fi)) for each further field (§6.14). */
static IrNode *fields_hash(FnCtx *c, IrNode *start, Type **ft, int nf) {
  Arena *a = A(c);
  IrNode *h = start;
  for (int i = 0; i < nf; i++) {
    IrNode *fh = lower_hash(c, ft[i], ir_field(a, ir_var(a, 0), i));
    h = h ? ir_call_rt(a, RT_HASH_COMBINE, 2, h, fh) : fh;
  }
  return h ? h : ir_int(a, FNV_OFFSET_BASIS);
}

static IrNode *hash_body(FnCtx *c, Type *t) {
  Arena *a = A(c);
  if (t->kind == T_TUPLE) return fields_hash(c, NULL, t->args, t->nargs);
  if (is_struct(t)) {
    int nf = 0;
    Type **ft = struct_field_types(c->L, t, &nf);
    return fields_hash(c, NULL, ft, nf);
  }
  SumDecl *sd = sum_of(t);
  if (sd) {
    IrNode *sw = variant_switch(c, t, sd, 0);
    for (int k = 0; k < sd->variants.len; k++) {
      Variant *var = sd->variants.items[k];
      int nf = 0;
      Type **ft = variant_field_types(c->L, t, var, &nf);
      IrNode *start = ir_call_rt(a, RT_HASH_INT, 1, ir_int(a, var->index));
      ir_add_kid(a, sw, fields_hash(c, start, ft, nf));
    }
    ir_add_kid(a, sw, ir_int(a, FNV_OFFSET_BASIS));
    return sw;
  }
  if (is_list(t)) /* unspecified by §6.14; consistent with equality */
    return ir_call_rt(a, RT_HASH_INT, 1, ir_call_rt(a, RT_LIST_LENGTH, 1, ir_var(a, 0)));
  if (t->kind == T_CON && t->con == TC_JSON) return ir_call_rt(a, RT_JSON_HASH, 1, ir_var(a, 0));
  return ir_int(a, FNV_OFFSET_BASIS);
}

IrNode *lower_hash(FnCtx *c, Type *t, IrNode *v) {
  Arena *a = A(c);
  t = type_resolve(t);
  switch (t->kind) {
  case T_INT:
    return ir_call_rt(a, RT_HASH_INT, 1, v);
  case T_FLOAT:
    return ir_call_rt(a, RT_HASH_FLOAT, 1, v);
  case T_BOOL:
    return ir_call_rt(a, RT_HASH_BOOL, 1, v);
  case T_STRING:
    return ir_call_rt(a, RT_HASH_STRING, 1, v);
  case T_UNIT:
  case T_VAR:
  case T_NEVER:
    return after(c, v, NULL, ir_int(a, FNV_OFFSET_BASIS));
  default:
    return call1(c, helper_fn(c->L, HELPER_HASH, t), v);
  }
}

/* ---------------------------------------------------------------- cache */

static const char *const helper_names[] = {"display", "debug", "eq", "cmp", "hash"};

IrFunc *helper_fn(Lower *L, HelperKind kind, Type *t) {
  t = type_resolve(t);
  const char *tk = type_key(L, t);
  const char *key = arena_printf(L->a, "%s<%s>", helper_names[kind], tk);
  IrFunc *f = lower_cache_get(L, key);
  if (f) return f;
  int nparams = kind == HELPER_EQ || kind == HELPER_CMP ? 2 : 1;
  f = ir_func_new(L->a, L->m, key, nparams, false);
  f->sig = arena_printf(L->a, "%s helper for %s", helper_names[kind], tk);
  lower_cache_put(L, key, f); /* before the body: recursive types refer to it */
  FnCtx c = fnctx_new(L, f, (MonoEnv){0}, NULL);
  Arena *a = L->a;
  IrNode *user = lower_user_helper(&c, kind, t); /* a user impl replaces the derived one */
  if (user) {
    f->body = user;
    return f;
  }
  IrNode *proc = lower_process_helper(&c, kind, t); /* Pid, ExitReason (lower_actors.c) */
  if (proc) {
    f->body = proc;
    return f;
  }
  switch (kind) {
  case HELPER_DISPLAY:
  case HELPER_DEBUG: {
    ShowMode mode = kind == HELPER_DISPLAY ? SHOW_DISPLAY : SHOW_DEBUG;
    switch (t->kind) { /* scalars, needed as runtime callbacks */
    case T_STRING:
    case T_INT:
    case T_FLOAT:
    case T_BOOL:
    case T_UNIT:
    case T_VAR:
    case T_NEVER:
      f->body = lower_show(&c, mode, t, ir_var(a, 0));
      break;
    default:
      f->body = show_body(&c, mode, t);
      break;
    }
    break;
  }
  case HELPER_EQ:
    switch (t->kind) {
    case T_INT:
    case T_BOOL:
    case T_FLOAT:
    case T_STRING:
    case T_UNIT:
    case T_VAR:
    case T_NEVER:
      f->body = lower_eq(&c, t, ir_var(a, 0), ir_var(a, 1));
      break;
    default:
      f->body = eq_body(&c, t);
      break;
    }
    break;
  case HELPER_CMP:
    f->body = cmp_body(&c, t);
    break;
  case HELPER_HASH:
    switch (t->kind) {
    case T_INT:
    case T_BOOL:
    case T_FLOAT:
    case T_STRING:
    case T_UNIT:
    case T_VAR:
    case T_NEVER:
      f->body = lower_hash(&c, t, ir_var(a, 0));
      break;
    default:
      f->body = hash_body(&c, t);
      break;
    }
    break;
  }
  return f;
}
