/* lower_json.c — conversion of typed values to Json trees (web-data-dist.md
 * §1.7), used by `Json.encode(v)` and `v.to_json()`: one generated helper
 * function `to_json<T>` per type (also usable as the runtime callback
 * SnowToJsonFn), like the show/eq/hash helpers of lower_helpers.c.
 *
 * Int, Float, Bool, String become the matching Json kinds; Json is itself;
 * Option is null or its payload; List is an array; a struct is an object
 * with one member per field (the runtime sorts the keys); a sum-type value is
 * {"fields":[...],"tag":"Variant"}; Map<String, V> is an object. For other
 * types lower_to_json returns NULL and the caller reports the call as not
 * supported by code generation (the checker has rejected them: E0038). */
#include <string.h>

#include "../check/check.h"
#include "lower.h"

static IrNode *str(Arena *a, const char *s) { return ir_string(a, s, (uint32_t)strlen(s)); }

/* ("key", json) tuple, as Json.object takes them. */
static IrNode *member(Arena *a, const char *key, IrNode *json) {
  IrNode *r = ir_node(a, IR_RECORD, 0);
  r->ival = 0;
  r->ptrmap = 3;
  ir_add_kid(a, r, str(a, key));
  ir_add_kid(a, r, json);
  return r;
}

static IrNode *new_list(Arena *a) {
  IrNode *l = ir_node(a, IR_LIST, 0);
  l->ival = 1;
  return l;
}

static IrFunc *to_json_fn(Lower *L, Type *t);

/* Whether to_json_fn can build a body for t, fields included (checked before
 * any helper is generated). `open` holds the declarations being checked, so
 * recursive types terminate. */
static bool convertible(Lower *L, Type *t, const void **open, int nopen) {
  t = type_resolve(t);
  if (!t || nopen >= 64) return false;
  switch (t->kind) {
  case T_INT:
  case T_FLOAT:
  case T_BOOL:
  case T_STRING:
    return true;
  case T_CON:
    break;
  default:
    return false;
  }
  switch (t->con) {
  case TC_JSON:
    return true;
  case TC_OPTION:
  case TC_LIST:
    return t->nargs == 1 && convertible(L, t->args[0], open, nopen);
  case TC_MAP: {
    Type *k = t->nargs == 2 ? type_resolve(t->args[0]) : NULL;
    return k && k->kind == T_STRING && convertible(L, t->args[1], open, nopen);
  }
  case TC_STRUCT:
  case TC_SUM: {
    const void *decl = t->con == TC_STRUCT ? (const void *)t->struct_decl : (const void *)t->sum_decl;
    unsigned derives = t->con == TC_STRUCT ? (t->struct_decl ? t->struct_decl->derives : 0)
                                           : (t->sum_decl ? t->sum_decl->derives : 0);
    if (!decl || !(derives & DERIVE_JSON)) return false;
    for (int i = 0; i < nopen; i++)
      if (open[i] == decl) return true;
    open[nopen++] = decl;
    int nf = 0;
    if (t->con == TC_STRUCT) {
      Type **ft = struct_field_types(L, t, &nf);
      for (int i = 0; i < nf; i++)
        if (!convertible(L, ft[i], open, nopen)) return false;
      return true;
    }
    for (int k = 0; k < t->sum_decl->variants.len; k++) {
      Type **ft = variant_field_types(L, t, t->sum_decl->variants.items[k], &nf);
      for (int i = 0; i < nf; i++)
        if (!convertible(L, ft[i], open, nopen)) return false;
    }
    return true;
  }
  default:
    return false;
  }
}

static IrNode *convert(FnCtx *c, Type *t, IrNode *v) {
  Arena *a = c->L->a;
  t = type_resolve(t);
  switch (t->kind) {
  case T_INT: return ir_call_rt(a, RT_JSON_FROM_INT, 1, v);
  case T_FLOAT: return ir_call_rt(a, RT_JSON_FROM_FLOAT, 1, v);
  case T_BOOL: return ir_call_rt(a, RT_JSON_FROM_BOOL, 1, v);
  case T_STRING: return ir_call_rt(a, RT_JSON_FROM_STRING, 1, v);
  default: break;
  }
  if (t->kind == T_CON && t->con == TC_JSON) return v;
  IrNode *call = ir_node(a, IR_CALL, 0);
  call->fn = to_json_fn(c->L, t);
  ir_add_kid(a, call, v);
  return call;
}

static IrNode *variant_fields_array(FnCtx *c, Type *t, Variant *var) {
  Arena *a = c->L->a;
  int nf = 0;
  Type **ft = variant_field_types(c->L, t, var, &nf);
  IrNode *items = new_list(a);
  for (int i = 0; i < nf; i++) ir_add_kid(a, items, convert(c, ft[i], ir_field(a, ir_var(a, 0), i)));
  IrNode *members = new_list(a);
  ir_add_kid(a, members, member(a, "fields", ir_call_rt(a, RT_JSON_ARRAY, 1, items)));
  ir_add_kid(a, members, member(a, "tag", ir_call_rt(a, RT_JSON_FROM_STRING, 1, str(a, var->name.text))));
  return ir_call_rt(a, RT_JSON_OBJECT, 1, members);
}

static IrNode *to_json_body(FnCtx *c, Type *t) {
  Arena *a = c->L->a;
  IrNode *v = ir_var(a, 0);
  switch (t->kind) {
  case T_INT:
  case T_FLOAT:
  case T_BOOL:
  case T_STRING:
    return convert(c, t, v);
  default:
    break;
  }
  if (t->con == TC_JSON) return v;
  if (t->con == TC_LIST) {
    Type *et = type_resolve(t->args[0]);
    if (et->kind == T_CON && et->con == TC_JSON) return ir_call_rt(a, RT_JSON_ARRAY, 1, v);
    IrNode *fn = ir_node(a, IR_FUNC_ADDR, 0);
    fn->fn = to_json_fn(c->L, et);
    return ir_call_rt(a, RT_JSON_ARRAY_MAP, 2, v, fn);
  }
  if (t->con == TC_MAP) {
    IrNode *fn = ir_node(a, IR_FUNC_ADDR, 0);
    fn->fn = to_json_fn(c->L, type_resolve(t->args[1]));
    return ir_call_rt(a, RT_JSON_OBJECT_FROM_MAP, 2, v, fn);
  }
  if (t->con == TC_STRUCT) {
    int nf = 0;
    Type **ft = struct_field_types(c->L, t, &nf);
    IrNode *members = new_list(a);
    for (int i = 0; i < nf; i++)
      ir_add_kid(a, members,
                 member(a, t->struct_decl->fields.items[i].name.text, convert(c, ft[i], ir_field(a, v, i))));
    return ir_call_rt(a, RT_JSON_OBJECT, 1, members);
  }
  SumDecl *sd = t->con == TC_OPTION ? check_builtin_sum(TC_OPTION) : t->sum_decl;
  IrNode *sw = ir_node(a, IR_SWITCH, 0);
  ir_add_kid(a, sw, lower_tag(c->L, t, ir_var(a, 0)));
  sw->ncases = sd->variants.len;
  sw->cases = ARENA_ARRAY(a, int64_t, sw->ncases ? sw->ncases : 1);
  for (int k = 0; k < sd->variants.len; k++) {
    Variant *var = sd->variants.items[k];
    sw->cases[k] = var->index;
    if (t->con == TC_OPTION) {
      if (var->fields.len == 0) ir_add_kid(a, sw, ir_call_rt(a, RT_JSON_NULL, 0));
      else ir_add_kid(a, sw, convert(c, t->args[0], ir_field(a, ir_var(a, 0), 0)));
    } else {
      ir_add_kid(a, sw, variant_fields_array(c, t, var));
    }
  }
  ir_add_kid(a, sw, ir_call_rt(a, RT_JSON_NULL, 0));
  return sw;
}

static IrFunc *to_json_fn(Lower *L, Type *t) {
  t = type_resolve(t);
  const char *key = arena_printf(L->a, "to_json<%s>", type_key(L, t));
  IrFunc *f = lower_cache_get(L, key);
  if (f) return f;
  f = ir_func_new(L->a, L->m, key, 1, false);
  f->sig = arena_printf(L->a, "to_json helper for %s", type_key(L, t));
  lower_cache_put(L, key, f); /* before the body: recursive types refer to it */
  FnCtx c = fnctx_new(L, f, (MonoEnv){0}, NULL);
  f->body = to_json_body(&c, t);
  return f;
}

IrNode *lower_to_json(FnCtx *c, Type *t, IrNode *v) {
  const void *open[64];
  if (!convertible(c->L, t, open, 0)) return NULL;
  return convert(c, t, v);
}

/* ---------------------------------------------------------------- decoding
 * `from_json<T>(j) -> Result<T, String>` helpers (web-data-dist.md §1.8-§1.9),
 * also usable as the runtime callback SnowFromJsonFn. The run-time steps
 * with their error strings live in runtime/data/json_decode.c; the helpers
 * sequence them and stop at the first Err (returned unchanged: every Err
 * has the same layout whatever the Ok type). */

static IrFunc *from_json_fn(Lower *L, Type *t);


/* slot = value; if it is an Err, return it from the helper. */
static void step(FnCtx *c, IrNode *seq, int slot, IrNode *value) {
  Arena *a = c->L->a;
  ir_add_kid(a, seq, ir_set(a, slot, value));
  ir_add_kid(a, seq, ir_if(a, ir_is_err(a, slot), ir_return(a, ir_var(a, slot)), ir_unit(a)));
}

static IrNode *fn_addr(Arena *a, IrFunc *f) {
  IrNode *n = ir_node(a, IR_FUNC_ADDR, 0);
  n->fn = f;
  return n;
}

static bool is_option(Type *t) {
  t = type_resolve(t);
  return t && t->kind == T_CON && t->con == TC_OPTION;
}

static IrNode *from_json_body(FnCtx *c, Type *t) {
  Arena *a = c->L->a;
  IrNode *j = ir_var(a, 0);
  switch (t->kind) {
  case T_INT: return ir_call_rt(a, RT_JSON_DECODE_INT, 1, j);
  case T_FLOAT: return ir_call_rt(a, RT_JSON_DECODE_FLOAT, 1, j);
  case T_BOOL: return ir_call_rt(a, RT_JSON_DECODE_BOOL, 1, j);
  case T_STRING: return ir_call_rt(a, RT_JSON_DECODE_STRING, 1, j);
  default: break;
  }
  if (t->con == TC_JSON) return ir_record1(a, 0, true, j);
  if (t->con == TC_LIST) {
    Type *et = type_resolve(t->args[0]);
    return ir_call_rt(a, RT_JSON_DECODE_LIST, 3, j, fn_addr(a, from_json_fn(c->L, et)),
                      ir_int(a, type_is_ptr(et)));
  }
  if (t->con == TC_MAP)
    return ir_call_rt(a, RT_JSON_DECODE_MAP, 5, j, fn_addr(a, from_json_fn(c->L, type_resolve(t->args[1]))),
                      ir_int(a, lower_map_flags(t)), lower_map_eq_fn(c, t), lower_map_hash_fn(c, t));
  IrNode *seq = ir_seq(a);
  if (t->con == TC_OPTION) {
    Type *et = type_resolve(t->args[0]);
    int r = ir_new_slot(a, c->f, "r");
    IrNode *none = ir_record1(a, 0, true, ir_int(a, 1));
    IrNode *call = ir_node(a, IR_CALL, 0);
    call->fn = from_json_fn(c->L, et);
    ir_add_kid(a, call, ir_var(a, 0));
    IrNode *some_seq = ir_seq(a);
    step(c, some_seq, r, call);
    ir_add_kid(a, some_seq,
               ir_record1(a, 0, true, ir_record1(a, 0, type_is_ptr(et), ir_field(a, ir_var(a, r), 0))));
    return ir_if(a, ir_call_rt(a, RT_JSON_IS_NULL, 1, ir_var(a, 0)), none, some_seq);
  }
  if (t->con == TC_STRUCT) {
    int nf = 0;
    Type **ft = struct_field_types(c->L, t, &nf);
    step(c, seq, ir_new_slot(a, c->f, "obj"), ir_call_rt(a, RT_JSON_EXPECT_OBJECT, 1, j));
    IrNode *rec = ir_node(a, IR_RECORD, 0);
    rec->ptrmap = ptrmap_of(ft, nf);
    for (int i = 0; i < nf; i++) { /* declaration order (§1.8) */
      int slot = ir_new_slot(a, c->f, "f");
      step(c, seq, slot,
           ir_call_rt(a, RT_JSON_DECODE_FIELD, 4, ir_var(a, 0),
                      str(a, t->struct_decl->fields.items[i].name.text),
                      fn_addr(a, from_json_fn(c->L, ft[i])), ir_int(a, is_option(ft[i]))));
      ir_add_kid(a, rec, ir_field(a, ir_var(a, slot), 0));
    }
    ir_add_kid(a, seq, ir_record1(a, 0, true, rec));
    return seq;
  }
  /* sum type: the tag selects the variant, "fields" holds its payload */
  SumDecl *sd = t->sum_decl;
  IrNode *names = new_list(a);
  for (int k = 0; k < sd->variants.len; k++) ir_add_kid(a, names, str(a, sd->variants.items[k]->name.text));
  int idx = ir_new_slot(a, c->f, "variant");
  step(c, seq, idx, ir_call_rt(a, RT_JSON_VARIANT_INDEX, 3, ir_var(a, 0), str(a, sd->name.text), names));
  IrNode *sw = ir_node(a, IR_SWITCH, 0);
  ir_add_kid(a, sw, ir_field(a, ir_var(a, idx), 0));
  sw->ncases = sd->variants.len;
  sw->cases = ARENA_ARRAY(a, int64_t, sw->ncases ? sw->ncases : 1);
  for (int k = 0; k < sd->variants.len; k++) {
    Variant *var = sd->variants.items[k];
    sw->cases[k] = k; /* position in `names` */
    int nf = 0;
    Type **ft = variant_field_types(c->L, t, var, &nf);
    IrNode *arm = ir_seq(a);
    IrNode **args = ARENA_ARRAY(a, IrNode *, nf ? nf : 1);
    for (int i = 0; i < nf; i++) {
      int slot = ir_new_slot(a, c->f, "e");
      step(c, arm, slot,
           ir_call_rt(a, RT_JSON_DECODE_ELEMENT, 3, ir_var(a, 0), ir_int(a, i),
                      fn_addr(a, from_json_fn(c->L, ft[i]))));
      args[i] = ir_field(a, ir_var(a, slot), 0);
    }
    ir_add_kid(a, arm, ir_record1(a, 0, true, lower_ctor_apply(c, var, t, args, nf)));
    ir_add_kid(a, sw, arm);
  }
  ir_add_kid(a, sw, ir_var(a, idx)); /* unreachable: the index is in range */
  ir_add_kid(a, seq, sw);
  return seq;
}

static IrFunc *from_json_fn(Lower *L, Type *t) {
  t = type_resolve(t);
  const char *key = arena_printf(L->a, "from_json<%s>", type_key(L, t));
  IrFunc *f = lower_cache_get(L, key);
  if (f) return f;
  f = ir_func_new(L->a, L->m, key, 1, false);
  f->sig = arena_printf(L->a, "from_json helper for %s", type_key(L, t));
  lower_cache_put(L, key, f); /* before the body: recursive types refer to it */
  FnCtx c = fnctx_new(L, f, (MonoEnv){0}, NULL);
  f->body = from_json_body(&c, t);
  return f;
}

IrNode *lower_from_json_value(FnCtx *c, Type *t, IrNode *j) {
  const void *open[64];
  if (!convertible(c->L, t, open, 0)) return NULL;
  IrNode *call = ir_node(c->L->a, IR_CALL, 0);
  call->fn = from_json_fn(c->L, t);
  ir_add_kid(c->L->a, call, j);
  return call;
}

IrNode *lower_from_json(FnCtx *c, Type *t, IrNode *text) {
  Arena *a = c->L->a;
  const void *open[64];
  if (!convertible(c->L, t, open, 0)) return NULL;
  int parsed = ir_new_slot(a, c->f, "parsed");
  IrNode *seq = ir_seq(a);
  ir_add_kid(a, seq, ir_set(a, parsed, ir_call_rt(a, RT_JSON_PARSE, 1, text)));
  IrNode *call = ir_node(a, IR_CALL, 0);
  call->fn = from_json_fn(c->L, t);
  ir_add_kid(a, call, ir_field(a, ir_var(a, parsed), 0));
  ir_add_kid(a, seq, ir_if(a, ir_is_err(a, parsed), ir_var(a, parsed), call));
  return seq;
}
