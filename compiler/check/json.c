/* json.c — the checker's part of JSON (web-data-dist.md §1.3, §1.6):
 * JSON-serializable types, E0038 for `deriving(Json)` fields and for
 * `Json.encode` of other types, E0046 for `T.from_json` / `T.from_json_value`
 * whose type arguments stay undetermined, and the names `deriving(Json)`
 * provides (`v.to_json()`, `T.from_json`, `T.from_json_value`), typed through
 * the internal builtins BI_JSON_TO_JSON / _FROM_JSON / _FROM_JSON_VALUE. */
#include <string.h>

#include "../common/builtins.h"
#include "check_internal.h"

static unsigned derives_of(Type *t) {
  if (t->con == TC_STRUCT) return t->struct_decl ? t->struct_decl->derives : 0;
  if (t->con == TC_SUM) return t->sum_decl ? t->sum_decl->derives : 0;
  return 0;
}

bool json_serializable(Type *t, int depth) {
  t = type_resolve(t);
  if (!t || depth > 64) return false;
  switch (t->kind) {
  case T_INT:
  case T_FLOAT:
  case T_BOOL:
  case T_STRING:
    return true;
  case T_VAR:
    return true; /* a type parameter (checked per instantiation) or not yet known */
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
    return t->nargs == 1 && json_serializable(t->args[0], depth + 1);
  case TC_MAP: {
    if (t->nargs != 2) return false;
    Type *k = type_resolve(t->args[0]);
    return k && k->kind == T_STRING && json_serializable(t->args[1], depth + 1);
  }
  case TC_STRUCT:
  case TC_SUM:
    return (derives_of(t) & DERIVE_JSON) != 0;
  default:
    return false;
  }
}

static void report_field(Checker *c, const char *field, Type *ft, Span span) {
  const char *ts = tstr(c, ft);
  Diagnostic *d = diag_error(c->dc, "E0038", c->mod->file, span,
                             arena_printf(c->a, "`%s` is not serializable", ts),
                             "field `%s` of type `%s` is not JSON-serializable", field, ts);
  diag_set_help(c->dc, d,
                "type `%s` does not derive Json; add `deriving(Json)` to its definition, or use a "
                "serializable type (Int, Float, Bool, String, Option<T>, List<T>, Map<String, V>)",
                ts);
}

void json_check_derives(Checker *c, Module *m) {
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    int errors = 0;
    if (it->kind == ITEM_STRUCT && (it->struct_decl->derives & DERIVE_JSON)) {
      StructDecl *s = it->struct_decl;
      for (int k = 0; k < s->fields.len; k++) {
        if (!s->field_types || json_serializable(s->field_types[k], 0)) continue;
        FieldDecl *fd = &s->fields.items[k];
        report_field(c, fd->name.text, s->field_types[k], fd->type ? fd->type->span : fd->span);
        errors++;
      }
      if (errors) s->derives &= ~(unsigned)DERIVE_JSON; /* no impl for it (§1.6.2) */
    } else if (it->kind == ITEM_SUM && (it->sum->derives & DERIVE_JSON)) {
      SumDecl *s = it->sum;
      for (int v = 0; v < s->variants.len; v++) {
        Variant *var = s->variants.items[v];
        for (int k = 0; k < var->fields.len; k++) {
          if (!var->field_types || json_serializable(var->field_types[k], 0)) continue;
          VariantField *vf = &var->fields.items[k];
          const char *name = vf->name.text ? arena_printf(c->a, "%s::%s", var->name.text, vf->name.text)
                                           : arena_printf(c->a, "%s::%d", var->name.text, k);
          report_field(c, name, var->field_types[k], vf->type ? vf->type->span : var->span);
          errors++;
        }
      }
      if (errors) s->derives &= ~(unsigned)DERIVE_JSON;
    }
  }
}

/* `T.from_json` / `T.from_json_value` on a type deriving Json. */
bool json_qualified(Checker *c, Expr *f, const char *tn, const char *m, Type **out) {
  bool value = !strcmp(m, "from_json_value");
  if (!value && strcmp(m, "from_json")) return false;
  StructDecl *sd = lookup_struct(c, tn);
  SumDecl *su = sd ? NULL : lookup_sum(c, tn);
  if (!(sd && (sd->derives & DERIVE_JSON)) && !(su && (su->derives & DERIVE_JSON))) return false;
  int id = value ? BI_JSON_FROM_JSON_VALUE : BI_JSON_FROM_JSON;
  f->ref.kind = REF_BUILTIN;
  f->ref.builtin = id;
  Type *ft = instantiate(c, builtin_scheme(c, id), &f->ref.inst, &f->ref.ninst);
  Type **args;
  Type *target = sd ? instantiate_struct(c, sd, &args) : instantiate_sum(c, su, &args);
  UnifyError ue;
  unify(c, f->ref.inst[0], target, &ue); /* a fresh variable: cannot fail */
  *out = ft;
  return true;
}

int json_method(Checker *c, Type *recv, const char *m) {
  (void)c;
  if (strcmp(m, "to_json")) return -1;
  Type *t = type_resolve(recv);
  if (t && t->kind == T_CON && (derives_of(t) & DERIVE_JSON)) return BI_JSON_TO_JSON;
  return -1;
}

/* A field of an instantiation of a generic type deriving Json whose type,
 * with the type arguments substituted, is not serializable (§1.10); the
 * search descends into serializable containers and instantiations. */
static bool bad_instance_field(Checker *c, Type *t, int depth, const char **field, Type **ftype) {
  t = type_resolve(t);
  if (!t || t->kind != T_CON || depth > 32) return false;
  if (t->con == TC_OPTION || t->con == TC_LIST || t->con == TC_MAP) {
    for (int i = 0; i < t->nargs; i++)
      if (bad_instance_field(c, t->args[i], depth + 1, field, ftype)) return true;
    return false;
  }
  if (t->con != TC_STRUCT && t->con != TC_SUM) return false;
  if (!(derives_of(t) & DERIVE_JSON) || t->nargs == 0) return false;
  if (t->con == TC_STRUCT) {
    StructDecl *sd = t->struct_decl;
    if (!sd->generic_vars || !sd->field_types || sd->generics.len != t->nargs) return false;
    for (int k = 0; k < sd->fields.len; k++) {
      Type *ft = type_subst(c->a, sd->field_types[k], sd->generic_vars, t->args, t->nargs, false);
      if (!json_serializable(ft, 0)) {
        *field = sd->fields.items[k].name.text;
        *ftype = ft;
        return true;
      }
      if (bad_instance_field(c, ft, depth + 1, field, ftype)) return true;
    }
    return false;
  }
  SumDecl *su = t->sum_decl;
  if (!su->generic_vars || su->generics.len != t->nargs) return false;
  for (int v = 0; v < su->variants.len; v++) {
    Variant *var = su->variants.items[v];
    for (int k = 0; var->field_types && k < var->fields.len; k++) {
      Type *ft = type_subst(c->a, var->field_types[k], su->generic_vars, t->args, t->nargs, false);
      if (!json_serializable(ft, 0)) {
        VariantField *vf = &var->fields.items[k];
        *field = vf->name.text ? arena_printf(c->a, "%s::%s", var->name.text, vf->name.text)
                               : arena_printf(c->a, "%s::%d", var->name.text, k);
        *ftype = ft;
        return true;
      }
      if (bad_instance_field(c, ft, depth + 1, field, ftype)) return true;
    }
  }
  return false;
}

void json_check_ref(Checker *c, Expr *e) {
  if (e->ref.kind != REF_BUILTIN || e->ref.ninst < 1) return;
  int b = e->ref.builtin;
  if (b == BI_JSON_ENCODE_ANY || b == BI_JSON_TO_JSON || b == BI_JSON_FROM_JSON ||
      b == BI_JSON_FROM_JSON_VALUE) {
    const char *field = NULL;
    Type *ft = NULL;
    if (bad_instance_field(c, e->ref.inst[0], 0, &field, &ft)) {
      report_field(c, field, ft, e->span);
      return;
    }
  }
  if (b == BI_JSON_ENCODE_ANY) {
    Type *t = e->ref.inst[0];
    if (json_serializable(t, 0)) return;
    const char *ts = tstr(c, t);
    Diagnostic *d = diag_error(c->dc, "E0038", c->mod->file, e->span,
                               arena_printf(c->a, "`%s` is not serializable", ts),
                               "type `%s` is not JSON-serializable", ts);
    diag_set_help(c->dc, d,
                  "type `%s` does not derive Json; add `deriving(Json)` to its definition, or use "
                  "a serializable type (Int, Float, Bool, String, Option<T>, List<T>, Map<String, "
                  "V>)",
                  ts);
  } else if (b == BI_JSON_FROM_JSON || b == BI_JSON_FROM_JSON_VALUE) {
    if (!type_has_unbound(c, e->ref.inst[0])) return;
    diag_error(c->dc, "E0046", c->mod->file, e->span, "type annotation needed",
               "cannot infer type: %s is not determined here", tstr(c, e->ref.inst[0]));
  }
}
