/* rows.c — the checker's part of `deriving(Row)` (language.md §5.10, §8.4;
 * web-data-dist.md: `T.from_row`): a struct deriving Row may only have
 * fields of type Int, Float, Bool, String or Option of those; any other
 * field type is E0039, one per field (and then no `from_row` exists).
 * `T.from_row` is typed through the internal builtin BI_ROW_FROM_ROW
 * (lowered by compiler/ir/lower_rows.c). */
#include <string.h>

#include "../common/builtins.h"
#include "check_internal.h"

static bool row_scalar(Type *t) {
  t = type_resolve(t);
  return t && (t->kind == T_INT || t->kind == T_FLOAT || t->kind == T_BOOL || t->kind == T_STRING);
}

static bool row_mappable(Type *t) {
  Type *r = type_resolve(t);
  if (r && r->kind == T_CON && r->con == TC_OPTION && r->nargs == 1) return row_scalar(r->args[0]);
  return row_scalar(r);
}

void rows_check_derives(Checker *c, Module *m) {
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    if (it->kind != ITEM_STRUCT || !(it->struct_decl->derives & DERIVE_ROW)) continue;
    StructDecl *s = it->struct_decl;
    int errors = 0;
    for (int k = 0; k < s->fields.len && s->field_types; k++) {
      if (row_mappable(s->field_types[k])) continue;
      FieldDecl *fd = &s->fields.items[k];
      const char *ts = tstr(c, s->field_types[k]);
      Diagnostic *d = diag_error(
          c->dc, "E0039", c->mod->file, fd->type ? fd->type->span : fd->span,
          arena_printf(c->a, "`%s` is not row-mappable", ts),
          "field `%s` has type `%s` which cannot be mapped from a database row", fd->name.text, ts);
      diag_set_help(c->dc, d,
                    "only Int, Float, Bool, String, and Option<T> fields are supported for "
                    "deriving(Row)");
      errors++;
    }
    if (errors) s->derives &= ~(unsigned)DERIVE_ROW; /* no from_row is generated */
  }
}

bool rows_qualified(Checker *c, Expr *f, const char *tn, const char *m, Type **out) {
  if (strcmp(m, "from_row")) return false;
  StructDecl *sd = lookup_struct(c, tn);
  if (!sd || !(sd->derives & DERIVE_ROW)) return false;
  f->ref.kind = REF_BUILTIN;
  f->ref.builtin = BI_ROW_FROM_ROW;
  Type *ft = instantiate(c, builtin_scheme(c, BI_ROW_FROM_ROW), &f->ref.inst, &f->ref.ninst);
  Type **args;
  Type *target = instantiate_struct(c, sd, &args);
  UnifyError ue;
  unify(c, f->ref.inst[0], target, &ue); /* a fresh variable: cannot fail */
  *out = ft;
  return true;
}
